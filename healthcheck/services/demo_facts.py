"""Facts in the demo (issue 16): where they back perception and where they clash with it.

- *Nordvik*: Nordvik's falling finance rating is backed by a growing budget overrun (its
  perception matches the facts); Aurora still rates finance well — a mismatch the report flags.
- *Kestrel* (supplier): both sides rate delivery well while on-time-in-full deliveries fall
  from 96 % to 75 % — ``perception_fact_mismatch``.
Dates follow each alliance's closed rounds, so every round's period holds its own facts.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from healthcheck.analysis.dates import add_months
from healthcheck.extensions import db
from healthcheck.models import Alliance, BudgetLine, DeliveryKpi, Milestone, Round
from healthcheck.services import alliances, summaries

NORDVIK = "Nordvik Immunology Co-commercial"
KESTREL = "Kestrel CMC Supply"
NORDVIK_OVERRUN = [0.02, 0.07, 0.18, 0.31]  # budget variance per closed round, oldest first
NORDVIK_LINES = [("Field force", 420000.0), ("Medical affairs", 180000.0), ("Market access", 95000.0)]
KESTREL_OTIF = [(50, 48), (52, 48), (48, 36)]  # (deliveries, on time in full) per closed round
NORDVIK_MILESTONES = [  # (title, months before the close, days late, status)
    ("Launch sequence agreed", 4, 5, "met"),
    ("Payer dossier submitted", 2, 12, "met"),
    ("KOL advisory board", 1, 0, "met"),
]


def _closed(alliance: Alliance) -> list[Round]:
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.alliance_id == alliance.id, Round.status == "closed")
            .order_by(Round.closes_on, Round.id)
        )
    )


def _periods(after: date, until: date, count: int) -> list[tuple[date, date]]:
    """``count`` consecutive periods after ``after`` up to ``until`` (the last ends on ``until``)."""
    span = (until - after).days
    ends = [after + timedelta(days=round(span * (i + 1) / count)) for i in range(count)]
    starts = [after + timedelta(days=1)] + [e + timedelta(days=1) for e in ends[:-1]]
    return list(zip(starts, ends, strict=True))


def _windows(rounds: list[Round], months: int) -> list[tuple[date, date]]:
    """(after, until] of each closed round: after the previous close, the first ``months`` back."""
    out = []
    for i, rnd in enumerate(rounds):
        after = rounds[i - 1].closes_on if i else add_months(rnd.closes_on, -months)
        out.append((after, rnd.closes_on))
    return out


def _has_facts(alliance: Alliance) -> bool:
    return any(
        db.session.scalar(select(model.id).where(model.alliance_id == alliance.id).limit(1))
        for model in (Milestone, BudgetLine, DeliveryKpi)
    )


def _nordvik(alliance: Alliance) -> None:
    rounds = _closed(alliance)
    for i, (after, until) in enumerate(_windows(rounds, alliance.effective_cadence_months)):
        overrun = NORDVIK_OVERRUN[min(i, len(NORDVIK_OVERRUN) - 1)]
        for start, end in _periods(after, until, 2):
            for line, planned in NORDVIK_LINES:
                db.session.add(
                    BudgetLine(
                        alliance_id=alliance.id, period_start=start, period_end=end, line=line,
                        planned=planned, actual=round(planned * (1 + overrun), 2), currency="EUR",
                    )
                )  # fmt: skip
        for j, (title, months_before, late, status) in enumerate(NORDVIK_MILESTONES):
            planned_on = add_months(until, -months_before)
            db.session.add(
                Milestone(
                    alliance_id=alliance.id, key=f"{rounds[i].label}-{j + 1}", title=title,
                    dimension="milestones", planned_on=planned_on,
                    actual_on=planned_on + timedelta(days=late), status=status,
                )
            )  # fmt: skip


def _kestrel(alliance: Alliance) -> None:
    rounds = _closed(alliance)
    for i, (after, until) in enumerate(_windows(rounds, alliance.effective_cadence_months)):
        deliveries, otif = KESTREL_OTIF[min(i, len(KESTREL_OTIF) - 1)]
        quarters = _periods(after, until, 4)
        for q, (start, end) in enumerate(quarters):
            share = deliveries // 4 + (1 if q < deliveries % 4 else 0)
            shipped = otif // 4 + (1 if q < otif % 4 else 0)
            db.session.add(
                DeliveryKpi(
                    alliance_id=alliance.id, period_start=start, period_end=end, deliveries=share,
                    on_time_in_full=min(shipped, share), quality_deviations=1 + i * q,
                )
            )  # fmt: skip


SEEDS = {NORDVIK: _nordvik, KESTREL: _kestrel}


def seed() -> list[str]:
    """Add the demo's facts to its alliances that have none yet; recompute their reports.
    Returns the names of the alliances given facts (running it again adds nothing)."""
    done = []
    for name, add in SEEDS.items():
        alliance = alliances.by_name(name)
        if alliance is None or _has_facts(alliance):
            continue
        add(alliance)
        db.session.flush()
        summaries.refresh_alliance(alliance)
        done.append(name)
    return done
