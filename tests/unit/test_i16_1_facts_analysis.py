"""Facts beside perception (DESIGN §3.17), against figures worked out by hand."""

from datetime import date

import pytest

from healthcheck.analysis import facts
from healthcheck.analysis.stats import Scale

AFTER, UNTIL = date(2026, 3, 31), date(2026, 6, 30)
NAMES = {"A": "Aurora", "B": "Nordvik"}


def ms(key, planned, status, actual=None):
    return {
        "key": key,
        "title": key,
        "dimension": "milestones",
        "planned_on": planned,
        "actual_on": actual,
        "forecast_on": None,
        "status": status,
    }


MILESTONES = [
    ms("m1", date(2026, 4, 10), "met", date(2026, 5, 10)),  # exactly 30 days late: on time
    ms("m2", date(2026, 4, 20), "met", date(2026, 5, 21)),  # 31 days: late
    ms("m3", date(2026, 5, 1), "missed"),
    ms("m4", date(2026, 5, 15), "dropped"),  # not due
    ms("m5", date(2026, 6, 30), "planned"),  # due on the close date, not met
    ms("m6", date(2026, 3, 31), "met", date(2026, 3, 31)),  # the previous close: earlier period
    ms("m7", date(2026, 7, 1), "met", date(2026, 7, 1)),  # after the close
    ms("m8", date(2026, 6, 1), "met", date(2026, 5, 20)),  # early: on time
]


def test_on_time_rate_counts_due_milestones_met_within_30_days():
    found = facts.milestone_figures(MILESTONES, AFTER, UNTIL)
    # due: m1 m2 m3 m5 m8 = 5; on time: m1 m8 = 2
    assert found == {
        "on_time_rate": 2 / 5,
        "milestones_due": 5,
        "milestones_on_time": 2,
        "milestones_dropped": 1,
    }


def test_first_round_takes_everything_up_to_its_close():
    found = facts.milestone_figures(MILESTONES, None, UNTIL)
    assert found["milestones_due"] == 6 and found["milestones_on_time"] == 3


def test_only_dropped_milestones_give_no_rate_and_no_milestones_none():
    assert (
        facts.milestone_figures([ms("d", date(2026, 5, 1), "dropped")], AFTER, UNTIL)["on_time_rate"] is None
    )
    assert facts.milestone_figures([], AFTER, UNTIL) is None


def test_budget_variance_sums_lines_ending_in_the_period():
    lines = [
        {
            "period_start": date(2026, 4, 1),
            "period_end": date(2026, 4, 30),
            "line": "a",
            "planned": 100.0,
            "actual": 130.0,
            "currency": "EUR",
        },
        {
            "period_start": date(2026, 5, 1),
            "period_end": date(2026, 6, 30),
            "line": "b",
            "planned": 200.0,
            "actual": 215.0,
            "currency": "EUR",
        },
        {
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 3, 31),
            "line": "old",
            "planned": 50.0,
            "actual": 500.0,
            "currency": "EUR",
        },
    ]
    found = facts.budget_figures(lines, AFTER, UNTIL)
    assert found["planned"] == 300.0 and found["actual"] == 345.0
    assert found["budget_variance"] == 45 / 300  # 0.15: the tolerance itself, not over it
    assert facts.fact_is_good("budget", found["budget_variance"])
    assert not facts.fact_is_good("budget", 0.1501) and not facts.fact_is_good("budget", -0.16)


def test_otif_rate():
    kpis = [
        {
            "period_start": date(2026, 4, 1),
            "period_end": date(2026, 4, 30),
            "deliveries": 12,
            "on_time_in_full": 11,
            "quality_deviations": 1,
        },
        {
            "period_start": date(2026, 5, 1),
            "period_end": date(2026, 5, 31),
            "deliveries": 8,
            "on_time_in_full": 6,
            "quality_deviations": 2,
        },
    ]
    assert facts.delivery_figures(kpis, AFTER, UNTIL) == {
        "otif_rate": 17 / 20,
        "deliveries": 20,
        "on_time_in_full": 17,
        "quality_deviations": 3,
    }


def side(mean, n=5):
    return {"n": n, "mean": mean, "median": mean, "std": 0.5, "ci95": None}


def report(dims, closes_on="2026-06-30"):
    return {
        "round": {"closes_on": closes_on},
        "scale": {"min": 1, "max": 5},
        "dimensions": [{"key": key, "title": key.title(), "A": a, "B": b} for key, a, b in dims],
    }


def m_rate(on_time, due):
    return [
        ms(f"x{i}", date(2026, 5, 1), "met" if i < on_time else "missed", date(2026, 5, 2))
        for i in range(due)
    ]


def codes(warnings):
    return sorted((w["code"], w["side"], w["dimension"]) for w in warnings)


def test_mismatch_at_exactly_0625_range_and_not_at_exactly_06_rate():
    rep = report([("milestones", side(3.5), side(3.49)), ("trust", side(4), side(4))])
    warned = facts.attach(rep, {"milestones": m_rate(1, 2)}, "2026-03-31", NAMES)  # 0.5 < 0.6
    assert codes(warned) == [("perception_fact_mismatch", "A", "milestones")]
    assert rep["dimensions"][0]["facts"]["on_time_rate"] == 0.5
    assert rep["dimensions"][1]["facts"] is None
    assert rep["dimensions"][0]["facts"]["period"] == {"after": "2026-03-31", "until": "2026-06-30"}
    assert "facts" not in rep  # per dimension only (DESIGN §4)

    rep = report([("milestones", side(4.5), side(4.5))])
    assert facts.attach(rep, {"milestones": m_rate(3, 5)}, "2026-03-31", NAMES) == []  # exactly 0.6: good


def test_below_facts_needs_a_mean_under_half_the_range():
    rep = report([("milestones", side(3.0), side(2.99))])
    warned = facts.attach(rep, {"milestones": m_rate(3, 5)}, "2026-03-31", NAMES)
    assert codes(warned) == [("perception_below_facts", "B", "milestones")]
    assert warned[0]["message"] == (
        "Nordvik rates only Milestones 2.99 while 60% of the milestones due were met within 30 days of plan."
    )


def test_a_suppressed_side_gives_no_warning():
    rep = report([("milestones", {"n": 2, "suppressed": True}, side(4.0))])
    warned = facts.attach(rep, {"milestones": m_rate(0, 4)}, None, NAMES)
    assert codes(warned) == [("perception_fact_mismatch", "B", "milestones")]


def test_finance_and_cost_and_supplier_delivery():
    over = [
        {
            "period_start": date(2026, 4, 1),
            "period_end": date(2026, 6, 30),
            "line": "l",
            "planned": 1000.0,
            "actual": 1200.0,
            "currency": "EUR",
        }
    ]
    rep = report([("finance", side(4.0), side(2.5))])
    warned = facts.attach(rep, {"budget": over}, "2026-03-31", NAMES)
    assert rep["dimensions"][0]["facts"]["budget_variance"] == pytest.approx(0.2)
    assert codes(warned) == [("perception_fact_mismatch", "A", "finance")]  # B rates it low: matches

    rep = report([("cost", side(4.0), side(4.0))])
    assert len(facts.attach(rep, {"budget": over}, "2026-03-31", NAMES)) == 2

    falling = [
        {
            "period_start": date(2026, 4, 1),
            "period_end": date(2026, 6, 30),
            "deliveries": 10,
            "on_time_in_full": 8,
            "quality_deviations": 0,
        }
    ]
    rep = report([("delivery", side(4.2), side(4.4))])
    warned = facts.attach(rep, {"supplier": True, "delivery": falling}, "2026-03-31", NAMES)
    assert codes(warned) == [
        ("perception_fact_mismatch", "A", "delivery"),
        ("perception_fact_mismatch", "B", "delivery"),
    ]
    rep = report([("delivery", side(4.2), side(4.4))])
    assert facts.attach(rep, {"supplier": False, "delivery": falling}, "2026-03-31", NAMES) == []
    assert rep["dimensions"][0]["facts"]["otif_rate"] == 0.8  # shown, but no supplier warning


def test_no_facts_in_the_period_is_null_everywhere():
    rep = report([("milestones", side(4), side(4))])
    assert facts.attach(rep, {"milestones": [ms("m", date(2025, 1, 1), "missed")]}, "2026-03-31", NAMES) == []
    assert rep["dimensions"][0]["facts"] is None


def test_scale_other_than_1_to_5():
    assert (
        facts.perception_warnings(
            [
                {
                    "key": "milestones",
                    "title": "M",
                    "A": side(6.25),
                    "B": side(6.24),
                    "facts": {"kind": "milestones", "on_time_rate": 0.1},
                }
            ],
            Scale(0, 10),
            NAMES,
            False,
        )[0]["side"]
        == "A"
    )
