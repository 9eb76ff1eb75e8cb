"""Webhooks: where events are posted, and each event's delivery with its attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.alliance import Alliance
from healthcheck.models.base import utcnow

WEBHOOK_FORMATS = ("plain", "slack", "teams")
WEBHOOK_EVENTS = ("round.opened", "round.closed", "round.published", "warning.raised", "action.overdue")
DELIVERY_STATUSES = ("queued", "sending", "sent", "failed", "cancelled")


class Webhook(db.Model):
    """A URL that receives events of one alliance, or of every alliance (``alliance_id`` null).

    The signing secret must be readable to sign: it is stored encrypted with a key derived
    from the app's SECRET_KEY (``services.webhooks``), never in the clear.
    """

    __tablename__ = "webhooks"
    __table_args__ = (CheckConstraint(f"format IN {WEBHOOK_FORMATS}", name="ck_webhooks_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int | None] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(10), default="plain")
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    alliance: Mapped[Alliance | None] = relationship()

    @property
    def scope_words(self) -> str:
        return self.alliance.name if self.alliance is not None else "every alliance (portfolio-wide)"


class WebhookDelivery(db.Model):
    """One event for one webhook: queued once per ``dedupe_key``, sent with retries."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (CheckConstraint(f"status IN {DELIVERY_STATUSES}", name="ck_webhook_deliveries_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    webhook: Mapped[Webhook] = relationship()
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        order_by="WebhookAttempt.id", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookAttempt(db.Model):
    """One POST of a delivery: when, the HTTP status code (null when none came back), the error."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
