"""Gap levels, classification, change warnings and trends, worked by hand."""

from datetime import date

import pytest

from healthcheck.analysis import dates, gaps, indices, trends, warnings
from healthcheck.analysis.stats import Scale

S5 = Scale(1, 5)
NAMES = {"A": "Pharma", "B": "Bio"}


@pytest.mark.parametrize(
    ("gap", "level"),
    [
        (0.0, "aligned"),
        (0.49, "aligned"),
        (-0.5, "watch"),
        (0.99, "watch"),
        (1.0, "gap"),
        (-2.5, "gap"),
    ],
)
def test_gap_level_thresholds_on_1_to_5(gap, level):
    assert gaps.gap_level(gap, S5) == level


def test_gap_level_scales_with_range():
    assert gaps.gap_level(1.0, Scale(0, 10)) == "aligned"  # 1.0 < 1.25
    assert gaps.gap_level(2.5, Scale(0, 10)) == "gap"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (4.0, 3.6, "shared_strength"),
        (3.5, 3.5, "shared_strength"),
        (2.9, 2.5, "shared_concern"),
        (4.5, 3.4, "gap_a_higher"),
        (2.0, 3.2, "gap_b_higher"),
        (3.0, 3.2, "neutral"),
        (3.6, 3.2, "neutral"),
        (None, 3.0, None),
    ],
)
def test_classification(a, b, expected):
    assert gaps.classify(a, b, S5) == expected


def test_rag_boundaries():
    assert [indices.rag(x) for x in (75, 74.99, 50, 49.9, None)] == ["green", "amber", "amber", "red", None]


def _report(label, means_a, means_b, health):
    dims = []
    for key in means_a:
        a, b = means_a[key], means_b[key]
        dims.append(
            {
                "key": key,
                "title": key.title(),
                "A": {"n": 5, "mean": a, "std": 0.3},
                "B": {"n": 5, "mean": b, "std": 0.3},
                "gap": a - b,
            }
        )
    return {
        "round": {"label": label, "status": "closed"},
        "scale": {"min": 1, "max": 5},
        "health_index": health,
        "alignment_index": 90.0,
        "sides": {s: {"response_rate": 0.8, "health_index": health} for s in "AB"},
        "dimensions": dims,
    }


def test_change_warnings_drop_widening_and_index_drop():
    r1 = _report("R1", {"finance": 4.0, "trust": 4.0}, {"finance": 3.8, "trust": 4.0}, 80.0)
    r2 = _report("R2", {"finance": 4.0, "trust": 3.6}, {"finance": 3.2, "trust": 4.0}, 69.0)
    found = warnings.change_warnings(r1, r2, NAMES)
    codes = {(w["code"], w["side"], w["dimension"]) for w in found}
    # B finance fell 0.6 >= 0.5; A trust fell only 0.4
    assert ("dimension_drop", "B", "finance") in codes
    assert ("dimension_drop", "A", "trust") not in codes
    # |gap| finance 0.2 -> 0.8 (grew 0.6); trust 0.0 -> 0.4 (grew 0.4)
    assert ("gap_widening", None, "finance") in codes
    assert ("gap_widening", None, "trust") not in codes
    assert ("index_drop", None, None) in codes  # fell 11 points


def test_index_drop_on_two_consecutive_small_falls():
    r1 = _report("R1", {"x": 4.0}, {"x": 4.0}, 80.0)
    r2 = _report("R2", {"x": 4.0}, {"x": 4.0}, 78.0)
    r3 = _report("R3", {"x": 4.0}, {"x": 4.0}, 77.0)
    assert not [w for w in warnings.change_warnings(r1, r2, NAMES) if w["code"] == "index_drop"]
    found = warnings.change_warnings(r2, r3, NAMES, earlier=r1)
    assert [w["code"] for w in found] == ["index_drop"]


def test_trend_deltas_and_round_labels():
    r1 = _report("R1", {"finance": 4.0}, {"finance": 3.8}, 80.0)
    r2 = _report("R2", {"finance": 4.1}, {"finance": 3.0}, 70.0)
    trend = trends.build({"name": "X", "sides": NAMES}, [r1, r2])
    assert [r["round"]["label"] for r in trend["rounds"]] == ["R1", "R2"]
    (delta,) = trend["deltas"]
    assert delta["health_index"] == pytest.approx(-10.0)
    assert delta["dimensions"][0]["A"] == pytest.approx(0.1)
    assert delta["dimensions"][0]["B"] == pytest.approx(-0.8)
    assert delta["dimensions"][0]["gap"] == pytest.approx(1.1 - 0.2)
    assert {w["round"] for w in trend["warnings"]} == {"R2"}


def test_overdue_after_cadence_plus_30_days():
    last = date(2026, 1, 15)
    assert warnings.overdue_warning(last, 6, date(2026, 8, 14)) is None  # due 15 Jul + 30 days
    found = warnings.overdue_warning(last, 6, date(2026, 8, 15))
    assert found["code"] == "overdue"
    assert dates.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


# issue 13 item 6: does a drop or a widening exceed noise? (Welch interval of the change)


def _with_std(report, std):
    for d in report["dimensions"]:
        for s in "AB":
            d[s]["std"] = std
    return report


def _warning(found, code, dimension):
    return next(w for w in found if w["code"] == code and w["dimension"] == dimension)


def test_i13_6_drop_beyond_noise_worked_by_hand():
    r1 = _report("R1", {"finance": 4.0}, {"finance": 3.8}, 80.0)
    r2 = _report("R2", {"finance": 4.0}, {"finance": 3.2}, 79.0)
    drop = _warning(warnings.change_warnings(r1, r2, NAMES), "dimension_drop", "finance")
    # B: 3.8 → 3.2, n 5 and std 0.3 in both rounds: change −0.6, SE² = 0.09/5 + 0.09/5 = 0.036,
    # SE = 0.189737, ν = 0.036² / (2·0.018²/4) = 8, t(0.975, 8) = 2.306004 → half-width 0.437534
    assert drop["change"] == pytest.approx(-0.6)
    assert drop["change_ci95"] == pytest.approx([-1.037534, -0.162466], abs=1e-6)
    assert drop["beyond_noise"] is True
    assert drop["message"] == (
        "Bio's view of Finance fell from 3.80 to 3.20. The change is beyond noise "
        "(95 % interval of the change -1.04 to -0.16)."
    )


def test_i13_6_drop_within_noise_worked_by_hand():
    r1 = _with_std(_report("R1", {"finance": 4.0}, {"finance": 3.8}, 80.0), 0.8)
    r2 = _with_std(_report("R2", {"finance": 4.0}, {"finance": 3.2}, 79.0), 0.8)
    drop = _warning(warnings.change_warnings(r1, r2, NAMES), "dimension_drop", "finance")
    # std 0.8: SE² = 2·0.64/5 = 0.256, SE = 0.5059644, ν = 8 → half-width 2.3060041·0.5059644 = 1.166756
    assert drop["change_ci95"] == pytest.approx([-1.766756, 0.566756], abs=1e-6)
    assert drop["beyond_noise"] is False
    assert drop["message"].endswith(
        "The change is within noise (95 % interval of the change -1.77 to +0.57 includes 0): "
        "it may be chance."
    )


def test_i13_6_gap_widening_uses_the_four_samples():
    r1 = _report("R1", {"finance": 4.0}, {"finance": 3.8}, 80.0)
    r2 = _report("R2", {"finance": 4.0}, {"finance": 3.2}, 79.0)
    wider = _warning(warnings.change_warnings(r1, r2, NAMES), "gap_widening", "finance")
    # gap 0.2 → 0.8: change +0.6; SE² = 4·0.09/5 = 0.072, SE = 0.268328;
    # ν = 0.072² / (4·0.018²/4) = 16, t(0.975, 16) = 2.119905 → half-width 0.568830
    assert wider["change"] == pytest.approx(0.6)
    assert wider["change_ci95"] == pytest.approx([0.031170, 1.168830], abs=1e-6)
    assert wider["beyond_noise"] is True
    assert "widened from 0.20 to 0.80 points. The change is beyond noise" in wider["message"]


def test_i13_6_one_respondent_is_too_few_to_tell():
    r1 = _report("R1", {"finance": 4.0}, {"finance": 3.8}, 80.0)
    r2 = _report("R2", {"finance": 4.0}, {"finance": 3.2}, 79.0)
    # a side with one respondent has no std (never shown under k ≥ 3; the rule still holds)
    r2["dimensions"][0]["B"] = {"n": 1, "mean": 3.2, "std": None}
    drop = _warning(warnings.change_warnings(r1, r2, NAMES), "dimension_drop", "finance")
    assert (drop["change_ci95"], drop["beyond_noise"]) == (None, None)
    assert drop["message"].endswith("Too few answers to tell whether the change is beyond noise.")


def test_i13_6_no_spread_is_beyond_noise_with_a_point_interval():
    r1 = _with_std(_report("R1", {"finance": 4.0}, {"finance": 3.8}, 80.0), 0.0)
    r2 = _with_std(_report("R2", {"finance": 4.0}, {"finance": 3.2}, 79.0), 0.0)
    drop = _warning(warnings.change_warnings(r1, r2, NAMES), "dimension_drop", "finance")
    assert drop["change_ci95"] == pytest.approx([-0.6, -0.6]) and drop["beyond_noise"] is True


def test_i13_6_trend_json_warnings_carry_the_change_interval():
    r1 = _report("R1", {"finance": 4.0}, {"finance": 3.8}, 80.0)
    r2 = _report("R2", {"finance": 4.0}, {"finance": 3.2}, 79.0)
    for r in (r1, r2):
        r["alliance"] = {"sides": NAMES}
    trend = trends.build({"sides": NAMES}, [r1, r2])
    drop = next(w for w in trend["warnings"] if w["code"] == "dimension_drop")
    assert drop["round"] == "R2" and drop["beyond_noise"] is True and len(drop["change_ci95"]) == 2
