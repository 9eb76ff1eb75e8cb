"""Issue 15 "Done when": a joint review across two browser contexts — side A's owner signed
in, side B's reviewer through the personal link from the email — comments both ways, a
disputed finding, a joint action proposed and accepted, publication; the partner's share
link then shows the published pack with the review outcome."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import expect

from healthcheck.extensions import db
from healthcheck.jobs import delivery
from healthcheck.models import Round
from healthcheck.models.base import utcnow
from healthcheck.services import rounds
from tests.browser.flows import log_in

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 900}


def _emailed_review_link(app, to: str) -> str:
    with app.app_context():
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
    parser = BytesParser(policy=policy.default)
    mails = [
        parser.parsebytes(p.read_bytes()) for p in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    ]
    texts = [m.get_body(("plain",)).get_content() for m in mails if m["To"] == to]
    return re.search(r"(/review/\S+)", texts[-1]).group(1)


def test_a_joint_review_across_two_organisations_ends_in_the_published_pack(
    browser, live_server, shot, app, make_user, make_alliance, make_round, invite, answer_all
):
    make_user("manager@example.com", "manager")
    alliance_id = make_alliance(owner="manager@example.com", name="Nordvik Review")
    round_id = make_round(alliance_id, label="2026-Q4")
    for token, side in zip(invite(round_id, "AAABBB"), "AAABBB", strict=True):
        answer_all(token, score=4 if side == "A" else 2)
    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
        partner_name = db.session.get(Round, round_id).alliance.side_b.name

    owner = browser.new_context(viewport=LAPTOP).new_page()
    log_in(owner, live_server, "manager@example.com")
    owner.goto(f"{live_server}/alliances/{alliance_id}/rounds/{round_id}/report")
    expect(owner.get_by_test_id("review-banner")).to_contain_text("in joint review")
    owner.click("text=Open the joint review")
    expect(owner.get_by_test_id("review-status")).to_contain_text("In review until")
    owner.fill("#reviewer-name", "Pia Partner")
    owner.fill("#reviewer-email", "pia@partner.example")
    owner.click("button:text('Name reviewer')")
    expect(owner.locator("text=A personal review link will be emailed")).to_be_visible()

    # side B: the reviewer's own browser, through the emailed link (no account)
    reviewer = browser.new_context(viewport=LAPTOP).new_page()
    reviewer.goto(live_server + _emailed_review_link(app, "pia@partner.example"))
    finance = reviewer.locator('article[data-finding="dimension:finance"]')
    finance.locator("input[value=disagree]").check()
    finance.locator("textarea[name=text]").last.fill("Milestone payments arrive late.")
    finance.locator("button:text('Mark')").click()
    finance = reviewer.locator('article[data-finding="dimension:finance"]')
    expect(finance.get_by_test_id("disputed")).to_be_visible()
    expect(finance.get_by_test_id("entry")).to_contain_text("Milestone payments arrive late.")
    shot(reviewer, "i15-review-partner")

    # side A answers: agrees that finance matters, replies to the partner, proposes an action
    owner.reload()
    finance = owner.locator('article[data-finding="dimension:finance"]')
    expect(finance.get_by_test_id("entry")).to_contain_text(partner_name)
    finance.locator("summary:text('Reply')").first.click()
    finance.locator("textarea[name=text]").first.fill("We will check the Q3 invoices with you.")
    finance.locator("button:text('Send reply')").first.click()
    finance = owner.locator('article[data-finding="dimension:finance"]')
    expect(finance.get_by_test_id("entry").nth(1)).to_contain_text("We will check the Q3 invoices")
    finance.locator("input[value=agree]").check()
    finance.locator("textarea[name=text]").last.fill("The gap is real.")
    finance.locator("button:text('Mark')").click()
    finance = owner.locator('article[data-finding="dimension:finance"]')
    expect(finance.get_by_test_id("disputed")).to_be_visible()  # agree against disagree
    owner.fill("#action-title", "Joint budget review with both finance leads")
    owner.select_option("#action-dimension", "finance")
    owner.fill("#action-due", (date.today() + timedelta(days=60)).isoformat())
    owner.fill("#action-owner-b-name", "Sofie Lind")
    owner.fill("#action-owner-b-email", "sofie.lind@partner.example")
    owner.click("button:text('Propose')")
    expect(owner.get_by_test_id("joint-action")).to_contain_text("not yet")

    # side B accepts through the link; the thread shows side A's reply
    reviewer.reload()
    expect(reviewer.locator('article[data-finding="dimension:finance"]')).to_contain_text(
        "We will check the Q3 invoices"
    )
    reviewer.get_by_test_id("joint-action").locator("button").click()
    expect(reviewer.get_by_test_id("joint-action")).to_contain_text("accepted by both")

    # side A publishes (a confirmation page first) and shares the pack with the partner
    owner.reload()
    owner.click("text=Publish now…")
    expect(owner.locator("h1")).to_contain_text("Publish the joint review?")
    owner.click("button:text('Yes, publish')")
    expect(owner.get_by_test_id("review-status")).to_contain_text("pack version 1")
    shot(owner, "i15-review-owner-published")
    owner.goto(f"{live_server}/alliances/{alliance_id}/rounds/{round_id}/report")
    owner.click("button:text('Create partner link')")
    share = owner.input_value("#share-link")

    reviewer.goto(share)
    outcome = reviewer.get_by_test_id("review-outcome")
    expect(outcome).to_contain_text("Joint review outcome")
    expect(outcome.locator(".review-disputed")).to_contain_text("Finance")
    expect(outcome).to_contain_text("Milestone payments arrive late.")
    expect(outcome).to_contain_text("Joint budget review with both finance leads")
    expect(outcome).to_contain_text("Sofie Lind")
    expect(outcome).not_to_contain_text("Pia Partner")  # organisations, never persons
    expect(reviewer.get_by_test_id("changed-after-publication")).to_have_count(0)
    shot(reviewer, "i15-review-published-pack")
