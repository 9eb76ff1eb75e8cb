"""The demo's memory: the Nordvik finance story told through actions, notes and a handoff."""

from __future__ import annotations

from datetime import datetime, timedelta

from healthcheck.extensions import db
from healthcheck.models import Action, Alliance, Note, Round
from healthcheck.services import audit, users

NORDVIK = "Nordvik Immunology Co-commercial"


def _at(day) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=10)


def seed(alliance: Alliance, rounds: list[Round]) -> None:
    """Only the finance-gap alliance carries a memory in the demo."""
    if alliance.name != NORDVIK or len(rounds) < 3:
        return
    first, second, third = rounds[0], rounds[1], rounds[2]
    maria, tom = users.by_email("manager@example.com"), users.by_email("manager2@example.com")
    notes = [
        (
            first.opens_on - timedelta(days=40),
            "meeting",
            "Kick-off of the co-commercial alliance",
            "Joint launch plan for NV-12 in the Nordics agreed; "
            "finance and governance leads named on both sides.",
        ),
        (
            first.closes_on + timedelta(days=12),
            "decision",
            "Steering committee: keep quarterly finance reviews",
            "Both sides agreed the health check is the basis for the yearly alliance review.",
        ),
        (
            second.closes_on + timedelta(days=20),
            "handoff",
            "Handoff from Tom Successor to Maria Manager",
            "Finance is the open issue: Nordvik feels cost-sharing and milestone payments "
            "are unfair and late. The joint budget review is agreed but not yet held. "
            "Relationship otherwise strong; trust is high.",
        ),
        (
            third.closes_on + timedelta(days=15),
            "milestone",
            "Contract amendment: revised cost-sharing signed",
            "Cost-sharing moves from 60/40 to 55/45 from next year; payment terms 30 days.",
        ),
    ]
    for day, kind, title, body in notes:
        db.session.add(
            Note(
                alliance_id=alliance.id,
                kind=kind,
                title=title,
                body=body,
                happened_on=day,
                author_id=(tom if day < second.closes_on + timedelta(days=20) else maria).id,
                created_at=_at(day),
            )
        )
    actions = [
        (
            second,
            "finance",
            "Joint budget review with Nordvik finance",
            "joint",
            "done",
            45,
            "Walk through cost-sharing and milestone payments line by line with both finance leads.",
        ),
        (
            second,
            "finance",
            "Escalate late milestone payments to our CFO",
            "internal",
            "done",
            20,
            "Internal: three milestone payments were paid more than 60 days late.",
        ),
        (
            third,
            "finance",
            "Agree a shared budget forecast for next year",
            "joint",
            "in_progress",
            60,
            "One forecast both finance teams own, revised every quarter.",
        ),
    ]
    for rnd, dimension, title, visibility, status, days, description in actions:
        created = _at(rnd.closes_on + timedelta(days=7))
        db.session.add(
            Action(
                alliance_id=alliance.id,
                round_id=rnd.id,
                dimension=dimension,
                title=title,
                description=description,
                owner="Maria Manager" if visibility == "internal" else "Maria Manager & Nordvik finance lead",
                due_on=rnd.closes_on + timedelta(days=days + 7),
                status=status,
                visibility=visibility,
                created_by_id=maria.id,
                created_at=created,
                completed_at=created + timedelta(days=days) if status == "done" else None,
            )
        )
    audit.record("alliance.owners", tom, alliance, owners=[maria.email], handoff=True)
    db.session.flush()
