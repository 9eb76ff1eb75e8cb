"""Issue 17 item 4 in chromium: staff switch the language in the header, on a phone too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page, name):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page scrolls sideways ({width} px)"


@pytest.mark.parametrize("javascript", [True, False])
def test_staff_switch_language_in_the_header_at_390_px(browser, live_server, make_user, shot, javascript):
    make_user("admin@x.example", "admin")
    page = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript
    ).new_page()
    page.goto(f"{live_server}/login")
    switch = page.get_by_role("navigation", name="Language")
    assert switch.get_by_role("link", name="English").get_attribute("aria-current") == "true"
    switch.get_by_role("link", name="Deutsch").tap()
    page.wait_for_url("**/login?lang=de")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    page.fill("#email", "admin@x.example")
    page.fill("#password", "correct-horse-battery")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/portfolio")
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    german = page.get_by_role("navigation", name="Sprache")
    assert german.get_by_role("link", name="Deutsch").get_attribute("aria-current") == "true"
    _no_sideways_scroll(page, "portfolio in German")
    page.locator("label.navbar-toggler").tap()
    assert page.locator("#nav-menu").get_by_role("button", name="Abmelden").is_visible()
    _no_sideways_scroll(page, "portfolio in German with the menu open")
    german.get_by_role("link", name="日本語").tap()
    page.wait_for_url("**/portfolio?lang=ja")
    expect(page.get_by_role("navigation", name="言語")).to_be_visible()
    page.goto(f"{live_server}/admin/users")
    expect(page.get_by_role("heading", name="新しいアカウント")).to_be_visible()
    _no_sideways_scroll(page, "users in Japanese")
    shot(page, f"i17-4-staff-ja-phone-{'js' if javascript else 'nojs'}")
