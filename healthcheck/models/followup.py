"""A joint action's check-in, one per owner (issue 15): "Did this help?" 1–5 and a comment.

Each owner (side A's user, side B's contact) gets a personal link; the token is made when
the email is delivered and only its hash is kept. An answer is given once; it is shown in
the next round's report attributed to the owner's organisation (side), never the person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.action import Action
from healthcheck.models.base import utcnow

CHECKIN_SCORES = (1, 2, 3, 4, 5)


class ActionCheckin(db.Model):
    """One owner's check-in of one joint action."""

    __tablename__ = "action_checkins"
    __table_args__ = (
        UniqueConstraint("action_id", "side", name="uq_action_checkins_action_side"),
        CheckConstraint("side IN ('A', 'B')", name="ck_action_checkins_side"),
        CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="ck_action_checkins_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(1))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    score: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    action: Mapped[Action] = relationship()
