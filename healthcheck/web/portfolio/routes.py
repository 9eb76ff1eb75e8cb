from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from healthcheck.services import portfolio

bp = Blueprint("portfolio", __name__, template_folder="templates")


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("portfolio.index"))
    return redirect(url_for("auth.login"))


@bp.route("/portfolio")
@login_required
def index():
    return render_template("portfolio/index.html", rows=portfolio.rows_for(current_user))
