"""Queue messages in the deciding transaction (delivery: ``healthcheck.jobs.delivery``).

A message is queued once per ``dedupe_key`` (a unique column), so deciding twice queues it
once. Links are not queued: they are created when the message is delivered.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from healthcheck.extensions import db
from healthcheck.models import Invitation, OutgoingMail, Round
from healthcheck.models.base import utcnow
from healthcheck.models.response import USABLE_STATUSES

log = logging.getLogger(__name__)
SUBJECTS = {
    "invitation": "Health check of {alliance}: your view, by {deadline}",
    "reminder": "Reminder: health check of {alliance} closes on {deadline}",
    "link_replaced": "Your link to the health check of {alliance} was replaced",
    "round_closed": "Health check {round} of {alliance} is closed — {outcome}",
    "round_extended": "Health check of {alliance}: more time, now open until {deadline}",
    "report_shared": "{side_a} shares the joint health-check report of {alliance}",
    "round_planned": "Next health check of {alliance} planned for {opens_on}: please confirm",
    "digest": "Your alliances this week: {warnings} early warnings, {overdue} overdue",
    "action_assigned": "Joint action agreed in {alliance}: you are an owner",
    "action_reminder": "Reminder: a joint action of {alliance} is due soon",
    "action_checkin": "One question about a joint action of {alliance}: did it help?",
    "review_invited": "{side_a} asks you to review the health-check report {round} of {alliance}",
    "review_published": "Health check {round} of {alliance}: the joint review is published",
    "handoff": "{alliance} is handed over to you: the successor's briefing",
}


def enqueue(
    kind: str,
    to: str,
    dedupe_key: str,
    invitation: Invitation | None = None,
    now: datetime | None = None,
    attachments: list[dict] | None = None,
    **context,
) -> bool:
    """Queue a message unless one with this key exists. True when newly queued.
    ``attachments``: files by reference, rendered at delivery (``pack_attachments``)."""
    if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.dedupe_key == dedupe_key)):
        return False
    mail = OutgoingMail(
        dedupe_key=dedupe_key,
        kind=kind,
        to=to,
        context=context,
        invitation_id=invitation.id if invitation else None,
        attachments=attachments or None,
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
            Invitation.round_id == rnd.id,
            Invitation.status == "pending",
            Invitation.email != "",
            Invitation.link_via == "email",
        )
    ):
        count += enqueue("invitation", inv.email, f"invite:{inv.id}", invitation=inv, now=now)
    return count




def tell_extended(rnd: Round, previous, now: datetime | None = None) -> int:
    """Queue "more time" to everyone invited to an open round who has not submitted yet."""
    count = 0
    for inv in db.session.scalars(
        select(Invitation).where(
            Invitation.round_id == rnd.id,
            Invitation.status.in_(USABLE_STATUSES),
            Invitation.email != "",
        )
    ):
        key = f"extended:{inv.id}:{rnd.closes_on.isoformat()}"
        count += enqueue("round_extended", inv.email, key, invitation=inv, now=now, was=previous.isoformat())
    return count


def pack_attachments(rnd: Round) -> list[dict]:
    """The steering-committee pack files of a publication email, by reference: rendered at
    delivery (``packs.render_attachment``) from the data of that moment."""
    return [{"kind": "pack", "round_id": rnd.id, "format": fmt} for fmt in ("pdf", "pptx")]
