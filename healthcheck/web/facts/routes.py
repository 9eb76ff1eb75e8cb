"""Facts of an alliance (DESIGN §3.17) and the supplier business review: thin views."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from healthcheck.models import FACT_KINDS
from healthcheck.services import access, business_review, facts
from healthcheck.web.facts.forms import FORMS, prefilled, strings
from healthcheck.web.i18n import N_
from healthcheck.web.views import attempt, flash_problems

bp = Blueprint("facts", __name__, url_prefix="/alliances/<int:alliance_id>", template_folder="templates")
KIND = "<any(milestones, budget, delivery):kind>"
KIND_WORDS = {"milestones": N_("milestone"), "budget": N_("budget line"), "delivery": N_("delivery KPI")}


@bp.before_request
@login_required
def _require_login():
    return None


def _kind(kind: str) -> str:
    if kind not in FACT_KINDS:
        abort(404)
    return kind


def _page(alliance, forms=None, problems=None, status=200):
    forms = forms or {}
    return render_template(
        "facts/facts.html",
        alliance=alliance,
        records=facts.of_alliance(alliance),
        forms={k: forms.get(k) or FORMS[k](formdata=None) for k in FACT_KINDS},
        kind_words=KIND_WORDS,
        headers=facts.HEADERS,
        can_edit=access.can_edit(current_user, alliance),
        problems=problems or [],
    ), status


@bp.route("/facts")
def index(alliance_id: int):
    return _page(access.alliance_for(current_user, alliance_id))


@bp.route(f"/facts/{KIND}", methods=["POST"])
def add(alliance_id: int, kind: str):
    alliance = access.alliance_for(current_user, alliance_id, edit=True)
    form = FORMS[_kind(kind)]()
    if not form.validate_on_submit():
        return _page(alliance, {kind: form}, [_("The form expired or a field is too long; try again.")], 400)
    outcome = attempt(lambda: facts.save(alliance, kind, strings(form), current_user))
    if not outcome.ok:
        return _page(alliance, {kind: form}, outcome.problems, 400)
    flash(_("Recorded; the reports now hold it."), "success")
    return redirect(url_for("facts.index", alliance_id=alliance.id) + f"#{kind}")


@bp.route(f"/facts/{KIND}/<int:fact_id>", methods=["GET", "POST"])
def edit(alliance_id: int, kind: str, fact_id: int):
    alliance = access.alliance_for(current_user, alliance_id, edit=True)
    record = facts.fact_for(alliance, _kind(kind), fact_id)
    form, problems = prefilled(kind, record), []
    if form.validate_on_submit():
        outcome = attempt(lambda: facts.save(alliance, kind, strings(form), current_user, fact_id))
        if outcome.ok:
            flash(_("Changed."), "success")
            return redirect(url_for("facts.index", alliance_id=alliance.id) + f"#{kind}")
        problems = outcome.problems
    status = 400 if request.method == "POST" else 200
    return render_template(
        "facts/edit.html",
        alliance=alliance,
        kind=kind,
        record=record,
        form=form,
        problems=problems,
        kind_word=KIND_WORDS[kind],
    ), status


@bp.route(f"/facts/{KIND}/<int:fact_id>/delete", methods=["POST"])
def delete(alliance_id: int, kind: str, fact_id: int):
    alliance = access.alliance_for(current_user, alliance_id, edit=True)
    outcome = attempt(lambda: facts.delete(alliance, _kind(kind), fact_id, current_user))
    if outcome.ok:
        flash(_("Deleted."), "success")
    else:
        flash_problems(outcome.problems)
    return redirect(url_for("facts.index", alliance_id=alliance.id) + f"#{kind}")


@bp.route("/business-review")
def review(alliance_id: int):
    alliance = access.alliance_for(current_user, alliance_id)
    return render_template("facts/review_page.html", alliance=alliance, **business_review.context(alliance))


@bp.route("/business-review.<any(html, pdf):fmt>")
def review_export(alliance_id: int, fmt: str):
    alliance = access.alliance_for(current_user, alliance_id)
    body, mimetype, name = business_review.export(alliance, fmt)
    return (
        body,
        200,
        {
            "Content-Type": mimetype,
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
