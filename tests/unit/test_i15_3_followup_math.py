"""Issue 15 item 3: an action's dimension before/after per side, numbers worked out by hand.

Welch interval of after − before: SE² = s²₁/n₁ + s²₀/n₀, ν by Welch–Satterthwaite, and the
t quantiles from tables (6 digits, hence 1e-5): t(0.975, 6) = 2.446912, t(0.975, 4) = 2.776445.
"""

from __future__ import annotations

import pytest

from healthcheck.analysis import followup


def block(n, mean, std):
    return {"n": n, "mean": mean, "median": mean, "std": std, "ci95": None}


def test_change_with_welch_interval_that_includes_zero():
    # n = 4 and s = 1 in both rounds: SE² = 1/4 + 1/4 = 0.5, SE = 0.707107,
    # ν = 0.5² / (2 · 0.25²/3) = 6, half = 2.446912 · 0.707107 = 1.730228
    c = followup.side_change(block(4, 3.0, 1.0), block(4, 4.0, 1.0), 3, 3)
    assert c["shown"] and c["before"] == 3.0 and c["after"] == 4.0 and c["change"] == 1.0
    assert c["ci95"] == pytest.approx([1.0 - 1.730228, 1.0 + 1.730228], abs=1e-5)
    assert c["beyond_noise"] is False
    assert (c["n_before"], c["n_after"]) == (4, 4)


def test_change_beyond_noise():
    # s = 0.5, n = 4: SE² = 0.0625 + 0.0625 = 0.125, SE = 0.353553, ν = 6,
    # half = 2.446912 · 0.353553 = 0.865114; change 2.0 → [1.134886, 2.865114]
    c = followup.side_change(block(4, 2.0, 0.5), block(4, 4.0, 0.5), 3, 3)
    assert c["ci95"] == pytest.approx([1.134886, 2.865114], abs=1e-5)
    assert c["beyond_noise"] is True


def test_unequal_samples():
    # before n = 3, s = 1 (s²/n = 1/3); after n = 3, s = 1: SE² = 2/3, SE = 0.816497,
    # ν = (2/3)² / (2 · (1/3)²/2) = (4/9)/(1/9) = 4, half = 2.776445 · 0.816497 = 2.266958
    c = followup.side_change(block(3, 3.0, 1.0), block(3, 4.0, 1.0), 3, 3)
    assert c["ci95"] == pytest.approx([-1.266958, 3.266958], abs=1e-5)


def test_a_fall_is_negative_and_no_spread_gives_a_point_interval():
    c = followup.side_change(block(5, 4.0, 0.0), block(5, 3.5, 0.0), 3, 3)
    assert c["change"] == -0.5 and c["ci95"] == [-0.5, -0.5] and c["beyond_noise"] is True


@pytest.mark.parametrize(
    "before, after, k_before, k_after",
    [
        ({"n": 2, "suppressed": True}, block(4, 4.0, 1.0), 3, 3),  # suppressed in the earlier round
        (block(4, 3.0, 1.0), {"n": 1, "suppressed": True}, 3, 3),  # … in the later round
        (block(3, 3.0, 1.0), block(4, 4.0, 1.0), 3, 5),  # n = 4 under the later round's k = 5
        (block(3, 3.0, 1.0), block(4, 4.0, 1.0), 4, 3),  # n = 3 under the earlier round's k = 4
    ],
)
def test_k_rule_no_figure_for_a_side_under_k(before, after, k_before, k_after):
    c = followup.side_change(before, after, k_before, k_after)
    assert c["shown"] is False and c["reason"] == "fewer than k"
    assert not {"before", "after", "change", "ci95"} & set(c)  # no figure, only counts


def test_not_measured_when_the_dimension_is_missing():
    c = followup.side_change(None, block(4, 4.0, 1.0), 3, 3)
    assert c["shown"] is False and c["reason"] == "not measured" and "change" not in c


def test_checkin_rows_by_side_without_persons():
    rows = followup.checkin_rows(
        [
            {"side": "B", "score": 2, "comment": " slow start ", "email": "x@p.example", "name": "Ola"},
            {"side": "A", "score": 5, "comment": ""},
            {"side": "A", "score": None, "comment": "unanswered"},
        ]
    )
    assert rows == [
        {"side": "A", "score": 5, "comment": ""},
        {"side": "B", "score": 2, "comment": "slow start"},
    ]
    assert followup.mean_score(rows) == 3.5 and followup.mean_score([]) is None
