"""The portfolio dashboard: every alliance a user may see, sorted by risk.

Reads the stored round summaries' headline columns only; never raw answers or full reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from healthcheck.analysis import portfolio as analysis
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, RoundSummary, User
from healthcheck.models.alliance import alliance_owners
from healthcheck.services import access, actions
from healthcheck.services.rounds import response_counts


@dataclass
class Filters:
    segment: str | None = None
    phase: str | None = None
    owner: int | None = None


@dataclass
class Dashboard:
    lines: list[analysis.PortfolioLine]
    alliances: dict[int, Alliance]
    counts: dict[int, dict]  # alliance id → response counts of its latest round
    latest_round: dict[int, Round]
    segments: dict[str, dict]
    owners: list[User]
    actions: dict[int, dict[str, int]]  # alliance id → open and overdue actions


def dashboard(user, today: date | None = None, filters: Filters | None = None) -> Dashboard:
    today = today or date.today()
    filters = filters or Filters()
    stmt = access.visible_alliances(user).order_by(Alliance.name)
    if filters.segment:
        stmt = stmt.where(Alliance.segment == filters.segment)
    if filters.phase:
        stmt = stmt.where(Alliance.phase == filters.phase)
    if filters.owner:
        stmt = stmt.where(
            Alliance.id.in_(
                select(alliance_owners.c.alliance_id).where(alliance_owners.c.user_id == filters.owner)
            )
        )
    alliances = {a.id: a for a in db.session.scalars(stmt)}
    states = {
        a.id: analysis.AllianceState(
            a.id, a.name, a.segment, a.phase, a.effective_cadence_months, a.created_at.date()
        )
        for a in alliances.values()
    }
    latest: dict[int, Round] = {}
    if alliances:
        rows = db.session.execute(
            select(
                Round,
                RoundSummary.health_index,
                RoundSummary.alignment_index,
                RoundSummary.rag,
                RoundSummary.warnings,
            )
            .outerjoin(RoundSummary, RoundSummary.round_id == Round.id)
            .where(Round.alliance_id.in_(alliances))
            .order_by(Round.closes_on, Round.id)
        )
        for rnd, health, alignment, rag, warnings in rows:
            latest[rnd.alliance_id] = rnd
            state = states[rnd.alliance_id]
            if rnd.status == "closed":
                state.closed.append(
                    {
                        "label": rnd.label,
                        "closes_on": rnd.closes_on,
                        "health_index": health,
                        "alignment_index": alignment,
                        "rag": rag,
                        "warnings": warnings or [],
                    }
                )
            elif rnd.status == "open":
                state.open_round = {"label": rnd.label, "closes_on": rnd.closes_on}
    counts = response_counts([r.id for r in latest.values()])
    lines = analysis.summarise(list(states.values()), today)
    owners = list(
        db.session.scalars(select(User).where(User.role.in_(("manager", "admin"))).order_by(User.email))
    )
    return Dashboard(
        lines,
        alliances,
        {aid: counts[r.id] for aid, r in latest.items()},
        latest,
        analysis.by_segment(lines),
        owners,
        actions.counts_by_alliance(list(alliances), today),
    )


def breakdowns(board: Dashboard) -> dict[str, dict[str, dict]]:
    """The portfolio by segment, by phase and by owner."""
    lines, alliances = board.lines, board.alliances
    return {
        "segment": analysis.breakdown(lines, {k: [a.segment] for k, a in alliances.items()}, board.actions),
        "phase": analysis.breakdown(lines, {k: [a.phase] for k, a in alliances.items()}, board.actions),
        "owner": analysis.breakdown(
            lines,
            {k: [u.display_name for u in a.owners] or ["(no owner)"] for k, a in alliances.items()},
            board.actions,
        ),
    }


def chart_rows(board: Dashboard) -> list[dict]:
    return [
        {
            "alliance": item.name,
            "segment": item.segment,
            "health_index": item.health_index,
            "alignment_index": item.alignment_index,
            "rag": item.rag,
        }
        for item in board.lines
    ]
