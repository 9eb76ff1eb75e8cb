"""The portfolio reads only what it shows: latest rounds picked in SQL, pages, cached chart."""

import re

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, RoundSummary
from healthcheck.services import demo, portfolio, users
from healthcheck.web.portfolio import routes
from tests.conftest import csrf_token


@pytest.fixture
def demo_admin(app, client):
    with app.app_context():
        demo.run()
        users.create("boss@example.com", "admin", "correct-horse-battery")
        db.session.commit()
    client.post(
        "/login",
        data={
            "email": "boss@example.com",
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(client),
        },
    )
    return client


def test_lines_use_the_latest_two_closed_rounds(app, demo_admin):
    with app.app_context():
        admin = users.by_email("boss@example.com")
        board = portfolio.dashboard(admin)
        assert any(line.warnings for line in board.lines)
        assert len(board.lines) == db.session.scalar(select(db.func.count()).select_from(Alliance))
        for line in board.lines:
            closed = db.session.execute(
                select(Round.label, RoundSummary.health_index, RoundSummary.warnings)
                .join(RoundSummary, RoundSummary.round_id == Round.id)
                .where(Round.alliance_id == line.key, Round.status == "closed")
                .order_by(Round.closes_on, Round.id)
            ).all()
            assert len(closed) >= 3  # the demo has history: older rounds must not leak in
            assert line.latest["label"] == closed[-1].label
            assert line.health_index == closed[-1].health_index
            assert line.warnings[: len(closed[-1].warnings)] == closed[-1].warnings  # then "overdue"
            assert line.delta == pytest.approx(closed[-1].health_index - closed[-2].health_index)
            newest = db.session.scalars(
                select(Round)
                .where(Round.alliance_id == line.key)
                .order_by(Round.closes_on.desc(), Round.id.desc())
            ).first()
            assert board.latest_round[line.key].id == newest.id


def test_table_is_paged_in_risk_order_and_chart_covers_all(app, demo_admin, monkeypatch):
    monkeypatch.setattr(routes, "PAGE_SIZE", 3)
    with app.app_context():
        order = [line.name for line in portfolio.dashboard(users.by_email("boss@example.com")).lines]
    assert len(order) == 7
    seen = []
    for n in (1, 2, 3):
        page = demo_admin.get(f"/portfolio?page={n}").get_data(as_text=True)
        rows = re.findall(r'<th scope="row"><a href="/alliances/\d+">([^<]+)</a>', page)
        seen += [name.replace("&amp;", "&") for name in rows]
        assert f"Alliances {3 * n - 2}–{min(3 * n, 7)} of 7" in page
        assert page.count("<svg") == 1  # the chart is on every page
        chart = re.search(r"<svg.*?</svg>", page, re.S).group(0)
        assert all(name.replace("&", "&amp;") in chart or name in chart for name in order)
    assert seen == order
    last = demo_admin.get("/portfolio?page=99").get_data(as_text=True)
    assert "Alliances 7–7 of 7" in last  # out of range: the last page
    monkeypatch.setattr(routes, "PAGE_SIZE", 2)
    filtered = demo_admin.get("/portfolio?segment=complex").get_data(as_text=True)
    assert "Alliances 1–2 of 3" in filtered
    assert 'href="/portfolio?page=2&amp;segment=complex"' in filtered  # page links keep the filter


def test_chart_key_follows_the_data(app, demo_admin):
    with app.app_context():
        admin = users.by_email("boss@example.com")
        board = portfolio.dashboard(admin)
        rows = portfolio.chart_rows(board)
        again = portfolio.chart_rows(portfolio.dashboard(admin))
        assert portfolio.chart_key(rows) == portfolio.chart_key(again)
        latest = board.lines[0].latest["label"]
        rid = db.session.scalar(
            select(Round.id).where(Round.alliance_id == board.lines[0].key, Round.label == latest)
        )
        db.session.get(RoundSummary, rid).health_index = 1.0
        db.session.commit()
        changed = portfolio.chart_rows(portfolio.dashboard(admin))
    assert changed != rows and portfolio.chart_key(changed) != portfolio.chart_key(rows)
