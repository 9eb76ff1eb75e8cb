"""The respondent's link: welcome, save and resume, submit once, clear errors."""

import re

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Answer, Invitation, InvitationToken, Response

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def token(make_alliance, make_round, invite):
    alliance = make_alliance()
    rnd = make_round(alliance)
    return invite(rnd, "A")[0]


def _form(client, token):
    page = client.get(f"/r/{token}/answer").get_data(as_text=True)
    keys = sorted(set(re.findall(r'name="q-([a-z_]+)"', page)))
    return keys, TOKEN_RE.search(page).group(1), page


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Response)),
            db.session.scalar(select(func.count()).select_from(Answer)),
        )


def test_token_is_long_random_and_only_its_hash_is_stored(app, token):
    assert len(token) >= 32  # 192 bits url-safe
    with app.app_context():
        stored = db.session.scalar(select(InvitationToken.token_hash))
    assert token not in stored and len(stored) == 64


def test_welcome_explains_and_get_or_head_never_consume(app, client, token):
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "never shown" in text and "at least 3 people" in text
    assert page.headers["Cache-Control"] == "no-store"
    assert client.head(f"/r/{token}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Invitation.status)) == "pending"
    assert _counts(app) == (0, 0)


def test_save_resume_then_submit_once(app, client, token):
    keys, csrf, page = _form(client, token)
    assert len(keys) == 33
    assert "Strongly agree" in page
    data = {
        f"q-{keys[0]}": "5",
        f"q-{keys[1]}": "na",
        "c-trust": "Candid & <b>open</b>",
        "action": "save",
        "csrf_token": csrf,
    }
    saved = client.post(f"/r/{token}/answer", data=data)
    assert saved.status_code == 200 and "Your answers are saved" in saved.get_data(as_text=True)
    resumed = app.test_client().get(f"/r/{token}/answer").get_data(as_text=True)
    assert re.search(rf'name="q-{keys[0]}" value="5" checked', resumed)
    assert re.search(rf'name="q-{keys[1]}" value="na" checked', resumed)
    assert "Candid &amp; &lt;b&gt;open&lt;/b&gt;" in resumed
    assert _counts(app) == (1, 2)

    full = {f"q-{k}": "3" for k in keys} | {"action": "submit", "csrf_token": csrf}
    done = client.post(f"/r/{token}/answer", data=full)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/r/{token}/thanks")
    assert client.get(done.headers["Location"]).status_code == 200
    assert _counts(app) == (1, 33)
    again = client.post(f"/r/{token}/answer", data=full)
    assert again.status_code == 410 and "Already submitted" in again.get_data(as_text=True)
    assert client.get(f"/r/{token}").status_code == 410


def test_missing_and_tampered_answers_come_back_marked_with_others_kept(app, client, token):
    keys, csrf, _ = _form(client, token)
    data = {f"q-{k}": "4" for k in keys[2:]} | {f"q-{keys[0]}": "9", "action": "submit", "csrf_token": csrf}
    response = client.post(f"/r/{token}/answer", data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Choose a value from 1 to 5, or N/A." in text
    assert "Please choose an answer (or N/A)." in text
    assert re.search(rf'name="q-{keys[5]}" value="4" checked', text)
    assert 'aria-invalid="true"' in text
    assert _counts(app) == (0, 0)
    with app.app_context():
        assert db.session.scalar(select(Invitation.status)) == "pending"


def test_non_integer_and_huge_comment(app, client, token):
    keys, csrf, _ = _form(client, token)
    response = client.post(
        f"/r/{token}/answer",
        data={f"q-{keys[0]}": "4.5", "c-trust": "x" * 6000, "action": "save", "csrf_token": csrf},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Choose a value from 1 to 5" in text and "limited to 5000 characters" in text
    assert _counts(app) == (0, 0)


def test_expired_csrf_keeps_answers(app, client, token):
    keys, _csrf, _ = _form(client, token)
    response = client.post(
        f"/r/{token}/answer", data={f"q-{keys[0]}": "2", "action": "save", "csrf_token": "stale"}
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Your answers are still below" in text
    assert re.search(rf'name="q-{keys[0]}" value="2" checked', text)
    assert _counts(app) == (0, 0)


def test_unknown_revoked_closed_and_draft_links(app, client, make_alliance, make_round, invite):
    assert client.get("/r/not-a-real-token").status_code == 404
    assert client.get("/r/' OR 1=1 --").status_code == 404
    alliance = make_alliance()
    closed_token = invite(make_round(alliance, "C"), "A")[0]
    with app.app_context():
        from healthcheck.models import Round
        from healthcheck.services import rounds

        rnd = db.session.scalar(select(Round).where(Round.label == "C"))
        rounds.close_round(rnd)
        db.session.commit()
    response = client.get(f"/r/{closed_token}")
    assert response.status_code == 410 and "closed" in response.get_data(as_text=True)
    draft_token = invite(make_round(alliance, "D", status="draft"), "B")[0]
    assert client.get(f"/r/{draft_token}").status_code == 404
    assert "Not open yet" in client.get(f"/r/{draft_token}").get_data(as_text=True)


def test_unicode_digits_are_refused_not_crashed_on(app, client, token):
    keys, csrf, _ = _form(client, token)
    response = client.post(
        f"/r/{token}/answer",
        data={f"q-{keys[0]}": "²", f"q-{keys[1]}": "٣", "action": "save", "csrf_token": csrf},
    )
    assert response.status_code == 400 and "Choose a value from 1 to 5" in response.get_data(as_text=True)
    assert _counts(app) == (0, 0)
