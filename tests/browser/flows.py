"""Steps several browser tests take the same way: logging in, and a new manager's first
alliance, round and invitations through the pages."""

from __future__ import annotations

PASSWORD = "correct-horse-battery"


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def new_alliance_round_and_links(
    page, base: str, email: str, names: tuple[str, str, str], csv: str, north_star: str | None = None
) -> list[str]:
    """Log in as ``email``, create the alliance ``names`` = (alliance, side A, side B) and
    a draft round 2026-Q4, invite the people of ``csv`` with the links shown on the page;
    returns the links, and leaves the page on the round."""
    log_in(page, base, email)
    page.click("text=New alliance")
    page.fill("#name", names[0])
    page.fill("#side_a", names[1])
    page.fill("#side_b", names[2])
    if north_star is not None:
        page.fill("#north_star", north_star)
    page.click("button:text('Save')")
    page.click("text=New round")
    page.fill("#label", "2026-Q4")
    page.click("button:text('Create draft round')")
    page.fill("#csv_text", csv)
    page.select_option("#bulk_delivery", "page")
    page.click("button:text('Invite all')")
    links = [page.input_value(f"#{el.get_attribute('id')}") for el in page.locator("input[data-copy]").all()]
    page.click("text=Back to the round")
    return links
