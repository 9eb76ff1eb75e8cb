"""Issue 17 item 4 in a real browser: a German staff user's report page and its charts, as
Chromium draws them, write decimal commas; the English page decimal points.

Set-up: k = 3; side A's three people answer 5, 4 and 4 to every statement, side B's 2, 3
and 2. By hand: A's mean is 13 / 3 = 4.33, B's 7 / 3 = 2.33, every gap +2.00; in German
"4,33", "2,33", "+2,00".
"""

from __future__ import annotations

import re

import pytest

from healthcheck.extensions import db
from healthcheck.models import Round
from tests.browser.flows import log_in

CHART_TEXTS = "() => [...document.querySelectorAll('svg text')].map(t => t.textContent)"


@pytest.fixture
def varied_round(app, login, make_alliance, make_round, invite, answer_all):
    owner = login()
    alliance_id = make_alliance(owner=owner)
    round_id = make_round(alliance_id)
    tokens = invite(round_id, "AAABBB")
    for token, value in zip(tokens, (5, 4, 4, 2, 3, 2), strict=True):
        answer_all(token, value)
    from healthcheck.services import rounds

    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
    return alliance_id, round_id


def test_german_report_page_and_charts_show_decimal_commas_in_chromium(
    browser, live_server, varied_round, shot
):
    alliance_id, round_id = varied_round
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server, "manager@example.com")
    page.goto(f"{live_server}/alliances/{alliance_id}/rounds/{round_id}/report?lang=de")
    body = page.inner_text("main")
    assert "4,33" in body and "2,33" in body and "+2,00" in body
    texts = page.evaluate(CHART_TEXTS)
    assert "+2,00" in texts and not any(re.fullmatch(r"[−+-]?\d+\.\d+", t) for t in texts), texts
    shot(page, "i17-4-numbers-report-de")
    page.goto(f"{live_server}/alliances/{alliance_id}/trend?lang=de")
    shot(page, "i17-4-numbers-trend-de")
    page.goto(f"{live_server}/alliances/{alliance_id}/rounds/{round_id}/report?lang=en")
    body = page.inner_text("main")
    assert "4.33" in body and "+2.00" in body and "4,33" not in body
    assert "+2.00" in page.evaluate(CHART_TEXTS)
    page.close()
