from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from healthcheck.exports.wording import code_word as word
from healthcheck.extensions import db
from healthcheck.models import ROLE_WORDS, User
from healthcheck.services import audit, operations, reliability, users
from healthcheck.web.admin.forms import NewUserForm, UserForm
from healthcheck.web.views import attempt, form_status

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
@login_required
def _admins_only():
    if current_user.role != "admin":
        abort(403)


def _day(name: str):
    value = request.args.get(name, "")
    try:
        return datetime.strptime(value, "%Y-%m-%d") if value else None
    except ValueError:
        return None


@bp.route("/audit")
def audit_log():
    since, until = _day("since"), _day("until")
    events = audit.query(
        action=request.args.get("action") or None,
        actor_email=request.args.get("actor") or None,
        since=since,
        until=until + timedelta(days=1) if until else None,
    )
    return render_template("admin/audit.html", events=events, actions=audit.actions(), args=request.args)


@bp.route("/jobs")
def jobs():
    return render_template(
        "admin/jobs.html",
        last=operations.last_runs(),
        recent=operations.recent_runs(),
        words=operations.RUN_WORDS,
    )


@bp.route("/users", methods=["GET", "POST"])
def user_list():
    form = NewUserForm()
    problems = []
    if form.validate_on_submit():
        outcome = attempt(lambda: _create(form))
        if outcome.ok:
            flash(
                _(
                    "Account %(email)s created (%(role)s).",
                    email=outcome.value.email,
                    role=word(outcome.value.role),
                ),
                "success",
            )
            return redirect(url_for("admin.user_list"))
        problems = outcome.problems
    return render_template(
        "admin/users.html", people=users.directory(), form=form, problems=problems, roles=ROLE_WORDS
    ), form_status()


def _create(form: NewUserForm) -> User:
    user = users.create(
        form.email.data, form.role.data, form.password.data, form.name.data or "", current_user
    )
    return users.change(user, users.Change(capacity_fte=float(form.capacity_fte.data)), current_user)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm()
    if request.method == "GET":
        form.fill(user)
    problems = []
    if form.validate_on_submit():
        outcome = attempt(lambda: users.change(user, form.to_change(), current_user))
        if outcome.ok:
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for("admin.user_list"))
        problems = outcome.problems
    return render_template("admin/user.html", person=user, form=form, problems=problems), form_status()


@bp.route("/questionnaires")
def questionnaire_library():
    return render_template(
        "admin/questionnaires.html", versions=reliability.library(), minimum=reliability.MIN_RESPONSES
    )
