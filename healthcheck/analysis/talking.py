"""What to talk about (DESIGN §3.16): the report's first section, in words.

At most five sentences, in this order: real gaps by |effect size| (largest first), shared
concerns by their lower mean (lowest first), blind spots, the round's warnings, and actions
agreed after the previous round whose dimension got worse. Ties break by dimension order.
Every sentence names the sides and the figures. Pure: built from a published report (so the
k rule already holds) and, for actions, plain dicts a service reads.
"""

from __future__ import annotations

from healthcheck.analysis.stats import Scale

SIDES = ("A", "B")
MAX_POINTS = 5


def point(kind: str, message: str, dimension: str | None = None, side: str | None = None) -> dict:
    return {"kind": kind, "dimension": dimension, "side": side, "message": message}


def _mean(block: dict) -> float | None:
    return None if block.get("suppressed") else block.get("mean")


def _other(side: str) -> str:
    return "B" if side == "A" else "A"


def real_gaps(dims: list[dict], names: dict[str, str]) -> list[dict]:
    found = [(i, d) for i, d in enumerate(dims) if d.get("verdict") == "real_gap"]
    found.sort(key=lambda item: (-abs(item[1]["effect_size"]), item[0]))
    out = []
    for _, d in found:
        high = "A" if d["gap"] > 0 else "B"
        low = _other(high)
        lo, hi = d["gap_ci95"]
        out.append(
            point(
                "real_gap",
                f"{names[high]} rates {d['title']} clearly higher than {names[low]}: "
                f"{_mean(d[high]):.2f} vs {_mean(d[low]):.2f} (gap {d['gap']:+.2f}, 95 % interval "
                f"{lo:+.2f} to {hi:+.2f}; {d['effect_magnitude']} effect) — a real gap, not chance.",
                d["key"],
                high,
            )
        )
    return out


def shared_concerns(dims: list[dict], names: dict[str, str], scale: Scale) -> list[dict]:
    found = [(i, d) for i, d in enumerate(dims) if d.get("classification") == "shared_concern"]
    found.sort(key=lambda item: (min(_mean(item[1]["A"]), _mean(item[1]["B"])), item[0]))
    midpoint = scale.min + 0.5 * scale.range
    return [
        point(
            "shared_concern",
            f"Both sides rate {d['title']} low: {names['A']} {_mean(d['A']):.2f}, "
            f"{names['B']} {_mean(d['B']):.2f} (below {midpoint:g} on the {scale.min}–{scale.max} scale).",
            d["key"],
        )
        for _, d in found
    ]


def blind_spots(dims: list[dict], names: dict[str, str]) -> list[dict]:
    """Sides that expect the partner to rate a dimension better than it does (§3.14); none
    when the questionnaire asks no predictions."""
    out = []
    for d in dims:
        meta = d.get("meta") or {}
        for side in SIDES:
            mine = meta.get(side) or {}
            expected = _mean(mine.get("expected") or {"suppressed": True})
            error = mine.get("meta_error")
            if mine.get("meta_level") != "blind_spot" or expected is None or error is None:
                continue
            partner = _other(side)
            out.append(
                point(
                    "blind_spot",
                    f"{names[side]} expects {names[partner]} to rate {d['title']} {expected:.2f}, "
                    f"but {names[partner]} rates it {expected - error:.2f} — a blind spot of {error:.2f}.",
                    d["key"],
                    side,
                )
            )
    return out


def warnings(report: dict, order: dict[str, int]) -> list[dict]:
    """The round's warnings, alliance-wide ones first, then by dimension order."""
    ranked = sorted(
        report["warnings"], key=lambda w: -1 if w["dimension"] is None else order.get(w["dimension"], 0)
    )
    return [point("warning", w["message"], w["dimension"], w["side"]) for w in ranked]


def _fall(effect: dict) -> tuple[str | None, bool]:
    """(the side whose mean fell most, whether the dimension got worse: a side's mean fell or
    the gap widened) between the previous round and this one."""
    before, after = effect["before"], effect["after"]
    falls = {s: before[s] - after[s] for s in SIDES if before.get(s) is not None and after.get(s) is not None}
    falls = {s: f for s, f in falls.items() if f > 0}
    widened = (
        before.get("gap") is not None
        and after.get("gap") is not None
        and abs(after["gap"]) > abs(before["gap"])
    )
    side = max(falls, key=lambda s: (falls[s], s == "A")) if falls else None
    return side, bool(falls) or widened


def _change(before: float | None, after: float | None, fmt: str = ".2f") -> str:
    if before is None or after is None:
        return "not shown"
    return f"{before:{fmt}} → {after:{fmt}}"


def worse_actions(effects: list[dict], names: dict[str, str], order: dict[str, int]) -> list[dict]:
    """``effects``: {title, dimension, previous, before, after}, before/after {A, B, gap, title}
    of the action's dimension in the previous and this round (None when not in the report)."""
    out = []
    ranked = sorted(
        (e for e in effects if e.get("dimension") and e.get("before") and e.get("after")),
        key=lambda e: order.get(e["dimension"], len(order)),
    )
    for e in ranked:
        side, worse = _fall(e)
        if not worse:
            continue
        b, a = e["before"], e["after"]
        out.append(
            point(
                "action",
                f"The action “{e['title']}” agreed after {e['previous']} has not helped {a['title']} yet: "
                f"{names['A']} {_change(b['A'], a['A'])}, {names['B']} {_change(b['B'], a['B'])}, "
                f"gap {_change(b['gap'], a['gap'], '+.2f')}.",
                e["dimension"],
                side,
            )
        )
    return out


def talking_points(report: dict, effects: list[dict] | None = None) -> list[dict]:
    """The report's "What to talk about" sentences (at most five), from its published figures."""
    names = report["alliance"]["sides"]
    scale = Scale(report["scale"]["min"], report["scale"]["max"])
    dims = report["dimensions"]
    order = {d["key"]: i for i, d in enumerate(dims)}
    found = [
        *real_gaps(dims, names),
        *shared_concerns(dims, names, scale),
        *blind_spots(dims, names),
        *warnings(report, order),
        *worse_actions(effects or [], names, order),
    ]
    return found[:MAX_POINTS]
