"""A follow-up agreed after a round, tied to a dimension."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.alliance import Alliance
from healthcheck.models.base import utcnow
from healthcheck.models.round import Round
from healthcheck.models.user import User

ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
VISIBILITIES = ("internal", "joint")


class Action(db.Model):
    """A follow-up agreed after a round, tied to a dimension."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint(f"status IN {ACTION_STATUSES}", name="ck_actions_status"),
        CheckConstraint(f"visibility IN {VISIBILITIES}", name="ck_actions_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    dimension: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200))
    # side A's owner of a joint action as a user (``owner`` then holds their name)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default="open")
    visibility: Mapped[str] = mapped_column(String(10), default="internal")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    # A joint action (issue 15): an owner on each side — ``owner`` names side A's (a user),
    # ``partner_owner_*`` side B's named contact — and accepted by both before it counts.
    partner_owner_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    partner_owner_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    proposed_by_side: Mapped[str | None] = mapped_column(String(1))
    accepted_a_at: Mapped[datetime | None]
    accepted_b_at: Mapped[datetime | None]
    # Follow-up: a reminder before the due date, a one-question check-in 30 days after done
    # (the answers: ``ActionCheckin``, one per owner).
    reminder_sent_at: Mapped[datetime | None]
    checkin_sent_at: Mapped[datetime | None]

    alliance: Mapped[Alliance] = relationship()
    round: Mapped[Round | None] = relationship()
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])

    @property
    def accepted(self) -> bool:
        """Both sides accepted (an internal action needs no acceptance)."""
        both = self.accepted_a_at is not None and self.accepted_b_at is not None
        return self.visibility != "joint" or both

    def is_overdue(self, today: date) -> bool:
        return self.status in ("open", "in_progress") and self.due_on < today
