from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from healthcheck.services import search

bp = Blueprint("search", __name__, template_folder="templates")


@bp.route("/search")
@login_required
def index():
    """Alliances, notes, actions and comments across every alliance the user may see."""
    query = request.args.get("q", "")[:200]
    return render_template(
        "search/index.html", found=search.everywhere(current_user, query), min_chars=search.MIN_CHARS
    )
