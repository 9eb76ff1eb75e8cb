"""Messages: the reminders owed to respondents and the queue of outgoing mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from healthcheck.extensions import db
from healthcheck.models.base import utcnow


class Reminder(db.Model):
    """Reminder number 1 or 2 of one invitation: unique, so it is sent at most once."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("invitation_id", "number", name="uq_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutgoingMail(db.Model):
    """A message decided in a transaction and delivered afterwards, with retries.

    Messages that carry a respondent link store only the invitation: the link is made at
    delivery time, so no usable token is ever stored.
    """

    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    to: Mapped[str] = mapped_column(String(254))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(
        String(10), default="queued", index=True
    )  # queued, sending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # Files attached by reference, rendered at delivery (e.g. {"kind": "pack", "round_id", "format"})
    attachments: Mapped[list | None] = mapped_column(JSON)
