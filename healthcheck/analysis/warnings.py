"""Early warnings (DESIGN.md §3.10): each a code, side, dimension and a sentence."""

from __future__ import annotations

from datetime import date

from healthcheck.analysis.dates import next_check
from healthcheck.analysis.stats import Scale

LOW_RESPONSE_RATE = 0.6


def warning(code: str, message: str, side: str | None = None, dimension: str | None = None) -> dict:
    return {"code": code, "side": side, "dimension": dimension, "message": message}


def round_warnings(report: dict, names: dict[str, str]) -> list[dict]:
    """Warnings visible within one round: internal divergence, and once the round is
    closed, a low response rate."""
    scale = Scale(report["scale"]["min"], report["scale"]["max"])
    out = []
    closed = report["round"]["status"] == "closed"
    for side in ("A", "B"):
        rate = report["sides"][side]["response_rate"]
        if closed and rate is not None and rate < LOW_RESPONSE_RATE:
            out.append(
                warning(
                    "low_response_rate",
                    f"Only {rate:.0%} of invited {names[side]} respondents answered "
                    f"(below {LOW_RESPONSE_RATE:.0%}).",
                    side=side,
                )
            )
    for dim in report["dimensions"]:
        for side in ("A", "B"):
            std = dim[side].get("std")
            if std is not None and std >= 0.25 * scale.range:
                out.append(
                    warning(
                        "internal_divergence",
                        f"{names[side]} respondents disagree among themselves on {dim['title']} "
                        f"(std {std:.2f}).",
                        side=side,
                        dimension=dim["key"],
                    )
                )
    return out


def _means(report: dict) -> dict[tuple[str, str], float]:
    out = {}
    for dim in report["dimensions"]:
        for side in ("A", "B"):
            mean = None if dim[side].get("suppressed") else dim[side].get("mean")
            if mean is not None:
                out[(dim["key"], side)] = mean
    return out


def change_warnings(
    previous: dict, current: dict, names: dict[str, str], earlier: dict | None = None
) -> list[dict]:
    """Warnings from comparing a round with the one before (and the one before that)."""
    scale = Scale(current["scale"]["min"], current["scale"]["max"])
    threshold = 0.125 * scale.range
    out = []
    before, now = _means(previous), _means(current)
    titles = {d["key"]: d["title"] for d in current["dimensions"]}
    for (dim, side), mean in now.items():
        old = before.get((dim, side))
        if old is not None and old - mean >= threshold:
            out.append(
                warning(
                    "dimension_drop",
                    f"{names[side]}'s view of {titles[dim]} fell from {old:.2f} to {mean:.2f}.",
                    side=side,
                    dimension=dim,
                )
            )
    old_gaps = {d["key"]: d["gap"] for d in previous["dimensions"]}
    for dim in current["dimensions"]:
        old, new = old_gaps.get(dim["key"]), dim["gap"]
        if old is not None and new is not None and abs(new) - abs(old) >= threshold:
            out.append(
                warning(
                    "gap_widening",
                    f"The perception gap on {dim['title']} widened from {abs(old):.2f} to "
                    f"{abs(new):.2f} points.",
                    dimension=dim["key"],
                )
            )
    out += _index_drop(previous, current, earlier)
    return out


def _index_drop(previous: dict, current: dict, earlier: dict | None) -> list[dict]:
    prev, cur = previous.get("health_index"), current.get("health_index")
    if prev is None or cur is None:
        return []
    if prev - cur >= 10:
        return [
            warning("index_drop", f"The alliance health index fell {prev - cur:.1f} points to {cur:.1f}.")
        ]
    first = earlier.get("health_index") if earlier else None
    if first is not None and first > prev > cur:
        return [
            warning(
                "index_drop",
                f"The alliance health index fell in two consecutive rounds "
                f"({first:.1f} → {prev:.1f} → {cur:.1f}).",
            )
        ]
    return []


def overdue_warning(
    last_closed_on: date | None, cadence_months: int, today: date, started_on: date | None = None
) -> dict | None:
    """``overdue`` when no round closed within the cadence plus 30 days (``dates.next_check``)."""
    reference = last_closed_on or started_on
    if reference is None:
        return None
    check = next_check(last_closed_on, reference, cadence_months, today)
    if check.overdue:
        return warning(
            "overdue",
            f"No health check closed since {reference.isoformat()}; "
            f"the next was due {check.due_on.isoformat()} ({check.days_late} days ago).",
        )
    return None
