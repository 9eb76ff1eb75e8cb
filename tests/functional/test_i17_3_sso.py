"""Single sign-on with OpenID Connect (issue 17, item 3), end to end against a real provider on
loopback (tests/oidc_provider.py, Authlib's authorization-server components): the app's
client code (Authlib's Flask client) is not replaced; the test plays the browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from healthcheck.extensions import db
from healthcheck.models import AuditEvent, User, UserIdentity
from tests.conftest import csrf_token
from tests.oidc_provider import Provider

CLIENT_ID, CLIENT_SECRET = "healthcheck", "client-secret-0123456789"
ROLE_MAP = {"hc-managers": "manager", "hc-admins": "admin"}


@pytest.fixture
def provider():
    idp = Provider()
    idp.start()
    idp.add_client(CLIENT_ID, CLIENT_SECRET, "http://localhost/login/sso/callback")
    idp.add_user(
        "ann",
        "ann-pass",
        email="ann@aurora.example",
        email_verified=True,
        name="Ann Smith",
        groups=["hc-managers"],
    )
    idp.add_user(
        "bob", "bob-pass", email="bob@aurora.example", email_verified=True, name="Bob", groups=["staff"]
    )
    idp.add_user("eve", "eve-pass", email="admin@example.com", email_verified=False, groups=["hc-admins"])
    yield idp
    idp.stop()


def sso_config(provider, **extra) -> dict:
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": "Test IdP",
        "OIDC_ROLE_CLAIM": "groups",
        "OIDC_ROLE_MAP": ROLE_MAP,
        "OIDC_DEFAULT_ROLE": "viewer",
        **extra,
    }


@pytest.fixture
def make_sso_app(make_app, provider):
    def build(**extra):
        app = make_app(**sso_config(provider, **extra))
        with app.app_context():
            from healthcheck.services import questionnaires

            questionnaires.import_path(app.config["SURVEYS_DIR"])
            db.session.commit()
        return app

    return build


@pytest.fixture
def app(make_sso_app):
    return make_sso_app()


def at_provider(authorize_url: str, username: str, password: str, consent: str = "yes") -> str:
    """What a person does at the provider: its login form, then its consent page. Returns
    where the provider sends the browser back to."""
    browser = requests.Session()
    page = browser.get(authorize_url)
    assert "Test identity provider" in page.text  # the provider's own login form
    page = browser.post(page.url, data={"username": username, "password": password})
    assert "asks for: openid email profile" in page.text  # its consent page
    back = browser.post(page.url, data={"confirm": consent}, allow_redirects=False)
    assert back.status_code == 302
    return back.headers["Location"]


def sso_login(client, username, password, consent="yes", tamper=None):
    start = client.get("/login/sso")
    assert start.status_code == 302
    back = at_provider(start.headers["Location"], username, password, consent)
    parts = urlsplit(back)
    assert parts.path == "/login/sso/callback"
    query = tamper(parts.query) if tamper else parts.query
    return client.get(f"{parts.path}?{query}")


def _users(app):
    with app.app_context():
        return [(u.email, u.role, u.name) for u in db.session.scalars(db.select(User).order_by(User.id))]


def _audit(app, action):
    with app.app_context():
        return [
            e.detail for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action))
        ]


def test_the_login_page_offers_the_provider(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Test IdP" in page and 'href="/login/sso' in page
    assert 'name="password"' in page  # local passwords are on by default


def test_first_login_creates_the_user_with_the_mapped_role_and_a_second_finds_them(app, client, provider):
    response = sso_login(client, "ann", "ann-pass")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/portfolio"
    assert client.get("/portfolio").status_code == 200  # logged in: the portfolio
    assert _users(app) == [("ann@aurora.example", "manager", "Ann Smith")]
    with app.app_context():
        identity = db.session.scalars(db.select(UserIdentity)).one()
        assert (identity.issuer, identity.subject) == (provider.issuer, "sub-ann")
    assert [d.get("via") for d in _audit(app, "login")] == ["sso"]

    client.post("/logout", data={"csrf_token": csrf_token(client, "/portfolio")})
    provider.users["ann"]["email"] = "ann.smith@aurora.example"  # the subject decides, not the email
    assert sso_login(client, "ann", "ann-pass").status_code == 302
    assert _users(app) == [("ann@aurora.example", "manager", "Ann Smith")]
    assert len(_audit(app, "login")) == 2


def test_no_mapped_group_gets_the_default_role_and_an_empty_default_refuses(make_sso_app, provider):
    app = make_sso_app()
    assert sso_login(app.test_client(), "bob", "bob-pass").status_code == 302
    assert _users(app) == [("bob@aurora.example", "viewer", "Bob")]


def test_an_empty_default_role_refuses_unmapped_people(make_sso_app):
    app = make_sso_app(OIDC_DEFAULT_ROLE="")
    client = app.test_client()
    response = sso_login(client, "bob", "bob-pass")
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert "no role for this account" in client.get("/login").get_data(as_text=True)
    assert _users(app) == []
    assert _audit(app, "login.failed")[0]["via"] == "sso"


def test_an_existing_user_is_matched_by_verified_email_only(app, client, make_user):
    make_user("ann@aurora.example", "viewer")
    make_user("admin@example.com", "admin")
    assert sso_login(client, "ann", "ann-pass").status_code == 302
    assert ("ann@aurora.example", "manager", "") in _users(app)  # same account, role from the group

    other = app.test_client()
    response = sso_login(other, "eve", "eve-pass")  # claims admin@example.com, not verified
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert "has not verified the email address" in other.get("/login").get_data(as_text=True)
    assert other.get("/portfolio").status_code == 302  # not logged in
    with app.app_context():
        assert db.session.scalars(db.select(UserIdentity)).all()[0].subject == "sub-ann"
        assert len(db.session.scalars(db.select(UserIdentity)).all()) == 1


def test_a_forged_state_is_refused_before_any_token_request(app, client, provider):
    def forge(query):
        params = parse_qs(query)
        return f"code={params['code'][0]}&state=forged-state"

    response = sso_login(client, "ann", "ann-pass", tamper=forge)
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert provider.token_requests == 0
    assert client.get("/portfolio").status_code == 302
    assert _users(app) == []
    assert "Single sign-on failed" in client.get("/login").get_data(as_text=True)


def test_an_id_token_with_another_nonce_is_refused(app, client, provider):
    provider.tamper_nonce = True
    response = sso_login(client, "ann", "ann-pass")
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert provider.token_requests == 1  # the token came, its nonce did not match
    assert _users(app) == [] and client.get("/portfolio").status_code == 302
    assert "nonce" in _audit(app, "login.failed")[0]["reason"]


def test_a_declined_consent_logs_nobody_in(app, client):
    response = sso_login(client, "ann", "ann-pass", consent="no")
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert _users(app) == []


def test_pkce_is_sent(client):
    start = client.get("/login/sso")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["nonce"][0] and query["state"][0]


def test_the_session_is_fresh_after_a_single_sign_on(app, client):
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    sso_login(client, "ann", "ann-pass")
    with client.session_transaction() as s:
        assert "planted" not in s and "_user_id" in s


def test_a_deactivated_user_is_refused(app, client):
    assert sso_login(client, "ann", "ann-pass").status_code == 302
    with app.app_context():
        user = db.session.scalars(db.select(User)).one()
        user.active = False
        db.session.commit()
    other = app.test_client()
    assert urlsplit(sso_login(other, "ann", "ann-pass").headers["Location"]).path == "/login"
    assert other.get("/portfolio").status_code == 302


def test_with_local_passwords_off_password_login_is_refused_but_links_work(
    make_sso_app, make_user, make_alliance, make_round, invite
):
    app = make_sso_app(LOCAL_PASSWORDS=False)
    client = app.test_client()
    make_user("manager@example.com", "manager", "correct-horse-battery")
    alliance_id = make_alliance(owner="manager@example.com")
    (token,) = invite(make_round(alliance_id), "A")
    assert client.get(f"/r/{token}").status_code == 200  # respondents need no account
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and "Sign in with Test IdP" in page
    refused = client.post(  # a valid form (CSRF token from the respondent's page), right password
        "/login",
        data={
            "email": "manager@example.com",
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(client, f"/r/{token}/answer"),
        },
    )
    assert refused.status_code == 403
    assert "Passwords are switched off" in refused.get_data(as_text=True)
    assert client.get("/portfolio").status_code == 302
    assert _audit(app, "login.refused")[0]["email"] == "manager@example.com"
    assert (
        sso_login(client, "ann", "ann-pass").status_code == 302
        and client.get("/portfolio").status_code == 200
    )


def test_bad_settings_refuse_to_start(make_app, provider):
    with pytest.raises(RuntimeError, match="OIDC_ROLE_MAP: 'x' maps to 'boss'"):
        make_app(**sso_config(provider, OIDC_ROLE_MAP={"x": "boss"}))
    with pytest.raises(RuntimeError, match="OIDC_CLIENT_SECRET: required"):
        make_app(**sso_config(provider, OIDC_CLIENT_SECRET=""))
    with pytest.raises(RuntimeError, match="LOCAL_PASSWORDS is off but OIDC_ISSUER is not set"):
        make_app(LOCAL_PASSWORDS=False)


def test_an_entra_style_verified_claim_is_configurable(make_sso_app, provider):
    """Entra ID sends no ``email_verified``; its optional ``xms_edov`` claim can stand in."""
    app = make_sso_app(OIDC_EMAIL_VERIFIED_CLAIM="xms_edov")
    provider.add_user("kim", "kim-pass", email="kim@aurora.example", xms_edov=True, groups=["hc-admins"])
    assert urlsplit(sso_login(app.test_client(), "kim", "kim-pass").headers["Location"]).path == "/portfolio"
    # ann has email_verified, not xms_edov: refused
    refused = urlsplit(sso_login(app.test_client(), "ann", "ann-pass").headers["Location"])
    assert refused.path == "/login"
    assert _users(app) == [("kim@aurora.example", "admin", "")]


def test_the_redirect_uri_follows_the_public_base_url(make_sso_app):
    app = make_sso_app(PUBLIC_BASE_URL="https://hc.example.com")
    start = app.test_client().get("/login/sso")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["redirect_uri"] == ["https://hc.example.com/login/sso/callback"]
