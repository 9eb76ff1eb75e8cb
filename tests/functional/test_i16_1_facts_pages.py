"""Facts forms on the alliance (access, CSRF, all-or-nothing, audit), the facts vs perception
panel, and the supplier business review (DMAIC, HTML and PDF, access, k rule)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Action, ActionCheckin, Alliance, AuditEvent, DeliveryKpi, Milestone, Round
from tests.conftest import csrf_token


@pytest.fixture
def supplier(app, make_user, make_alliance, make_round, invite, answer_all):
    """A closed supplier-performance round rated 4 on every statement by 3 + 3 people."""
    make_user("owner@example.com", "manager")
    make_user("other@example.com", "manager")
    make_user("reader@example.com", "viewer")
    alliance = make_alliance(owner="owner@example.com", members=["reader@example.com"], name="Kemwerk Supply")
    rnd = make_round(alliance, "2026-S1", survey="supplier-performance")
    for token in invite(rnd, "AAABBB"):
        answer_all(token, 4)
    with app.app_context():
        from healthcheck.services import rounds

        a = db.session.get(Alliance, alliance)
        a.alliance_type = "supplier"
        a.north_star = "Ship every batch right first time"
        rounds.close_round(db.session.get(Round, rnd))
        db.session.commit()
        closes_on = db.session.get(Round, rnd).closes_on
    return alliance, rnd, closes_on


def _login(client, email):
    r = client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": csrf_token(client)}
    )
    assert r.status_code == 302


def _delivery(closes_on, deliveries=20, otif=15):
    return {
        "period_start": (closes_on - timedelta(days=60)).isoformat(),
        "period_end": (closes_on - timedelta(days=1)).isoformat(),
        "deliveries": str(deliveries),
        "on_time_in_full": str(otif),
        "quality_deviations": "2",
    }


def _report(app, round_id):
    with app.app_context():
        from healthcheck.services import reports

        return reports.round_report(db.session.get(Round, round_id))


def test_owner_adds_changes_and_deletes_facts_and_the_report_follows(app, client, supplier):
    alliance, rnd, closes_on = supplier
    _login(client, "owner@example.com")
    page = client.get(f"/alliances/{alliance}/facts")
    assert page.status_code == 200 and "Add a delivery KPI" in page.get_data(as_text=True)
    token = csrf_token(client, f"/alliances/{alliance}/facts")
    r = client.post(
        f"/alliances/{alliance}/facts/delivery", data={**_delivery(closes_on), "csrf_token": token}
    )
    assert r.status_code == 302
    report = _report(app, rnd)
    delivery = next(d for d in report["dimensions"] if d["key"] == "delivery")
    assert delivery["facts"]["otif_rate"] == 0.75
    assert {(w["code"], w["side"]) for w in report["warnings"] if w["dimension"] == "delivery"} >= {
        ("perception_fact_mismatch", "A"),
        ("perception_fact_mismatch", "B"),
    }
    page = client.get(f"/alliances/{alliance}/rounds/{rnd}/report").get_data(as_text=True)
    assert "Facts vs perception" in page and "perception fact mismatch" in page

    with app.app_context():
        kpi = db.session.scalar(select(DeliveryKpi))
        kpi_id = kpi.id
    r = client.post(
        f"/alliances/{alliance}/facts/delivery/{kpi_id}",
        data={**_delivery(closes_on, otif=19), "csrf_token": token},
    )
    assert r.status_code == 302
    assert (
        next(d for d in _report(app, rnd)["dimensions"] if d["key"] == "delivery")["facts"]["otif_rate"]
        == 0.95
    )
    assert (
        client.post(
            f"/alliances/{alliance}/facts/delivery/{kpi_id}/delete", data={"csrf_token": token}
        ).status_code
        == 302
    )
    assert next(d for d in _report(app, rnd)["dimensions"] if d["key"] == "delivery")["facts"] is None
    with app.app_context():
        actions = set(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("facts.")))
        )
    assert actions == {"facts.delivery.save", "facts.delivery.delete"}


def test_bad_form_input_names_each_field_and_writes_nothing(app, client, supplier):
    alliance, _, _ = supplier
    _login(client, "owner@example.com")
    token = csrf_token(client, f"/alliances/{alliance}/facts")
    r = client.post(
        f"/alliances/{alliance}/facts/milestones",
        data={
            "key": "m 1",
            "title": "",
            "dimension": "milestones",
            "planned_on": "31/12/2026",
            "status": "met",
            "csrf_token": token,
        },
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "planned_on: a date YYYY-MM-DD (got &#39;31/12/2026&#39;)" in body
    assert (
        "title: required" in body
        and "key: 1–64 letters" in body
        and "actual_on: required when status is met" in body
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0


def test_without_csrf_token_nothing_is_written(app, client, supplier):
    alliance, _, closes_on = supplier
    _login(client, "owner@example.com")
    r = client.post(f"/alliances/{alliance}/facts/delivery", data=_delivery(closes_on))
    assert r.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeliveryKpi)) == 0


def test_readers_see_facts_but_only_owners_change_them_strangers_see_nothing(app, client, supplier):
    alliance, _, closes_on = supplier
    _login(client, "reader@example.com")
    assert client.get(f"/alliances/{alliance}/facts").status_code == 200
    assert "Add a" not in client.get(f"/alliances/{alliance}/facts").get_data(as_text=True)
    token = csrf_token(client, f"/alliances/{alliance}/facts")
    assert (
        client.post(
            f"/alliances/{alliance}/facts/delivery", data={**_delivery(closes_on), "csrf_token": token}
        ).status_code
        == 403
    )
    assert client.get(f"/alliances/{alliance}/business-review").status_code == 200
    client2 = app.test_client()
    _login(client2, "other@example.com")
    assert client2.get(f"/alliances/{alliance}/facts").status_code == 404
    assert client2.get(f"/alliances/{alliance}/business-review").status_code == 404
    assert client2.get(f"/alliances/{alliance}/business-review.pdf").status_code == 404
    token2 = csrf_token(client2, "/alliances/new")
    assert (
        client2.post(
            f"/alliances/{alliance}/facts/delivery", data={**_delivery(closes_on), "csrf_token": token2}
        ).status_code
        == 404
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeliveryKpi)) == 0


def test_business_review_in_dmaic_order_as_page_html_and_pdf(app, client, supplier):
    alliance, _, closes_on = supplier
    with app.app_context():
        from healthcheck.services import facts

        facts.save(db.session.get(Alliance, alliance), "delivery", _delivery(closes_on), None)
        action = Action(
            alliance_id=alliance, title="Second filling line qualified", owner="Owner", due_on=closes_on,
            visibility="joint", status="done",
        )  # fmt: skip
        internal = Action(alliance_id=alliance, title="Renegotiate quietly", owner="Owner", due_on=closes_on)
        db.session.add_all([action, internal])
        db.session.flush()
        db.session.add(
            ActionCheckin(action_id=action.id, side="B", email="p@example.com", score=4, comment="It helped",
                          answered_at=datetime(2026, 11, 1))
        )  # fmt: skip
        db.session.commit()
    _login(client, "owner@example.com")
    page = client.get(f"/alliances/{alliance}/business-review").get_data(as_text=True)
    order = [page.index(h) for h in ("Define — scope", "Measure —", "Analyse —", "Improve —", "Control —")]
    assert order == sorted(order)
    assert "Ship every batch right first time" in page and "75%" in page
    assert "perception fact mismatch" in page
    assert "Next business review: <strong>" in page
    assert "Second filling line qualified" in page and "Renegotiate quietly" not in page  # joint only
    assert "Partner 1: 4/5 — “It helped”" in page  # the organisation, never the person
    html = client.get(f"/alliances/{alliance}/business-review.html")
    assert html.status_code == 200 and "attachment" in html.headers["Content-Disposition"]
    assert "Control — check-ins and next review" in html.get_data(as_text=True)
    pdf = client.get(f"/alliances/{alliance}/business-review.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_business_review_only_for_supplier_alliances(app, client, make_user, make_alliance):
    make_user("owner@example.com", "manager")
    alliance = make_alliance(owner="owner@example.com", name="Not A Supplier")
    _login(client, "owner@example.com")
    assert client.get(f"/alliances/{alliance}/business-review").status_code == 404
    assert "Business review" not in client.get(f"/alliances/{alliance}").get_data(as_text=True)


def test_business_review_keeps_the_k_rule(
    app, client, make_user, make_alliance, make_round, invite, answer_all
):
    make_user("owner@example.com", "manager")
    alliance = make_alliance(owner="owner@example.com", name="Thin Supplier")
    rnd = make_round(alliance, "2026-S1", survey="supplier-performance")
    tokens = invite(rnd, "AAABB")
    for i, token in enumerate(tokens):
        answer_all(token, 2 if i >= 3 else 4)  # side B: only two answers, both 2
    with app.app_context():
        from healthcheck.services import rounds

        db.session.get(Alliance, alliance).alliance_type = "supplier"
        rounds.close_round(db.session.get(Round, rnd))
        db.session.commit()
    _login(client, "owner@example.com")
    page = client.get(f"/alliances/{alliance}/business-review").get_data(as_text=True)
    assert "fewer than 3 answers" in page
    assert "2.00" not in page
