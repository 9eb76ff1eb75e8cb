"""`healthcheck import-facts` end to end: the §3.17 figures and warnings in the report JSON,
all-or-nothing imports, and the set-based rebuild giving the per-round JSON."""

import json

from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import AuditEvent, BudgetLine, DeliveryKpi, Milestone, RoundSummary

MILESTONES_Q = ["milestones_plan", "milestones_on_track", "milestones_quality"]
FINANCE_Q = ["finance_budget_clear", "finance_payments", "finance_value"]
TRUST_Q = ["trust_commitments", "trust_interests"]


def _responses(tmp_path, name, a_scores, b_scores):
    """Three respondents a side; ``*_scores``: {question group: score}."""
    rows = ["side,respondent,question,score,comment"]
    for side, scores in (("A", a_scores), ("B", b_scores)):
        for r in range(3):
            for group, score in scores.items():
                for q in group:
                    rows.append(f"{side},{side}{r},{q},{score},")
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def _import_round(runner, tmp_path, label, closes_on, a, b, alliance="Facts Alliance"):
    result = runner.invoke(
        args=[
            "import-responses",
            "--alliance",
            alliance,
            "--side-a",
            "Aurora Pharma",
            "--side-b",
            "Nordvik",
            "--questionnaire",
            "alliance-health-check",
            "--round",
            label,
            "--closes-on",
            closes_on,
            _responses(tmp_path, f"{label}.csv", a, b),
        ]
    )
    assert result.exit_code == 0, result.output


def _facts(runner, tmp_path, kind, text, alliance="Facts Alliance", name=None):
    path = tmp_path / (name or f"{kind}.csv")
    path.write_text(text)
    return runner.invoke(args=["import-facts", str(path), "--alliance", alliance, "--kind", kind])


def _report(runner, label, alliance="Facts Alliance"):
    result = runner.invoke(args=["report", "--alliance", alliance, "--round", label, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _dim(report, key):
    return next(d for d in report["dimensions"] if d["key"] == key)


def _fact_warnings(report):
    return sorted(
        (w["code"], w["side"], w["dimension"])
        for w in report["warnings"]
        if w["code"].startswith("perception_")
    )


MILESTONES_CSV = """key,title,dimension,planned_on,actual_on,forecast_on,status
q1-a,Pilot plant qualified,milestones,2026-02-10,2026-02-15,,met
q1-b,Toxicology package,milestones,2026-03-31,2026-05-15,,met
q2-a,Phase 1 first patient,milestones,2026-04-10,2026-05-10,,met
q2-b,Phase 1 readout,milestones,2026-05-01,2026-06-02,,met
q2-c,CMC transfer,milestones,2026-05-20,,2026-08-01,missed
q2-d,Second indication scouting,milestones,2026-06-01,,,dropped
q2-e,Steering committee charter,milestones,2026-06-30,,2026-07-15,planned
q3-a,Phase 2 design,milestones,2026-07-01,,2026-07-01,planned
"""
# Q1 (up to 2026-03-31): q1-a on time, q1-b 45 days late → 1/2 = 0.5
# Q2 (2026-04-01 … 2026-06-30): due q2-a (30 days: on time), q2-b (32: late), q2-c, q2-e; q2-d dropped → 1/4

BUDGET_CSV = """period_start,period_end,line,planned,actual,currency
2026-01-01,2026-03-31,Research FTE,100000,104000,EUR
2026-01-01,2026-03-31,External CRO,50000,51000,EUR
2026-04-01,2026-06-30,Research FTE,100000,125000,EUR
2026-04-01,2026-06-30,External CRO,60000,65000,EUR
"""
# Q1: (155000 − 150000)/150000 = 1/30; Q2: (190000 − 160000)/160000 = 0.1875


def test_imported_facts_give_the_figures_and_warnings_in_the_report_json(app, runner, tmp_path):
    # Q1: both sides rate milestones 4 and finance 2; Q2: A rates milestones 4, B 2.9 …
    _import_round(
        runner,
        tmp_path,
        "2026-Q1",
        "2026-03-31",
        {tuple(MILESTONES_Q): 4, tuple(FINANCE_Q): 2, tuple(TRUST_Q): 4},
        {tuple(MILESTONES_Q): 4, tuple(FINANCE_Q): 2, tuple(TRUST_Q): 4},
    )
    _import_round(
        runner,
        tmp_path,
        "2026-Q2",
        "2026-06-30",
        {tuple(MILESTONES_Q): 4, tuple(FINANCE_Q): 4, tuple(TRUST_Q): 4},
        {tuple(MILESTONES_Q): 2, tuple(FINANCE_Q): 2, tuple(TRUST_Q): 4},
    )
    before = _report(runner, "2026-Q2")
    assert _dim(before, "milestones")["facts"] is None and "facts" not in before

    result = _facts(runner, tmp_path, "milestones", MILESTONES_CSV)
    assert result.exit_code == 0, result.output
    assert "8 added, 0 updated" in result.output
    assert _facts(runner, tmp_path, "budget", BUDGET_CSV).exit_code == 0

    q1, q2 = _report(runner, "2026-Q1"), _report(runner, "2026-Q2")
    assert _dim(q1, "milestones")["facts"] == {
        "kind": "milestones",
        "period": {"after": None, "until": "2026-03-31"},
        "on_time_rate": 0.5,
        "milestones_due": 2,
        "milestones_on_time": 1,
        "milestones_dropped": 0,
    }
    assert _dim(q1, "finance")["facts"]["budget_variance"] == (155000 - 150000) / 150000
    assert _dim(q1, "finance")["facts"]["period"] == {"after": None, "until": "2026-03-31"}
    # Q1: milestones 4 while 0.5 < 0.6 on both sides; finance 2 while |1/30| ≤ 0.15 on both sides
    assert _fact_warnings(q1) == [
        ("perception_below_facts", "A", "finance"),
        ("perception_below_facts", "B", "finance"),
        ("perception_fact_mismatch", "A", "milestones"),
        ("perception_fact_mismatch", "B", "milestones"),
    ]

    assert _dim(q2, "milestones")["facts"]["on_time_rate"] == 0.25
    assert _dim(q2, "milestones")["facts"]["milestones_due"] == 4
    finance = _dim(q2, "finance")["facts"]
    assert (
        finance["budget_variance"] == 0.1875 and finance["planned"] == 160000 and finance["actual"] == 190000
    )
    assert finance["currency"] == "EUR"
    assert _dim(q2, "trust")["facts"] is None
    assert _dim(q2, "milestones")["facts"]["period"] == {"after": "2026-03-31", "until": "2026-06-30"}
    # A: milestones 4 / 0.25 → mismatch; finance 4 / 0.1875 → mismatch. B: milestones 2 and finance 2
    # while the facts are bad: perception matches, no warning.
    assert _fact_warnings(q2) == [
        ("perception_fact_mismatch", "A", "finance"),
        ("perception_fact_mismatch", "A", "milestones"),
    ]
    message = next(
        w["message"]
        for w in q2["warnings"]
        if w["code"] == "perception_fact_mismatch" and w["dimension"] == "milestones"
    )
    assert (
        message == "Aurora Pharma rates Milestones and delivery 4.00 while 25% of the milestones due "
        "were met within 30 days of plan."
    )
    assert any(p["message"] for p in q2["talking_points"])

    # the set-based rebuild gives exactly the per-round JSON
    with app.app_context():
        stored = {r.round_id: r.report for r in db.session.scalars(select(RoundSummary))}
    assert runner.invoke(args=["rebuild-summaries"]).exit_code == 0
    with app.app_context():
        rebuilt = {r.round_id: r.report for r in db.session.scalars(select(RoundSummary))}
    assert rebuilt == stored
    assert _report(runner, "2026-Q2") == q2


def test_reimport_updates_by_key_and_keeps_the_rest(app, runner, tmp_path):
    _import_round(
        runner, tmp_path, "2026-Q2", "2026-06-30", {tuple(MILESTONES_Q): 4}, {tuple(MILESTONES_Q): 4}
    )
    assert _facts(runner, tmp_path, "milestones", MILESTONES_CSV).exit_code == 0
    update = (
        "key,title,dimension,planned_on,actual_on,forecast_on,status\n"
        "q2-b,Phase 1 readout,milestones,2026-05-01,2026-05-20,,met\n"
    )
    result = _facts(runner, tmp_path, "milestones", update, name="update.csv")
    assert result.exit_code == 0 and "0 added, 1 updated" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Milestone)) == 8
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "facts.import")).all()
    assert _dim(_report(runner, "2026-Q2"), "milestones")["facts"]["on_time_rate"] == 0.5  # q2-a, q2-b of 4


def _counts(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Milestone, BudgetLine, DeliveryKpi)
        )


def test_bad_lines_are_each_named_exit_2_nothing_written(app, runner, tmp_path, make_alliance):
    make_alliance(name="Facts Alliance")
    bad = """key,title,dimension,planned_on,actual_on,forecast_on,status
ok-1,Fine,milestones,2026-04-01,2026-04-02,,met
,No key,milestones,2026-04-01,,,planned
m-2,,milestones,2026-04-01,,,planned
m-3,Bad date,milestones,2026-13-01,,,planned
m-4,Bad status,milestones,2026-04-01,,,late
m-5,Met without date,milestones,2026-04-01,,,met
ok-1,Duplicate,milestones,2026-04-01,,,planned
m-6,Too few fields
"""
    result = _facts(runner, tmp_path, "milestones", bad)
    assert result.exit_code == 2
    out = result.output
    assert "line 2:" not in out
    assert "line 3: key:" in out
    assert "line 4: title: required" in out
    assert "line 5: planned_on: a date YYYY-MM-DD (got '2026-13-01')" in out
    assert "line 6: status: one of planned, met, missed, dropped (got 'late')" in out
    assert "line 7: actual_on: required when status is met" in out
    assert "line 8: the same key as line 2" in out
    assert "line 9: expected 7 fields, got 2" in out
    assert _counts(app) == (0, 0, 0)

    budget = """period_start,period_end,line,planned,actual,currency
2026-04-01,2026-03-01,Late start,100,100,EUR
2026-04-01,2026-06-30,Words,lots,100,EUR
2026-04-01,2026-06-30,Negative,100,-5,EUR
2026-04-01,2026-06-30,Currency,100,100,EURO
2026-04-01,2026-06-30,Dollars,100,100,USD
"""
    result = _facts(runner, tmp_path, "budget", budget)
    assert result.exit_code == 2
    assert "line 2: period_end: on or after period_start (2026-04-01), got 2026-03-01" in result.output
    assert "line 3: planned: a number ≥ 0" in result.output
    assert "line 4: actual: a number ≥ 0" in result.output
    assert "line 5: currency: a three-letter ISO 4217 code" in result.output
    assert "one currency (got EUR on line 2, USD on line 6)" in result.output

    delivery = """period_start,period_end,deliveries,on_time_in_full,quality_deviations
2026-04-01,2026-04-30,10,11,0
2026-05-01,2026-05-31,ten,5,0
2026-06-01,2026-06-30,10,5,1.5
"""
    result = _facts(runner, tmp_path, "delivery", delivery)
    assert result.exit_code == 2
    assert "line 2: on_time_in_full: at most deliveries (10), got 11" in result.output
    assert "line 3: deliveries: a whole number ≥ 0 (got 'ten')" in result.output
    assert "line 4: quality_deviations: a whole number ≥ 0 (got '1.5')" in result.output
    assert _counts(app) == (0, 0, 0)

    wrong_header = _facts(runner, tmp_path, "delivery", "period,deliveries\n2026-04,3\n", name="h.csv")
    assert wrong_header.exit_code == 2 and "line 1: header must be" in wrong_header.output
    nobody = _facts(runner, tmp_path, "delivery", "x\n", alliance="No Such Alliance")
    assert nobody.exit_code == 2 and "--alliance: no alliance named 'No Such Alliance'" in nobody.output
    assert _counts(app) == (0, 0, 0)


SUPPLIER_DELIVERY = """period_start,period_end,deliveries,on_time_in_full,quality_deviations
2026-01-01,2026-03-31,40,38,1
2026-04-01,2026-06-30,40,30,4
"""


def test_supplier_otif_warning(app, runner, tmp_path):
    from healthcheck.services import alliances

    rows = ["side,respondent,question,score,comment"]
    for side in "AB":
        for r in range(3):
            rows += [f"{side},{side}{r},delivery_on_time,4,", f"{side},{side}{r},delivery_contract,5,"]
    for label, closes in (("2026-Q1", "2026-03-31"), ("2026-Q2", "2026-06-30")):
        path = tmp_path / f"s{label}.csv"
        path.write_text("\n".join(rows) + "\n")
        result = runner.invoke(
            args=[
                "import-responses",
                "--alliance",
                "Supply Co",
                "--side-a",
                "Aurora Pharma",
                "--side-b",
                "Kemwerk",
                "--questionnaire",
                "supplier-performance",
                "--round",
                label,
                "--closes-on",
                closes,
                str(path),
            ]
        )
        assert result.exit_code == 0, result.output
    with app.app_context():
        alliance = alliances.by_name("Supply Co")
        alliance.alliance_type = "supplier"
        db.session.commit()
    assert _facts(runner, tmp_path, "delivery", SUPPLIER_DELIVERY, alliance="Supply Co").exit_code == 0
    q1, q2 = _report(runner, "2026-Q1", "Supply Co"), _report(runner, "2026-Q2", "Supply Co")
    assert _dim(q1, "delivery")["facts"]["otif_rate"] == 38 / 40  # 0.95: good, mean 4.5 → no warning
    assert _fact_warnings(q1) == []
    assert _dim(q2, "delivery")["facts"] == {
        "kind": "delivery",
        "period": {"after": "2026-03-31", "until": "2026-06-30"},
        "otif_rate": 0.75,
        "deliveries": 40,
        "on_time_in_full": 30,
        "quality_deviations": 4,
    }
    assert _fact_warnings(q2) == [
        ("perception_fact_mismatch", "A", "delivery"),
        ("perception_fact_mismatch", "B", "delivery"),
    ]


def test_rebuild_reads_each_fact_kind_once_whatever_the_number_of_rounds(app, runner, tmp_path):
    from sqlalchemy import event

    for i, (label, closes) in enumerate(
        (("2025-Q4", "2025-12-31"), ("2026-Q1", "2026-03-31"), ("2026-Q2", "2026-06-30"))
    ):
        _import_round(
            runner, tmp_path, label, closes, {tuple(MILESTONES_Q): 4}, {tuple(MILESTONES_Q): 3 + i % 2}
        )
    assert _facts(runner, tmp_path, "milestones", MILESTONES_CSV).exit_code == 0
    with app.app_context():
        from healthcheck.services import rebuild

        seen = []

        def count(conn, cursor, statement, *args):
            if "fact_" in statement and statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert rebuild.rebuild() == 3
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        db.session.rollback()
    assert len(seen) == 3  # milestones, budget lines, delivery KPIs: one query each


def test_summary_for_alliance_gives_the_last_year_as_plain_dicts(app, runner, tmp_path):
    from datetime import date

    _import_round(
        runner, tmp_path, "2026-Q2", "2026-06-30", {tuple(MILESTONES_Q): 4}, {tuple(MILESTONES_Q): 4}
    )
    assert _facts(runner, tmp_path, "milestones", MILESTONES_CSV).exit_code == 0
    assert _facts(runner, tmp_path, "budget", BUDGET_CSV).exit_code == 0
    with app.app_context():
        from healthcheck.services import alliances, facts

        found = facts.summary_for_alliance(alliances.by_name("Facts Alliance"), today=date(2026, 12, 31))
    # the last year: after 2025-12-31 up to 2026-12-31 — every milestone and line above
    assert found["period"] == {"after": "2025-12-31", "until": "2026-12-31"}
    assert [m["key"] for m in found["milestones"]] == [
        "q1-a",
        "q1-b",
        "q2-a",
        "q2-b",
        "q2-c",
        "q2-d",
        "q2-e",
        "q3-a",
    ]
    assert found["milestones"][0]["planned_on"] == "2026-02-10"
    # due: 7 (q2-d dropped); on time: q1-a, q2-a → 2/7
    assert found["latest"]["on_time_rate"] == 2 / 7
    assert found["latest"]["budget_variance"] == (345000 - 310000) / 310000
    assert found["latest"]["otif_rate"] is None and found["delivery"] == []
    # the latest closed round (the first: everything up to 2026-06-30): due 6, on time q1-a, q2-a
    assert found["latest_round"]["milestones"]["on_time_rate"] == 2 / 6
    assert found["latest_round"]["budget"]["budget_variance"] == (345000 - 310000) / 310000
    assert found["supplier"] is False
    json.dumps(found)  # plain data
