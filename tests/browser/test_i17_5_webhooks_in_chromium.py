"""Issue 17 item 5 in Debian chromium: an alliance owner adds a webhook, copies its secret
(shown once), presses "Send test event" and sees the attempt; a loopback receiver got it signed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from healthcheck.extensions import db
from tests.browser.flows import log_in
from tests.receivers import Receiver, valid_signature

pytestmark = pytest.mark.browser


@pytest.fixture
def app(make_app):
    app = make_app(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
    with app.app_context():
        from healthcheck.services import questionnaires

        questionnaires.import_path(app.config["SURVEYS_DIR"])
        db.session.commit()
    return app


def test_owner_adds_a_webhook_and_sends_a_test_event(browser, live_server, shot, make_user, make_alliance):
    make_user("manager@example.com", "manager")
    make_alliance(owner="manager@example.com", name="Helix R&D")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server, "manager@example.com")
    page.click("a.nav-link:text('Webhooks')")
    expect(page.locator("h1")).to_have_text("Webhooks")
    with Receiver() as receiver:
        page.fill("#name", "Team channel")
        page.fill("#url", receiver.url)
        page.select_option("#format", "plain")
        page.select_option("#alliance", label="Helix R&D")
        expect(page.locator("input[name=events]")).to_have_count(5)
        shot(page, "i17-webhooks-new")
        page.click("button:text('Add webhook')")
        secret_box = page.locator("#webhook-secret")
        expect(secret_box).to_contain_text("whsec_")
        secret = secret_box.inner_text()
        page.click("text=Go to the webhook")
        expect(page.locator("h1")).to_contain_text("Team channel")
        page.click("button:text('Send test event')")
        expect(page.locator(".alert-info")).to_have_text("Test event delivered.")
        expect(page.locator("#deliveries tbody tr").first).to_contain_text(re.compile(r"test\s*sent"))
        expect(page.locator("#deliveries")).to_contain_text("· 200")
        shot(page, "i17-webhook-page")
        assert receiver.events() == ["test"] and valid_signature(secret, receiver.received[0])
    assert "whsec_" not in page.content()
