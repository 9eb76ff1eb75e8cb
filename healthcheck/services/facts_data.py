"""Reading an alliance's facts (DESIGN §3.17) as the report assembly takes them.

Set-based: one query per fact kind for any number of alliances, so the per-round close and
the full rebuild read facts the same way (the rebuild once for all its alliances).
"""

from __future__ import annotations

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Alliance, BudgetLine, DeliveryKpi, Milestone

MILESTONE_FIELDS = ("key", "title", "dimension", "planned_on", "actual_on", "forecast_on", "status")
BUDGET_FIELDS = ("period_start", "period_end", "line", "planned", "actual", "currency")
DELIVERY_FIELDS = ("period_start", "period_end", "deliveries", "on_time_in_full", "quality_deviations")
TABLES = {
    "milestones": (Milestone, MILESTONE_FIELDS, (Milestone.planned_on, Milestone.key)),
    "budget": (BudgetLine, BUDGET_FIELDS, (BudgetLine.period_end, BudgetLine.period_start, BudgetLine.line)),
    "delivery": (DeliveryKpi, DELIVERY_FIELDS, (DeliveryKpi.period_end, DeliveryKpi.period_start)),
}


def empty(alliance_type: str | None) -> dict:
    return {"supplier": alliance_type == "supplier", "milestones": [], "budget": [], "delivery": []}


def for_alliances(types: dict[int, str | None], every: bool = False) -> dict[int, dict]:
    """{alliance id: {"supplier", "milestones", "budget", "delivery"}} — facts as plain dicts,
    each kind in date order. ``types``: {alliance id: its alliance type}. ``every``: these are
    all the alliances there are (no id filter)."""
    out = {alliance_id: empty(kind) for alliance_id, kind in types.items()}
    if not out:
        return out
    for kind, (model, fields, order) in TABLES.items():
        stmt = select(model.alliance_id, *(getattr(model, f) for f in fields))
        if not every:
            stmt = stmt.where(model.alliance_id.in_(list(out)))
        for row in db.session.execute(stmt.order_by(model.alliance_id, *order, model.id)):
            if row[0] in out:
                out[row[0]][kind].append(dict(zip(fields, row[1:], strict=True)))
    return out


def of_alliance(alliance: Alliance) -> dict:
    return for_alliances({alliance.id: alliance.alliance_type})[alliance.id]
