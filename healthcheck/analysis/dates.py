"""Calendar arithmetic for cadences (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, clamped to the end of a shorter month (31 Jan + 1 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


OVERDUE_GRACE = timedelta(days=30)


@dataclass(frozen=True)
class NextCheck:
    """When an alliance's next health check is due, and whether it is overdue (DESIGN §3.10–11).

    ``due_on``: the cadence counted from the last closed round's close date (or from the day
    the alliance was set up when none closed yet) — the date the next round should be closed
    by. ``opens_on``: the date the scheduler opens it so that it closes then (``open_days``
    before). ``overdue``: more than 30 days past ``due_on`` and no round open.
    """

    due_on: date
    opens_on: date
    overdue: bool
    days_late: int


def next_check(
    last_closed_on: date | None,
    started_on: date,
    cadence_months: int,
    today: date,
    open_days: int = 21,
    round_open: bool = False,
) -> NextCheck:
    """The one rule for "next health check" (alliance page, portfolio, trend, scheduler)."""
    due = add_months(last_closed_on or started_on, cadence_months)
    days_late = (today - due).days
    return NextCheck(
        due_on=due,
        opens_on=due - timedelta(days=open_days),
        overdue=not round_open and today - due > OVERDUE_GRACE,
        days_late=days_late,
    )
