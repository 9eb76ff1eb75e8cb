from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from healthcheck.charts import render, sets
from healthcheck.exports import wording
from healthcheck.models import PHASES, SEGMENTS
from healthcheck.services import facts, portfolio
from healthcheck.services.report_pages import inline_svg
from healthcheck.web.ids import id_arg

bp = Blueprint("portfolio", __name__, template_folder="templates")
PAGE_SIZE = 50  # alliances per page of the risk-sorted table; chart and segments cover all


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("portfolio.index"))
    return redirect(url_for("auth.login"))


def _filters() -> portfolio.Filters:
    segment = request.args.get("segment") if request.args.get("segment") in SEGMENTS else None
    phase = request.args.get("phase") if request.args.get("phase") in PHASES else None
    owner = id_arg("owner", "account")
    return portfolio.Filters(segment, phase, owner)


@bp.route("/portfolio")
@login_required
def index():
    filters = _filters()
    board = portfolio.dashboard(current_user, filters=filters)
    shown = portfolio.page(board.lines, request.args.get("page", type=int), PAGE_SIZE)
    rows = portfolio.chart_rows(board)
    chart = None
    if any(r["health_index"] for r in rows):
        chart = inline_svg(
            render.svg_for(
                (*portfolio.chart_key(rows), wording.language()), lambda: sets.portfolio(rows, gettext)
            )
        )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "portfolio/index.html",
        board=board,
        page=shown,
        page_args=args,
        filters=filters,
        chart=chart,
        facts=facts.portfolio_figures([line.key for line in shown.lines]),
        segments=SEGMENTS,
        phases=PHASES,
    )


@bp.route("/portfolio/segments")
@login_required
def segments():
    board = portfolio.dashboard(current_user)
    return render_template(
        "portfolio/segments.html", tables=portfolio.breakdowns(board), total=len(board.lines)
    )
