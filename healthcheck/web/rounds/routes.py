from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from healthcheck.analysis import panel
from healthcheck.exports.wording import code_word as word
from healthcheck.models import PROGRESS_WORDS, IllegalTransition
from healthcheck.services import (
    access,
    cadence,
    csvtools,
    dataset,
    invitations,
    questionnaires,
    reminders,
    rounds,
)
from healthcheck.services.errors import InvalidInput
from healthcheck.web import confirm as asking
from healthcheck.web.rounds import confirmations
from healthcheck.web.rounds.forms import (
    BulkInviteForm,
    ConfirmForm,
    ExtendForm,
    InviteForm,
    RoundForm,
    hands_out,
)
from healthcheck.web.views import attempt, flash_problems, form_status

bp = Blueprint(
    "rounds", __name__, url_prefix="/alliances/<int:alliance_id>/rounds", template_folder="templates"
)
LINKS_CSV_HEADER = ["name", "email", "side", "function", "link"]


@bp.before_request
@login_required
def _require_login():
    return None


@bp.route("/new", methods=["GET", "POST"])
def new(alliance_id: int):
    alliance = access.alliance_for(current_user, alliance_id, edit=True)
    form = RoundForm()
    library = questionnaires.available()
    form.questionnaire.choices = [(q.id, f"{q.title} ({q.ref})") for q in library]
    problems = []
    if form.validate_on_submit():
        chosen = next((q for q in library if q.id == form.questionnaire.data), None)
        outcome = attempt(
            lambda: rounds.create(
                alliance,
                chosen,
                form.label.data,
                form.opens_on.data,
                form.closes_on.data,
                actor=current_user,
                auto_open=form.auto_open.data,
            )
        )
        if outcome.ok:
            return redirect(url_for("rounds.detail", alliance_id=alliance.id, round_id=outcome.value.id))
        problems = outcome.problems
    return render_template("rounds/new.html", alliance=alliance, form=form, problems=problems), form_status()


@bp.route("/<int:round_id>")
def detail(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id)
    return _render_detail(rnd)


def _render_detail(rnd, invite_form=None, bulk_form=None, problems=None, status=200, extend_form=None):
    can_edit = access.can_edit(current_user, rnd.alliance)
    counts = dataset.response_counts([rnd.id], by_function=True)[rnd.id]
    return render_template(
        "rounds/detail.html",
        rnd=rnd,
        alliance=rnd.alliance,
        can_edit=can_edit,
        invitations=invitations.of_round(rnd) if can_edit else [],
        counts=counts,
        mix=panel.invited_mix(counts["A"]["invited_by_function"], counts["B"]["invited_by_function"]),
        function_keys=panel.allowed(),
        standing=rounds.standing(rnd, counts),
        extend_form=extend_form or ExtendForm(closes_on=rnd.closes_on + timedelta(days=7)),
        invite_form=invite_form or InviteForm(),
        bulk_form=bulk_form or BulkInviteForm(),
        confirm=ConfirmForm(),
        problems=problems or [],
        progress_words=PROGRESS_WORDS,
    ), status


def _links(issued) -> list[tuple]:
    """(invitation, link) of each newly issued link, for this one response only: links are
    never kept anywhere (the database holds their hashes), so they are shown or downloaded now."""
    base = request.host_url.rstrip("/")
    return [(i.invitation, f"{base}{url_for('respond.welcome', token=i.token)}") for i in issued]


def _deliver_links(rnd, issued, delivery: str):
    """The page (or CSV download) that hands the manager the links just issued, once."""
    links = _links(issued)
    table = csvtools.write(
        LINKS_CSV_HEADER, [[inv.name, inv.email, inv.side, inv.function, link] for inv, link in links]
    )
    if delivery == "csv":
        name = f"invitation-links-round-{rnd.id}.csv"
        return Response(
            table, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )
    return render_template("rounds/links.html", rnd=rnd, alliance=rnd.alliance, links=links, table=table)


def _back(rnd):
    return redirect(url_for("rounds.detail", alliance_id=rnd.alliance_id, round_id=rnd.id))


@bp.route("/<int:round_id>/invite", methods=["POST"])
def invite(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_detail(rnd, invite_form=form, status=400)
    invitee = invitations.Invitee(
        form.name.data, form.email.data, form.side.data, form.function.data, form.language.data or None
    )
    outcome = attempt(
        lambda: invitations.invite(rnd, [invitee], actor=current_user, hand_out=hands_out(form))
    )
    if not outcome.ok:
        return _render_detail(rnd, invite_form=form, problems=outcome.problems, status=400)
    return _after_invite(rnd, outcome.value, form.delivery.data)


def _after_invite(rnd, issued, delivery: str):
    if delivery != "email":
        return _deliver_links(rnd, issued, delivery)
    if rnd.status == "open":
        message = _("Invited %(n)s: each person gets their own link by email now.", n=len(issued))
    else:
        message = _(
            "Invited %(n)s: each person gets their own link by email when the round opens.", n=len(issued)
        )
    flash(message, "success")
    return _back(rnd)


@bp.route("/<int:round_id>/invite-bulk", methods=["POST"])
def invite_bulk(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    form = BulkInviteForm()
    if not form.validate_on_submit():
        return _render_detail(rnd, bulk_form=form, status=400)
    upload = form.csv_file.data
    raw = upload.read() if upload else (form.csv_text.data or "")
    outcome = attempt(lambda: invitations.invite_csv(rnd, raw, actor=current_user, hand_out=hands_out(form)))
    if not outcome.ok:
        return _render_detail(rnd, bulk_form=form, problems=outcome.problems, status=400)
    return _after_invite(rnd, outcome.value, form.delivery.data)


@bp.route("/<int:round_id>/close/confirm")
def confirm_close(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    if rnd.status != "open":
        flash(
            _(
                "Round %(label)s is %(status)s; only an open round closes.",
                label=rnd.label,
                status=word(rnd.status),
            ),
            "info",
        )
        return _back(rnd)
    return asking.page(confirmations.close(rnd))


@bp.route("/<int:round_id>/<any(open, close):transition>", methods=["POST"])
def transition(alliance_id: int, round_id: int, transition: str):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _back(rnd)
    if transition == "close" and not asking.confirmed():
        return asking.page(confirmations.close(rnd))
    if transition == "open":
        outcome = attempt(lambda: rounds.open_round(rnd, actor=current_user), refused=(IllegalTransition,))
    else:
        outcome = attempt(
            lambda: rounds.close_round(rnd, actor=current_user, accept_hidden=asking.ticked()),
            refused=(IllegalTransition, InvalidInput),
        )
    if not outcome.ok and transition == "close" and rnd.status == "open":
        return asking.page(confirmations.close(rnd, problems=outcome.problems))
    if not outcome.ok:
        flash(outcome.problems[0].capitalize() + ".", "error")
        return _back(rnd)
    done = outcome.value
    if done:
        message = _("Round %(label)s is now %(status)s.", label=rnd.label, status=word(rnd.status))
    else:
        message = _("Round %(label)s was already %(status)s.", label=rnd.label, status=word(rnd.status))
    flash(message, "success" if done else "info")
    return _back(rnd)


@bp.route("/<int:round_id>/remind", methods=["POST"])
def remind(alliance_id: int, round_id: int):
    """Remind every non-respondent now, through the scheduled reminders' exactly-once claim."""
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _back(rnd)
    outcome = attempt(lambda: reminders.remind_now(rnd, actor=current_user))
    if not outcome.ok:
        flash_problems(outcome.problems)
    else:
        flash(_reminded_message(outcome.value), "success" if outcome.value.sent else "info")
    return _back(rnd)


def _reminded_message(result) -> str:
    parts = [
        ngettext("Reminder emailed to %(num)s person.", "Reminder emailed to %(num)s people.", result.sent)
    ]
    if result.recent:
        parts.append(_("%(n)s reminded in the last 3 days: not again yet.", n=result.recent))
    if result.used_up:
        parts.append(
            _("Already reminded twice (the most we send): %(names)s.", names=", ".join(result.used_up))
        )
    return " ".join(parts)


@bp.route("/<int:round_id>/extend", methods=["POST"])
def extend(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    form = ExtendForm()
    if not form.validate_on_submit():
        return _render_detail(rnd, extend_form=form, status=400)
    outcome = attempt(
        lambda: rounds.extend(rnd, form.closes_on.data, actor=current_user),
        refused=(IllegalTransition, InvalidInput),
    )
    if not outcome.ok:
        return _render_detail(rnd, extend_form=form, problems=outcome.problems, status=400)
    flash(
        ngettext(
            "Round %(label)s now closes on %(date)s; %(num)s person who has not answered yet "
            "will be told by email.",
            "Round %(label)s now closes on %(date)s; %(num)s people who have not answered yet "
            "will be told by email.",
            outcome.value,
            label=rnd.label,
            date=rnd.closes_on,
        ),
        "success",
    )
    return _back(rnd)


INVITATION_OPS = {
    "revoke": invitations.revoke,
    "email": invitations.email_new_link,
    "reissue": invitations.reissue,
}


@bp.route(
    "/<int:round_id>/invitations/<int:invitation_id>/<any(revoke, reissue, email):op>",
    methods=["GET", "POST"],
)
def invitation_op(alliance_id: int, round_id: int, invitation_id: int, op: str):
    inv = access.invitation_for(current_user, alliance_id, round_id, invitation_id)
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _back(inv.round)
    if not asking.confirmed():
        return asking.page(confirmations.invitation(inv, op))
    outcome = attempt(lambda: INVITATION_OPS[op](inv, actor=current_user))
    if not outcome.ok:
        flash_problems(outcome.problems)
    elif op == "reissue":
        return _deliver_links(inv.round, [invitations.Issued(inv, outcome.value)], "page")
    else:
        flash(_done_message(inv, op), "success")
    return _back(inv.round)


def _done_message(inv, op: str) -> str:
    if op == "revoke":
        return _("The link of %(name)s no longer works.", name=inv.name)
    if inv.round.status == "open":
        return _("%(name)s gets a new link by email now; the old one no longer works.", name=inv.name)
    return _(
        "%(name)s gets a new link by email when the round opens; the old one no longer works.", name=inv.name
    )


@bp.route("/<int:round_id>/confirm", methods=["POST"])
def confirm(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _back(rnd)
    outcome = attempt(lambda: cadence.confirm(rnd, current_user))
    if not outcome.ok:
        flash_problems(outcome.problems)
        return _back(rnd)
    flash(
        _(
            "Round %(label)s will open automatically on %(date)s and invite everyone.",
            label=rnd.label,
            date=rnd.opens_on,
        ),
        "success",
    )
    return _back(rnd)
