"""The portfolio dashboard: every alliance a user may see, sorted by risk.

Reads the stored round summaries' headline columns only; never raw answers or full reports.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from healthcheck.analysis import portfolio as analysis
from healthcheck.extensions import db
from healthcheck.models import Alliance, Organisation, Round, RoundSummary, User
from healthcheck.models.alliance import alliance_owners, effective_cadence
from healthcheck.services import access, actions
from healthcheck.services.dataset import response_counts


@dataclass
class Filters:
    segment: str | None = None
    phase: str | None = None
    owner: int | None = None


@dataclass
class Dashboard:
    lines: list[analysis.PortfolioLine]
    alliances: dict[int, object]  # id → row: id, name, segment, phase, side_a_name, side_b_name…
    counts: dict[int, dict]  # alliance id → response counts of its latest round
    latest_round: dict[int, RoundRef]
    segments: dict[str, dict]
    owners: list[User]
    actions: dict[int, dict[str, int]]  # alliance id → open and overdue actions


@dataclass(frozen=True)
class RoundRef:
    """What the portfolio shows of an alliance's latest round."""

    id: int
    label: str
    status: str
    closes_on: date


def _recent_rounds(visible) -> list:
    """Per alliance: its latest round, its two latest closed rounds and its latest open round,
    newest first, with the closed rounds' headline figures.

    Window functions pick them in the database, so a portfolio of years of rounds reads three
    rows per alliance (not every round) and no full reports.
    """
    newest = (Round.closes_on.desc(), Round.id.desc())
    ranked = (
        select(
            Round.id,
            Round.alliance_id,
            Round.label,
            Round.status,
            Round.closes_on,
            func.row_number().over(partition_by=Round.alliance_id, order_by=newest).label("recent"),
            func.row_number()
            .over(partition_by=(Round.alliance_id, Round.status), order_by=newest)
            .label("recent_in_status"),
        )
        .where(Round.alliance_id.in_(_ids(visible)))
        .subquery()
    )
    wanted = or_(
        ranked.c.recent == 1,
        and_(ranked.c.status.in_(("closed", "open")), ranked.c.recent_in_status <= 2),
    )
    stmt = (
        select(
            ranked,
            RoundSummary.health_index,
            RoundSummary.alignment_index,
            RoundSummary.rag,
            # Only the latest closed round's warnings are shown. Read no others: behind a large
            # stored report, SQLite keeps this column on overflow pages (65 vs 21 ms for 8,000).
            case(
                (and_(ranked.c.status == "closed", ranked.c.recent_in_status == 1), RoundSummary.warnings),
                else_=None,
            ).label("warnings"),
        )
        .outerjoin(RoundSummary, RoundSummary.round_id == ranked.c.id)
        .where(wanted)
        .order_by(ranked.c.alliance_id, ranked.c.closes_on.desc(), ranked.c.id.desc())
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def _ids(visible):
    """The ids of the visible alliances, as a subquery (not a list of 1,000 parameters)."""
    return visible.with_only_columns(Alliance.id).order_by(None).scalar_subquery()


def _alliance_rows(visible) -> list:
    """The columns the portfolio shows of each visible alliance (plain rows, no ORM objects)."""
    side_a, side_b = aliased(Organisation), aliased(Organisation)
    stmt = (
        select(
            Alliance.id,
            Alliance.name,
            Alliance.segment,
            Alliance.phase,
            Alliance.cadence_months,
            Alliance.created_at,
            side_a.name.label("side_a_name"),
            side_b.name.label("side_b_name"),
        )
        .join(side_a, side_a.id == Alliance.side_a_id)
        .join(side_b, side_b.id == Alliance.side_b_id)
        .where(Alliance.id.in_(_ids(visible)))
        .order_by(Alliance.name)
    )
    return list(db.session.execute(stmt))


def owner_names(alliance_ids: list[int]) -> dict[int, list[str]]:
    """{alliance: owners' display names, by email}."""
    out: dict[int, list[str]] = {aid: [] for aid in alliance_ids}
    rows = db.session.execute(
        select(alliance_owners.c.alliance_id, User.name, User.email)
        .join(User, User.id == alliance_owners.c.user_id)
        .where(alliance_owners.c.alliance_id.in_(alliance_ids))
        .order_by(User.email)
    )
    for aid, name, email in rows:
        out[aid].append(name or email)
    return out


def owner_choices(user) -> list[User]:
    """Owners offered by the portfolio's owner filter: every manager and admin for an admin;
    for anyone else only the owners of alliances they already see (no list of accounts)."""
    stmt = select(User).where(User.role.in_(("manager", "admin"))).order_by(User.email)
    if user.role != "admin":
        visible = alliance_owners.c.alliance_id.in_(_ids(access.visible_alliances(user)))
        stmt = stmt.where(User.id.in_(select(alliance_owners.c.user_id).where(visible)))
    return list(db.session.scalars(stmt))


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
    alliances = {a.id: a for a in _alliance_rows(stmt)}
    states = {
        a.id: analysis.AllianceState(
            a.id,
            a.name,
            a.segment,
            a.phase,
            effective_cadence(a.segment, a.cadence_months),
            a.created_at.date(),
        )
        for a in alliances.values()
    }
    latest: dict[int, RoundRef] = {}
    rows = _recent_rounds(stmt) if alliances else []
    # Plain tuples: named access on 3,000 rows cost ~30 ms.
    for rid, aid, label, status, closes_on, recent, in_status, health, alignment, rag, warnings in rows:
        if recent == 1:
            latest[aid] = RoundRef(rid, label, status, closes_on)
        if status == "closed" and in_status <= 2:
            states[aid].closed.insert(  # newest first from the query; the analysis wants oldest first
                0,
                {
                    "label": label,
                    "closes_on": closes_on,
                    "health_index": health,
                    "alignment_index": alignment,
                    "rag": rag,
                    "warnings": warnings or [],
                },
            )
        elif status == "open" and in_status == 1:
            states[aid].open_round = {"label": label, "closes_on": closes_on}
    counts = response_counts([r.id for r in latest.values()])
    lines = analysis.summarise(list(states.values()), today)
    return Dashboard(
        lines,
        alliances,
        {aid: counts[r.id] for aid, r in latest.items()},
        latest,
        analysis.by_segment(lines),
        owner_choices(user),
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
            {k: names or ["(no owner)"] for k, names in owner_names(list(alliances)).items()},
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


@dataclass
class Page:
    """One page of the risk-sorted lines (the riskiest alliances come first)."""

    lines: list[analysis.PortfolioLine]
    number: int
    pages: int
    total: int
    first: int  # 1-based position of the first line shown (0 when there is none)
    last: int


def page(lines: list[analysis.PortfolioLine], number: int | None, size: int) -> Page:
    pages = max(1, -(-len(lines) // size))
    number = min(max(number or 1, 1), pages)
    start = (number - 1) * size
    shown = lines[start : start + size]
    return Page(shown, number, pages, len(lines), start + 1 if shown else 0, start + len(shown))


def chart_key(rows: list[dict]) -> tuple:
    """Names the chart's data: the same figures give the same key, any change a new one."""
    return ("portfolio", hashlib.sha256(repr(rows).encode()).hexdigest())
