from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from healthcheck import languages
from healthcheck.charts import render, sets
from healthcheck.database import writing
from healthcheck.exports import documents, sentences
from healthcheck.extensions import db
from healthcheck.services import access, audit, packs, report_pages, reports, review_pages, sharing
from healthcheck.services.errors import NotFound
from healthcheck.web import confirm as asking
from healthcheck.web.i18n import use_language
from healthcheck.web.memory.forms import StatusForm
from healthcheck.web.reports import confirmations
from healthcheck.web.rounds.forms import ConfirmForm
from healthcheck.web.views import attempt, flash_problems

bp = Blueprint("reports", __name__, template_folder="templates")
ROUND = "/alliances/<int:alliance_id>/rounds/<int:round_id>"
MIME = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NEW_SHARE = "new_share_link"


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _closed_round(alliance_id, round_id, edit=False):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=edit)
    if rnd.status != "closed":
        return rnd, False
    return rnd, True


def _audit_download(action: str, obj, fmt: str) -> None:
    """Audit a download in a short write transaction of its own, after the reads.

    A GET reads in a deferred transaction; writing the audit row in it would have to upgrade
    it, which SQLite refuses at once ("database is locked") when another connection wrote
    meanwhile. So the read transaction ends here and the row is written under BEGIN
    IMMEDIATE, which waits its turn for the write lock.
    """
    event = audit.event(action, current_user, obj, format=fmt)
    db.session.rollback()
    with writing():
        db.session.add(event)
        db.session.commit()


def _download(body, fmt: str, filename: str) -> Response:
    return Response(
        body, mimetype=MIME[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.route(f"{ROUND}/report")
@login_required
def round_report(alliance_id: int, round_id: int):
    rnd, ready = _closed_round(alliance_id, round_id)
    if not ready:
        return render_template("reports/not_ready.html", rnd=rnd, alliance=rnd.alliance), 409
    can_edit = access.can_edit(current_user, rnd.alliance)
    return render_template(
        "reports/round.html",
        rnd=rnd,
        alliance=rnd.alliance,
        can_edit=can_edit,
        shares=sharing.of_round(rnd) if can_edit else [],
        confirm=ConfirmForm(),
        new_share=session.pop(NEW_SHARE, None) if can_edit else None,
        downloads=True,
        status_form=StatusForm(),
        **report_pages.round_context(rnd),
    )


@bp.route(f"{ROUND}/report.<any(json, csv, xlsx, html):fmt>")
@login_required
def round_export(alliance_id: int, round_id: int, fmt: str):
    rnd, ready = _closed_round(alliance_id, round_id)
    if not ready:
        abort(409)
    name = documents.filename(rnd.alliance.name, rnd.label, fmt)
    body = _round_export_body(rnd, fmt)
    _audit_download("report.export", rnd, fmt)
    return _download(body, fmt, name)


def _round_export_body(rnd, fmt: str) -> str | bytes:
    """Built in memory for this request (after its access check) and served from memory; an
    HTML pack is also stored under reports/ by ids, never read back from there."""
    if fmt == "html":
        html = packs.round_pack(rnd)
        packs.write_round_pack(rnd, html)
        return html
    report = reports.round_report(rnd)
    if fmt == "json":
        return documents.to_json(report)
    if fmt == "csv":
        return reports.answers_csv(rnd, report)
    return reports.workbook(rnd, report)


@bp.route(f"{ROUND}/chart/<any(radar, gaps, questions, meta):name>.<any(svg, png, json):fmt>")
@login_required
def round_chart(alliance_id: int, round_id: int, name: str, fmt: str):
    rnd, ready = _closed_round(alliance_id, round_id)
    if not ready:
        abort(409)
    report = reports.round_report(rnd)
    if name not in sets.round_charts(report):  # the meta chart only where predictions were asked
        abort(404)
    body = render.render(
        sets.round_download(sentences.localised(report, rnd.questionnaire), name, gettext), fmt
    )
    return _download(body, fmt, documents.filename(rnd.alliance.name, f"{rnd.label}-{name}", fmt))


@bp.route("/alliances/<int:alliance_id>/trend")
@login_required
def trend(alliance_id: int):
    alliance = access.alliance_for(current_user, alliance_id)
    return render_template(
        "reports/trend.html", alliance=alliance, downloads=True, **report_pages.trend_context(alliance)
    )


@bp.route("/alliances/<int:alliance_id>/trend.<any(json, html):fmt>")
@login_required
def trend_export(alliance_id: int, fmt: str):
    alliance = access.alliance_for(current_user, alliance_id)
    name = documents.filename(alliance.name, "trend", fmt)
    if fmt == "json":
        body = documents.to_json(reports.trend(alliance))
    else:
        body = packs.trend_pack(alliance)
        packs.write_trend_pack(alliance, body)
    _audit_download("trend.export", alliance, fmt)
    return _download(body, fmt, name)


@bp.route(
    "/alliances/<int:alliance_id>/trend/chart/<any(dimensions, indices):name>.<any(svg, png, json):fmt>"
)
@login_required
def trend_chart(alliance_id: int, name: str, fmt: str):
    alliance = access.alliance_for(current_user, alliance_id)
    data = reports.trend(alliance)
    if not data["rounds"]:
        abort(404)
    closed = reports.closed_rounds(alliance)
    drawn = report_pages.drawn_trend(data, closed[-1].questionnaire if closed else None)
    body = render.render(sets.trend_download(drawn, name, gettext), fmt)
    return _download(body, fmt, documents.filename(alliance.name, f"trend-{name}", fmt))


@bp.route(f"{ROUND}/share", methods=["POST"])
@login_required
def share(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("reports.round_report", alliance_id=alliance_id, round_id=round_id))
    days = _whole_number(request.form.get("days", "30"))
    if days is None:
        flash("expiry: a whole number of days", "error")
        return back
    recipients = _recipients(request.form.get("recipients", ""))
    outcome = attempt(lambda: sharing.share(rnd, current_user, days, recipients))
    if not outcome.ok:
        flash_problems(outcome.problems)
        return back
    token, queued = outcome.value
    if queued:
        flash(f"A personal partner link will be emailed to {queued} recipient(s).", "success")
    session[NEW_SHARE] = request.host_url.rstrip("/") + url_for("reports.shared", token=token)
    return back


def _whole_number(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def _recipients(raw: str) -> list[str]:
    """Email addresses separated by commas or semicolons."""
    return [e.strip() for e in raw.replace(";", ",").split(",") if e.strip()]


@bp.route(f"{ROUND}/share/<int:share_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_share(alliance_id: int, round_id: int, share_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    link = next((s for s in sharing.of_round(rnd) if s.id == share_id), None)
    if link is None:
        raise NotFound()
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        abort(400)
    if not asking.confirmed():
        return asking.page(confirmations.revoke_share(rnd, link))
    sharing.revoke(link, current_user)
    db.session.commit()
    flash("The partner link no longer works.", "success")
    return redirect(url_for("reports.round_report", alliance_id=alliance_id, round_id=round_id))


@bp.errorhandler(sharing.ShareLinkProblem)
def share_link_problem(exc: sharing.ShareLinkProblem):
    """A withdrawn or expired partner link says so (410), like a respondent's link."""
    if exc.link is not None:  # in the partner side's language (an unknown link: the browser's)
        use_language(languages.parse(request.args.get("lang")) or exc.link.round.alliance.side_b_language)
    return render_template("reports/link_problem.html", problem=exc), exc.status


@bp.route("/shared/<token>")
def shared(token: str):
    link = sharing.by_token(token)
    rnd = link.round
    use_language(languages.parse(request.args.get("lang")) or rnd.alliance.side_b_language)
    if (pack := review_pages.published_context(rnd)) is not None:  # the published pack (issue 15)
        return render_template(
            "review/pack.html", rnd=rnd, alliance=rnd.alliance, link=link, downloads=False, **pack
        )
    return render_template(
        "reports/shared.html",
        rnd=rnd,
        alliance=rnd.alliance,
        link=link,
        downloads=False,
        **report_pages.round_context(rnd, joint_only=True),
    )
