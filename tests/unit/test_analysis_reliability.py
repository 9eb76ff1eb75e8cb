"""Cronbach's α per dimension of a questionnaire version (issue 13 item 5, DESIGN §3.13)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from healthcheck.analysis import reliability

# Four responses of side A to a two-statement dimension "finance" (f1, f2), worked by hand:
#   f1: 1 2 3 4   mean 2.5,  Σ(dev²) = 2.25 + 0.25 + 0.25 + 2.25 = 5     → var 5/3
#   f2: 2 3 3 5   mean 3.25, Σ(dev²) = 1.5625 + 0.0625 + 0.0625 + 3.0625 = 4.75 → var 4.75/3
#   S:  3 5 6 9   mean 5.75, Σ(dev²) = 7.5625 + 0.5625 + 0.0625 + 10.5625 = 18.75 → var 6.25
#   α = 2/1 · (1 − (5/3 + 4.75/3) / 6.25) = 2 · (1 − 3.25/6.25) = 0.96
# The part: n 4, ΣS 23, ΣS² 9+25+36+81 = 151, Σf1 10, Σf1² 30, Σf2 13, Σf2² 4+9+9+25 = 47.
HAND = [4, 23, 151, [10, 13], [30, 47]]
FINANCE = [(1, 2), (2, 3), (3, 3), (4, 5)]


def _frames(rows):
    """rows: (round, side, f1, f2, t1) → keys, scores."""
    keys = pd.DataFrame([(r, s) for r, s, *_ in rows], columns=["round", "side"])
    scores = pd.DataFrame([r[2:] for r in rows], columns=["f1", "f2", "t1"])
    return keys, scores.astype("float64")


def _sums(rows, k=3):
    keys, scores = _frames(rows)
    return reliability.dimension_sums(keys, scores, ["finance", "finance", "trust"], ["finance", "trust"], k)


def test_i13_5_part_and_alpha_match_the_hand_computation():
    found = _sums([(7, "A", a, b, 4) for a, b in FINANCE])
    assert found == {7: {"finance": HAND}}  # trust has one statement: no α
    assert math.isclose(reliability.alpha(HAND), 0.96, abs_tol=1e-15)


def test_i13_5_alpha_agrees_with_the_variance_formula_on_numpy():
    x = np.array(FINANCE, dtype=float)
    direct = 2 * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    assert math.isclose(reliability.alpha(HAND), direct, rel_tol=1e-12)


def test_i13_5_incomplete_responses_and_sides_below_k_do_not_count():
    rows = [(7, "A", a, b, 4) for a, b in FINANCE]
    rows += [(7, "A", 5, np.nan, 4)]  # N/A in finance: not a complete response
    rows += [(7, "B", 1, 5, 4), (7, "B", 5, 1, 4)]  # side B: 2 complete responses < k = 3
    rows += [(7, "B", 5, np.nan, 4), (7, "B", np.nan, np.nan, 4)]  # 4 responses, still only 2 complete
    assert _sums(rows) == {7: {"finance": HAND}}
    # with k = 2 side B's two complete responses count: n 6, ΣS 23+6+6, ΣS² 151+36+36
    assert _sums(rows, k=2)[7]["finance"] == [6, 35, 223, [16, 19], [56, 73]]


def test_i13_5_k_is_per_round():
    rows = [(1, "A", 1, 2, 4), (1, "A", 2, 3, 4), (2, "A", 3, 3, 4), (2, "A", 4, 5, 4)]
    keys, scores = _frames(rows)
    found = reliability.dimension_sums(
        keys, scores, ["finance", "finance", "trust"], ["finance"], {1: 3, 2: 2}
    )
    assert found == {2: {"finance": [2, 15, 117, [7, 8], [25, 34]]}}  # round 1: 2 < its k 3


def test_i13_5_parts_add_up_across_rounds_and_subtract_back():
    one = _sums([(1, "A", a, b, 4) for a, b in FINANCE[:3]] + [(1, "B", 4, 5, 4)] * 3)
    two = _sums([(2, "A", a, b, 4) for a, b in FINANCE])
    pooled = _sums([(1, "A", a, b, 4) for a, b in FINANCE[:3] + FINANCE] + [(1, "A", 4, 5, 4)] * 3)
    total = reliability.combined({}, one[1], two[2])
    assert total == pooled[1]
    assert reliability.combined(total, two[2], sign=-1) == one[1]
    assert reliability.combined(total, one[1], two[2], sign=-1) == {}  # nothing left: dropped


def test_i13_5_table_shows_alpha_from_30_responses_and_flags_low():
    # 8 copies of the four finance responses: every variance has the same factor, α stays 0.96.
    eight = reliability.combined({}, *([{"finance": HAND}] * 8))
    # trust (two statements): (1,3) (3,1) (3,3) (1,1) ×8: var(t1) = var(t2), var(S) = var(t1)+var(t2)
    # (no covariance: S = 4 4 6 2) → α = 2·(1 − 1) = 0 → low reliability
    trust = reliability.combined({}, *([{"trust": [4, 16, 72, [8, 8], [20, 20]]}] * 8))
    seven = reliability.combined({}, *([{"finance": HAND}] * 7))  # 28 responses: too few
    dims = [("finance", "Finance", 2), ("trust", "Trust", 2), ("single", "Single", 1), ("empty", "Empty", 3)]
    rows = reliability.table(dims, eight | trust)
    assert [(r["dimension"], r["responses"], r["low_reliability"]) for r in rows] == [
        ("finance", 32, False),
        ("trust", 32, True),
        ("empty", 0, None),
    ]
    assert math.isclose(rows[0]["alpha"], 0.96) and rows[1]["alpha"] == 0.0 and rows[2]["alpha"] is None
    assert reliability.table(dims[:1], seven)[0]["alpha"] is None


def test_i13_5_alpha_is_undefined_without_spread():
    # S = 6 for every response: var(S) = 0
    assert reliability.alpha([4, 24, 144, [12, 12], [46, 46]]) is None
    assert reliability.alpha([1, 3, 9, [1, 2], [1, 4]]) is None  # one response


def test_i13_5_footnote_sentence():
    row = {"title": "Finance", "alpha": 0.8234, "responses": 1240, "low_reliability": False}
    assert reliability.sentence(row) == "Finance: α 0.82 over 1,240 responses"
    low = row | {"alpha": 0.61, "low_reliability": True}
    assert reliability.sentence(low) == "Finance: α 0.61 over 1,240 responses — low reliability"
    none = row | {"alpha": None, "responses": 12, "low_reliability": None}
    assert reliability.sentence(none) == "Finance: not enough complete responses yet (α needs 30)"
