"""The joint review (issue 15): side A's owners (signed in) and partner reviewers (personal link)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Action, Reviewer
from healthcheck.models.response import hash_token
from healthcheck.problems import N_, problem
from healthcheck.services import access, review, review_links, review_pages, review_publication, review_thread
from healthcheck.services.errors import InvalidInput, NotFound
from healthcheck.web import confirm as asking
from healthcheck.web.i18n import chosen_link_language, link_language, use_staff_side_language
from healthcheck.web.review import confirmations
from healthcheck.web.views import attempt, flash_problems

bp = Blueprint("review", __name__, template_folder="templates")
OWNER = "/alliances/<int:alliance_id>/rounds/<int:round_id>/review"
PARTNER = "/review/<token>"


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(review_links.ReviewLinkProblem)
def link_problem(exc: review_links.ReviewLinkProblem):
    token = (request.view_args or {}).get("token") or ""
    known = (
        db.session.scalar(select(Reviewer).where(Reviewer.token_hash == hash_token(token))) if token else None
    )
    if known is not None:  # withdrawn or expired: the partner side's language (unknown: the browser's)
        link_language(known.review.round.alliance.side_b_language)
    return render_template("review/link_problem.html", problem=exc), exc.status


def _owner_round(alliance_id: int, round_id: int):
    rnd = access.round_for(current_user, alliance_id, round_id, edit=True)
    if review.of_round(rnd) is None:
        raise NotFound()
    use_staff_side_language(rnd.alliance.side_a_language)  # issue 17: side A's pages and messages
    return rnd


def _back(rnd, token=None, anchor=None):
    if token:
        return redirect(
            url_for("review.partner_page", token=token, lang=chosen_link_language(), _anchor=anchor)
        )
    return redirect(
        url_for("review.owner_page", alliance_id=rnd.alliance_id, round_id=rnd.id, _anchor=anchor)
    )


def _done(outcome, message: str) -> None:
    if outcome.ok:
        flash(message, "success")
    else:
        flash_problems(outcome.problems)


def _number(raw: str | None, label: str) -> int | None:
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise InvalidInput(problem(N_("%(label)s: not a valid reference"), label=label))
    return int(raw)


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidInput(problem(N_("due date: %(value)r is not a date (YYYY-MM-DD)"), value=raw)) from None


def _comment(rnd, who):
    form = request.form
    return review_thread.comment(
        rnd,
        who,
        form.get("finding", ""),
        form.get("stance") or None,
        form.get("text", ""),
        _number(form.get("reply_to"), problem(N_("reply"))),
    )


def _propose(rnd, who):
    form = request.form
    data = review_thread.Proposal(
        form.get("title", ""),
        form.get("dimension", ""),
        _day(form.get("due_on")),
        form.get("owner_a", ""),
        form.get("owner_b_name", ""),
        form.get("owner_b_email", ""),
        form.get("description", ""),
    )
    return review_thread.propose(rnd, who, data)


def _action_of(rnd, action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.round_id != rnd.id:
        raise NotFound()
    return action


# --- side A: the owners -----------------------------------------------------------------


@bp.route(OWNER)
@login_required
def owner_page(alliance_id: int, round_id: int):
    rnd = _owner_round(alliance_id, round_id)
    return render_template(
        "review/page.html",
        rnd=rnd,
        alliance=rnd.alliance,
        token=None,
        reviewers=review_links.reviewers_of(rnd),
        downloads=False,
        **review_pages.page_context(rnd, "A"),
    )


@bp.route(f"{OWNER}/reviewers", methods=["POST"])
@login_required
def add_reviewer(alliance_id: int, round_id: int):
    rnd = _owner_round(alliance_id, round_id)
    name, email = request.form.get("name", ""), request.form.get("email", "")
    outcome = attempt(lambda: review_links.add_reviewer(rnd, name, email, current_user))
    _done(outcome, gettext("A personal review link will be emailed to %(email)s.", email=email.strip()))
    return _back(rnd, anchor="reviewers")


@bp.route(f"{OWNER}/reviewers/<int:reviewer_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_reviewer(alliance_id: int, round_id: int, reviewer_id: int):
    rnd = _owner_round(alliance_id, round_id)
    reviewer = db.session.get(Reviewer, reviewer_id)
    if reviewer is None or reviewer.round_id != rnd.id:
        raise NotFound()
    if not asking.confirmed():
        return asking.page(confirmations.revoke_reviewer(rnd, reviewer))
    review_links.revoke_reviewer(reviewer, current_user)
    db.session.commit()
    flash(gettext("%(name)s's review link no longer works.", name=reviewer.name), "success")
    return _back(rnd, anchor="reviewers")


@bp.route(f"{OWNER}/comment", methods=["POST"])
@login_required
def owner_comment(alliance_id: int, round_id: int):
    rnd = _owner_round(alliance_id, round_id)
    outcome = attempt(lambda: _comment(rnd, review.Participant.owner(current_user)))
    _done(outcome, gettext("Your comment is in the review."))
    return _back(rnd, anchor=request.form.get("finding", "").replace(":", "-") or None)


@bp.route(f"{OWNER}/actions", methods=["POST"])
@login_required
def owner_propose(alliance_id: int, round_id: int):
    rnd = _owner_round(alliance_id, round_id)
    outcome = attempt(lambda: _propose(rnd, review.Participant.owner(current_user)))
    _done(outcome, gettext("Joint action proposed; the partner accepts it through the review link."))
    return _back(rnd, anchor="joint-actions")


@bp.route(f"{OWNER}/actions/<int:action_id>/accept", methods=["POST"])
@login_required
def owner_accept(alliance_id: int, round_id: int, action_id: int):
    rnd = _owner_round(alliance_id, round_id)
    action = _action_of(rnd, action_id)
    outcome = attempt(lambda: review_thread.accept(rnd, action, review.Participant.owner(current_user)))
    _done(outcome, gettext("Accepted."))
    return _back(rnd, anchor="joint-actions")


@bp.route(f"{OWNER}/publish", methods=["GET", "POST"])
@login_required
def publish(alliance_id: int, round_id: int):
    rnd = _owner_round(alliance_id, round_id)
    if not asking.confirmed():
        context = review_pages.page_context(rnd, "A")
        disputed = sum(f["disputed"] for f in context["findings"])
        proposed = sum(not a.accepted for a in context["proposals"])
        return asking.page(confirmations.publish(rnd, context["review"], disputed, proposed))
    outcome = attempt(lambda: review_publication.publish(rnd, current_user))
    if outcome.ok and outcome.value is None:
        flash(gettext("Nothing changed since the last published version."), "info")
    else:
        _done(outcome, gettext("Published: the partner link now shows the pack."))
    return _back(rnd)


# --- side B: the partner's reviewers ----------------------------------------------------


@bp.route(PARTNER)
def partner_page(token: str):
    reviewer = review_links.reviewer_by_token(token)
    rnd = reviewer.review.round
    link_language(rnd.alliance.side_b_language)  # issue 17: the partner side's, ?lang= switches
    return render_template(
        "review/page.html",
        rnd=rnd,
        alliance=rnd.alliance,
        token=token,
        reviewer=reviewer,
        reviewers=[],
        downloads=False,
        **review_pages.page_context(rnd, "B"),
    )


def _partner(token: str):
    reviewer = review_links.reviewer_by_token(token)
    link_language(reviewer.review.round.alliance.side_b_language)  # the flash messages too
    return reviewer.review.round, review.Participant.partner(reviewer)


@bp.route(f"{PARTNER}/comment", methods=["POST"])
def partner_comment(token: str):
    rnd, who = _partner(token)
    outcome = attempt(lambda: _comment(rnd, who))
    _done(outcome, gettext("Your comment is in the review."))
    return _back(rnd, token, request.form.get("finding", "").replace(":", "-") or None)


@bp.route(f"{PARTNER}/actions", methods=["POST"])
def partner_propose(token: str):
    rnd, who = _partner(token)
    outcome = attempt(lambda: _propose(rnd, who))
    _done(outcome, gettext("Joint action proposed; the other side accepts it on its review page."))
    return _back(rnd, token, "joint-actions")


@bp.route(f"{PARTNER}/actions/<int:action_id>/accept", methods=["POST"])
def partner_accept(token: str, action_id: int):
    rnd, who = _partner(token)
    action = _action_of(rnd, action_id)
    outcome = attempt(lambda: review_thread.accept(rnd, action, who))
    _done(outcome, gettext("Accepted."))
    return _back(rnd, token, "joint-actions")
