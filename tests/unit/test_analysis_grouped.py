"""The vectorised statistics agree with the one-group functions they replace at scale."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthcheck.analysis import grouped, stats

NA = float("nan")
scores = st.lists(st.one_of(st.integers(1, 5).map(float), st.just(NA)), max_size=14)


def close(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def frames(groups: dict[tuple[int, str], list[float]]):
    keys, values = [], []
    for (rnd, side), vals in groups.items():
        keys += [{"round": rnd, "side": side}] * len(vals)
        values += vals
    return pd.DataFrame(keys, columns=["round", "side"]), pd.DataFrame({"x": values}, dtype="float64")


@given(st.lists(st.tuples(scores, scores), min_size=1, max_size=4))
def test_describe_groups_matches_describe(rounds):
    groups = {(r, s): vals for r, pair in enumerate(rounds) for s, vals in zip("AB", pair, strict=True)}
    keys, values = frames(groups)
    found = grouped.describe_groups(values, keys)
    for key, vals in groups.items():
        expected = stats.describe(vals)
        got = found.get(key, {}).get("x", {"n": 0, "mean": None, "median": None, "std": None, "ci95": None})
        assert close(got, expected), (key, vals, got, expected)


def mann_whitney(values: pd.DataFrame, keys: pd.DataFrame) -> dict[tuple, float | None]:
    """``grouped.mann_whitney_tests`` as {(round, column): p}, None where there is no test."""
    found = grouped.mann_whitney_tests(values, keys)
    return {
        (rnd, col): (None if np.isnan(x) else float(x))
        for rnd, row in zip(found.rounds, found.p.tolist(), strict=True)
        for col, x in zip(found.columns, row, strict=True)
    }


@given(st.lists(st.tuples(scores, scores), min_size=1, max_size=4))
def test_mann_whitney_matches_scipy_defaults(rounds):
    groups = {(r, s): vals for r, pair in enumerate(rounds) for s, vals in zip("AB", pair, strict=True)}
    keys, values = frames(groups)
    found = mann_whitney(values, keys)
    for r, (a, b) in enumerate(rounds):
        expected = stats.mann_whitney_p(a, b)
        got = found.get((r, "x"))
        assert (got is None) == (expected is None), (a, b, got, expected)
        if expected is not None:
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), (a, b)


def test_exact_and_tied_cases_by_hand():
    # A = 1,2,3 and B = 4,5,6: U = 0, exact two-sided p = 2 / C(6,3) = 0.1 (no ties, n ≤ 8).
    keys, values = frames({(1, "A"): [1.0, 2.0, 3.0], (1, "B"): [4.0, 5.0, 6.0]})
    assert mann_whitney(values, keys)[(1, "x")] == pytest.approx(0.1)
    # All six tied: no evidence of a difference, p = 1.
    keys, values = frames({(2, "A"): [3.0] * 3, (2, "B"): [3.0] * 3})
    assert mann_whitney(values, keys)[(2, "x")] == 1.0
    # A side with two values has no test.
    keys, values = frames({(3, "A"): [1.0, 2.0], (3, "B"): [4.0, 5.0, 6.0]})
    assert mann_whitney(values, keys)[(3, "x")] is None


def test_respondent_scores_skip_na_and_weigh_respondents_equally():
    scores = pd.DataFrame({"q1": [4.0, NA, NA], "q2": [2.0, 5.0, NA], "q3": [1.0, 1.0, 1.0]})
    out = grouped.respondent_dimension_scores(scores, ["d1", "d1", "d2"], ["d1", "d2"])
    assert out["d1"].tolist()[:2] == [3.0, 5.0]
    assert np.isnan(out["d1"].tolist()[2])
    assert out["d2"].tolist() == [1.0, 1.0, 1.0]
