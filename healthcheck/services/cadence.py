"""An alliance's cadence as the manager sees it: next round, reminders (job runs: ``operations``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from healthcheck.analysis.dates import NextCheck, next_check
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round
from healthcheck.problems import N_, problem
from healthcheck.services import audit, reminders
from healthcheck.services.errors import InvalidInput


@dataclass
class Schedule:
    cadence_months: int
    from_segment: bool
    open_round: Round | None
    reminders_sent: int
    next_round: Round | None  # a draft waiting to open
    next_due: date | None  # when no round is waiting or open (``analysis.dates.next_check``)
    overdue: bool = False


def for_alliance(alliance: Alliance, today: date | None = None) -> Schedule:
    rounds = list(
        db.session.scalars(
            select(Round).where(Round.alliance_id == alliance.id).order_by(Round.opens_on, Round.id)
        )
    )
    open_round = next((r for r in rounds if r.status == "open"), None)
    draft = next((r for r in rounds if r.status == "draft"), None)
    check = next_check_of(alliance, rounds, today or date.today())
    due = None if draft or open_round else check.due_on
    return Schedule(
        alliance.effective_cadence_months,
        alliance.cadence_months is None,
        open_round,
        reminders.sent_in_round(open_round.id) if open_round else 0,
        draft,
        due,
        check.overdue,
    )


def last_closed_on(rounds: list[Round]) -> date | None:
    closed = [r.closes_on for r in rounds if r.status == "closed"]
    return max(closed) if closed else None


def next_check_of(alliance: Alliance, rounds: list[Round], today: date, open_days: int = 21) -> NextCheck:
    """The alliance's next health check by the one rule the portfolio and the scheduler use."""
    return next_check(
        last_closed_on(rounds),
        alliance.created_at.date(),
        alliance.effective_cadence_months,
        today,
        open_days=open_days,
        round_open=any(r.status == "open" for r in rounds),
    )


def confirm(rnd: Round, actor) -> None:
    """The manager confirms a draft round: the scheduler opens it on its opening date."""
    if rnd.status != "draft":
        raise InvalidInput(
            problem(
                N_("round %(label)r is %(status)s; only a draft can be confirmed"),
                label=rnd.label,
                status=problem(rnd.status),
            )
        )
    rnd.auto_open = True
    audit.record("round.confirm", actor, rnd)
