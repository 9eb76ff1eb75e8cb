"""Trends across closed rounds: one summary per round, deltas, and warnings."""

from __future__ import annotations

from healthcheck.analysis.warnings import change_warnings, round_warnings

SIDES = ("A", "B")


def _diff(new, old):
    return None if new is None or old is None else new - old


def _mean(block: dict):
    return None if block.get("suppressed") else block.get("mean")


def deltas(previous: dict, current: dict) -> dict:
    """Change of every headline figure and dimension mean/gap from ``previous``."""
    old_dims = {d["key"]: d for d in previous["dimensions"]}
    dims = []
    for d in current["dimensions"]:
        old = old_dims.get(d["key"])
        dims.append(
            {
                "key": d["key"],
                "A": _diff(_mean(d["A"]), _mean(old["A"])) if old else None,
                "B": _diff(_mean(d["B"]), _mean(old["B"])) if old else None,
                "gap": _diff(d["gap"], old["gap"]) if old else None,
            }
        )
    return {
        "round": current["round"]["label"],
        "previous": previous["round"]["label"],
        "health_index": _diff(current["health_index"], previous["health_index"]),
        "alignment_index": _diff(current["alignment_index"], previous["alignment_index"]),
        "sides": {
            s: {
                "health_index": _diff(
                    current["sides"][s]["health_index"], previous["sides"][s]["health_index"]
                )
            }
            for s in SIDES
        },
        "dimensions": dims,
    }


def build(alliance: dict, reports: list[dict]) -> dict:
    """Trend JSON: ``rounds`` (closed round reports, oldest first), ``deltas``, ``warnings``.

    Each warning carries the ``round`` label it belongs to.
    """
    names = {s: alliance["sides"][s] for s in SIDES}
    out_deltas, out_warnings = [], []
    for i, report in enumerate(reports):
        found = round_warnings(report, names)
        if i > 0:
            out_deltas.append(deltas(reports[i - 1], report))
            earlier = reports[i - 2] if i > 1 else None
            found += change_warnings(reports[i - 1], report, names, earlier)
        out_warnings += [{**w, "round": report["round"]["label"]} for w in found]
    return {"alliance": alliance, "rounds": reports, "deltas": out_deltas, "warnings": out_warnings}
