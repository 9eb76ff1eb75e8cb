"""Issue 17 item 4: a staff user whose language is German reads the facts and webhook pages'
problems in German; the API still answers the English sentence for the same input.

The German sentences are the catalogue's (healthcheck/translations/de/LC_MESSAGES/messages.po).
"""

from __future__ import annotations

import html

import pytest

from healthcheck.extensions import db
from healthcheck.models import AuditEvent, Milestone, Webhook
from healthcheck.services import api_tokens, users
from tests.conftest import csrf_token
from tests.functional.test_i17_3_sso import make_sso_app, provider, sso_login  # noqa: F401 - fixtures

OWNER = "owner@example.com"
BAD_MILESTONE = {
    "key": "ind",
    "title": "IND filed",
    "dimension": "milestones",
    "planned_on": "2026-13-01",
    "actual_on": "",
    "forecast_on": "",
    "status": "planned",
}


@pytest.fixture
def german_owner(app, client, login, make_alliance):
    """A manager whose own language (users.language) is German, signed in, owning an alliance."""
    login(OWNER)
    with app.app_context():
        users.by_email(OWNER).language = "de"
        db.session.commit()
    return make_alliance(owner=OWNER, name="Helix")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_milestone_with_a_bad_date_is_refused_in_german(app, client, german_owner):
    url = f"/alliances/{german_owner}/facts"
    response = client.post(f"{url}/milestones", data={**BAD_MILESTONE, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 400
    page = _text(response)
    assert '<html lang="de">' in page
    assert "planned_on: ein Datum im Format JJJJ-MM-TT (erhalten: '2026-13-01')" in page
    assert "a date YYYY-MM-DD" not in page
    with app.app_context():
        assert db.session.scalars(db.select(Milestone)).all() == []


def test_a_milestone_met_without_a_date_and_a_clash_are_refused_in_german(app, client, german_owner):
    url = f"/alliances/{german_owner}/facts"
    good = {**BAD_MILESTONE, "planned_on": "2026-03-01"}
    assert (
        client.post(f"{url}/milestones", data={**good, "csrf_token": csrf_token(client, url)}).status_code
        == 302
    )
    again = client.post(f"{url}/milestones", data={**good, "csrf_token": csrf_token(client, url)})
    assert again.status_code == 400
    assert "key: Helix hat bereits einen Eintrag mit diesem Schlüssel" in _text(again)
    met = client.post(
        f"{url}/milestones",
        data={**good, "key": "fih", "status": "met", "csrf_token": csrf_token(client, url)},
    )
    assert (
        "actual_on: erforderlich, wenn der Status „erreicht“ ist (das Datum, an dem er erreicht wurde)"
        in _text(met)
    )


def test_a_webhook_with_a_bad_url_is_refused_in_german(app, client, german_owner):
    response = client.post(
        "/webhooks",
        data={
            "name": "Team channel",
            "url": "ftp://hooks.example.com/x",
            "format": "plain",
            "alliance": str(german_owner),
            "events": ["round.closed"],
            "csrf_token": csrf_token(client, "/webhooks"),
        },
    )
    assert response.status_code == 400
    page = _text(response)
    assert '<html lang="de">' in page
    assert "URL: eine http://- oder https://-Adresse mit einem Hostnamen" in page
    assert "an http:// or https:// address" not in page
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []


def test_the_api_answers_the_english_sentence_for_the_same_milestone(app, client, german_owner):
    with app.app_context():
        _token, secret = api_tokens.create(users.by_email(OWNER), "test", "write", 30)
        db.session.commit()
    response = client.post(
        f"/api/v1/alliances/{german_owner}/facts/milestones",
        json={k: v for k, v in BAD_MILESTONE.items() if v},
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "de"},
    )
    assert response.status_code == 422
    details = [e["detail"] for e in response.json["errors"]]
    assert "planned_on: a date YYYY-MM-DD (got '2026-13-01')" in details


def test_a_single_sign_on_refusal_is_told_in_the_login_page_language(make_sso_app, provider):  # noqa: F811
    """The provider vouches for an unverified address: the login page says why in German,
    the audit keeps the English sentence."""
    app = make_sso_app()
    client = app.test_client()
    client.get("/login?lang=de")
    response = sso_login(client, "eve", "eve-pass")  # admin@example.com, not verified
    assert response.status_code == 302
    page = _text(client.get("/login"))
    assert (
        "Single Sign-on fehlgeschlagen: der Anbieter hat die E-Mail-Adresse admin@example.com"
        " nicht bestätigt (email_verified)." in page
    )
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "login.failed")).one()
        assert event.detail["reason"] == (
            "the provider has not verified the email address admin@example.com (email_verified)"
        )
