"""Log in to a running server as a demo manager and screenshot the main pages.

Usage: python scripts/screenshots.py BASE_URL OUTPUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main(base: str, out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login")
        page.fill("#email", "manager@example.com")
        page.fill("#password", "demo-manager-2026")
        page.click("button[type=submit]")
        page.screenshot(path=str(folder / "portfolio.png"), full_page=True)
        page.click("text=Nordvik Immunology Co-commercial")
        page.screenshot(path=str(folder / "alliance.png"), full_page=True)
        page.click("text=Trend")
        page.screenshot(path=str(folder / "trend.png"), full_page=True)
        page.go_back()
        page.locator("a", has_text="report").first.click()
        page.screenshot(path=str(folder / "report.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
