# ruff: noqa: F811 - the fixtures imported from the issue 15 tests are parameters here
"""Issue 17 item 4: partner pages and every email in the reader's language; the staff
user's own language preference (pages and emails); its migration."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import func, inspect, select

from healthcheck.extensions import db
from healthcheck.jobs import delivery, runner
from healthcheck.models import Alliance, AuditEvent, Round, User
from healthcheck.models.base import utcnow
from healthcheck.services import review_links, review_publication, rounds, users
from tests.conftest import CSRF_RE, csrf_token
from tests.functional.test_i15_1_joint_review import OWNER, closed  # noqa: F401 - the fixture
from tests.functional.test_i15_3_action_followup import (  # noqa: F401 - the fixtures
    D0,
    LINK,
    alliance,
    make_action,
    owner,
)
from tests.servers import start_smtp


def _outbox(app) -> list:
    parser = BytesParser(policy=policy.default)
    folder = Path(app.instance_path) / "outbox"
    return [parser.parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def _set_side_language(app, alliance_id: int, side: str, code: str) -> None:
    with app.app_context():
        alliance = db.session.get(Alliance, alliance_id)
        setattr(alliance, f"side_{side.lower()}_language", code)
        db.session.commit()


def _text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


# --- the joint review, as a German partner reviewer -----------------------------------------


def test_german_partner_reviewer_gets_the_invitation_and_the_review_page_in_german(app, client, closed):  # noqa: F811
    alliance_id, round_id = closed()
    _set_side_language(app, alliance_id, "B", "de")
    with app.app_context():
        review_links.add_reviewer(db.session.get(Round, round_id), "Pia Partner", "pia@partner.example", None)
        db.session.commit()
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
    mail = next(m for m in _outbox(app) if m["To"] == "pia@partner.example")
    assert (
        mail["Subject"]
        == "Aurora Pharma bittet Sie, den Health-Check-Bericht 2026-Q4 von Alliance 1 zu prüfen"
    )
    assert "Guten Tag Pia Partner," in _text(mail)
    assert "bevor er dem Lenkungsausschuss vorgelegt wird" in _text(mail)
    token = re.search(r"/review/(\S+)", _text(mail)).group(1)

    html = client.get(f"/review/{token}").get_data(as_text=True)
    assert '<html lang="de"' in html
    assert "Befunde: Sind sich beide Organisationen einig?" in html
    assert "Gemeinsame Maßnahme vorschlagen" in html and "Verantwortlich bei Partner 1 (E-Mail)" in html
    assert "stimmt zu" in html and "Warum (optional)" in html
    assert "Findings: do both organisations agree?" not in html and "Propose a joint action" not in html

    english = client.get(f"/review/{token}?lang=en").get_data(as_text=True)  # the reviewer switches
    assert "Findings: do both organisations agree?" in english and '<html lang="en"' in english


def test_the_partner_reviewers_flash_message_speaks_their_language_and_keeps_their_choice(
    app,
    client,
    closed,  # noqa: F811
):
    alliance_id, round_id = closed()
    _set_side_language(app, alliance_id, "B", "fr")
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        review_links.add_reviewer(rnd, "Paul", "paul@partner.example", None)
        db.session.commit()
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
        finding = review_first_finding(rnd)
    token = re.search(r"/review/(\S+)", _text(_outbox(app)[-1])).group(1)
    page = client.get(f"/review/{token}").get_data(as_text=True)
    csrf = CSRF_RE.search(page).group(1)
    response = client.post(
        f"/review/{token}/comment",
        data={"csrf_token": csrf, "finding": finding, "stance": "agree", "text": "oui"},
        follow_redirects=True,
    )
    assert "Votre commentaire figure dans la revue." in response.get_data(as_text=True)
    spanish = client.post(
        f"/review/{token}/comment?lang=es",
        data={"csrf_token": csrf, "finding": finding, "stance": "agree", "text": "sí"},
    )
    assert "lang=es" in spanish.headers["Location"]  # back to the page in the language chosen
    page = client.get(spanish.headers["Location"]).get_data(as_text=True)
    assert "Su comentario está en la revisión." in page


def review_first_finding(rnd) -> str:
    from healthcheck.services import review_pages

    return review_pages.page_context(rnd, "B")["findings"][0]["id"]


def test_the_owners_review_page_speaks_side_a_language_unless_they_chose_one(app, client, closed):  # noqa: F811
    alliance_id, round_id = closed()
    _set_side_language(app, alliance_id, "A", "es")
    token = csrf_token(client)
    client.post("/login", data={"email": OWNER, "password": "correct-horse-battery", "csrf_token": token})
    url = f"/alliances/{alliance_id}/rounds/{round_id}/review"
    assert "Revisores en Partner 1" in client.get(url).get_data(as_text=True)
    assert "Reviewers at Partner 1" in client.get(url + "?lang=en").get_data(as_text=True)


def test_a_withdrawn_review_link_says_so_in_the_partner_language(app, client, closed):  # noqa: F811
    alliance_id, round_id = closed()
    _set_side_language(app, alliance_id, "B", "ja")
    with app.app_context():
        reviewer = review_links.add_reviewer(
            db.session.get(Round, round_id), "Ken", "ken@partner.example", None
        )
        db.session.commit()
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
        reviewer_id = reviewer.id
    token = re.search(r"/review/(\S+)", _text(_outbox(app)[-1])).group(1)
    with app.app_context():
        from healthcheck.models import Reviewer

        review_links.revoke_reviewer(db.session.get(Reviewer, reviewer_id), None)
        db.session.commit()
    response = client.get(f"/review/{token}")
    assert response.status_code == 410
    assert "このリンクは取り消されました" in response.get_data(as_text=True)


# --- the check-in page, in Japanese ---------------------------------------------------------


def test_japanese_action_owner_gets_the_checkin_email_and_page_in_japanese(
    app, client, alliance, make_action
):  # noqa: F811
    _set_side_language(app, alliance, "B", "ja")
    make_action(status="done", completed_at=D0)
    with app.app_context():
        runner.run("action_followup", D0 + timedelta(days=31))
        runner.run("deliver_mail", D0 + timedelta(days=31))
    by_to = {m["To"]: m for m in _outbox(app)}
    partner, ours = by_to["per@nordvik.example"], by_to["olivia@aurora.example"]
    assert partner["Subject"] == "Nordvik の共同アクションについて1つだけ質問です：役に立ちましたか？"
    assert ours["Subject"] == "One question about a joint action of Nordvik: did it help?"  # side A: English
    token = LINK.search(_text(partner)).group(1)

    html = client.get(f"/checkin/{token}").get_data(as_text=True)
    assert '<html lang="ja"' in html
    assert "<h1>役に立ちましたか？</h1>" in html
    assert "まったく役立たなかった" in html and "回答を送信" in html
    assert "Send my answer" not in html and "not at all" not in html
    csrf = CSRF_RE.search(html).group(1)
    thanks = client.post(f"/checkin/{token}", data={"csrf_token": csrf, "score": "4"})
    assert thanks.status_code == 200 and "回答（5段階中 4）を保存しました。" in thanks.get_data(as_text=True)
    assert "回答済み" in client.get(f"/checkin/{token}").get_data(as_text=True)
    assert "Already answered" in client.get(f"/checkin/{token}?lang=en").get_data(as_text=True)


# --- the staff user's language preference ---------------------------------------------------


def test_a_user_sets_their_language_on_their_own_page_and_staff_pages_follow_it(app, client, login):
    login("lea@example.com")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert 'action="/account/language"' in page and 'name="language"' in page
    token = CSRF_RE.search(page).group(1)
    response = client.post("/account/language", data={"csrf_token": token, "language": "fr"})
    assert response.status_code == 302
    with app.app_context():
        user = users.by_email("lea@example.com")
        assert user.language == "fr"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.language"))
        assert event is not None and event.actor_id == user.id
    page = client.get("/account/tokens").get_data(as_text=True)
    assert '<html lang="fr"' in page and "Votre langue est enregistrée." in page
    assert '<option value="fr" lang="fr" selected>' in page
    assert '<html lang="de"' in client.get("/account/tokens?lang=de").get_data(as_text=True)  # ?lang= wins

    client.post("/account/language", data={"csrf_token": token, "language": ""})  # back to the browser's
    with app.app_context():
        assert users.by_email("lea@example.com").language is None


def test_an_unknown_language_is_refused_and_nothing_changes(app, client, login):
    login("lea@example.com")
    token = csrf_token(client, "/account/tokens")
    response = client.post(
        "/account/language", data={"csrf_token": token, "language": "xx"}, follow_redirects=True
    )
    assert "language: one of en, de, fr, es, ja (got &#39;xx&#39;)" in response.get_data(as_text=True)
    with app.app_context():
        assert users.by_email("lea@example.com").language is None


def test_without_a_csrf_token_the_language_is_not_changed(app, client, login):
    login("lea@example.com")
    assert client.post("/account/language", data={"language": "fr"}).status_code == 400
    with app.app_context():
        assert users.by_email("lea@example.com").language is None


def test_a_french_staff_user_gets_the_round_closed_email_in_french_through_a_real_smtp_server(
    app, make_app
):  # ``app`` builds the schema and the questionnaire library
    from healthcheck.services import alliances, invitations, questionnaires

    controller, port, received = start_smtp()
    try:
        smtp_app = make_app(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
        start = datetime(2026, 3, 2, 9, 0)
        with smtp_app.app_context():
            users.create("claire@example.com", "manager", "correct-horse-battery").language = "fr"
            users.create("sam@example.com", "manager", "correct-horse-battery")
            db.session.flush()
            alliance = alliances.save(
                alliances.AllianceData(
                    "Quarterly",
                    "Aurora",
                    "Helix",
                    "complex",
                    owner_emails=["claire@example.com", "sam@example.com"],
                ),
                None,
            )
            rnd = rounds.create(
                alliance,
                questionnaires.latest("alliance-health-check"),
                "2026-Q1",
                start.date(),
                start.date() + timedelta(days=21),
                today=start.date(),
            )
            invitations.invite(rnd, [invitations.Invitee("P", "p@x.example", "A")])
            rounds.open_round(rnd, now=start)
            rounds.close_round(rnd)
            db.session.commit()
            runner.run("deliver_mail", utcnow() + timedelta(seconds=1))
    finally:
        controller.stop()
    parser = BytesParser(policy=policy.default)
    by_to = {e.rcpt_tos[0]: parser.parsebytes(e.content) for e in received}
    french, english = by_to["claire@example.com"], by_to["sam@example.com"]
    # nobody answered: the figures are hidden under k = 3
    assert french["Subject"] == (
        "Le bilan de santé 2026-Q1 de Quarterly est clos — "
        "certains chiffres sont masqués (moins de k = 3 réponses)"
    )
    assert english["Subject"] == (
        "Health check 2026-Q1 of Quarterly is closed — some figures are hidden (fewer than k = 3 answered)"
    )
    body = french.get_body(("plain",)).get_content()
    assert (
        "Le bilan de santé 2026-Q1 de « Quarterly » est clos. Certains de ses chiffres sont masqués :" in body
    )
    assert "La règle d’anonymat (k = 3) a été promise à tous les répondants" in body
    assert "Réponses : Aurora 0/1, Helix 0/0" in body
    assert "Ouvrir le rapport" in french.get_body(("html",)).get_content()
    assert "The report:" in english.get_body(("plain",)).get_content()


# --- the migration --------------------------------------------------------------------------


def test_the_user_language_migration_goes_down_and_up(app):
    from flask_migrate import downgrade, upgrade

    directory = app.extensions["migrate"].directory

    def columns() -> set[str]:
        with app.app_context():
            db.session.remove()
            return {c["name"] for c in inspect(db.engine).get_columns("users")}

    assert "language" in columns()
    with app.app_context():
        downgrade(directory=directory, revision="a17a0c0a0001")
    try:
        assert "language" not in columns()
    finally:
        with app.app_context():
            upgrade(directory=directory)  # never leave a shared test database downgraded
    assert "language" in columns()
    with app.app_context():
        user = users.create("mig@example.com", "viewer", "correct-horse-battery")
        user.language = "ja"
        db.session.commit()
        assert db.session.scalar(select(User.language).where(User.email == "mig@example.com")) == "ja"


def test_the_publication_email_speaks_german_to_the_partner_reviewer_and_english_to_the_owner(app, closed):
    alliance_id, round_id = closed()
    _set_side_language(app, alliance_id, "B", "de")
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        review_links.add_reviewer(rnd, "Pia Partner", "pia@partner.example", None)
        db.session.commit()
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
        review_publication.publish(rnd, None)
        db.session.commit()
        delivery.deliver_due(utcnow() + timedelta(seconds=2))
    published = {m["To"]: m for m in _outbox(app)}  # each person's newest message
    assert published["pia@partner.example"]["Subject"] == (
        "Health Check 2026-Q4 von Alliance 1: Die gemeinsame Prüfung ist veröffentlicht"
    )
    assert "Guten Tag," in _text(published["pia@partner.example"])
    assert published[OWNER]["Subject"] == "Health check 2026-Q4 of Alliance 1: the joint review is published"


def test_the_panel_check_page_speaks_the_partner_side_language(
    app, client, make_user, make_alliance, make_round
):
    from healthcheck.services import panel_check

    make_user("mo@example.com")
    alliance_id = make_alliance(owner="mo@example.com", name="Iberia")
    _set_side_language(app, alliance_id, "B", "es")
    round_id = make_round(alliance_id, status="draft")
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        assert rnd.status == "draft"
        _, token = panel_check.create(rnd, users.by_email("mo@example.com"), "Lucía", "lucia@b.example", 14)
        db.session.commit()
    html = client.get(f"/panel/{token}").get_data(as_text=True)
    assert '<html lang="es"' in html
    assert "Iberia — quién está invitado por Partner 1" in html
    assert "Todavía no hay nadie invitado por Partner 1." in html
    assert "who is invited for" not in html
    assert "who is invited for Partner 1" in client.get(f"/panel/{token}?lang=en").get_data(as_text=True)


def test_a_personal_links_language_choice_is_not_the_staff_sessions(
    app, client, login, make_alliance, make_round
):
    """?lang= on a page opened with a personal link speaks for that page only: a staff user who
    opens it keeps their own language on their pages."""
    from healthcheck.services import panel_check

    login("mo@example.com")
    alliance_id = make_alliance(owner="mo@example.com")
    round_id = make_round(alliance_id, status="draft")
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        _, token = panel_check.create(rnd, users.by_email("mo@example.com"), "Lucía", "lucia@b.example", 14)
        db.session.commit()
    assert '<html lang="ja"' in client.get(f"/panel/{token}?lang=ja").get_data(as_text=True)
    assert '<html lang="en"' in client.get("/account/tokens").get_data(as_text=True)
    assert '<html lang="ja"' in client.get("/account/tokens?lang=ja").get_data(
        as_text=True
    )  # a staff page: kept
    assert '<html lang="ja"' in client.get("/account/tokens").get_data(as_text=True)


def test_a_refused_comment_tells_the_partner_why_in_their_language(app, client, closed):  # noqa: F811
    """The service's problems (stance missing, comment too long) reach the page translated;
    the API and logs keep the English sentence (the value of the problem)."""
    alliance_id, round_id = closed()
    _set_side_language(app, alliance_id, "B", "de")
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        review_links.add_reviewer(rnd, "Pia", "pia@partner.example", None)
        db.session.commit()
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
        finding = review_first_finding(rnd)
    token = re.search(r"/review/(\S+)", _text(_outbox(app)[-1])).group(1)
    csrf = CSRF_RE.search(client.get(f"/review/{token}").get_data(as_text=True)).group(1)
    refused = client.post(
        f"/review/{token}/comment",
        data={"csrf_token": csrf, "finding": finding, "stance": "", "text": "x" * 2001},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Haltung: wählen Sie Zustimmung oder Ablehnung" in refused
    assert "Kommentar: höchstens 2000 Zeichen" in refused
    assert "choose agree or disagree" not in refused
    with app.app_context():
        from healthcheck.models import ReviewComment

        assert db.session.scalar(select(func.count()).select_from(ReviewComment)) == 0


def test_the_owners_round_closed_and_digest_emails_say_their_warnings_in_the_owners_language(
    app, make_user, make_alliance, make_round, invite, answer_all
):
    """The early warnings inside staff emails are rebuilt from the round's report in the
    reader's language (3 of 6 invited on side A answered: 50 %, below 60 %)."""
    from healthcheck.services import rounds, scheduling

    make_user("claire@example.com")
    with app.app_context():
        users.by_email("claire@example.com").language = "fr"
        db.session.commit()
    alliance_id = make_alliance(owner="claire@example.com", name="Quartz")
    round_id = make_round(alliance_id, status="open")
    tokens = invite(round_id, "AAAAAABBB")
    for token in tokens[:3] + tokens[6:]:
        answer_all(token, score=4)
    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
        scheduling.queue_digests(utcnow())
        db.session.commit()
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
    mails = [m for m in _outbox(app) if m["To"] == "claire@example.com"]
    closed_mail = next(m for m in mails if "est clos" in m["Subject"])
    digest = next(m for m in mails if "cette semaine" in m["Subject"])
    for mail in (closed_mail, digest):
        text = _text(mail)
        assert "Only 50% of invited" not in text
        assert re.search(
            r"Seuls 50\s?% des répondants invités de .+ ont répondu \(moins de 60\s?%\)\.", text
        ), text
    assert "Alertes précoces :" in _text(closed_mail)
