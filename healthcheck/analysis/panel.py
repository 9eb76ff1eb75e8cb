"""Panel balance (DESIGN §3.15): who answered on each side, by function, and how different
the two panels are.

The fixed list of functions and their labels live here, and only here: the invitation
model, the forms, the CSV checks, the demo and every page and export read them from this
module. Pure: plain dicts of counts in, plain dicts out.

What leaves the server follows the k rule (§3.9, §3.15):

- a function's count on a side is shown only when it is at least k, else ``"<k"`` — and
  every function of the list is listed, so a ``"<k"`` does not even tell whether anyone of
  that function answered (0 is ``"<k"`` too);
- when a side would hide exactly one function, the side's submitted count minus the shown
  ones would give it away, so its smallest shown count is hidden too;
- the distance is published only when the published table determines it (every function's
  count known on both sides: shown, or 0 because the side's shown counts already add up to
  its submitted count). Otherwise it is null: with the submitted counts and the shown ones,
  the exact distance can pin down a hidden count (A: 5 research + 5 legal, B: 3 research and
  2 others gives distance 0.5 − b_legal/5). The ``panel_imbalance`` warning is still decided
  on the exact distance: a yes/no, never the figure, so at most that one bit leaves.
"""

from __future__ import annotations

import re

from healthcheck import problems
from healthcheck.analysis.warnings import warning
from healthcheck.problems import N_

SIDES = ("A", "B")
FUNCTIONS = {
    "executive": "Executive",
    "alliance_management": "Alliance management",
    "research": "Research",
    "development": "Development",
    "manufacturing_quality": "Manufacturing & quality",
    "commercial": "Commercial",
    "finance": "Finance",
    "legal_compliance": "Legal & compliance",
    "digital": "Digital",
    "other": "Other",
}
DEFAULT = "other"
HIDDEN = "<k"  # a count below k, as the report JSON carries it
IMBALANCE = 0.5  # panel distance from which the panels are not comparable


def label(key: str) -> str:
    return FUNCTIONS.get(key, key)


def _normal(text: str) -> str:
    """Case, spaces, underscores, hyphens and "&"/"and" do not matter."""
    words = re.sub(r"[\s_\-/&]+|\band\b", " ", text.strip().lower())
    return " ".join(words.split())


_BY_NORMAL = {_normal(name): key for key, lab in FUNCTIONS.items() for name in (key, lab)}


def parse(text: str) -> str | None:
    """The function key a person typed (a key or a label, loosely), ``other`` when blank,
    None when it is not one of the list."""
    if not text.strip():
        return DEFAULT
    return _BY_NORMAL.get(_normal(text))


def allowed() -> str:
    """The allowed values, for messages."""
    return ", ".join(FUNCTIONS)


def problem(text: str) -> str:
    """What is wrong with a function that ``parse`` refused, naming the allowed values."""
    return problems.problem(
        N_(
            "function: %(value)r is not one of %(allowed)s "
            "(or its label, e.g. “Alliance management”; blank means other)"
        ),
        value=text[:60],
        allowed=allowed(),
    )


def distance(a: dict[str, int], b: dict[str, int]) -> float | None:
    """Total variation distance ½·Σ_f |share_A(f) − share_B(f)| of two panels' function
    counts (0: the same mix, 1: no function in common); None when a side is empty."""
    total_a, total_b = sum(a.values()), sum(b.values())
    if not total_a or not total_b:
        return None
    keys = dict.fromkeys([*FUNCTIONS, *a, *b])
    return 0.5 * sum(abs(a.get(f, 0) / total_a - b.get(f, 0) / total_b) for f in keys)


def _shown(counts: dict[str, int], k: int, keys=FUNCTIONS) -> dict[str, int]:
    """The counts of a side that may be shown (see the module's k rule); ``keys``: every
    category of the list (the functions; the report's languages use the same rule)."""
    shown = {f: n for f in keys if (n := counts.get(f, 0)) >= k}
    hidden = [f for f in keys if f not in shown]
    if len(hidden) == 1 and counts.get(hidden[0], 0) and shown:
        smallest = min(shown, key=lambda f: (shown[f], list(keys).index(f)))
        del shown[smallest]
    return shown


def _known(counts: dict[str, int], shown: dict[str, int]) -> dict[str, int] | None:
    """Every count of a side as a reader of the published table can work it out, or None
    when some hidden count is not determined."""
    if sum(shown.values()) != sum(counts.values()):
        return None
    return {f: shown.get(f, 0) for f in FUNCTIONS}


def published(a: dict[str, int], b: dict[str, int], k: int) -> dict:
    """The report's ``panel`` block: ``{"distance", "A": {function: count | "<k"}, "B": …}``
    from the submitted responses' function counts of each side."""
    shown = {"A": _shown(a, k), "B": _shown(b, k)}
    known_a, known_b = _known(a, shown["A"]), _known(b, shown["B"])
    block: dict = {
        "distance": distance(known_a, known_b) if known_a is not None and known_b is not None else None
    }
    for side in SIDES:
        block[side] = {f: shown[side].get(f, HIDDEN) for f in FUNCTIONS}
    return block


def shown_rows(block: dict) -> list[dict]:
    """The functions a published panel shows on at least one side, in list order:
    ``{"function", "label", "A", "B"}`` with a count or ``"<k"``."""
    out = []
    for f, lab in FUNCTIONS.items():
        cells = {s: block[s].get(f, HIDDEN) for s in SIDES}
        if any(v != HIDDEN for v in cells.values()):
            out.append({"function": f, "label": lab} | cells)
    return out


def is_unbalanced(a: dict[str, int], b: dict[str, int], k: int) -> bool:
    """``panel_imbalance`` (§3.15): distance ≥ 0.5 and both sides with at least k responses."""
    found = distance(a, b)
    return found is not None and found >= IMBALANCE and min(sum(a.values()), sum(b.values())) >= k


def warnings(mix: dict[str, dict], block: dict, names: dict[str, str], k: int) -> list[dict]:
    """``panel_imbalance`` of a round (decided on the exact distance; its figure is named only
    when ``block``, the published panel, shows it). ``mix``: {side: {function: submitted}}."""
    if not is_unbalanced(mix["A"], mix["B"], k):
        return []
    return [warning("panel_imbalance", imbalance_message(names, block["distance"]))]


def imbalance_message(names: dict[str, str], shown_distance: float | None) -> str:
    figure = f" (panel distance {shown_distance:.2f} of 1)" if shown_distance is not None else ""
    return (
        f"The people who answered at {names['A']} and at {names['B']} work in very different "
        f"functions{figure}: at least half of one panel would have to be swapped for people of other "
        "functions to match the other. Part of any gap may come from who answered rather than from "
        "the alliance; invite a similar mix of functions on both sides next round."
    )


def invited_mix(a: dict[str, int], b: dict[str, int]) -> dict:
    """The function mix invited per side, for the people inviting (no k rule: these are the
    manager's own invitations, not answers): rows of functions invited on either side,
    the distance and whether it is unbalanced."""
    rows = [
        {"function": f, "label": lab, "A": a.get(f, 0), "B": b.get(f, 0)}
        for f, lab in FUNCTIONS.items()
        if a.get(f, 0) or b.get(f, 0)
    ]
    found = distance(a, b)
    return {
        "rows": rows,
        "totals": {"A": sum(a.values()), "B": sum(b.values())},
        "distance": found,
        "unbalanced": found is not None and found >= IMBALANCE,
    }
