"""Issue 14 items 5 and 7 in chromium on a phone: the questionnaire (scale on one row, taps,
scroll per step, with and without JavaScript), and no sideways scroll on the main pages."""

from __future__ import annotations

import pytest

from healthcheck.extensions import db
from tests.browser.flows import log_in
from tests.servers import record

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SCREENS = 6  # a step must be shorter than this many phone screens


def _phone(browser, **kwargs):
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **kwargs).new_page()


def _one_row(question) -> None:
    """The five scale points share a top; N/A sits apart (below them on a phone)."""
    boxes = [label.bounding_box() for label in question.locator(".points label").all()]
    assert len(boxes) == 5
    assert max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 1, boxes
    assert all(b["x"] + b["width"] <= PHONE["width"] for b in boxes)
    na = question.locator("label.na").bounding_box()
    assert na["y"] >= boxes[0]["y"] + boxes[0]["height"] or na["x"] >= boxes[-1]["x"] + boxes[-1]["width"]


def test_i14_5_phone_questionnaire_scale_on_one_row_taps_and_scroll_per_step(
    browser, live_server, shot, make_alliance, make_round, invite
):
    token = invite(make_round(make_alliance(name="Helix R&D")), "B")[0]
    page = _phone(browser)
    page.goto(f"{live_server}/r/{token}")
    start = page.locator("#start").bounding_box()
    assert start["y"] + start["height"] <= PHONE["height"]  # above the fold
    shot(page, "i14-5-welcome-phone")
    taps = 0

    def tap(locator, navigates=False):
        nonlocal taps
        if navigates:
            with page.expect_navigation():
                locator.tap()
        else:
            locator.tap()
        taps += 1

    tap(page.locator("#start"), navigates=True)
    page.set_viewport_size({"width": 360, "height": 740})  # the narrowest phone the issue names
    _one_row(page.locator("fieldset.question").first)
    page.set_viewport_size(PHONE)
    heights, answered = [], 0
    for step in range(1, 9):
        section = page.locator("fieldset.dimension:not([hidden])")
        assert section.count() == 1
        assert page.locator(".progress p").inner_text().endswith(f"section {step} of 8")
        heights.append(page.evaluate("document.scrollingElement.scrollHeight"))
        for i, question in enumerate(section.locator("fieldset.question").all()):
            _one_row(question)
            tap(question.locator("label").nth((answered + i) % 6))  # 1–5 and N/A in turn
        answered += section.locator("fieldset.question").count()
        assert page.inner_text("#answered") == str(answered)  # the progress follows each tap
        if step == 1:
            shot(page, "i14-5-step1-phone")
        if step < 8:
            tap(page.locator("button.btn-primary", has_text="Next"), navigates=True)
        else:
            shot(page, "i14-5-step8-phone")
            tap(page.locator("button", has_text="Submit my answers"), navigates=True)
    assert page.locator("h1", has_text="Thank you").is_visible()
    assert answered == 33
    assert taps == 1 + 33 + 7 + 1  # Start, one per statement, Next ×7, Submit
    assert max(heights) < SCREENS * PHONE["height"], heights
    record("i14_5_phone_questionnaire", taps=taps, step_heights_px=heights, screen_px=PHONE["height"])


def test_i14_5_questionnaire_steps_and_sections_work_without_javascript(
    browser, live_server, shot, make_alliance, make_round, invite
):
    token = invite(make_round(make_alliance()), "A")[0]
    page = _phone(browser, java_script_enabled=False)
    page.goto(f"{live_server}/r/{token}/answer")
    page.locator("fieldset.question").first.locator("label").nth(4).tap()
    page.fill("#c-milestones", "Typed before jumping")
    page.locator("details.sections summary").tap()
    with page.expect_navigation():  # jump to the last section: saves first
        page.locator("details.sections button", has_text="8. ").tap()
    assert page.locator("fieldset.dimension:not([hidden]) > legend").inner_text().startswith("8.")
    assert page.inner_text(".progress p").startswith("1 of 33")  # the server's count without JS
    with page.expect_navigation():
        page.locator("button", has_text="Back").tap()
    assert page.locator("fieldset.dimension:not([hidden]) > legend").inner_text().startswith("7.")
    page.goto(f"{live_server}/r/{token}/answer?step=1")
    assert page.locator("input[name=q-milestones_plan][value='5']").is_checked()
    assert page.input_value("#c-milestones") == "Typed before jumping"
    shot(page, "i14-5-no-js-phone")


@pytest.fixture
def portfolio_pages(app, make_user, make_alliance, make_round, invite, answer_all):
    """An admin's main pages over an alliance with a closed round (report, share link, action)
    and an open one with invitations, plus the logged-out login and partner pages."""
    from healthcheck.models import Alliance, Round
    from healthcheck.services import actions, rounds, sharing

    make_user("admin@x.example", "admin")
    alliance_id = make_alliance(name="Meridian Rare Disease Co-development with a long name")
    closed = make_round(alliance_id, "2026-Q2")
    for token in invite(closed, "AAABBB"):
        answer_all(token, 4, comments={"trust": "A long comment " * 20})
    opened = make_round(alliance_id, "2026-Q4")
    invite(opened, "AAAABBBB")
    with app.app_context():
        rnd = db.session.get(Round, closed)
        rounds.close_round(rnd)
        actions.create(
            db.session.get(Alliance, alliance_id),
            actions.ActionData(
                "Agree a joint budget forecast",
                "Owner Name",
                rnd.closes_on,
                "finance",
                "Description " * 10,
                "joint",
            ),
            None,
            rnd,
        )
        _, share = sharing.create(rnd, None)
        db.session.commit()
    base = f"/alliances/{alliance_id}"
    signed_in = {
        "portfolio": "/portfolio",
        "segments": "/portfolio/segments",
        "alliance": base,
        "alliance-edit": f"{base}/edit",
        "new-alliance": "/alliances/new",
        "timeline": f"{base}/timeline",
        "trend": f"{base}/trend",
        "round-open": f"{base}/rounds/{opened}",
        "round-closed": f"{base}/rounds/{closed}",
        "new-round": f"{base}/rounds/new",
        "report": f"{base}/rounds/{closed}/report",
        "actions": f"{base}/actions/new?round={closed}",
        "admin-audit": "/admin/audit",
        "admin-users": "/admin/users",
        "admin-jobs": "/admin/jobs",
        "admin-questionnaires": "/admin/questionnaires",
        "search": "/search?q=budget",
    }
    return signed_in, {"login": "/login", "partner": f"/shared/{share}"}


def _log_in(page, live_server):
    log_in(page, live_server, "admin@x.example")


def _assert_no_sideways_scroll(page, name):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page scrolls sideways ({width} px)"


def test_i14_7_no_sideways_scroll_at_390_on_every_main_page(browser, live_server, shot, portfolio_pages):
    signed_in, public = portfolio_pages
    visitor = _phone(browser)
    for name, path in public.items():
        visitor.goto(live_server + path)
        _assert_no_sideways_scroll(visitor, name)
        shot(visitor, f"i14-7-{name}-phone")
    page = _phone(browser)
    _log_in(page, live_server)
    for name, path in signed_in.items():
        assert page.goto(live_server + path).status == 200, name
        _assert_no_sideways_scroll(page, name)
        shot(page, f"i14-7-{name}-phone")
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _log_in(desktop, live_server)
    for name in ("portfolio", "round-open", "report"):
        desktop.goto(live_server + signed_in[name])
        shot(desktop, f"i14-7-{name}-desktop")


@pytest.mark.parametrize("javascript", [True, False])
def test_i14_7_menu_folds_on_a_phone_and_opens_without_script(browser, live_server, make_user, javascript):
    make_user("admin@x.example", "admin")
    page = _phone(browser, java_script_enabled=javascript)
    _log_in(page, live_server)
    page.goto(f"{live_server}/portfolio")
    menu = page.locator("#nav-menu")
    assert not menu.get_by_role("link", name="Admin", exact=True).is_visible()
    page.locator("label.navbar-toggler").tap()
    assert menu.get_by_role("link", name="Admin", exact=True).is_visible()
    assert menu.get_by_role("button", name="Log out").is_visible()
    _assert_no_sideways_scroll(page, "portfolio with the menu open")
    wide = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    ).new_page()
    _log_in(wide, live_server)
    assert wide.locator("#nav-menu").get_by_role("link", name="Admin", exact=True).is_visible()
    assert not wide.locator("label.navbar-toggler").is_visible()
