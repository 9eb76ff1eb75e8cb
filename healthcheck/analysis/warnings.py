"""Early warnings (DESIGN.md §3.10): each a code, side, dimension and a sentence."""

from __future__ import annotations

from datetime import date

from healthcheck.analysis import evidence
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


def _shown(report: dict) -> dict[tuple[str, str], dict]:
    """{(dimension, side): its published statistics}, for sides shown under the k rule."""
    out = {}
    for dim in report["dimensions"]:
        for side in ("A", "B"):
            block = dim[side]
            if not block.get("suppressed") and block.get("mean") is not None:
                out[(dim["key"], side)] = block
    return out


def _noise(change: float, blocks: list[dict]) -> tuple[dict, str]:
    """The change's Welch 95 % interval (``change_ci95``), whether it excludes 0
    (``beyond_noise``), and the words for the warning's sentence."""
    ci = evidence.change_interval(change, blocks)
    beyond = evidence.beyond_noise(ci)
    fields = {"change": change, "change_ci95": ci, "beyond_noise": beyond}
    if ci is None:
        return fields, " Too few answers to tell whether the change is beyond noise."
    span = f"95 % interval of the change {ci[0]:+.2f} to {ci[1]:+.2f}"
    if beyond:
        return fields, f" The change is beyond noise ({span})."
    return fields, f" The change is within noise ({span} includes 0): it may be chance."


def change_warnings(
    previous: dict, current: dict, names: dict[str, str], earlier: dict | None = None
) -> list[dict]:
    """Warnings from comparing a round with the one before (and the one before that).

    ``dimension_drop`` and ``gap_widening`` also say whether the change itself is beyond
    noise: the Welch 95 % interval of the change (``change_ci95``) excludes 0
    (``beyond_noise``). The respondents of two rounds are taken as independent samples
    (answers are anonymous per round, so they cannot be paired). For a drop, the change is
    mean(now) − mean(before), over the side's two samples; for a widening, the change of
    the gap, gap(now) − gap(before) = (Ā′ − B̄′) − (Ā − B̄), over the four samples:
    SE² = s²A′/nA′ + s²B′/nB′ + s²A/nA + s²B/nB, Welch–Satterthwaite ν over the four.
    """
    scale = Scale(current["scale"]["min"], current["scale"]["max"])
    threshold = 0.125 * scale.range
    out = []
    before, now = _shown(previous), _shown(current)
    titles = {d["key"]: d["title"] for d in current["dimensions"]}
    for (dim, side), block in now.items():
        old = before.get((dim, side))
        if old is not None and old["mean"] - block["mean"] >= threshold:
            fields, words = _noise(block["mean"] - old["mean"], [block, old])
            found = warning(
                "dimension_drop",
                f"{names[side]}'s view of {titles[dim]} fell from {old['mean']:.2f} to {block['mean']:.2f}."
                + words,
                side=side,
                dimension=dim,
            )
            out.append(found | fields)
    old_gaps = {d["key"]: d["gap"] for d in previous["dimensions"]}
    for dim in current["dimensions"]:
        old, new = old_gaps.get(dim["key"]), dim["gap"]
        if old is not None and new is not None and abs(new) - abs(old) >= threshold:
            samples = [now[(dim["key"], s)] for s in "AB"] + [before[(dim["key"], s)] for s in "AB"]
            fields, words = _noise(new - old, samples)
            found = warning(
                "gap_widening",
                f"The perception gap on {dim['title']} widened from {abs(old):.2f} to "
                f"{abs(new):.2f} points." + words,
                dimension=dim["key"],
            )
            out.append(found | fields)
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
