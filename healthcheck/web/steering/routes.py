"""The steering-committee pack (PDF, PPTX, HTML) for the alliance's people and the partner,
the partner's joint-action CSV, and the panel check of side B's invitation list (issue 15)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from healthcheck import languages
from healthcheck.database import writing
from healthcheck.exports import documents
from healthcheck.exports import steering as renderers
from healthcheck.extensions import db
from healthcheck.services import access, audit, packs, panel_check, sharing, steering
from healthcheck.web.i18n import link_language, use_language
from healthcheck.web.rounds.forms import ConfirmForm
from healthcheck.web.views import attempt, flash_problems

bp = Blueprint("steering", __name__, template_folder="templates")
ROUND = "/alliances/<int:alliance_id>/rounds/<int:round_id>"
FMT = "<any(pdf, pptx, html):fmt>"
NEW_PANEL_CHECK = "new_panel_check_link"


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _audited(event) -> None:
    """Write a download's audit row in a short write transaction after the reads (see
    ``reports._audit_download``: SQLite refuses to upgrade a read transaction)."""
    db.session.rollback()
    with writing():
        db.session.add(event)
        db.session.commit()


def _file(body, mimetype: str, filename: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def _pack_response(rnd, fmt: str, language: str | None = None) -> Response:
    """``language``: the pack's (None: the page's current locale — staff's)."""
    body = packs.steering_pack(rnd, fmt, language=language)
    return _file(body, renderers.MIME[fmt], packs.steering_filename(rnd, fmt))


@bp.route(f"{ROUND}/pack.{FMT}")
@login_required
def round_pack(alliance_id: int, round_id: int, fmt: str):
    rnd = access.round_for(current_user, alliance_id, round_id)
    if rnd.status != "closed":
        abort(409)
    response = _pack_response(rnd, fmt)
    _audited(audit.event("report.pack", current_user, rnd, format=fmt))
    return response


@bp.errorhandler(sharing.ShareLinkProblem)
def share_link_problem(exc: sharing.ShareLinkProblem):
    if exc.link is not None:  # in the partner side's language, as the share page
        use_language(languages.parse(request.args.get("lang")) or exc.link.round.alliance.side_b_language)
    return render_template("reports/link_problem.html", problem=exc), exc.status


@bp.route(f"/shared/<token>/pack.{FMT}")
def shared_pack(token: str, fmt: str):
    link = sharing.by_token(token)
    if not steering.published(link.round):
        abort(409)  # in joint review: the pack is not final yet
    # in the partner side's language unless ?lang= asks for another (issue 17)
    response = _pack_response(link.round, fmt, packs.partner_language(link.round, request.args.get("lang")))
    _audited(audit.event("share.pack", None, link.round, share_id=link.id, format=fmt))
    return response


@bp.route("/shared/<token>/actions.csv")
def shared_actions(token: str):
    link = sharing.by_token(token)
    rnd = link.round
    body = renderers.actions_csv(steering.pack_content(rnd))
    _audited(audit.event("share.actions_csv", None, rnd, share_id=link.id))
    return _file(
        body,
        "text/csv; charset=utf-8",
        documents.filename(rnd.alliance.name, rnd.label, "joint-actions", "csv"),
    )


@bp.route(f"{ROUND}/panel-check", methods=["POST"])
@login_required
def create_panel_check(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    days = request.form.get("days", "14")
    days = int(days) if days.isdigit() else -1
    form = request.form
    outcome = attempt(
        lambda: panel_check.create(rnd, current_user, form.get("name", ""), form.get("email", ""), days)
    )
    if outcome.ok:
        session[NEW_PANEL_CHECK] = request.host_url.rstrip("/") + url_for(
            "steering.panel", token=outcome.value[1]
        )
        flash(
            gettext(
                "Panel-check link for %(email)s created: send it to them.",
                email=outcome.value[0].contact_email,
            ),
            "success",
        )
    else:
        flash_problems(outcome.problems)
    return redirect(url_for("rounds.detail", alliance_id=alliance_id, round_id=round_id) + "#panel-check")


@bp.route(f"{ROUND}/panel-check/<int:link_id>/revoke", methods=["POST"])
@login_required
def revoke_panel_check(alliance_id: int, round_id: int, link_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    link = next((p for p in panel_check.of_round(rnd) if p.id == link_id), None)
    if link is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    panel_check.revoke(link, current_user)
    db.session.commit()
    flash(gettext("The panel-check link no longer works."), "success")
    return redirect(url_for("rounds.detail", alliance_id=alliance_id, round_id=round_id) + "#panel-check")


@bp.errorhandler(panel_check.PanelCheckProblem)
def panel_check_problem(exc: panel_check.PanelCheckProblem):
    known = getattr(exc, "link", None)
    if known is not None:  # the partner side's language (an unknown link: the browser's)
        link_language(known.round.alliance.side_b_language)
    return render_template("steering/panel_problem.html", problem=exc), exc.status


@bp.route("/panel/<token>")
def panel(token: str):
    link = panel_check.by_token(token)
    rnd = link.round
    link_language(rnd.alliance.side_b_language)  # issue 17: side B's contact reads side B's language
    page = render_template(
        "steering/panel.html",
        link=link,
        rnd=rnd,
        alliance=rnd.alliance,
        people=panel_check.side_b_panel(link),
    )
    _audited(panel_check.view_event(link))
    return page


@bp.app_template_global()
def panel_check_state(rnd) -> dict:
    """For the round page's panel-check partial (kept out of the rounds view): the round's
    links and the new link to show once."""
    return {
        "links": panel_check.of_round(rnd),
        "new": session.pop(NEW_PANEL_CHECK, None),
        "form": ConfirmForm(),
    }


@bp.app_template_global()
def pack_published(rnd) -> bool:
    """For the share page's downloads partial: may the partner download the pack yet?"""
    return steering.published(rnd)
