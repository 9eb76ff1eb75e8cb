from datetime import datetime, timedelta

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from healthcheck.services import audit, reliability

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


@bp.route("/questionnaires")
def questionnaire_library():
    return render_template(
        "admin/questionnaires.html", versions=reliability.library(), minimum=reliability.MIN_RESPONSES
    )
