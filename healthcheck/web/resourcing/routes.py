"""The front door (DESIGN §3.18): workload against capacity, and what a handoff would change."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from healthcheck import numbers
from healthcheck.models.base import MAX_ID
from healthcheck.services import handoffs, resourcing
from healthcheck.services.errors import InvalidInput
from healthcheck.web import confirm as asking
from healthcheck.web.i18n import N_, translated
from healthcheck.web.ids import id_arg
from healthcheck.web.resourcing.forms import HandoverForm
from healthcheck.web.views import attempt

NOTE_REQUIRED = N_("handoff note: required — what should the new owner know?")
bp = Blueprint("resourcing", __name__, url_prefix="/resourcing", template_folder="templates")


@bp.before_request
@login_required
def _leaders_only():
    if not resourcing.may_see(current_user):
        abort(403)


def _page(board, choice=None, form=None, problems=(), status=200):
    return render_template(
        "resourcing/index.html",
        board=board,
        choice=choice,
        form=form or HandoverForm(),
        problems=[translated(p) for p in problems],  # the service's problems in the page's language
        picked={"alliance": request.values.get("alliance", ""), "owner": request.values.get("owner", "")},
    ), status


def _what_if(board, alliance_id, owner_id):
    try:
        return resourcing.what_if(board, alliance_id, owner_id), []
    except InvalidInput as exc:
        return None, exc.problems


def _id(value) -> int | None:
    """An id carried in a hidden field (None when it cannot be one)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID else None


@bp.route("")
def index():
    board = resourcing.overview()
    if not (request.args.get("alliance") or request.args.get("owner")):
        return _page(board)
    try:
        alliance_id, owner_id = id_arg("alliance", "alliance"), id_arg("owner", "person")
    except InvalidInput as exc:
        return _page(board, problems=exc.problems, status=400)
    choice, problems = _what_if(board, alliance_id, owner_id)
    form = HandoverForm(formdata=None, alliance=alliance_id, owner=owner_id)
    return _page(board, choice, form, problems, 400 if problems else 200)


@bp.route("/handoff", methods=["POST"])
def handoff():
    board, form = resourcing.overview(), HandoverForm()
    choice, problems = _what_if(board, _id(form.alliance.data), _id(form.owner.data))
    if choice is None or not form.validate_on_submit():
        return _page(board, choice, form, problems or [_(NOTE_REQUIRED)], 400)
    if not asking.confirmed():
        return asking.page(_confirmation(choice, form))
    outcome = attempt(
        lambda: handoffs.handover(
            choice.alliance,
            choice.new_owner.email,
            form.body.data,
            current_user,
            revoke_shares=form.revoke_shares.data,
        )
    )
    if not outcome.ok:
        return _page(board, choice, form, outcome.problems, 400)
    who = choice.new_owner.display_name
    flash(
        _(
            "%(alliance)s is handed over to %(owner)s; the briefing is on its way.",
            alliance=choice.alliance.name,
            owner=who,
        ),
        "success",
    )
    return redirect(url_for("resourcing.index"))


def _confirmation(choice, form) -> asking.Confirmation:
    owners = ", ".join(u.display_name for u in choice.alliance.owners) or _("nobody")
    lines = [
        _(
            "%(new)s becomes the only owner of %(alliance)s; its owners now (%(owners)s) stop being owners. "
            "The handoff note is kept in the alliance's memory, and %(new)s is emailed the successor's "
            "briefing.",
            new=choice.new_owner.display_name,
            alliance=choice.alliance.name,
            owners=owners,
        ),
    ]
    lines += [
        _(
            "%(name)s: workload %(before)s → %(after)s FTE of a capacity of %(capacity)s",
            name=c.manager.name,
            before=numbers.num(c.before),
            after=numbers.num(c.after),
            capacity=numbers.num(c.manager.capacity),
        )
        + (_(" — over capacity after the handoff") if c.over_after else "")
        for c in choice.changes
    ]
    if form.revoke_shares.data:
        lines.append(_("Every partner link shared so far stops working; the new owner can share anew."))
    hidden = {"alliance": str(choice.alliance.id), "owner": str(choice.new_owner.id), "body": form.body.data}
    if form.revoke_shares.data:
        hidden["revoke_shares"] = "y"
    return asking.Confirmation(
        title=_(
            "Hand over %(alliance)s to %(owner)s?",
            alliance=choice.alliance.name,
            owner=choice.new_owner.display_name,
        ),
        lines=lines,
        action=url_for("resourcing.handoff"),
        button=_("Yes, hand over"),
        cancel=url_for("resourcing.index", alliance=choice.alliance.id, owner=choice.new_owner.id),
        hidden=hidden,
    )
