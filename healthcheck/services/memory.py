"""The alliance's memory: notes and decisions, owner handoffs, the timeline, search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import NOTE_KINDS, Action, Alliance, Note, Round, RoundSummary, ShareLink
from healthcheck.problems import N_, problem
from healthcheck.services import audit, review_timeline, sharing, users
from healthcheck.services import search as search_in
from healthcheck.services.errors import InvalidInput


@dataclass
class Event:
    when: datetime
    kind: str
    title: str
    detail: str = ""


def add_note(alliance: Alliance, kind: str, title: str, body: str, happened_on: date | None, actor) -> Note:
    problems = []
    if kind not in NOTE_KINDS or kind == "handoff":
        kinds = ", ".join(k for k in NOTE_KINDS if k != "handoff")
        problems.append(problem(N_("kind: one of %(allowed)s"), allowed=kinds))
    if not title.strip() or len(title) > 200:
        problems.append(problem(N_("title: required, at most %(n)s characters"), n=200))
    if len(body) > 20000:
        problems.append(problem(N_("text: at most %(n)s characters"), n=20000))
    if happened_on is None:
        problems.append(problem(N_("date: required (YYYY-MM-DD)")))
    if problems:
        raise InvalidInput(problems)
    note = Note(
        alliance_id=alliance.id,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        happened_on=happened_on,
        author_id=getattr(actor, "id", None),
    )
    db.session.add(note)
    db.session.flush()
    return note


def handoff(
    alliance: Alliance,
    new_owner_email: str,
    body: str,
    actor,
    on: date | None = None,
    revoke_shares: bool = False,
) -> Note:
    """A new owner takes over the alliance; the handoff note stays in its memory.
    ``revoke_shares``: the partner links made so far stop working (the new owner shares anew)."""
    new_owner = users.by_email(new_owner_email or "")
    if new_owner is None or new_owner.role not in ("manager", "admin"):
        raise InvalidInput(
            problem(N_("new owner: %(email)r is not a manager or admin account"), email=new_owner_email)
        )
    if not body.strip():
        raise InvalidInput(problem(N_("handoff note: required — what should the new owner know?")))
    previous = ", ".join(u.display_name for u in alliance.owners) or "nobody"
    alliance.owners = [new_owner]
    note = Note(
        alliance_id=alliance.id,
        kind="handoff",
        title=f"Handoff from {previous} to {new_owner.display_name}",
        body=body.strip(),
        happened_on=on or date.today(),
        author_id=getattr(actor, "id", None),
    )
    db.session.add(note)
    db.session.flush()
    audit.record("alliance.owners", actor, alliance, owners=[new_owner.email], handoff=True)
    if revoke_shares:
        sharing.revoke_all_of(alliance.id, actor, handoff=True)
    return note


def notes_of(alliance: Alliance) -> list[Note]:
    return list(
        db.session.scalars(
            select(Note).where(Note.alliance_id == alliance.id).order_by(Note.happened_on, Note.id)
        )
    )


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


TIMELINE_KINDS = ("round", "share", "action", "review", *NOTE_KINDS)


def timeline(alliance: Alliance, kind: str | None = None) -> list[Event]:
    """Everything that happened to the alliance, newest first; only events of ``kind`` if given."""
    events: list[Event] = []
    rows = db.session.execute(
        select(Round, RoundSummary.health_index, RoundSummary.rag)
        .outerjoin(RoundSummary, RoundSummary.round_id == Round.id)
        .where(Round.alliance_id == alliance.id)
    )
    for rnd, health, rag in rows:
        if rnd.opened_at and not rnd.imported:
            events.append(
                Event(
                    rnd.opened_at,
                    "round",
                    f"Round {rnd.label} opened",
                    f"{rnd.questionnaire.ref}, closes {rnd.closes_on}",
                )
            )
        if rnd.closed_at:
            figure = f"health index {health:.0f} ({rag})" if health is not None else "health index not shown"
            events.append(Event(rnd.closed_at, "round", f"Round {rnd.label} closed", figure))
    for link in db.session.scalars(select(ShareLink).join(Round).where(Round.alliance_id == alliance.id)):
        events.append(
            Event(
                link.created_at,
                "share",
                f"Report {link.round.label} shared with {alliance.side_b.name}",
                f"until {link.expires_at:%Y-%m-%d}",
            )
        )
        if link.revoked_at:
            events.append(Event(link.revoked_at, "share", f"Partner link to {link.round.label} revoked"))
    for action in db.session.scalars(select(Action).where(Action.alliance_id == alliance.id)):
        events.append(
            Event(
                action.created_at,
                "action",
                f"Action {'proposed' if action.proposed_by_side and not action.accepted else 'agreed'}: "
                f"{action.title}",
                f"{action.visibility}, owner {action.owner}, due {action.due_on}",
            )
        )
        if action.completed_at:
            events.append(Event(action.completed_at, "action", f"Action {action.status}: {action.title}"))
    for note in notes_of(alliance):
        events.append(Event(_at(note.happened_on), note.kind, note.title, note.body))
    events += [Event(*e) for e in review_timeline.timeline_events(alliance)]  # the joint review (issue 15)
    events = [e for e in events if kind in (None, e.kind)]
    return sorted(events, key=lambda e: e.when, reverse=True)


def search(alliance: Alliance, query: str) -> dict[str, list]:
    """Notes, actions and (under the k rule, closed rounds only) comments containing ``query``:
    the search of every alliance (``services.search``) over this one."""
    needle = search_in.needle_of(query)
    if needle is None:
        return {"notes": [], "actions": [], "comments": []}
    ids = [alliance.id]
    return {
        "notes": search_in.notes(ids, needle),
        "actions": search_in.actions(ids, needle),
        "comments": search_in.comments(ids, needle),
    }
