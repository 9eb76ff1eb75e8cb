from datetime import date

from healthcheck.analysis.portfolio import AllianceState, breakdown, by_segment, summarise

TODAY = date(2026, 11, 22)


def closed(label, closes_on, health, rag, warnings=()):
    return {
        "label": label,
        "closes_on": closes_on,
        "health_index": health,
        "alignment_index": 90.0,
        "rag": rag,
        "warnings": list(warnings),
    }


def test_sorted_by_risk_with_trend_and_overdue():
    states = [
        AllianceState(
            1,
            "Healthy",
            "complex",
            "development",
            3,
            date(2025, 1, 1),
            [closed("R1", date(2026, 8, 1), 80.0, "green"), closed("R2", date(2026, 11, 1), 84.0, "green")],
        ),
        AllianceState(
            2,
            "Sliding",
            "typical",
            "commercial",
            6,
            date(2024, 1, 1),
            [
                closed("R1", date(2025, 11, 1), 70.0, "amber"),
                closed("R2", date(2026, 5, 1), 60.0, "amber", [{"code": "index_drop"}]),
            ],
        ),
        AllianceState(
            3,
            "Late",
            "typical",
            "sunset",
            6,
            date(2024, 1, 1),
            [closed("R1", date(2026, 3, 1), 65.0, "amber")],
        ),
        AllianceState(
            4,
            "Red",
            "simple",
            "commercial",
            12,
            date(2024, 1, 1),
            [closed("R1", date(2026, 6, 1), 40.0, "red")],
        ),
        AllianceState(
            5,
            "New",
            "complex",
            "discovery",
            3,
            date(2026, 11, 1),
            [],
            open_round={"label": "R1", "closes_on": date(2026, 12, 1)},
        ),
    ]
    lines = summarise(states, TODAY)
    assert [x.name for x in lines] == ["Red", "Late", "Sliding", "New", "Healthy"]
    late = lines[1]
    # due 2026-09-01, today is 82 days later > 30
    assert late.overdue and late.warnings[-1]["code"] == "overdue"
    sliding = lines[2]
    assert sliding.delta == -10.0 and sliding.trend == "↓" and not sliding.overdue
    assert lines[-1].trend == "↑" and lines[-1].next_due == date(2027, 2, 1)
    new = lines[3]
    assert new.health_index is None and not new.overdue and new.open_round
    segments = by_segment(lines)
    assert segments["typical"] == {
        "count": 2,
        "overdue": 1,
        "red": 0,
        "mean_health": 62.5,
        "open_actions": 0,
        "overdue_actions": 0,
    }
    by_owner = breakdown(
        lines,
        {1: ["Ann"], 2: ["Ann", "Bo"], 4: ["Bo"]},
        {2: {"open": 3, "overdue": 1}, 4: {"open": 1, "overdue": 0}},
    )
    assert by_owner["Ann"]["count"] == 2 and by_owner["Ann"]["mean_health"] == 72.0
    assert by_owner["Bo"] == {
        "count": 2,
        "overdue": 0,
        "red": 1,
        "mean_health": 50.0,
        "open_actions": 4,
        "overdue_actions": 1,
    }
