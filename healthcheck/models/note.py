"""The alliance's memory: meetings, decisions, milestones and handoffs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.alliance import Alliance
from healthcheck.models.base import utcnow

NOTE_KINDS = ("note", "meeting", "decision", "milestone", "handoff")


class Note(db.Model):
    """Something the alliance should remember: a meeting, a decision, a milestone, a handoff."""

    __tablename__ = "notes"
    __table_args__ = (CheckConstraint(f"kind IN {NOTE_KINDS}", name="ck_notes_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="note")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    happened_on: Mapped[date]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    alliance: Mapped[Alliance] = relationship()
