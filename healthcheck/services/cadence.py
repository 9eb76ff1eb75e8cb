"""An alliance's cadence as the manager sees it: next round, reminders (job runs: ``operations``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from healthcheck.analysis.dates import add_months
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round
from healthcheck.services import audit, reminders
from healthcheck.services.errors import InvalidInput


@dataclass
class Schedule:
    cadence_months: int
    from_segment: bool
    open_round: Round | None
    reminders_sent: int
    next_round: Round | None  # a draft waiting to open
    next_due: date | None


def for_alliance(alliance: Alliance) -> Schedule:
    rounds = list(
        db.session.scalars(
            select(Round).where(Round.alliance_id == alliance.id).order_by(Round.opens_on, Round.id)
        )
    )
    open_round = next((r for r in rounds if r.status == "open"), None)
    draft = next((r for r in rounds if r.status == "draft"), None)
    last = rounds[-1] if rounds else None
    due = (
        None
        if draft or open_round or last is None
        else add_months(last.opens_on, alliance.effective_cadence_months)
    )
    return Schedule(
        alliance.effective_cadence_months,
        alliance.cadence_months is None,
        open_round,
        reminders.sent_in_round(open_round.id) if open_round else 0,
        draft,
        due,
    )


def confirm(rnd: Round, actor) -> None:
    """The manager confirms a draft round: the scheduler opens it on its opening date."""
    if rnd.status != "draft":
        raise InvalidInput(f"round {rnd.label!r} is {rnd.status}; only a draft can be confirmed")
    rnd.auto_open = True
    audit.record("round.confirm", actor, rnd)
