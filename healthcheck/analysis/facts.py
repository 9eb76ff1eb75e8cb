"""Facts beside perception (DESIGN §3.17): a round's period figures and the warnings that
hold them against the sides' published means. Pure: plain dicts and dates in, dicts out.

Decisions where §3.17 is silent (README, "Facts"):

- **Period** of a round: facts dated after the previous closed round's ``closes_on`` (strictly)
  and up to this round's ``closes_on`` (inclusive); the first round takes everything up to its
  close. A milestone is dated by its ``planned_on``, a budget line and a delivery KPI by their
  ``period_end``.
- **Due in the period**: a milestone whose ``planned_on`` is in the period and whose status is
  not ``dropped`` (dropped milestones count neither above nor below the line). ``planned`` and
  ``missed`` milestones that are due count as not met.
- **Met within 30 days of plan**: status ``met`` and ``actual_on`` ≤ ``planned_on`` + 30 days
  (early counts as on time). ``forecast_on`` is shown, never counted.
- **Related dimension** (by dimension key of the round's questionnaire): ``on_time_rate`` →
  ``milestones``; ``budget_variance`` → ``finance``, else ``cost``; ``otif_rate`` → ``delivery``.
  The delivery warnings apply to supplier alliances only (§3.17 "(supplier)").
- A fact block is null when no fact of its kind is dated in the period; a rate is null when its
  denominator is 0 (every milestone dropped, Σplanned = 0, no deliveries): no warning then.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from healthcheck.analysis import anonymity
from healthcheck.analysis.stats import Scale

GRACE = timedelta(days=30)
ON_TIME_MIN = 0.6  # on_time_rate below this is a bad fact
BUDGET_TOLERANCE = 0.15  # |budget_variance| above this is a bad fact
OTIF_MIN = 0.9  # otif_rate below this is a bad fact
HIGH = 0.625  # a mean at or above min + HIGH·range rates the dimension well
LOW = 0.5  # a mean below min + LOW·range rates it poorly
SIDES = ("A", "B")

RELATED = {  # fact kind → the dimension keys it stands beside, first present wins
    "milestones": ("milestones",),
    "budget": ("finance", "cost"),
    "delivery": ("delivery",),
}
FIGURE = {"milestones": "on_time_rate", "budget": "budget_variance", "delivery": "otif_rate"}
KINDS = tuple(RELATED)


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def in_period(day, after: date | None, until: date) -> bool:
    """After the previous round's close (strictly), up to this round's close (inclusive)."""
    day = _day(day)
    return (after is None or day > after) and day <= until


def met_on_time(milestone: dict) -> bool:
    """Status ``met`` with an actual date at most 30 days after the planned date."""
    actual = _day(milestone.get("actual_on"))
    return (
        milestone["status"] == "met"
        and actual is not None
        and actual - _day(milestone["planned_on"]) <= GRACE
    )


def milestone_figures(milestones: list[dict], after: date | None, until: date) -> dict | None:
    """``on_time_rate`` of the milestones due in the period (None when none is dated there)."""
    dated = [m for m in milestones if in_period(m["planned_on"], after, until)]
    if not dated:
        return None
    due = [m for m in dated if m["status"] != "dropped"]
    on_time = sum(1 for m in due if met_on_time(m))
    return {
        "on_time_rate": on_time / len(due) if due else None,
        "milestones_due": len(due),
        "milestones_on_time": on_time,
        "milestones_dropped": len(dated) - len(due),
    }


def budget_figures(lines: list[dict], after: date | None, until: date) -> dict | None:
    """``budget_variance`` = (Σactual − Σplanned) / Σplanned over the lines ending in the period."""
    dated = [b for b in lines if in_period(b["period_end"], after, until)]
    if not dated:
        return None
    planned = sum(float(b["planned"]) for b in dated)
    actual = sum(float(b["actual"]) for b in dated)
    return {
        "budget_variance": (actual - planned) / planned if planned else None,
        "planned": planned,
        "actual": actual,
        "currency": dated[0]["currency"],
        "budget_lines": len(dated),
    }


def delivery_figures(kpis: list[dict], after: date | None, until: date) -> dict | None:
    """``otif_rate`` = on time in full / deliveries over the KPI periods ending in the period."""
    dated = [d for d in kpis if in_period(d["period_end"], after, until)]
    if not dated:
        return None
    deliveries = sum(int(d["deliveries"]) for d in dated)
    otif = sum(int(d["on_time_in_full"]) for d in dated)
    return {
        "otif_rate": otif / deliveries if deliveries else None,
        "deliveries": deliveries,
        "on_time_in_full": otif,
        "quality_deviations": sum(int(d["quality_deviations"]) for d in dated),
    }


FIGURES = {"milestones": milestone_figures, "budget": budget_figures, "delivery": delivery_figures}


def period_figures(facts: dict, after: date | None, until: date) -> dict:
    """{kind: its block or None} for the period."""
    return {kind: FIGURES[kind](facts.get(kind) or [], after, until) for kind in KINDS}


def related_dimensions(dimension_keys: list[str]) -> dict[str, str | None]:
    """{fact kind: the dimension key it stands beside in this questionnaire, or None}."""
    keys = set(dimension_keys)
    return {kind: next((k for k in candidates if k in keys), None) for kind, candidates in RELATED.items()}


def fact_is_good(kind: str, value: float) -> bool:
    if kind == "milestones":
        return value >= ON_TIME_MIN
    if kind == "budget":
        return abs(value) <= BUDGET_TOLERANCE
    return value >= OTIF_MIN


def _fact_words(kind: str, value: float) -> str:
    if kind == "milestones":
        return f"{value:.0%} of the milestones due were met within 30 days of plan"
    if kind == "budget":
        return f"spend is {value:+.0%} against budget"
    return f"{value:.0%} of deliveries were on time in full"


def perception_warnings(
    dimensions: list[dict], scale: Scale, names: dict[str, str], supplier: bool
) -> list[dict]:
    """``perception_fact_mismatch`` / ``perception_below_facts`` per side and dimension (§3.17).

    ``dimensions``: report rows carrying ``facts`` (``{"kind", figure, …}`` or None). A side
    whose mean is suppressed (n < k) gives no warning.
    """
    high = scale.min + HIGH * scale.range
    low = scale.min + LOW * scale.range
    out = []
    for dim in dimensions:
        block = dim.get("facts")
        if not block:
            continue
        kind = block["kind"]
        value = block.get(FIGURE[kind])
        if value is None or (kind == "delivery" and not supplier):
            continue
        good = fact_is_good(kind, value)
        for side in SIDES:
            mean = anonymity.published_mean(dim[side])
            if mean is None:
                continue
            if mean >= high and not good:
                code, verb = "perception_fact_mismatch", "rates"
            elif mean < low and good:
                code, verb = "perception_below_facts", "rates only"
            else:
                continue
            out.append(
                {
                    "code": code,
                    "side": side,
                    "dimension": dim["key"],
                    "message": f"{names[side]} {verb} {dim['title']} {mean:.2f} "
                    f"while {_fact_words(kind, value)}.",
                }
            )
    return out


def attach(report: dict, facts: dict | None, previous_close, names: dict[str, str]) -> list[dict]:
    """Put the period's facts on the report's dimensions (``facts``: ``{"kind", "period", figure,
    …}`` beside the related dimension, else None) and return the perception warnings.
    ``facts``: {"supplier": bool, "milestones": [...], "budget": [...], "delivery": [...]} of the
    alliance (None: no facts at all)."""
    facts = facts or {}
    if not any(facts.get(kind) for kind in ("milestones", "budget", "delivery")):
        for dim in report["dimensions"]:
            dim["facts"] = None
        return []  # no facts: no period to read (and no warning)
    after = _day(previous_close)
    until = _day(report["round"]["closes_on"])
    found = period_figures(facts, after, until)
    related = related_dimensions([d["key"] for d in report["dimensions"]])
    beside = {key: kind for kind, key in related.items() if key is not None}
    period = {"after": after.isoformat() if after else None, "until": until.isoformat()}
    for dim in report["dimensions"]:
        kind = beside.get(dim["key"])
        block = found[kind] if kind else None
        dim["facts"] = {"kind": kind, "period": period} | block if block else None
    scale = Scale(report["scale"]["min"], report["scale"]["max"])
    return perception_warnings(report["dimensions"], scale, names, bool(facts.get("supplier")))


def previous_close(history: list[dict] | None) -> str | None:
    """The close date of the closed round before (the last of ``history``), if any."""
    return history[-1]["round"]["closes_on"] if history else None


TREND_COLUMNS = ["round", "order", "panel", "series", "value"]
PANEL = {
    "milestones": "Milestones on time vs rating",
    "budget": "Budget variance vs rating",
    "delivery": "OTIF vs rating",
}
FACT_SERIES = "Fact"


def trend_frame(trend: dict) -> pd.DataFrame:
    """The facts as a second series beside perception, per closed round with facts: one row
    per round, dimension with facts and series — each side's published mean of the dimension
    as a share of the scale (0–100 %), and the fact (on time / OTIF rate, or budget variance,
    in %). Suppressed means are left out (the k rule)."""
    names = trend["alliance"]["sides"]
    rows = []
    for i, report in enumerate(trend["rounds"]):
        scale = Scale(report["scale"]["min"], report["scale"]["max"])
        for dim in report["dimensions"]:
            block = dim.get("facts")
            value = (block or {}).get(FIGURE.get((block or {}).get("kind"), ""))
            if value is None:
                continue
            base = {"round": report["round"]["label"], "order": i, "panel": PANEL[block["kind"]]}
            rows.append(base | {"series": FACT_SERIES, "value": 100 * value})
            for side in SIDES:
                mean = anonymity.published_mean(dim[side])
                if mean is not None:
                    rows.append(
                        base | {"series": names[side], "value": 100 * (mean - scale.min) / scale.range}
                    )
    return pd.DataFrame(rows, columns=TREND_COLUMNS)
