"""Issue 17 item 5: the email outbox and the webhook deliveries are claimed by one helper
(``services.outbox``): of two senders exactly one gets a due row; a claim is a lease another
sender takes over only when it has run out; rows not due, or done, are never claimed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import OutgoingMail, Webhook, WebhookDelivery
from healthcheck.services import outbox

NOW = datetime(2026, 12, 2, 9, 0, 0)


def _mail(n: int, **values) -> OutgoingMail:
    return OutgoingMail(dedupe_key=f"claim-test-{n}", kind="round_closed", to="a@example.com", **values)


def _delivery(n: int, **values) -> WebhookDelivery:
    hook = db.session.scalar(select(Webhook))
    hook = hook or Webhook(name="Receiver", url="https://hook.invalid/", secret_encrypted="x")
    db.session.add(hook)
    db.session.flush()
    return WebhookDelivery(webhook_id=hook.id, dedupe_key=f"claim-test-{n}", event="round.closed", **values)


@pytest.mark.parametrize(("model", "make"), [(OutgoingMail, _mail), (WebhookDelivery, _delivery)])
def test_one_claim_per_lease_and_never_a_row_not_due_or_done(app, model, make):
    with app.app_context():
        due = make(1, next_attempt_at=NOW - timedelta(minutes=1))
        later = make(2, next_attempt_at=NOW + timedelta(minutes=5))
        sent = make(3, status="sent", next_attempt_at=NOW - timedelta(hours=1))
        failed = make(4, status="failed", next_attempt_at=NOW - timedelta(hours=1))
        db.session.add_all([due, later, sent, failed])
        db.session.commit()
        ids = [due.id, later.id, sent.id, failed.id]

        assert outbox.due_ids(model, NOW, 100) == [ids[0]]
        assert outbox.claim(model, ids[0], NOW) is True
        assert outbox.claim(model, ids[0], NOW) is False  # the second sender: the lease is held
        row = db.session.get(model, ids[0])
        assert row.status == "sending" and row.next_attempt_at == NOW + timedelta(minutes=10)
        assert outbox.due_ids(model, NOW + timedelta(minutes=9), 100) == [ids[1]]  # not the claimed one
        # the sender died: after its lease (10 minutes) another one takes the row over
        assert outbox.claim(model, ids[0], NOW + timedelta(minutes=9, seconds=59)) is False
        assert outbox.claim(model, ids[0], NOW + timedelta(minutes=10)) is True
        assert [outbox.claim(model, i, NOW) for i in ids[1:]] == [False, False, False]
        assert outbox.due_ids(model, NOW + timedelta(minutes=5), 100) == [ids[1]]
