"""Partner reviewers of a joint review (issue 15) and their personal links: named by side A's
owners, emailed through the outbox, expiring after the window, revocable; only a hash is kept."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Review, Reviewer, Round, hash_token
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import audit, notifications
from healthcheck.services.errors import InvalidInput
from healthcheck.services.review import open_review
from healthcheck.services.text import EMAIL_RE, single_line_problem

LINK_GRACE_DAYS = 3  # a reviewer's link works this many days after the window ends


def _link_expiry(review: Review) -> datetime:
    return datetime.combine(review.ends_on + timedelta(days=LINK_GRACE_DAYS), time.max).replace(microsecond=0)


def reviewers_of(rnd: Round) -> list[Reviewer]:
    return list(db.session.scalars(select(Reviewer).where(Reviewer.round_id == rnd.id).order_by(Reviewer.id)))


def add_reviewer(rnd: Round, name: str, email: str, actor, now: datetime | None = None) -> Reviewer:
    """Name a partner reviewer; their personal link is emailed through the outbox."""
    review = open_review(rnd)
    name, email = (name or "").strip(), (email or "").strip().lower()
    problems = []
    if not name:
        problems.append(problem(N_("reviewer name: required")))
    elif len(name) > 200:
        problems.append(problem(N_("reviewer name: at most %(n)s characters"), n=200))
    elif found := single_line_problem(problem(N_("reviewer name")), name):
        problems.append(found)
    if not EMAIL_RE.match(email) or len(email) > 254:
        problems.append(problem(N_("reviewer email: %(email)r is not an email address"), email=email))
    now = now or utcnow()
    if now >= _link_expiry(review):
        problems.append(
            problem(
                N_("reviewer: the review ended on %(date)s; a new link would not work"), date=review.ends_on
            )
        )
    if problems:
        raise InvalidInput(problems)
    reviewer = Reviewer(
        round_id=rnd.id,
        name=name,
        email=email,
        expires_at=_link_expiry(review),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(reviewer)
    db.session.flush()
    notifications.enqueue(
        "review_invited", email, f"review:{reviewer.id}", now=now, round_id=rnd.id, reviewer_id=reviewer.id
    )
    audit.record("review.reviewer_add", actor, rnd, reviewer_id=reviewer.id)
    return reviewer


def revoke_reviewer(reviewer: Reviewer, actor) -> None:
    if reviewer.revoked_at is None:
        reviewer.revoked_at = utcnow()
        audit.record("review.reviewer_revoke", actor, reviewer.review.round, reviewer_id=reviewer.id)


def issue_link(reviewer: Reviewer, now: datetime | None = None) -> str:
    """A new personal link (the older stops working); only its hash is stored."""
    token = secrets.token_urlsafe(24)
    reviewer.token_hash, reviewer.link_issued_at = hash_token(token), now or utcnow()
    return token


def invitation_context(mail, base_url: str) -> dict | None:
    """The ``review_invited`` message's context, its link made now (at delivery)."""
    reviewer = db.session.get(Reviewer, mail.context.get("reviewer_id"))
    if reviewer is None or not reviewer.usable(utcnow()):
        return None
    rnd = reviewer.review.round
    token = issue_link(reviewer)
    return {
        "rnd": rnd,
        "alliance": rnd.alliance,
        "reviewer": reviewer,
        "review": reviewer.review,
        "link": f"{base_url}/review/{token}",
        "expires": reviewer.expires_at,
    }


class ReviewLinkProblem(Exception):
    """A reviewer link that opens nothing: ``status`` 404 (unknown) or 410 (withdrawn, expired)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def reviewer_by_token(token: str, now: datetime | None = None) -> Reviewer:
    if not token or len(token) > 200:
        raise ReviewLinkProblem(404, "unknown")
    reviewer = db.session.scalar(select(Reviewer).where(Reviewer.token_hash == hash_token(token)))
    if reviewer is None:
        raise ReviewLinkProblem(404, "unknown")
    if reviewer.revoked_at is not None:
        raise ReviewLinkProblem(410, "withdrawn")
    if not reviewer.usable(now or utcnow()):
        raise ReviewLinkProblem(410, "expired")
    return reviewer
