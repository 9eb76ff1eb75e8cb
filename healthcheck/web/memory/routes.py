from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from healthcheck.exports.wording import code_word as word
from healthcheck.extensions import db
from healthcheck.services import access, actions, handoffs, memory
from healthcheck.web import confirm as asking
from healthcheck.web.ids import id_arg
from healthcheck.web.memory import confirmations
from healthcheck.web.memory.forms import ActionForm, HandoffForm, NoteForm, StatusForm
from healthcheck.web.views import attempt, form_status

bp = Blueprint("memory", __name__, url_prefix="/alliances/<int:alliance_id>", template_folder="templates")


@bp.before_request
@login_required
def _require_login():
    return None


def _timeline(alliance, note_form=None, handoff_form=None, problems=None, status=200):
    query = request.args.get("q", "")
    kind = request.args.get("kind") if request.args.get("kind") in memory.TIMELINE_KINDS else None
    return render_template(
        "memory/timeline.html",
        alliance=alliance,
        events=memory.timeline(alliance, kind),
        kind=kind,
        kinds=memory.TIMELINE_KINDS,
        actions=actions.of_alliance(alliance),
        dimension_titles=actions.dimension_titles(alliance),
        today=date.today(),
        query=query,
        results=memory.search(alliance, query) if query else None,
        can_edit=access.can_edit(current_user, alliance),
        note_form=note_form or NoteForm(),
        handoff_form=handoff_form or HandoffForm(),
        status_form=StatusForm(),
        problems=problems or [],
    ), status


@bp.route("/timeline")
def timeline(alliance_id: int):
    return _timeline(access.alliance_for(current_user, alliance_id))


@bp.route("/notes", methods=["POST"])
def add_note(alliance_id: int):
    alliance = access.alliance_for(current_user, alliance_id, edit=True)
    form = NoteForm()
    if not form.validate_on_submit():
        return _timeline(alliance, note_form=form, status=400)
    outcome = attempt(
        lambda: memory.add_note(
            alliance,
            form.kind.data,
            form.title.data,
            form.body.data or "",
            form.happened_on.data,
            current_user,
        )
    )
    if not outcome.ok:
        return _timeline(alliance, note_form=form, problems=outcome.problems, status=400)
    flash(_("Recorded in the alliance's timeline."), "success")
    return redirect(url_for("memory.timeline", alliance_id=alliance.id))


@bp.route("/handoff", methods=["POST"])
def handoff(alliance_id: int):
    alliance = access.alliance_for(current_user, alliance_id, edit=True)
    form = HandoffForm()
    if not form.validate_on_submit():
        return _timeline(alliance, handoff_form=form, status=400)
    if not asking.confirmed():
        return asking.page(confirmations.handoff(alliance, form, current_user))
    outcome = attempt(
        lambda: handoffs.handover(
            alliance, form.new_owner.data, form.body.data, current_user, revoke_shares=form.revoke_shares.data
        )
    )
    if not outcome.ok:
        return _timeline(alliance, handoff_form=form, problems=outcome.problems, status=400)
    flash(
        _("%(alliance)s is handed over to %(owner)s.", alliance=alliance.name, owner=form.new_owner.data),
        "success",
    )
    if access.can_view(current_user, alliance):
        return redirect(url_for("memory.timeline", alliance_id=alliance.id))
    return redirect(url_for("portfolio.index"))


@bp.route("/actions/new", methods=["GET", "POST"])
def new_action(alliance_id: int):
    alliance = access.alliance_for(current_user, alliance_id, edit=True)
    round_id = id_arg("round", "round")
    rnd = access.round_for(current_user, alliance.id, round_id, edit=True) if round_id else None
    form = ActionForm()
    form.offer_dimensions(rnd.questionnaire.dimensions if rnd else [])
    form.offer_owners(alliance)
    if request.method == "GET":
        form.suggest(request.args)
    problems = []
    if form.validate_on_submit():
        outcome = attempt(lambda: actions.create(alliance, form.to_data(), current_user, rnd))
        if outcome.ok:
            flash(_("Action agreed."), "success")
            return redirect(_after_action(alliance, rnd))
        problems = outcome.problems
    return render_template(
        "memory/action_form.html", alliance=alliance, rnd=rnd, form=form, problems=problems
    ), form_status()


def _after_action(alliance, rnd) -> str:
    """Back to the round's report when the action came from it, else to the timeline."""
    if rnd is not None:
        return url_for("reports.round_report", alliance_id=alliance.id, round_id=rnd.id)
    return url_for("memory.timeline", alliance_id=alliance.id)


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
def action_status(alliance_id: int, action_id: int):
    action = access.action_for(current_user, alliance_id, action_id)
    form = StatusForm()
    if form.validate_on_submit():
        actions.set_status(action, form.status.data, current_user)
        db.session.commit()
        flash(_("“%(title)s” is now %(status)s.", title=action.title, status=word(action.status)), "success")
    else:
        flash(_("Choose a valid status."), "error")
    return redirect(
        request.form.get("back")
        if (request.form.get("back") or "").startswith("/alliances/")
        else url_for("memory.timeline", alliance_id=action.alliance_id)
    )
