"""Portfolio summary: one line per alliance, sorted by risk (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from healthcheck.analysis.dates import next_check
from healthcheck.analysis.warnings import overdue_warning

RAG_RISK = {"red": 0, "amber": 1, None: 2, "green": 3}


@dataclass
class AllianceState:
    """What the portfolio needs to know about one alliance (closed rounds oldest first)."""

    key: int
    name: str
    segment: str
    phase: str
    cadence_months: int
    created_on: date
    closed: list[dict] = field(
        default_factory=list
    )  # {label, closes_on, health_index, alignment_index, rag, warnings}
    open_round: dict | None = None  # {label, closes_on}


@dataclass
class PortfolioLine:
    key: int
    name: str
    segment: str
    phase: str
    latest: dict | None
    health_index: float | None
    alignment_index: float | None
    rag: str | None
    delta: float | None
    trend: str
    warnings: list[dict]
    next_due: date | None
    overdue: bool
    open_round: dict | None


def line(state: AllianceState, today: date) -> PortfolioLine:
    latest = state.closed[-1] if state.closed else None
    previous = state.closed[-2] if len(state.closed) > 1 else None
    health = latest["health_index"] if latest else None
    delta = None
    if previous and health is not None and previous["health_index"] is not None:
        delta = health - previous["health_index"]
    trend = "–" if delta is None else ("↑" if delta >= 2 else "↓" if delta <= -2 else "→")
    warnings = list(latest["warnings"]) if latest else []
    last_closed_on = latest["closes_on"] if latest else None
    overdue = (
        None
        if state.open_round
        else overdue_warning(last_closed_on, state.cadence_months, today, started_on=state.created_on)
    )
    if overdue:
        warnings.append(overdue)
    check = next_check(
        last_closed_on, state.created_on, state.cadence_months, today, round_open=bool(state.open_round)
    )
    return PortfolioLine(
        key=state.key,
        name=state.name,
        segment=state.segment,
        phase=state.phase,
        latest=latest,
        health_index=health,
        alignment_index=latest["alignment_index"] if latest else None,
        rag=latest["rag"] if latest else None,
        delta=delta,
        trend=trend,
        warnings=warnings,
        next_due=check.due_on,
        overdue=overdue is not None,
        open_round=state.open_round,
    )


def risk_key(item: PortfolioLine) -> tuple:
    """Red first, then amber; within, overdue and more warnings first, then lower health."""
    return (
        RAG_RISK.get(item.rag, 2),
        not item.overdue,
        -len(item.warnings),
        item.health_index if item.health_index is not None else 101,
        item.name,
    )


def summarise(states: list[AllianceState], today: date) -> list[PortfolioLine]:
    return sorted((line(s, today) for s in states), key=risk_key)


def breakdown(
    lines: list[PortfolioLine],
    groups: dict[int, list[str]],
    action_counts: dict[int, dict[str, int]] | None = None,
) -> dict[str, dict]:
    """Per group (segment, phase, owner…): alliances, mean health, red, overdue, actions.

    ``groups`` maps an alliance key to its group labels (an alliance may be in several).
    """
    out: dict[str, dict] = {}
    for item in lines:
        counts = (action_counts or {}).get(item.key, {"open": 0, "overdue": 0})
        for label in groups.get(item.key, []):
            g = out.setdefault(
                label,
                {"count": 0, "overdue": 0, "red": 0, "health": [], "open_actions": 0, "overdue_actions": 0},
            )
            g["count"] += 1
            g["overdue"] += item.overdue
            g["red"] += item.rag == "red"
            g["open_actions"] += counts["open"]
            g["overdue_actions"] += counts["overdue"]
            if item.health_index is not None:
                g["health"].append(item.health_index)
    for g in out.values():
        values = g.pop("health")
        g["mean_health"] = sum(values) / len(values) if values else None
    return out


def by_segment(lines: list[PortfolioLine]) -> dict[str, dict]:
    """Count, mean health, red and overdue per segment."""
    return breakdown(lines, {item.key: [item.segment] for item in lines})
