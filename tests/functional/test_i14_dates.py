"""Issue 14 item 3: dates that make sense (close dates, extension, actual close, cadence)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from healthcheck.extensions import db


def _closed_round(alliance_id: int, opens_on: date, closes_on: date, label: str = "R1") -> int:
    """A closed round of the past as the demo and history import make them."""
    from healthcheck.models import Alliance, Round
    from healthcheck.services import questionnaires, summaries

    alliance = db.session.get(Alliance, alliance_id)
    rnd = Round(
        alliance=alliance,
        questionnaire=questionnaires.latest("alliance-health-check"),
        label=label,
        status="closed",
        opens_on=opens_on,
        closes_on=closes_on,
        opened_at=datetime.combine(opens_on, datetime.min.time()),
        closed_at=datetime.combine(closes_on, datetime.min.time()) + timedelta(hours=18),
        k_anonymity=3,
    )
    db.session.add(rnd)
    db.session.flush()
    summaries.refresh_round(rnd)
    return rnd.id


def test_i14_3_next_health_check_agrees_on_alliance_page_and_portfolio(app, client, login, make_alliance):
    """Lumen in the demo: typical (every 6 months), its last round opened 266 days ago and
    closed 245 days ago (21 days open). The alliance page counted 6 months from the opening
    (due 266 − 182 = 84 days ago), the portfolio 6 months from the close (63 days ago): 21 days
    apart, and only the portfolio said "overdue". Both now ask one function."""
    from healthcheck.models import User
    from healthcheck.services import cadence, portfolio

    login()
    alliance_id = make_alliance(owner="manager@example.com", segment="typical")
    today = date.today()
    with app.app_context():
        _closed_round(alliance_id, today - timedelta(days=266), today - timedelta(days=245))
        db.session.commit()
        from healthcheck.models import Alliance

        schedule = cadence.for_alliance(db.session.get(Alliance, alliance_id))
        user = db.session.scalar(db.select(User).where(User.email == "manager@example.com"))
        line = portfolio.dashboard(user, today=today).lines[0]
        assert schedule.next_due == line.next_due
        assert schedule.overdue is True and line.overdue is True
        due = line.next_due
    alliance_page = client.get(f"/alliances/{alliance_id}").get_data(as_text=True)
    portfolio_page = client.get("/portfolio").get_data(as_text=True)
    assert f"overdue since {due}" in alliance_page
    assert f"overdue since {due}" in portfolio_page
