"""Issue 14 items 4, 8 and 9 in Debian chromium: the links batch, progress in words, the
reminder button, search, the admin pages; at desktop and phone width."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.flows import follow, log_in

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BULK = "name,email,side,function\nAnn,ann@a.example,A,research\nBob,bob@a.example,A,\nCem,cem@n.example,B,\n"



def _no_sideways_scroll(page) -> bool:
    """The page's content fits its width (the navigation bar's own collapse is item 7's)."""
    return page.evaluate(
        "(() => { const m = document.querySelector('main'); return m.scrollWidth <= m.clientWidth; })()"
    )


def test_i14_4_links_batch_download_beacon_and_reminder_in_chromium(
    browser, live_server, shot, make_user, make_alliance, make_round
):
    make_user("manager@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com", name="Helix R&D")
    rnd = make_round(alliance)
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    errors = []  # failed requests, favicon aside (issue 14 item 11 adds one)
    page.on(
        "response",
        lambda r: errors.append(r.url) if r.status >= 400 and not r.url.endswith("/favicon.ico") else None,
    )
    log_in(page, live_server, "manager@example.com")
    page.goto(f"{live_server}/alliances/{alliance}/rounds/{rnd}")
    page.fill("#csv_text", BULK)
    page.select_option("#bulk_delivery", "page")
    follow(page, "button:text('Invite all')")
    shown = [el.input_value() for el in page.locator("input[data-copy]").all()]
    assert len(shown) == 3
    assert page.locator("button:text('Copy all links')").is_visible()
    shot(page, "i14-links-desktop")
    with page.expect_download() as info:
        page.click("text=Download all links (CSV)")
    download = info.value
    assert download.suggested_filename == f"invitation-links-round-{rnd}.csv"
    rows = Path(download.path()).read_text(encoding="utf-8").strip().splitlines()
    assert [r.rsplit(",", 1)[1] for r in rows[1:]] == shown
    # a respondent opens their link in a browser: the beacon marks it "opened"
    respondent = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    respondent.goto(shown[0])
    respondent.wait_for_load_state("networkidle")
    follow(page, "text=Back to the round")
    page.wait_for_selector("[data-testid=remind-now]")
    statuses = page.locator("td .badge").all_inner_texts()
    assert sorted(statuses) == ["opened", "pending", "pending"]
    shot(page, "i14-round-progress-desktop")
    follow(page, "button:text('Remind non-respondents now')")
    assert "Reminder emailed to 3 people." in page.inner_text("main")
    follow(page, "button:text('Remind non-respondents now')")  # a second click sends nothing
    assert "Reminder emailed to 0 people." in page.inner_text("main")
    phone = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    log_in(phone, live_server, "manager@example.com")
    phone.goto(f"{live_server}/alliances/{alliance}/rounds/{rnd}")
    shot(phone, "i14-round-progress-phone")
    assert errors == []


def test_i14_9_admin_pages_and_search_in_chromium(
    browser, live_server, shot, app, make_user, make_alliance, make_round, invite, answer_all
):
    make_user("admin@example.com", "admin", "correct-horse-battery-admin")
    make_user("manager@example.com", "manager")
    make_user("reader@example.com", "viewer")
    alliance = make_alliance(owner="manager@example.com", members=["reader@example.com"], name="Nordvik")
    rnd = make_round(alliance)
    for token in invite(rnd, "AAABBB"):
        answer_all(token, 4, comments={"finance": "budget is tight"})
    from healthcheck.extensions import db
    from healthcheck.jobs import runner
    from healthcheck.models import Round
    from healthcheck.services import rounds, sharing

    with app.app_context():
        r = db.session.get(Round, rnd)
        rounds.close_round(r)
        link, token = sharing.create(r, None)
        sharing.revoke(link, None)
        db.session.commit()
        runner.run("open_rounds")
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = browser.new_context(viewport=viewport).new_page()
        log_in(page, live_server, "admin@example.com", "correct-horse-battery-admin")
        page.goto(f"{live_server}/admin/users")
        assert page.locator("text=alliance manager").first.is_visible()
        shot(page, f"i14-admin-users-{name}")
        assert _no_sideways_scroll(page), name
        page.click("a:text('manager@example.com')")
        shot(page, f"i14-admin-user-{name}")
        page.goto(f"{live_server}/admin/jobs")
        assert "Open rounds" in page.inner_text("[data-testid=last-runs]")
        shot(page, f"i14-admin-jobs-{name}")
        page.goto(f"{live_server}/search?q=budget")
        assert "budget is tight" in page.inner_text("main")
        shot(page, f"i14-search-{name}")
        assert _no_sideways_scroll(page), name
        manager = browser.new_context(viewport=viewport).new_page()
        log_in(manager, live_server, "manager@example.com")
        manager.goto(f"{live_server}/alliances/{alliance}/edit")
        assert manager.locator("input[name=owners_pick]").count() == 1  # only themselves can own
        assert manager.locator("input[name=members_pick]").count() == 2
        shot(manager, f"i14-alliance-picker-{name}")
        manager.goto(f"{live_server}/alliances/{alliance}/timeline?kind=round")
        shot(manager, f"i14-timeline-{name}")
        partner = browser.new_context(viewport=viewport).new_page()
        partner.goto(f"{live_server}/shared/{token}")
        assert "This link was withdrawn" in partner.inner_text("h1")
        shot(partner, f"i14-partner-withdrawn-{name}")
