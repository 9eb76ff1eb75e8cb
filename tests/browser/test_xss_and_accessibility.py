"""Script payloads in every free-text field, every page rendered in chromium: no script runs.
And axe-core finds no serious or critical violation on the questionnaire and the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Round
from tests.browser.flows import log_in

pytestmark = pytest.mark.browser
P = '"><img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=1;alert(2)</script>'


@pytest.fixture
def hostile(app, make_user, invite, answer_all):
    """Everything a user can type carries a payload."""
    make_user("admin@x.example", "admin")
    with app.app_context():
        from healthcheck.services import actions, alliances, memory, questionnaires, rounds, sharing

        alliance = alliances.save(
            alliances.AllianceData(
                f"Alliance {P}", f"Pharma {P}", f"Bio {P}", "typical", north_star=f"Star {P}"
            ),
            None,
        )
        closed = rounds.create(
            alliance, questionnaires.latest("alliance-health-check"), f"R1 {P}", None, None
        )
        opened = rounds.create(
            alliance, questionnaires.latest("alliance-health-check"), f"R2 {P}", None, None
        )
        rounds.open_round(closed)
        rounds.open_round(opened)
        db.session.commit()
        ids = (alliance.id, closed.id, opened.id)
    from healthcheck.models import Invitation

    tokens = invite(ids[1], "AAABBB")
    with app.app_context():
        for inv in db.session.scalars(select(Invitation).where(Invitation.round_id == ids[1])):
            inv.name = f"Name {P}"  # (a function is one of a fixed list: no free text to inject)
        db.session.commit()
    for token in tokens:
        answer_all(token, 3, comments={"trust": f"Comment {P}"})
    open_token = invite(ids[2], "B")[0]
    with app.app_context():
        alliance = db.session.get(__import__("healthcheck.models", fromlist=["Alliance"]).Alliance, ids[0])
        rnd = db.session.get(Round, ids[1])
        rounds.close_round(rnd)
        actions.create(
            alliance,
            actions.ActionData(f"Act {P}", f"Owner {P}", rnd.closes_on, "trust", f"Desc {P}", "joint"),
            None,
            rnd,
        )
        memory.add_note(alliance, "decision", f"Note {P}", f"Body {P}", rnd.closes_on, None)
        _, share_token = sharing.create(rnd, None)
        db.session.commit()
    return ids, open_token, share_token


def _assert_clean(page, where: str):
    assert page.evaluate("window.__xss") is None, f"script ran on {where}"
    assert page.locator("[onerror]").count() == 0, f"injected element on {where}"
    for src in page.locator("script").evaluate_all("els => els.map(e => e.getAttribute('src'))"):
        assert src and src.startswith("/static/"), f"unexpected script on {where}: {src}"


def test_no_script_runs_anywhere(browser, live_server, app, hostile):
    (alliance, closed, opened), open_token, share_token = hostile
    context = browser.new_context()
    dialogs = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server}/r/{open_token}")
    _assert_clean(page, "welcome")
    page.goto(f"{live_server}/r/{open_token}/answer?step=5")  # trust, the fifth section
    page.fill("#c-trust", P)
    page.click("button[value=save]")
    _assert_clean(page, "questionnaire after save")
    page.goto(f"{live_server}/shared/{share_token}")
    _assert_clean(page, "partner report")
    log_in(page, live_server, "admin@x.example")
    base = f"/alliances/{alliance}"
    for path in [
        "/portfolio",
        "/portfolio/segments",
        base,
        f"{base}/edit",
        f"{base}/timeline",
        f"{base}/timeline?q=Note",
        f"{base}/trend",
        f"{base}/rounds/{closed}",
        f"{base}/rounds/{opened}",
        f"{base}/rounds/{closed}/report",
        f"{base}/actions/new?round={closed}&title=" + P,
        "/admin/audit",
    ]:
        page.goto(live_server + path)
        _assert_clean(page, path)
    with app.app_context():
        from healthcheck.services import packs

        rnd = db.session.get(Round, closed)
        for html in (packs.round_pack(rnd), packs.trend_pack(rnd.alliance)):
            page.set_content(html)
            _assert_clean(page, "HTML pack")
    for fmt, mime in (("json", "application/json"), ("csv", "text/csv")):
        response = page.request.get(f"{live_server}{base}/rounds/{closed}/report.{fmt}")
        assert response.headers["content-type"].startswith(mime)
        assert response.headers["x-content-type-options"] == "nosniff"
    assert dialogs == []


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            where = "; ".join(
                f"{n['target'][0]}: {n.get('failureSummary', '')[:200]}" for n in v["nodes"][:4]
            )
            found.append(f"{v['id']} ({v['impact']}): {where}")
    return found


def test_questionnaire_and_report_have_no_serious_accessibility_violation(
    browser, live_server, hostile, shot
):
    (alliance, closed, _), open_token, _ = hostile
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{live_server}/r/{open_token}/answer")
    problems = _serious(page)
    log_in(page, live_server, "admin@x.example")
    page.goto(f"{live_server}/alliances/{alliance}/rounds/{closed}/report")
    problems += _serious(page)
    shot(page, "report-with-hostile-text")
    assert problems == []


def test_screenshots_folder_is_named(shot, browser):
    folder = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    assert folder.exists()
