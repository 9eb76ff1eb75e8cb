"""Reminders to non-respondents: the scheduled ones and the manager's "remind now" share one path.

A reminder is the row (invitation, number) in ``reminders`` — unique, so number 1 or 2 of an
invitation exists at most once whoever decides it (the hourly job, a manager's click, a second
click or a second manager at the same moment). Claiming the row and queueing its message
(dedupe key ``reminder:<invitation>:<number>``) happen in the deciding transaction; the loser of
a race finds the row taken and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from healthcheck.extensions import db
from healthcheck.models import Invitation, Reminder, Round
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import audit, notifications
from healthcheck.services.errors import InvalidInput

REMINDER_DAYS = (7, 14)  # scheduled: days after opening; at most this many per person
REMINDER_GAP = timedelta(days=3)  # never two reminders to one person within this time


def _sent(inv: Invitation) -> list[Reminder]:
    return list(
        db.session.scalars(select(Reminder).where(Reminder.invitation_id == inv.id).order_by(Reminder.number))
    )


def _waiting(rnd: Round) -> list[Invitation]:
    """Who a reminder is for: invited by email, not submitted, not withdrawn."""
    return list(
        db.session.scalars(
            select(Invitation).where(
                Invitation.round_id == rnd.id,
                Invitation.status.in_(("pending", "started")),
                Invitation.email != "",
            )
        )
    )


def _claim(inv: Invitation, number: int, now: datetime) -> bool:
    """Reminder ``number`` of ``inv`` is this transaction's to send; False when taken."""
    try:
        with db.session.begin_nested():
            db.session.add(Reminder(invitation_id=inv.id, number=number, created_at=now))
    except IntegrityError:
        return False  # another transaction (job, click, manager) claimed it first
    return notifications.enqueue(
        "reminder", inv.email, f"reminder:{inv.id}:{number}", invitation=inv, now=now
    )


def _next_number(sent: list[Reminder], now: datetime) -> int | None:
    """The next reminder's number, or None when the person had both or one very recently."""
    if len(sent) >= len(REMINDER_DAYS) or (sent and now - sent[-1].created_at < REMINDER_GAP):
        return None
    return len(sent) + 1


def queue_scheduled(rnd: Round, now: datetime) -> int:
    """The reminders due 7 and 14 days after the round opened."""
    age, queued = now - rnd.opened_at, 0
    for inv in _waiting(rnd):
        number = _next_number(_sent(inv), now)
        if number is not None and age >= timedelta(days=REMINDER_DAYS[number - 1]):
            queued += _claim(inv, number, now)
    return queued


@dataclass
class RemindNow:
    sent: int = 0
    recent: int = 0  # reminded less than REMINDER_GAP ago
    used_up: list[str] = field(default_factory=list)  # had both reminders already


def remind_now(rnd: Round, actor, now: datetime | None = None) -> RemindNow:
    """The manager reminds everyone who has not answered, now: each person's next reminder is
    claimed at once instead of on day 7 or 14 (it counts as one of their two)."""
    if rnd.status != "open":
        raise InvalidInput(
            problem(
                N_("round %(label)r is %(status)s; only an open round's respondents are reminded"),
                label=rnd.label,
                status=problem(rnd.status),
            )
        )
    now, result = now or utcnow(), RemindNow()
    for inv in _waiting(rnd):
        sent = _sent(inv)
        number = _next_number(sent, now)
        if number is not None:
            claimed = _claim(inv, number, now)
            result.sent += claimed
            result.recent += not claimed
        elif len(sent) >= len(REMINDER_DAYS):
            result.used_up.append(inv.name)
        else:
            result.recent += 1
    audit.record("round.remind", actor, rnd, sent=result.sent)
    return result


def sent_in_round(round_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Reminder).join(Invitation).where(Invitation.round_id == round_id)
        )
        or 0
    )
