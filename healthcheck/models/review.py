"""The joint review of a closed round (issue 15): reviewers, the thread, the pack's versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.base import utcnow
from healthcheck.models.round import Round

REVIEW_STATUSES = ("in_review", "published")
STANCES = ("agree", "disagree")
DEFAULT_REVIEW_DAYS = 10
MAX_REVIEW_DAYS = 60


class Review(db.Model):
    """A round's review: ``in_review`` until ``ends_on``, then ``published``. Keyed by the round."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint(f"status IN {REVIEW_STATUSES}", name="ck_reviews_status"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="in_review")
    ends_on: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship()


class Reviewer(db.Model):
    """A named partner reviewer (side B): a personal, expiring, revocable link, no account.

    The link is made when its email is delivered; only its hash is stored.
    """

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reviews.round_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_issued_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    review: Mapped[Review] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ReviewComment(db.Model):
    """One entry of the review thread on a finding (``dimension:<key>`` or ``talking:<n>``)."""

    __tablename__ = "review_comments"
    __table_args__ = (
        CheckConstraint("side IN ('A', 'B')", name="ck_review_comments_side"),
        CheckConstraint(f"stance IS NULL OR stance IN {STANCES}", name="ck_review_comments_stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reviews.round_id", ondelete="CASCADE"), index=True)
    finding: Mapped[str] = mapped_column(String(120))
    side: Mapped[str] = mapped_column(String(1))
    stance: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("review_comments.id", ondelete="SET NULL"))
    # who wrote it, for the audit trail only: pages and packs name the organisation
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("reviewers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PackVersion(db.Model):
    """A frozen steering-committee pack of a round: version 1 at publication, then 2, 3…"""

    __tablename__ = "pack_versions"
    __table_args__ = (UniqueConstraint("round_id", "number", name="uq_pack_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
