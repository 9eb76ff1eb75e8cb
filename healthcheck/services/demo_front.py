"""The demo's front door (issue 16 items 4–5): Maria carries more than her capacity, and Lumen
lost its owner when Lena left (her account is deactivated), so the resourcing page shows both."""

from __future__ import annotations

from datetime import date, timedelta

from healthcheck.extensions import db
from healthcheck.models import Note
from healthcheck.services import alliances, users

LEAVER = ("lena.leaver@example.com", "manager", "Lena Leaver", "demo-leaver-2026-gone")
UNMANAGED = "Lumen Dermatology Co-promotion"


def seed(today: date | None = None) -> None:
    """Once: Lena took Lumen over from Maria last year and has since left. Maria keeps three
    complex alliances and a typical one: 1.7 FTE against a capacity of 1.0."""
    today = today or date.today()
    email, role, name, password = LEAVER
    if users.by_email(email) is not None:
        return
    lena = users.create(email, role, password, name=name)
    lumen = alliances.by_name(UNMANAGED)
    if lumen is None:
        return
    previous = ", ".join(u.display_name for u in lumen.owners) or "nobody"
    lumen.owners = [lena]
    db.session.add(
        Note(
            alliance_id=lumen.id,
            kind="handoff",
            title=f"Handoff from {previous} to {name}",
            body="Lena takes Lumen into its last year of co-promotion; the loss-of-exclusivity plan is hers.",
            happened_on=today - timedelta(days=200),
        )
    )
    lena.active = False  # she has left: Lumen has no active owner now
    db.session.flush()
