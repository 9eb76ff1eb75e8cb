"""Steps several browser tests take the same way: logging in, and a new manager's first
alliance, round and invitations through the pages."""

from __future__ import annotations

PASSWORD = "correct-horse-battery"


def follow(page, target) -> None:
    """Click ``target`` (a selector, or a locator) that loads another page, and return once
    that page has loaded. A click itself returns as soon as the navigation has begun, so a
    count or a visibility check right after it can read a half-parsed document (a CI run
    once counted 0 of 33 statements that way)."""
    locator = page.locator(target).first if isinstance(target, str) else target
    with page.expect_navigation():
        locator.click()


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    follow(page, "button[type=submit]")


def new_alliance_round_and_links(
    page, base: str, email: str, names: tuple[str, str, str], csv: str, north_star: str | None = None
) -> list[str]:
    """Log in as ``email``, create the alliance ``names`` = (alliance, side A, side B) and
    a draft round 2026-Q4, invite the people of ``csv`` with the links shown on the page;
    returns the links, and leaves the page on the round."""
    log_in(page, base, email)
    follow(page, "text=New alliance")
    page.fill("#name", names[0])
    page.fill("#side_a", names[1])
    page.fill("#side_b", names[2])
    if north_star is not None:
        page.fill("#north_star", north_star)
    follow(page, "button:text('Save')")
    follow(page, "text=New round")
    page.fill("#label", "2026-Q4")
    follow(page, "button:text('Create draft round')")
    page.fill("#csv_text", csv)
    page.select_option("#bulk_delivery", "page")
    follow(page, "button:text('Invite all')")
    links = [page.input_value(f"#{el.get_attribute('id')}") for el in page.locator("input[data-copy]").all()]
    follow(page, "text=Back to the round")
    return links
