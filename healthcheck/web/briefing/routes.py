"""The successor's briefing of an alliance: a page and its PDF, for whoever may see the alliance
(contacts only for those who may change it)."""

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from healthcheck.exports import documents
from healthcheck.services import access, briefing

bp = Blueprint("briefing", __name__, url_prefix="/alliances/<int:alliance_id>", template_folder="templates")


@bp.before_request
@login_required
def _require_login():
    return None


def _context(alliance_id: int) -> dict:
    alliance = access.alliance_for(current_user, alliance_id)
    return briefing.gather(alliance, contacts=access.can_edit(current_user, alliance))


@bp.route("/briefing")
def page(alliance_id: int):
    return render_template("briefing/page.html", **_context(alliance_id))


@bp.route("/briefing.pdf")
def pdf(alliance_id: int):
    context = _context(alliance_id)
    name = documents.filename(context["alliance"].name, "briefing", "pdf")
    return Response(
        briefing.pdf(context),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
