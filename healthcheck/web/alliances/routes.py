from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from healthcheck.services import access, actions, alliances, cadence, dataset, rounds
from healthcheck.web.alliances.forms import AllianceForm
from healthcheck.web.memory.forms import StatusForm
from healthcheck.web.rounds.forms import ConfirmForm
from healthcheck.web.views import attempt, form_status

bp = Blueprint("alliances", __name__, url_prefix="/alliances", template_folder="templates")


@bp.before_request
@login_required
def _require_login():
    return None


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not access.can_create(current_user):
        abort(403)
    form = _form()
    if request.method == "GET" and current_user.role == "manager":
        form.owners_pick.data = [current_user.id]
    return _save(form, None)


@bp.route("/<int:alliance_id>/edit", methods=["GET", "POST"])
def edit(alliance_id: int):
    alliance = access.alliance_for(current_user, alliance_id, edit=True)
    form = _form()
    if request.method == "GET":
        form.fill(alliance)
    return _save(form, alliance)


def _form() -> AllianceForm:
    """Admins type any account's email; a manager picks from the people on their alliances."""
    form = AllianceForm()
    if current_user.role != "admin":
        form.offer_people(alliances.people_for(current_user))
    return form


def _save(form: AllianceForm, alliance):
    problems = []
    if form.validate_on_submit():
        outcome = attempt(lambda: alliances.save(form.to_data(), current_user, alliance))
        if outcome.ok:
            return redirect(url_for("alliances.detail", alliance_id=outcome.value.id))
        problems = outcome.problems
    return render_template(
        "alliances/form.html", form=form, alliance=alliance, problems=problems
    ), form_status()


@bp.route("/<int:alliance_id>")
def detail(alliance_id: int):
    alliance = access.alliance_for(current_user, alliance_id)
    all_rounds = rounds.rounds_of(alliance)
    counts = dataset.response_counts([r.id for r in all_rounds])
    return render_template(
        "alliances/detail.html",
        alliance=alliance,
        rounds=all_rounds,
        counts=counts,
        can_edit=access.can_edit(current_user, alliance),
        schedule=cadence.for_alliance(alliance),
        confirm=ConfirmForm(),
        alliance_actions=actions.of_alliance(alliance),
        dimension_titles=actions.dimension_titles(alliance),
        status_form=StatusForm(),
        today=date.today(),
    )
