"""Issue 14 items 1–3 in Debian chromium: a new manager runs a round with two people per side
(k = 3), is warned, confirms the close and reads a report that says why figures are hidden."""

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.flows import follow, new_alliance_round_and_links

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
EXTRA_SHOTS = os.environ.get("HEALTHCHECK_SHOTS_DIR")  # e.g. /work/shots/D, to look at them


def _both_widths(browser, context, shot, url: str, name: str, block: str) -> None:
    """The page at desktop width (in ``context``) and at phone width with the same session; at
    390 px the block this issue added (``block``, a selector) fits the screen. (The navigation
    bar is issue 14 item 7's.)"""
    for width, ctx in (
        ("desktop", context),
        ("phone", browser.new_context(viewport=PHONE, is_mobile=True, storage_state=context.storage_state())),
    ):
        page = ctx.new_page()
        page.goto(url)
        shot(page, f"i14-{name}-{width}")
        if width == "phone":
            box = page.locator(block).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{name}: {block} {box}"
        page.close()


def test_i14_1_new_manager_two_per_side_warned_confirms_and_reads_why(
    browser, live_server, shot, app, make_user, answer_all
):
    make_user("manager@example.com", "manager")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    links = new_alliance_round_and_links(
        page,
        live_server,
        "manager@example.com",
        ("Helix Oncology", "Aurora Pharma", "Helix Bio"),
        "name,email,side,function\nAnn,ann@a.example,A,research\nBob,bob@a.example,A,\n"
        "Cem,cem@h.example,B,\nDee,dee@h.example,B,\n",
    )
    assert len(links) == 4
    round_url = page.url
    # warned when inviting, before opening
    standing = page.inner_text("[data-testid=k-standing]")
    assert "Side B · Helix Bio: 2 invited — fewer than k = 3, its figures will be hidden." in standing
    assert "Side A · Aurora Pharma: 2 invited — fewer than k = 3" in standing
    page.click("button:text('Open round')")
    for link in links:
        answer_all(link.rsplit("/", 1)[1], 4)
    page.goto(round_url)
    assert "2 invited — fewer than k = 3, its figures will be hidden" in page.inner_text(
        "[data-testid=k-standing]"
    )
    _both_widths(browser, context, shot, round_url, "round-open", "[data-testid=k-standing]")
    # before closing: a confirmation page that names what will be hidden
    follow(page, "a:text('Close round')")
    assert page.locator("h1").inner_text() == "Close round 2026-Q4?"
    warnings = page.inner_text("[data-testid=confirm-warnings]")
    assert "Side B · Helix Bio: 2 invited — fewer than k = 3" in warnings
    _both_widths(browser, context, shot, page.url, "close-confirm", ".confirm-page")
    page.click("button:text('Yes, close the round')")  # the tick box is required: nothing is sent
    assert page.locator("h1").inner_text() == "Close round 2026-Q4?"
    page.check("#confirm-tick")
    follow(page, "button:text('Yes, close the round')")
    assert "Round 2026-Q4 is now closed." in page.inner_text("main")
    assert "closed on" in page.inner_text("h1 + p")
    follow(page, "a:text('Report')")
    reasons = page.inner_text("[data-testid=hidden-reasons]")
    assert "Why some figures are hidden" in reasons
    assert "Helix Bio (B): 2 answered, fewer than k = 3 — its figures and comments are hidden" in reasons
    assert "Aurora Pharma (A): 2 answered, fewer than k = 3" in reasons
    assert page.locator("text=not shown").count() > 0  # the dashes now come with their reason
    _both_widths(browser, context, shot, page.url, "report-hidden", "[data-testid=hidden-reasons]")
    assert dialogs == []
    if EXTRA_SHOTS:
        source = ARTIFACTS / os.environ.get("HEALTHCHECK_TEST_DB", "sqlite")
        for png in source.glob("i14-*.png"):
            shutil.copy(png, Path(EXTRA_SHOTS) / png.name)
