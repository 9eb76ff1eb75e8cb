"""End to end in Debian chromium: a respondent on a phone, a manager on a laptop."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.flows import follow, new_alliance_round_and_links

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_respondent_saves_resumes_and_submits_on_a_phone(
    browser, live_server, shot, make_alliance, make_round, invite
):
    alliance = make_alliance(name="Helix R&D")
    token = invite(make_round(alliance), "B")[0]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/r/{token}")
    shot(page, "respondent-welcome")
    follow(page, "text=Start")
    page.click("text=Jump to a section")  # the questionnaire comes in steps; this test wants one page
    follow(page, "text=All sections on one page")
    groups = page.locator("fieldset.question")
    count = groups.count()
    assert count == 33
    for i in range(10):
        groups.nth(i).locator("label").nth(3).click()  # "4 Agree"
    page.fill("#c-milestones", "Plan is clear.")
    follow(page, "button[value=save]")
    assert page.locator("text=Your answers are saved").is_visible()
    # come back later with the same link in a fresh browser
    again = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    again.goto(f"{live_server}/r/{token}/answer?step=all")
    assert again.locator("input[type=radio]:checked").count() == 10
    assert again.input_value("#c-milestones") == "Plan is clear."
    groups = again.locator("fieldset.question")
    # keyboard: focus the first radio of statement 11 and move with the arrow key
    groups.nth(10).locator("input").first.focus()
    again.keyboard.press("ArrowRight")
    for i in range(11, count):
        groups.nth(i).locator("label").last.click()  # N/A
    follow(again, "button[value=submit]")
    assert again.locator("text=Thank you").is_visible()
    shot(again, "respondent-thanks")
    again.goto(f"{live_server}/r/{token}")
    assert again.locator("text=Already submitted").is_visible()


def test_manager_sets_up_invites_watches_and_reads_report(
    browser, live_server, shot, app, make_user, invite, answer_all
):
    make_user("manager@example.com", "manager")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    links = new_alliance_round_and_links(
        page,
        live_server,
        "manager@example.com",
        ("Nordvik <script>alert(1)</script>", "Aurora Pharma", "Nordvik <img src=x onerror=alert(2)>"),
        "name,email,side,function\nAnn,ann@a.example,A,research\nBob,bob@a.example,A,\n"
        "Cem,cem@n.example,B,\nDee,dee@n.example,B,\nEve,eve@a.example,A,\nFay,fay@n.example,B,\n",
        north_star="Make NV-12 first choice.",
    )
    assert len(links) == 6
    follow(page, "button:text('Open round')")
    assert "0/3" in page.inner_text("[data-testid=rate-A]")
    round_url = page.url
    for link in links:
        answer_all(link.rsplit("/", 1)[1], 4)
    page.goto(round_url)
    assert "3/3 (100%)" in page.inner_text("[data-testid=rate-A]")
    shot(page, "manager-round")
    page.click("a:text('Close round')")  # a confirmation page first (issue 14 item 2)
    page.click("button:text('Yes, close the round')")
    page.click("a:text('Report')")
    # The report may still be loading when the click returns: wait for its charts.
    expect(page.locator("figure svg")).to_have_count(4)  # radar, gaps (wide and phone renditions), statements
    assert page.locator("figure svg:visible").count() == 3
    radar = page.locator("figure svg").first
    assert "Milestones and delivery" in radar.inner_html()
    shot(page, "manager-report")
    assert dialogs == []  # no injected script ran
    assert re.search(r"Nordvik <script>", page.inner_text("h1"))
