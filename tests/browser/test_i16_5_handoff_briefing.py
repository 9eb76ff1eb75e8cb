"""Issue 16 items 4–5 in Debian chromium: an admin hands an alliance over from the resourcing
page (what-if, then the confirmation page); the new owner follows the handoff email's link to
the successor's briefing, which names the open actions, and downloads its PDF."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import expect

from healthcheck.extensions import db
from tests.browser.flows import log_in

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
NORTH_STAR = "Make NV-12 the first-choice biologic for moderate psoriasis in the Nordics."


def _log_in(page, base, email, password="correct-horse-battery"):
    log_in(page, base, email, password)
    expect(page.locator("nav.navbar")).to_contain_text("Log out")


def _serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {v['nodes'][0]['target']}" for v in violations if v["impact"] in ("serious", "critical")
    ]


def _alliance(app, make_user, make_alliance, make_round, invite, answer_all) -> int:
    make_user("admin@example.com", "admin")
    make_user("maria@example.com", "manager")
    make_user("tom@example.com", "manager")
    alliance_id = make_alliance(owner="maria@example.com", name="Nordvik", segment="complex")
    make_alliance(owner="maria@example.com", name="Meridian", segment="complex")
    make_alliance(owner="maria@example.com", name="Lumen", segment="typical")  # Maria: 1.20 FTE
    round_id = make_round(alliance_id, label="2026-Q2")
    for token in invite(round_id, "AAABBB"):
        answer_all(token, score=3)
    with app.app_context():
        from healthcheck.models import Alliance, Round
        from healthcheck.services import actions, rounds

        alliance = db.session.get(Alliance, alliance_id)
        alliance.north_star = NORTH_STAR
        rounds.close_round(db.session.get(Round, round_id))
        due = date.today() + timedelta(days=45)
        for title in ("Joint finance forecast each quarter", "Name a Nordvik launch lead"):
            actions.create(alliance, actions.ActionData(title, "Maria", due), None)
        db.session.commit()
    return alliance_id


def test_i16_done_when_browser_handoff_produces_a_briefing_naming_the_open_actions(
    browser, live_server, shot, app, make_user, make_alliance, make_round, invite, answer_all, tmp_path
):
    alliance_id = _alliance(app, make_user, make_alliance, make_round, invite, answer_all)
    admin = browser.new_context(viewport=DESKTOP).new_page()
    _log_in(admin, live_server, "admin@example.com")
    admin.click("nav >> text=Resourcing")
    expect(admin.locator("[data-testid=workloads]")).to_contain_text("maria@example.com")
    expect(admin.locator("[data-testid=over-capacity-summary]")).to_contain_text(
        "maria@example.com (1.20 of 1.00 FTE)"
    )
    admin.select_option("#wi-alliance", label="Nordvik (complex)")
    admin.select_option("#wi-owner", label="tom@example.com")
    admin.click("button:text('Show the change')")
    what_if = admin.locator("[data-testid=what-if]")
    expect(what_if).to_contain_text("maria@example.com")
    # Maria 1.20 → 0.70 (over capacity before, not after); Tom 0.00 → 0.50 (complex: 0.5 FTE)
    expect(what_if.locator("tr", has_text="maria@example.com")).to_contain_text(
        "1.20 FTE (over capacity) 0.70 FTE"
    )
    expect(what_if.locator("tr", has_text="tom@example.com")).to_contain_text("0.00 FTE 0.50 FTE")
    shot(admin, "i16-resourcing-what-if")
    assert _serious(admin) == []
    admin.fill("#body", "The finance gap is the story; the forecast action is half done.")
    admin.click("button:text('Hand over…')")
    expect(admin.locator("h1")).to_have_text("Hand over Nordvik to tom@example.com?")
    expect(admin.locator("main")).to_contain_text("tom@example.com: workload 0.00 → 0.50 FTE")
    admin.click("button:text('Yes, hand over')")
    expect(admin.locator(".alert-success")).to_contain_text("Nordvik is handed over to tom@example.com")

    with app.app_context():
        from healthcheck.jobs import delivery

        delivery.deliver_due()
    mails = [
        BytesParser(policy=policy.default).parsebytes(p.read_bytes())
        for p in (Path(app.instance_path) / "outbox").glob("*.eml")
    ]
    (mail,) = [m for m in mails if m["To"] == "tom@example.com"]
    link = re.search(
        r"http\S+/alliances/\d+/briefing\b", mail.get_body(preferencelist=("plain",)).get_content()
    ).group(0)
    path = link.split("/alliances/", 1)[1]

    tom = browser.new_context(viewport=DESKTOP, accept_downloads=True).new_page()
    _log_in(tom, live_server, "tom@example.com")
    tom.goto(f"{live_server}/alliances/{path}")
    expect(tom.locator("h1")).to_contain_text("Nordvik — briefing for a successor")
    main = tom.locator("main")
    expect(main).to_contain_text(NORTH_STAR)
    expect(main).to_contain_text("Joint finance forecast each quarter")
    expect(main).to_contain_text("Name a Nordvik launch lead")
    expect(main).to_contain_text("The finance gap is the story")  # the handoff note
    shot(tom, "i16-briefing")
    assert _serious(tom) == []
    # and from the alliance page, any time
    tom.goto(f"{live_server}/alliances/{alliance_id}")
    tom.click("text=Briefing for a successor")
    expect(tom.locator("h1")).to_contain_text("briefing for a successor")
    with tom.expect_download() as info:
        tom.click("text=Download PDF")
    pdf = tmp_path / "briefing.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())  # table cells wrap
    assert "first-choice biologic" in text
    assert "Joint finance forecast each quarter" in text
