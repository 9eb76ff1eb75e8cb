"""The demo's facts: Nordvik's finance gap backed by a budget overrun; Kestrel rated well on
delivery while its OTIF falls."""

import json

from healthcheck.extensions import db


def _report(runner, alliance, label):
    result = runner.invoke(args=["report", "--alliance", alliance, "--round", label, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_demo_report_json_shows_facts_that_back_and_that_clash(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        from healthcheck.services import alliances, reports

        labels = {
            name: [r.label for r in reports.closed_rounds(alliances.by_name(name))]
            for name in ("Nordvik Immunology Co-commercial", "Kestrel CMC Supply")
        }
    nordvik = _report(
        runner, "Nordvik Immunology Co-commercial", labels["Nordvik Immunology Co-commercial"][-1]
    )
    finance = next(d for d in nordvik["dimensions"] if d["key"] == "finance")
    assert finance["facts"]["budget_variance"] > 0.15  # the overrun
    assert finance["B"]["mean"] < 3.0  # Nordvik's low rating matches it: no warning for B
    codes = {(w["code"], w["side"]) for w in nordvik["warnings"] if w["dimension"] == "finance"}
    assert ("perception_fact_mismatch", "B") not in codes and ("perception_below_facts", "B") not in codes
    assert ("perception_fact_mismatch", "A") in codes  # Aurora still rates finance well
    first = _report(runner, "Nordvik Immunology Co-commercial", labels["Nordvik Immunology Co-commercial"][0])
    assert (
        abs(next(d for d in first["dimensions"] if d["key"] == "finance")["facts"]["budget_variance"]) <= 0.15
    )

    kestrel = [_report(runner, "Kestrel CMC Supply", label) for label in labels["Kestrel CMC Supply"]]
    rates = [
        next(d for d in r["dimensions"] if d["key"] == "delivery")["facts"]["otif_rate"] for r in kestrel
    ]
    assert rates == sorted(rates, reverse=True) and rates[-1] < 0.9 and rates[0] >= 0.9
    assert any(
        w["code"] == "perception_fact_mismatch" and w["dimension"] == "delivery"
        for w in kestrel[-1]["warnings"]
    )
    assert not any(w["code"] == "perception_fact_mismatch" for w in kestrel[0]["warnings"])

    # running the demo again adds no facts
    with app.app_context():
        from sqlalchemy import func, select

        from healthcheck.models import BudgetLine

        before = db.session.scalar(select(func.count()).select_from(BudgetLine))
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == before


def test_demo_trend_page_shows_facts_series_and_portfolio_a_facts_column(app, runner, client):
    from tests.conftest import csrf_token

    assert runner.invoke(args=["demo"]).exit_code == 0
    token = csrf_token(client)
    client.post(
        "/login",
        data={"email": "manager2@example.com", "password": "demo-manager2-2026", "csrf_token": token},
    )
    with app.app_context():
        from healthcheck.services import alliances

        kestrel = alliances.by_name("Kestrel CMC Supply").id
    trend = client.get(f"/alliances/{kestrel}/trend").get_data(as_text=True)
    assert "Facts beside perception across rounds" in trend and "<svg" in trend
    portfolio = client.get("/portfolio").get_data(as_text=True)
    assert "OTIF 75%" in portfolio
    review = client.get(f"/alliances/{kestrel}/business-review").get_data(as_text=True)
    assert "perception fact mismatch" in review
