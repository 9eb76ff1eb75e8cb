"""Issue 17 item 4: a staff user whose language is German gets a service's problems in German
on the staff pages (the API still answers the English sentence for the same input)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Action, Alliance, Invitation
from healthcheck.services import api_tokens, questionnaires, users
from tests.conftest import csrf_token


@pytest.fixture
def german(client, login):
    """A manager logged in whose language (POST /account/language) is German."""
    login("lea@example.com")
    response = client.post(
        "/account/language",
        data={"csrf_token": csrf_token(client, "/account/tokens"), "language": "de"},
    )
    assert response.status_code == 302
    return "lea@example.com"


def _alliance_form(**changes) -> dict:
    return {
        "name": "Orion",
        "side_a": "Aurora Pharma",
        "side_b": "Nordvik Bio",
        "segment": "typical",
        "phase": "development",
        "alliance_type": "R&D",
        "k_anonymity": "3",
        "side_a_language": "en",
        "side_b_language": "en",
        **changes,
    }


def test_the_alliance_form_says_the_name_clash_in_german(app, client, german, make_alliance):
    make_alliance(owner=german, name="Orion")
    url = "/alliances/new"
    page = client.post(url, data=_alliance_form(csrf_token=csrf_token(client, url)))
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Name: Eine Allianz namens &#39;Orion&#39; existiert bereits" in text
    assert "already exists" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Alliance)) == 1


def test_wtforms_own_messages_come_out_german_too(app, client, german):
    url = "/alliances/new"
    page = client.post(url, data=_alliance_form(name="", csrf_token=csrf_token(client, url)))
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Dieses Feld wird benötigt." in text and "This field is required." not in text
    with_break = client.post(url, data=_alliance_form(side_b="Nord\nvik", csrf_token=csrf_token(client, url)))
    assert "Zeilenumbrüche und Steuerzeichen sind nicht erlaubt." in with_break.get_data(as_text=True)


def test_a_round_closing_in_the_past_is_refused_in_german(app, client, german, make_alliance):
    alliance = make_alliance(owner=german)
    url = f"/alliances/{alliance}/rounds/new"
    with app.app_context():
        qid = questionnaires.latest("alliance-health-check").id
    yesterday = date.today() - timedelta(days=1)
    page = client.post(
        url,
        data={
            "label": "Past",
            "questionnaire": qid,
            "opens_on": str(yesterday - timedelta(days=21)),
            "closes_on": str(yesterday),
            "csrf_token": csrf_token(client, url),
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert f"{yesterday} liegt in der Vergangenheit (heute ist der {date.today()})" in text
    assert "is in the past" not in text


def test_a_bad_line_of_the_bulk_invitation_csv_is_named_in_german(
    app, client, german, make_alliance, make_round
):
    alliance = make_alliance(owner=german)
    rnd = make_round(alliance, status="draft")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    bulk = "name,email,side,function\nAnn,ann@example.com,A,research\nBob,not-an-email,C,research\nCem\n"
    page = client.post(f"{url}/invite-bulk", data={"csv_text": bulk, "csrf_token": csrf_token(client, url)})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Zeile 3: E-Mail: &#39;not-an-email&#39; ist keine E-Mail-Adresse" in text
    assert "Zeile 3: Seite: A oder B (erhalten: &#39;C&#39;)" in text
    assert "Zeile 4: 4 Felder erwartet, 1 erhalten" in text
    assert "line 3" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_an_action_missing_the_partner_owner_is_refused_in_german(app, client, german, make_alliance):
    alliance = make_alliance(owner=german)
    url = f"/alliances/{alliance}/actions/new"
    with app.app_context():
        owner = users.by_email(german).id
    form = {
        "title": "Monthly steering call",
        "dimension": "",
        "owner": "",
        "owner_user": str(owner),
        "due_on": "2027-01-31",
        "visibility": "joint",
        "partner_owner_name": "Per Berg",
        "partner_owner_email": "",
        "accepted_by_both": "y",
    }
    page = client.post(url, data=form | {"csrf_token": csrf_token(client, url)})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert (
        "Verantwortliche(r) bei Partner 1: Name und E-Mail sind für eine von beiden Seiten "
        "vereinbarte Maßnahme erforderlich"
    ) in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Action)) == 0


def test_the_api_still_answers_the_english_sentence(app, client, german, make_alliance):
    make_alliance(owner=german, name="Orion")
    with app.app_context():
        _token, secret = api_tokens.create(users.by_email(german), "test", "write", 30)
        db.session.commit()
    body = {"name": "Orion", "side_a": "Aurora Pharma", "side_b": "Nordvik Bio", "segment": "typical"}
    response = client.post(
        "/api/v1/alliances",
        json=body,
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "de"},
    )
    assert response.status_code == 422
    errors = {e["field"]: e["detail"] for e in response.json["errors"]}
    assert errors["name"] == "name: an alliance called 'Orion' already exists"


def test_the_invalid_input_page_says_the_problem_in_german(app, client, german):
    page = client.get("/portfolio?owner=abc")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "owner: keine bekannte Kennung (Konto) (erhalten: &#39;abc&#39;)" in text



def test_the_resourcing_page_says_its_problem_in_german(app, client, login):
    login("ada@example.com", role="admin")
    with app.app_context():
        users.set_language(users.by_email("ada@example.com"), "de")
        db.session.commit()
    page = client.get("/resourcing?alliance=999&owner=1")
    assert page.status_code == 400
    assert "Allianz: Wählen Sie eine der aufgeführten aktiven Allianzen" in page.get_data(as_text=True)
