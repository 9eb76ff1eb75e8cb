"""Issue 17 item 4: respondents answer in their language; answers pool across languages.

Set-up used below: k = 3; side A (Aurora Pharma) has two German respondents and one English
one, side B three English ones. Every German respondent answers 5 to every statement, the
English one on side A answers 2, side B answers 3. By hand: side A's mean of every
dimension is (5 + 5 + 2) / 3 = 4.0 with n = 3; side B's is 3.0; every gap is 1.0.
"""

from __future__ import annotations

import json
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from healthcheck.extensions import db
from healthcheck.models import Alliance, Invitation, Round
from healthcheck.services import invitations

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
GERMAN_STATEMENT = "Der Partner hält seine Zusagen ein."  # trust_commitments
ENGLISH_STATEMENT = "The partner keeps its commitments."


def _people(app, round_id, people, hand_out=True):
    """people: (side, language or None) pairs; returns the link tokens (hand_out) in order."""
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        start = len(invitations.of_round(rnd))
        issued = invitations.invite(
            rnd,
            [
                invitations.Invitee(f"P {start + i}", f"p{start + i}@x.example", side, language=lang)
                for i, (side, lang) in enumerate(people)
            ],
            hand_out=hand_out,
        )
        db.session.commit()
        return [i.token for i in issued]


def _page(client, token, step=None):
    url = f"/r/{token}/answer" + (f"?step={step}" if step else "")
    return client.get(url).get_data(as_text=True)


def _keys(page):
    return sorted(set(re.findall(r'name="q-([a-z_]+)"', page)))


def _submit_via_web(client, token, score):
    page = _page(client, token)
    data = {f"q-{k}": str(score) for k in _keys(page)}
    data |= {"action": "submit", "csrf_token": CSRF_RE.search(page).group(1), "step": "all"}
    done = client.post(f"/r/{token}/answer", data=data)
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]


def _report(app, client, alliance_id, round_id):
    from healthcheck.services import rounds

    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
    got = client.get(f"/alliances/{alliance_id}/rounds/{round_id}/report.json")
    assert got.status_code == 200
    return json.loads(got.data)


@pytest.fixture
def mixed(app, login, make_alliance, make_round):
    owner = login()
    alliance_id = make_alliance(owner=owner)
    round_id = make_round(alliance_id)
    tokens = _people(
        app, round_id, [("A", "de"), ("A", "de"), ("A", "en"), ("B", None), ("B", None), ("B", None)]
    )
    return alliance_id, round_id, tokens


def test_german_respondent_sees_german_statements_labels_and_buttons(app, client, mixed):
    _alliance, _round, tokens = mixed
    welcome = client.get(f"/r/{tokens[0]}").get_data(as_text=True)
    assert '<html lang="de">' in welcome and "Wer sieht was" in welcome and "Beginnen" in welcome
    page = _page(client, tokens[0], step="all")
    assert '<html lang="de">' in page
    assert GERMAN_STATEMENT in page and ENGLISH_STATEMENT not in page
    assert "Stimme voll und ganz zu" in page and "Strongly agree" not in page  # scale labels
    assert "Meine Antworten abschicken" in page and "Speichern und später fortsetzen" in page
    assert "Allianz-Health-Check" in page  # the questionnaire's title
    assert "Submit my answers" not in page
    english = _page(client, tokens[2], step="all")
    assert ENGLISH_STATEMENT in english and "Submit my answers" in english and GERMAN_STATEMENT not in english


def test_german_validation_messages(client, mixed):
    _alliance, _round, tokens = mixed
    page = _page(client, tokens[0])
    data = {"action": "submit", "csrf_token": CSRF_RE.search(page).group(1), "step": "1"}
    refused = client.post(f"/r/{tokens[0]}/answer", data=data).get_data(as_text=True)
    assert "Bitte wählen Sie eine Antwort (oder k. A.)." in refused
    assert "Nichts wurde gespeichert" in refused


def test_answers_pool_across_languages_german_and_english_on_one_side(app, client, mixed):
    alliance_id, round_id, tokens = mixed
    for token, score in zip(tokens, (5, 5, 2, 3, 3, 3), strict=True):
        _submit_via_web(client, token, score)
    report = _report(app, client, alliance_id, round_id)
    assert report["sides"]["A"]["submitted"] == 3
    for dim in report["dimensions"]:
        assert (dim["A"]["n"], dim["A"]["mean"]) == (3, pytest.approx(4.0))
        assert (dim["B"]["n"], dim["B"]["mean"]) == (3, pytest.approx(3.0))
        assert dim["gap"] == pytest.approx(1.0)
    # k = 3: English 1 and German 2 on side A are each below k; side B's 3 English are shown
    assert report["languages"] == {
        "A": {"en": "<k", "de": "<k", "fr": "<k", "es": "<k", "ja": "<k"},
        "B": {"en": 3, "de": "<k", "fr": "<k", "es": "<k", "ja": "<k"},
    }
    assert "panel" in report and "dimensions" in report  # an addition: nothing renamed


def test_analysis_is_the_same_whatever_the_languages(app, client, login, make_alliance, make_round):
    """The same scores answered all in English and in three languages give the same figures."""
    owner = login()
    reports = []
    for langs in (("en", "en", "en"), ("de", "ja", "fr")):
        alliance_id = make_alliance(owner=owner)
        round_id = make_round(alliance_id)
        people = [("A", lang) for lang in langs] + [("B", "es"), ("B", "en"), ("B", "en")]
        tokens = _people(app, round_id, people)
        for token, score in zip(tokens, (5, 4, 2, 3, 1, 3), strict=True):
            _submit_via_web(client, token, score)
        reports.append(_report(app, client, alliance_id, round_id))
    english, mixed = reports
    for key in ("dimensions", "questions", "health_index", "alignment_index", "rag", "sides", "panel"):
        assert mixed[key] == english[key], key
    assert english["dimensions"][0]["A"]["mean"] == pytest.approx(11 / 3)
    assert english["languages"]["A"] == {"en": 3, "de": "<k", "fr": "<k", "es": "<k", "ja": "<k"}


def test_language_switch_keeps_answers_and_is_remembered(app, client, mixed):
    _alliance, _round, tokens = mixed
    page = _page(client, tokens[2])  # English, step 1
    keys = _keys(page)[:2]
    data = {f"q-{keys[0]}": "4", f"q-{keys[1]}": "na", "c-milestones": "Gut so", "step": "1"}
    data |= {"action": "lang-de", "csrf_token": CSRF_RE.search(page).group(1)}
    switched = client.post(f"/r/{tokens[2]}/answer", data=data)
    assert switched.status_code == 303 and "step=1" in switched.headers["Location"]
    again = app.test_client().get(f"/r/{tokens[2]}/answer?step=1").get_data(as_text=True)
    assert '<html lang="de">' in again and "Weiter: Finanzen und Budget" in again
    assert re.search(rf'name="q-{keys[0]}" value="4" checked', again)
    assert re.search(rf'name="q-{keys[1]}" value="na" checked', again)
    assert "Gut so" in again
    with app.app_context():
        assert db.session.get(Invitation, 3).language == "de"
    # the welcome page's switch (no answers there) back to English
    welcome = client.get(f"/r/{tokens[2]}").get_data(as_text=True)
    back = client.post(
        f"/r/{tokens[2]}/language", data={"action": "lang-en", "csrf_token": CSRF_RE.search(welcome).group(1)}
    )
    assert back.status_code == 303
    assert '<html lang="en">' in client.get(f"/r/{tokens[2]}").get_data(as_text=True)
    # a bad code changes nothing
    client.post(
        f"/r/{tokens[2]}/language", data={"action": "lang-xx", "csrf_token": CSRF_RE.search(welcome).group(1)}
    )
    with app.app_context():
        assert db.session.get(Invitation, 3).language == "en"


def test_language_switch_without_csrf_changes_nothing(app, client, mixed):
    _alliance, _round, tokens = mixed
    client.post(f"/r/{tokens[2]}/language", data={"action": "lang-ja"})
    with app.app_context():
        assert db.session.get(Invitation, 3).language == "en"


def _outbox(app) -> list:
    parser = BytesParser(policy=policy.default)
    folder = Path(app.instance_path) / "outbox"
    return [parser.parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def test_emails_speak_the_invitation_language(app, make_alliance, make_round):
    from healthcheck.jobs import delivery

    alliance_id = make_alliance()
    with app.app_context():
        alliance = db.session.get(Alliance, alliance_id)
        alliance.side_b_language = "ja"  # the side's default
        db.session.commit()
    round_id = make_round(alliance_id)
    _people(app, round_id, [("A", "de"), ("A", None), ("B", None), ("B", "fr")], hand_out=False)
    with app.app_context():
        delivery.deliver_due()
    mails = {m["To"]: m for m in _outbox(app)}
    body = {to: m.get_body(("plain",)).get_content() for to, m in mails.items()}
    html = {to: m.get_body(("html",)).get_content() for to, m in mails.items()}
    assert mails["p0@x.example"]["Subject"].startswith("Health Check von Alliance")
    assert "Guten Tag P 0," in body["p0@x.example"] and "Bitte antworten Sie bis" in body["p0@x.example"]
    assert 'lang="de"' in html["p0@x.example"] and "Zum Health Check" in html["p0@x.example"]
    assert "Hello P 1," in body["p1@x.example"]  # side A's default: English
    assert mails["p2@x.example"]["Subject"].endswith("までにご回答ください")  # side B's default: Japanese
    assert "P 2 様" in body["p2@x.example"]
    assert "Bonjour P 3," in body["p3@x.example"]  # the invitation's own language wins
    with app.app_context():
        langs = dict(db.session.execute(db.select(Invitation.email, Invitation.language)).all())
    assert langs == {"p0@x.example": "de", "p1@x.example": "en", "p2@x.example": "ja", "p3@x.example": "fr"}


def test_german_dates_in_emails_and_pages(app, client, mixed):
    _alliance, round_id, tokens = mixed
    with app.app_context():
        closes = db.session.get(Round, round_id).closes_on
    from babel.dates import format_date

    assert format_date(closes, format="long", locale="de") in client.get(f"/r/{tokens[0]}").get_data(
        as_text=True
    )


def test_csv_language_column(app, make_alliance, make_round):
    round_id = make_round(make_alliance())
    good = (
        "name,email,side,function,language\n"
        "Anna,anna@x.example,A,,de\nBen,ben@x.example,B,,\nCleo,cleo@x.example,B,,JA\n"
    )
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        issued = invitations.invite_csv(rnd, good, hand_out=True)
        db.session.commit()
        assert [i.invitation.language for i in issued] == ["de", "en", "ja"]
    bad = "name,email,side,function,language\nDora,dora@x.example,A,,de\nEmil,emil@x.example,A,,klingon\n"
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        with pytest.raises(invitations.InvalidInput) as refused:
            invitations.invite_csv(rnd, bad, hand_out=True)
        db.session.rollback()
        assert refused.value.problems == ["line 3: language: one of en, de, fr, es, ja (got 'klingon')"]
        assert {i.email for i in invitations.of_round(rnd)} == {
            "anna@x.example",
            "ben@x.example",
            "cleo@x.example",
        }
    # the four-column file without the column is still accepted (the side's default)
    old = "name,email,side,function\nFinn,finn@x.example,A,\n"
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        assert invitations.invite_csv(rnd, old, hand_out=True)[0].invitation.language == "en"


def test_alliance_form_sets_side_languages(app, client, login, make_alliance):
    owner = login()
    alliance_id = make_alliance(owner=owner)
    form = client.get(f"/alliances/{alliance_id}/edit").get_data(as_text=True)
    assert 'name="side_b_language"' in form
    data = {
        "csrf_token": CSRF_RE.search(form).group(1),
        "name": "Alliance 1",
        "side_a": "Aurora Pharma",
        "side_b": "Partner 1",
        "segment": "typical",
        "phase": "development",
        "alliance_type": "R&D",
        "k_anonymity": "3",
        "owners": owner,
        "side_a_language": "en",
        "side_b_language": "ja",
    }
    saved = client.post(f"/alliances/{alliance_id}/edit", data=data)
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:3000]
    with app.app_context():
        alliance = db.session.get(Alliance, alliance_id)
        assert (alliance.side_a_language, alliance.side_b_language) == ("en", "ja")
    bad = client.post(f"/alliances/{alliance_id}/edit", data=data | {"side_b_language": "xx"})
    assert bad.status_code in (200, 400) and "Not a valid choice" in bad.get_data(as_text=True)


def test_report_page_and_shared_view_state_languages(app, client, mixed):
    alliance_id, round_id, tokens = mixed
    for token, score in zip(tokens, (5, 5, 2, 3, 3, 3), strict=True):
        _submit_via_web(client, token, score)
    _report(app, client, alliance_id, round_id)
    page = client.get(f"/alliances/{alliance_id}/rounds/{round_id}/report").get_data(as_text=True)
    line = re.search(r'data-testid="languages-used">(.*?)</p>', page, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", line).split())
    assert "Aurora Pharma (A) : every language fewer than k = 3" in text
    assert "Partner 1 (B) : English 3; other languages fewer than k = 3 each" in text
    from healthcheck.services import sharing

    with app.app_context():
        _link, token = sharing.create(db.session.get(Round, round_id), None, days=5)
        db.session.get(Alliance, alliance_id).side_b_language = "fr"
        db.session.commit()
    shared = app.test_client().get(f"/shared/{token}").get_data(as_text=True)
    assert '<html lang="fr">' in shared and "rapport commun du bilan de santé" in shared
    assert "Langues utilisées" in shared
    german = app.test_client().get(f"/shared/{token}?lang=de").get_data(as_text=True)
    assert "gemeinsamer Health-Check-Bericht" in german


def test_single_invitation_form_takes_a_language(app, client, login, make_alliance, make_round):
    owner = login()
    alliance_id = make_alliance(owner=owner)
    round_id = make_round(alliance_id)
    base = f"/alliances/{alliance_id}/rounds/{round_id}"
    page = client.get(base).get_data(as_text=True)
    assert 'name="language"' in page
    person = {
        "side": "B",
        "function": "other",
        "delivery": "email",
        "csrf_token": CSRF_RE.search(page).group(1),
    }
    client.post(f"{base}/invite", data=person | {"name": "Jun", "email": "jun@x.example", "language": "ja"})
    client.post(f"{base}/invite", data=person | {"name": "Kai", "email": "kai@x.example", "language": ""})
    refused = client.post(
        f"{base}/invite", data=person | {"name": "Lu", "email": "lu@x.example", "language": "xx"}
    )
    assert refused.status_code == 400
    with app.app_context():
        langs = dict(db.session.execute(db.select(Invitation.email, Invitation.language)).all())
    assert langs == {"jun@x.example": "ja", "kai@x.example": "en"}


def test_staff_pages_follow_the_browser_or_a_remembered_choice(app):
    browser = app.test_client()
    assert '<html lang="en">' in browser.get("/login").get_data(as_text=True)
    german = browser.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in german.get_data(as_text=True)
    chosen = app.test_client()
    assert '<html lang="ja">' in chosen.get("/login?lang=ja").get_data(as_text=True)
    assert '<html lang="ja">' in chosen.get("/login").get_data(as_text=True)  # remembered
    chosen.get("/login?lang=xx")
    assert '<html lang="ja">' in chosen.get("/login").get_data(as_text=True)  # a bad code changes nothing
