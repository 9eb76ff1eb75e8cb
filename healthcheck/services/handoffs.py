"""A handoff with its briefing: the new owner takes over and is emailed the successor's briefing.

``memory.handoff`` replaces the owners and keeps the handoff note; this also queues the
"handoff" email (once per handoff note) to the new owner, with a link to the briefing page
and the briefing PDF as an attachment by reference (rendered when the email is delivered, so
the new owner gets the alliance as it is then).
"""

from __future__ import annotations

from datetime import date

from healthcheck.models import Alliance, Note
from healthcheck.services import memory, notifications


def briefing_attachment(alliance: Alliance) -> dict:
    """The reference the outbox renders into the briefing PDF at delivery time."""
    return {"kind": "briefing", "alliance_id": alliance.id}


def handover(
    alliance: Alliance,
    new_owner_email: str,
    body: str,
    actor,
    on: date | None = None,
    revoke_shares: bool = False,
) -> Note:
    note = memory.handoff(alliance, new_owner_email, body, actor, on=on, revoke_shares=revoke_shares)
    new_owner = alliance.owners[0]
    notifications.enqueue(
        "handoff",
        new_owner.email,
        f"handoff:{note.id}",
        alliance_id=alliance.id,
        note_id=note.id,
        by=getattr(actor, "display_name", None) or "an administrator",
        to_name=new_owner.display_name,
        attachments=[briefing_attachment(alliance)],
    )
    return note
