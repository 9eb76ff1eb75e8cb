"""Issue 17 item 3 in Debian chromium: sign in through a real OpenID Connect provider on
loopback (its login form and consent page), land on the portfolio as a new user with the
role mapped from the provider's groups; a second login finds the same user; a forged state
and an ID token with another nonce are refused; with local passwords off there is no
password form and a password login is refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from healthcheck.extensions import db
from healthcheck.models import User, UserIdentity
from tests.oidc_provider import Provider

pytestmark = pytest.mark.browser
CLIENT_ID, CLIENT_SECRET = "healthcheck", "client-secret-0123456789"


@pytest.fixture
def provider():
    idp = Provider()
    idp.start()
    idp.add_user(
        "ann",
        "ann-pass",
        email="ann@aurora.example",
        email_verified=True,
        name="Ann Smith",
        groups=["hc-managers"],
    )
    yield idp
    idp.stop()


@pytest.fixture
def app(make_app, provider):
    app = make_app(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_PROVIDER_NAME="Test IdP",
        OIDC_ROLE_CLAIM="groups",
        OIDC_ROLE_MAP={"hc-managers": "manager", "hc-admins": "admin"},
        LOCAL_PASSWORDS=False,
    )
    with app.app_context():
        from healthcheck.services import questionnaires

        questionnaires.import_path(app.config["SURVEYS_DIR"])
        db.session.commit()
    return app


@pytest.fixture
def registered(provider, live_server):
    provider.add_client(CLIENT_ID, CLIENT_SECRET, f"{live_server}/login/sso/callback")
    return live_server


def _sign_in(page, base, first_time=True):
    page.goto(f"{base}/login")
    page.click("text=Sign in with Test IdP")
    if first_time:  # the provider's own login form
        expect(page.locator("h1")).to_have_text("Test identity provider")
        page.fill("#username", "ann")
        page.fill("#password", "ann-pass")
        page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("asks for: openid email profile")  # consent
    page.click("button:text('Allow')")


def test_sign_in_through_the_provider_in_chromium(app, browser, registered, provider, shot, make_user):
    base = registered
    make_user("manager@example.com", "manager", "correct-horse-battery")
    page = browser.new_context().new_page()
    page.goto(f"{base}/login")
    expect(page.locator("#sso-login")).to_have_text("Sign in with Test IdP")
    expect(page.locator("input[name=password]")).to_have_count(0)  # local passwords are off
    shot(page, "i17-sso-login-page")

    _sign_in(page, base)
    expect(page).to_have_url(re.compile(r"/portfolio$"))
    expect(page.locator(".navbar-text")).to_have_text("Ann Smith (manager)")
    expect(page.locator("a.nav-link", has_text="New alliance")).to_be_visible()  # a manager's link
    shot(page, "i17-sso-portfolio")

    page.click("button:text('Log out')")
    expect(page).to_have_url(re.compile(r"/login$"))
    _sign_in(page, base, first_time=False)  # still signed in at the provider: consent only
    expect(page.locator(".navbar-text")).to_have_text("Ann Smith (manager)")
    with app.app_context():
        assert [u.email for u in db.session.scalars(db.select(User).where(User.email.like("ann%")))] == [
            "ann@aurora.example"
        ]
        assert len(db.session.scalars(db.select(UserIdentity)).all()) == 1

    # a password login, even with the right password and a valid form, is refused
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        f"{base}/login",
        form={"email": "manager@example.com", "password": "correct-horse-battery", "csrf_token": token},
    )
    assert refused.status == 403 and "Passwords are switched off" in refused.text()


def test_forged_state_and_wrong_nonce_are_refused_in_chromium(app, browser, registered, provider, shot):
    base = registered
    page = browser.new_context().new_page()
    page.goto(f"{base}/login/sso/callback?code=anything&state=forged")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".alert-danger")).to_contain_text("Single sign-on failed")
    assert provider.token_requests == 0

    provider.tamper_nonce = True
    _sign_in(page, base)
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".alert-danger")).to_contain_text("nonce")
    shot(page, "i17-sso-wrong-nonce")
    with app.app_context():
        assert db.session.scalars(db.select(UserIdentity)).all() == []
