"""The joint review of a closed round (DESIGN §2 Joint review, issue 15).

When a round closes its report is ``in_review`` for the alliance's review window: named
partner reviewers (side B, personal expiring links, no account) and side A's owners mark
each finding (each dimension, each talking point) ``agree`` / ``disagree`` with a comment,
reply to each other and propose joint actions, which both sides accept. Publishing (an
owner, or the scheduler when the window has ended, exactly once) freezes the report as the
partner sees it, the thread (attributed to organisations, never persons) and the accepted
joint actions as version 1 of the round's pack; every later change freezes version 2, 3…

Every act is audited. What a reviewer sees is what the partner's share link shows
(``report_pages.round_context(rnd, joint_only=True)``), under the same k rule.

This module: the review of a round, who acts in it, and its start. Beside it, one job each:
``review_links`` (partner reviewers and their personal links), ``review_findings`` (what is
discussed and the stances read from the thread), ``review_thread`` (comments, replies, joint
actions proposed and accepted), ``review_publication`` (publishing, the pack's frozen versions
and their emails) and ``review_timeline`` (review acts on the alliance's timeline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from healthcheck.extensions import db
from healthcheck.models import Review, Reviewer, Round
from healthcheck.models.base import utcnow
from healthcheck.models.review import DEFAULT_REVIEW_DAYS
from healthcheck.problems import N_, problem
from healthcheck.services import audit
from healthcheck.services.errors import InvalidInput


@dataclass(frozen=True)
class Participant:
    """Who acts in a review: an owner of side A (``user``) or a partner reviewer (side B)."""

    side: str
    user: object | None = None
    reviewer: Reviewer | None = None

    @classmethod
    def owner(cls, user) -> Participant:
        return cls("A", user=user)

    @classmethod
    def partner(cls, reviewer: Reviewer) -> Participant:
        return cls("B", reviewer=reviewer)

    def detail(self) -> dict:
        """Audit detail naming the reviewer (a user is the audit row's actor)."""
        return {"side": self.side, **({"reviewer_id": self.reviewer.id} if self.reviewer else {})}


def of_round(rnd: Round) -> Review | None:
    return db.session.get(Review, rnd.id)


def open_review(rnd: Round) -> Review:
    review = of_round(rnd)
    if review is None:
        raise InvalidInput(problem(N_("review: this round has no joint review")))
    return review


def check_participant(rnd: Round, who: Participant, now: datetime) -> None:
    if who.side == "B" and (
        who.reviewer is None or who.reviewer.round_id != rnd.id or not who.reviewer.usable(now)
    ):
        raise InvalidInput(problem(N_("review: this link does not open this round's review")))


def start(rnd: Round, now: datetime | None = None) -> Review | None:
    """Open the review of a round that has just closed (before its report is stored, so the
    report says ``in_review``). A window of 0 days publishes at once: see
    ``review_publication.after_close``."""
    if of_round(rnd) is not None or rnd.imported:
        return None
    now = now or utcnow()
    days = rnd.alliance.review_days if rnd.alliance.review_days is not None else DEFAULT_REVIEW_DAYS
    review = Review(
        round_id=rnd.id, status="in_review", ends_on=now.date() + timedelta(days=days), started_at=now
    )
    if days == 0:
        review.status, review.published_at = "published", now
    db.session.add(review)
    db.session.flush()
    audit.record("review.start", None, rnd, ends_on=review.ends_on.isoformat(), days=days)
    return review
