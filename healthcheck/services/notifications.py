"""Queue messages in the deciding transaction; deliver them afterwards with retries.

A message is queued once per ``dedupe_key`` (a unique column), so deciding twice queues it
once. Delivery claims each message with a guarded UPDATE (a lease), so two schedulers never
send the same message. Respondent and partner links are created at delivery, in the same
transaction that marks the message sent: no usable token is ever stored.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from healthcheck.extensions import db
from healthcheck.mail import Message, backend_for
from healthcheck.models import Invitation, OutgoingMail, Round
from healthcheck.models.base import utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
SUBJECTS = {
    "invitation": "Health check of {alliance}: your view, by {deadline}",
    "reminder": "Reminder: health check of {alliance} closes on {deadline}",
    "round_closed": "Health check {round} of {alliance} is closed — the report is ready",
    "report_shared": "{side_a} shares the joint health-check report of {alliance}",
    "round_planned": "Next health check of {alliance} planned for {opens_on}: please confirm",
    "digest": "Your alliances this week: {warnings} early warnings, {overdue} overdue",
}


def enqueue(
    kind: str,
    to: str,
    dedupe_key: str,
    invitation: Invitation | None = None,
    now: datetime | None = None,
    **context,
) -> bool:
    """Queue a message unless one with this key exists. True when newly queued."""
    if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.dedupe_key == dedupe_key)):
        return False
    mail = OutgoingMail(
        dedupe_key=dedupe_key,
        kind=kind,
        to=to,
        context=context,
        invitation_id=invitation.id if invitation else None,
        next_attempt_at=now or utcnow(),
        created_at=now or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(mail)
    except IntegrityError:
        return False  # a concurrent transaction queued it first
    return True


def invite_all(rnd: Round, now: datetime | None = None) -> int:
    """Queue the invitation message of every pending invitation of an open round."""
    count = 0
    for inv in db.session.scalars(
        select(Invitation).where(
            Invitation.round_id == rnd.id, Invitation.status == "pending", Invitation.email != ""
        )
    ):
        count += enqueue("invitation", inv.email, f"invite:{inv.id}", invitation=inv, now=now)
    return count


def _claim(mail_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.status.in_(("queued", "sending")),
            OutgoingMail.next_attempt_at <= now,
        )
        .values(status="sending", next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def _respondent_context(mail: OutgoingMail) -> dict | None:
    inv = db.session.get(Invitation, mail.invitation_id)
    if inv is None or inv.status in ("submitted", "revoked") or inv.round.status != "open":
        return None  # nothing to ask any more
    alliance = inv.round.alliance
    return {
        "inv": inv,
        "rnd": inv.round,
        "alliance": alliance,
        "link": f"{_base_url()}/r/{inv.issue_token()}",
        "side": alliance.side(inv.side).name,
    }


def _shared_context(mail: OutgoingMail) -> dict | None:
    from healthcheck.services import sharing

    rnd = db.session.get(Round, mail.context["round_id"])
    if rnd is None or rnd.status != "closed":
        return None
    link, token = sharing.create(
        rnd, None, days=mail.context.get("days", 30), created_by_id=mail.context.get("actor_id")
    )
    return {
        "rnd": rnd,
        "alliance": rnd.alliance,
        "link": f"{_base_url()}/shared/{token}",
        "expires": link.expires_at,
    }


def render(mail: OutgoingMail) -> Message | None:
    """The message to send, or None when it should not be sent any more."""
    if mail.kind in ("invitation", "reminder"):
        context = _respondent_context(mail)
    elif mail.kind == "report_shared":
        context = _shared_context(mail)
    else:
        context = dict(mail.context)
        if "round_id" in context:
            rnd = db.session.get(Round, context["round_id"])
            context.update(rnd=rnd, alliance=rnd.alliance if rnd else None)
        context["base_url"] = _base_url()
    if context is None:
        return None
    fields = {
        "alliance": getattr(context.get("alliance"), "name", ""),
        "deadline": getattr(context.get("rnd"), "closes_on", ""),
        "round": getattr(context.get("rnd"), "label", ""),
        "opens_on": getattr(context.get("rnd"), "opens_on", ""),
        "side_a": getattr(getattr(context.get("alliance"), "side_a", None), "name", ""),
        "warnings": context.get("warning_count", 0),
        "overdue": context.get("overdue_count", 0),
    }
    subject = SUBJECTS[mail.kind].format(**fields)
    return Message(
        mail.to,
        subject,
        render_template(f"mail/{mail.kind}.txt", **context),
        render_template(f"mail/{mail.kind}.html", **context),
    )


def deliver_due(now: datetime | None = None, limit: int = 100) -> dict:
    """Send due messages one by one; each in its own transaction. Returns counts."""
    now = now or utcnow()
    backend = backend_for(current_app.config, current_app.instance_path)
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    due = list(
        db.session.scalars(
            select(OutgoingMail.id)
            .where(
                or_(OutgoingMail.status == "queued", OutgoingMail.status == "sending"),
                OutgoingMail.next_attempt_at <= now,
            )
            .order_by(OutgoingMail.id)
            .limit(limit)
        )
    )
    db.session.commit()
    for mail_id in due:
        if not _claim(mail_id, now):
            continue
        mail = db.session.get(OutgoingMail, mail_id)
        try:
            message = render(mail)
            if message is None:
                mail.status = "cancelled"
                counts["cancelled"] += 1
            else:
                backend.send(message)
                mail.status, mail.sent_at, mail.attempts = "sent", now, mail.attempts + 1
                counts["sent"] += 1
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 - any sending failure is recorded and retried
            db.session.rollback()
            counts[_record_failure(mail_id, now, exc)] += 1
    return counts


def _record_failure(mail_id: int, now: datetime, exc: Exception) -> str:
    mail = db.session.get(OutgoingMail, mail_id)
    mail.attempts += 1
    mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = "failed"
    else:
        mail.status = "queued"
        mail.next_attempt_at = now + timedelta(minutes=2**mail.attempts)  # 2, 4, 8, 16 … minutes
    db.session.commit()
    log.warning("mail %s to %s failed (attempt %s): %s", mail.kind, mail.to, mail.attempts, mail.last_error)
    return "failed" if mail.status == "failed" else "retry"
