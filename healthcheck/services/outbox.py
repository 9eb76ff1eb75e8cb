"""Claiming rows of an outbox: the email outbox (``jobs.delivery``, ``OutgoingMail``) and the
webhook deliveries (``webhook_delivery``, ``WebhookDelivery``) are sent the same way.

A row is due when it is ``queued`` (or ``sending`` with its lease run out: a sender died) and
its ``next_attempt_at`` has come. A sender claims one row with a guarded UPDATE that sets
``sending`` and moves ``next_attempt_at`` one lease ahead, committed at once: of two senders
(two schedulers, or the job and a button) exactly one sees its UPDATE change the row, and only
that one sends. What happens after the claim (sending, recording the outcome, retries) differs
per outbox and stays with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from healthcheck.extensions import db

LEASE = timedelta(minutes=10)  # a claim held this long by a sender that died is taken over
CLAIMABLE = ("queued", "sending")


def _due(model, now: datetime):
    return model.status.in_(CLAIMABLE), model.next_attempt_at <= now


def due_ids(model, now: datetime, limit: int) -> list[int]:
    """Ids of the rows due now, oldest first (read, then the transaction ends)."""
    found = list(
        db.session.scalars(select(model.id).where(*_due(model, now)).order_by(model.id).limit(limit))
    )
    db.session.commit()
    return found


def claim(model, row_id: int, now: datetime, lease: timedelta = LEASE) -> bool:
    """Take the row for one lease; True only for the caller whose UPDATE moved it (committed)."""
    claimed = db.session.execute(
        update(model)
        .where(model.id == row_id, *_due(model, now))
        .values(status="sending", next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1
