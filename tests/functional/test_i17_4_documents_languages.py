"""Issue 17 item 4: the successor's briefing and the supplier business review speak the staff
page's language (page, HTML and PDF downloads), and the briefing attached to a handoff email
speaks the recipient's (their ``users.language``)."""

from __future__ import annotations

import subprocess
from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

from healthcheck.extensions import db
from healthcheck.models import Action, ActionCheckin, Alliance
from tests.conftest import csrf_token
from tests.functional.test_i16_1_facts_pages import _delivery, _login, supplier  # noqa: F401 - fixture
from tests.functional.test_i16_5_briefing import NORTH_STAR, _log_in, _story


def _pdf_text(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def _flat(html: str) -> str:
    return " ".join(html.split())


def test_the_briefing_page_and_its_pdf_speak_german_when_the_page_is_german(
    app, client, make_user, make_alliance, make_round, invite, answer_all, tmp_path
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    with app.app_context():
        from healthcheck.services import actions

        alliance = db.session.get(Alliance, alliance_id)
        data = actions.ActionData("Re-plan the CMC timeline", "Maria", date.today(), dimension="milestones")
        actions.create(alliance, data, None)
        db.session.commit()
    _log_in(client, "manager@example.com")
    page = _flat(client.get(f"/alliances/{alliance_id}/briefing?lang=de").get_data(as_text=True))
    # the action's dimension under the questionnaire's German title
    assert "<td>Re-plan the CMC timeline</td><td>Meilensteine und Umsetzung</td>" in page
    assert "Helix — Briefing für eine Nachfolge" in page
    for heading in (
        "Segment und Begründung",
        "Kontakte",
        "Die letzten Health-Checks (bis zu drei)",
        "Offene Maßnahmen",
        "Im letzten Jahr abgeschlossene Maßnahmen",
        "Notizen, Entscheidungen und Meilensteine des letzten Jahres",
    ):
        assert f">{heading}</h2>" in page, heading
    assert "Dies ist eine Allianz im Segment typisch." in page
    # the note's kind in German, its title as written
    assert "Entscheidung: Second site for fill-finish" in page
    assert "„Hat es geholfen?“ Partner 1 4/5" in page
    assert "Open actions" not in page and "Segment and why" not in page
    response = client.get(f"/alliances/{alliance_id}/briefing.pdf")  # the session keeps German
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data, tmp_path, "briefing.pdf")
    assert "Helix — Briefing für eine Nachfolge" in text
    assert "Segment und Begründung" in text and "Offene Maßnahmen" in text
    assert "Notizen, Entscheidungen und Meilensteine des letzten Jahres" in text
    assert NORTH_STAR in text and "Monthly joint CMC review" in text  # what people wrote stays as written
    assert "Open actions" not in text and "briefing for a successor" not in text


def test_the_briefing_stays_english_by_default(
    app, client, make_user, make_alliance, make_round, invite, answer_all
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    _log_in(client, "manager@example.com")
    page = _flat(client.get(f"/alliances/{alliance_id}/briefing").get_data(as_text=True))
    assert ">Open actions</h2>" in page and "This is a typical alliance." in page
    assert "decision: Second site for fill-finish" in page and "Offene Maßnahmen" not in page


def test_the_business_review_page_html_and_pdf_speak_french_when_the_page_is_french(
    app,
    client,
    supplier,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    alliance, _, closes_on = supplier
    with app.app_context():
        from healthcheck.services import facts

        facts.save(db.session.get(Alliance, alliance), "delivery", _delivery(closes_on), None)
        action = Action(
            alliance_id=alliance, title="Second filling line qualified", owner="Owner", due_on=closes_on,
            visibility="joint", status="in_progress",
        )  # fmt: skip
        db.session.add(action)
        db.session.flush()
        db.session.add(ActionCheckin(action_id=action.id, side="B", email="p@example.com", score=None))
        db.session.commit()
    _login(client, "owner@example.com")
    page = _flat(client.get(f"/alliances/{alliance}/business-review?lang=fr").get_data(as_text=True))
    headings = (
        "Définir — périmètre et étoile polaire",
        "Mesurer — indicateurs de livraison et bilan de santé",
        "Analyser — écarts et incohérences",
        "Améliorer — actions communes",
        "Contrôler — points de suivi et prochaine revue",
    )
    order = [page.index(f">{h}</h2>") for h in headings]
    assert order == sorted(order)
    assert "segment typique" in page and "fournisseur Partner 1 (B)" in page
    assert "<td>en cours</td>" in page  # the action's status in French
    assert '<th scope="row">Qualité</th>' in page  # the questionnaire's French dimension title
    assert "Prochaine revue d’activité : <strong>" in page
    assert "Define — scope" not in page and "Next business review" not in page
    html = client.get(f"/alliances/{alliance}/business-review.html")
    body = _flat(html.get_data(as_text=True))
    assert '<html lang="fr">' in body and "Kemwerk Supply — revue d’activité fournisseur" in body
    assert all(f">{h}</h2>" in body for h in headings)
    pdf = client.get(f"/alliances/{alliance}/business-review.pdf")
    text = _pdf_text(pdf.data, tmp_path, "review.pdf")
    assert "Kemwerk Supply — revue d’activité fournisseur" in text
    assert "Contrôler — points de suivi et prochaine revue" in text
    assert "Ship every batch right first time" in text
    assert "Control — check-ins" not in text


def test_the_handoff_email_attaches_the_briefing_in_the_new_owners_language(
    app, client, make_user, make_alliance, make_round, invite, answer_all, tmp_path
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    make_user("claire@example.com", "manager")
    with app.app_context():
        from healthcheck.services import users

        users.by_email("claire@example.com").language = "fr"
        db.session.commit()
    _log_in(client, "manager@example.com")  # the one who hands over reads English
    form = {
        "csrf_token": csrf_token(client, f"/alliances/{alliance_id}/timeline"),
        "new_owner": "claire@example.com",
        "body": "Watch the CMC review.",
        "confirmed": "yes",
    }
    assert client.post(f"/alliances/{alliance_id}/handoff", data=form).status_code == 302
    with app.app_context():
        from healthcheck.jobs import delivery

        delivery.deliver_due()
    parsed = [
        BytesParser(policy=policy.default).parsebytes(p.read_bytes())
        for p in (Path(app.instance_path) / "outbox").glob("*.eml")
    ]
    (mail,) = [m for m in parsed if m["To"] == "claire@example.com"]
    assert mail["Subject"] == "Helix vous est confiée : le briefing de passation"
    (attached,) = list(mail.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    text = _pdf_text(attached.get_content(), tmp_path, "attached.pdf")
    assert "Helix — dossier pour un successeur" in text
    assert "Actions ouvertes" in text and "Contacts" in text and "Segment et raisons" in text
    assert "Il s’agit d’une alliance du segment typique." in text
    assert "Open actions" not in text and "Segment and why" not in text
    assert NORTH_STAR in text and "Watch the CMC review." in text


def test_the_briefing_renders_in_a_language_asked_for_japanese_included(
    app, make_user, make_alliance, make_round, invite, answer_all, tmp_path
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    with app.app_context():
        from healthcheck.services import briefing

        alliance = db.session.get(Alliance, alliance_id)
        html = _flat(briefing.render_html(alliance, language="ja"))
        assert '<html lang="ja">' in html and "Helix — 後任者向けブリーフィング" in html
        assert ">セグメントとその理由</h2>" in html and ">連絡先</h2>" in html
        english = _flat(briefing.render_html(alliance))  # no language: the current one (English here)
        assert '<html lang="en">' in english and ">Segment and why</h2>" in english
        text = _pdf_text(briefing.render_pdf(alliance, language="ja"), tmp_path, "ja.pdf")
    assert "Helix — 後任者向けブリーフィング" in text and "セグメントとその理由" in text


def test_the_business_review_export_renders_in_a_language_asked_for(app, supplier):  # noqa: F811
    alliance, _, _ = supplier
    with app.app_context():
        from healthcheck.services import business_review

        body, mimetype, name = business_review.export(
            db.session.get(Alliance, alliance), "html", language="es"
        )
        html = _flat(body.decode("utf-8"))
        assert mimetype.startswith("text/html") and name.startswith("kemwerk-supply-business-review")
        assert '<html lang="es">' in html and "Kemwerk Supply — revisión de negocio del proveedor" in html
        assert (
            ">Definir — alcance y estrella polar</h2>" in html
            and ">Controlar — seguimientos y próxima revisión</h2>" in html
        )
        assert '<th scope="row">Calidad</th>' in html  # the questionnaire's Spanish title
        english = _flat(business_review.export(db.session.get(Alliance, alliance), "html")[0].decode("utf-8"))
        assert ">Define — scope and North Star</h2>" in english


def test_the_briefings_disputed_findings_read_in_its_language(
    app, client, make_user, make_alliance, make_round, invite, answer_all
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    with app.app_context():
        from healthcheck.models import Round
        from healthcheck.services import review, review_links, review_thread, users

        rnd = db.session.scalar(db.select(Round).where(Round.alliance_id == alliance_id))
        reviewer = review_links.add_reviewer(rnd, "Pia", "pia@partner.example", None)
        db.session.flush()
        owner = review.Participant.owner(users.by_email("manager@example.com"))
        review_thread.comment(rnd, owner, "dimension:finance", "agree", "Finance looks fine to us.")
        review_thread.comment(
            rnd, review.Participant.partner(reviewer), "dimension:finance", "disagree", "Late."
        )
        db.session.commit()
    _log_in(client, "manager@example.com")
    page = _flat(client.get(f"/alliances/{alliance_id}/briefing?lang=de").get_data(as_text=True))
    assert ">Strittige Befunde</h2>" in page
    assert "2026-Q3 · Finanzen und Budget: Aurora Pharma stimmt zu, Partner 1 stimmt nicht zu" in page
    english = _flat(client.get(f"/alliances/{alliance_id}/briefing?lang=en").get_data(as_text=True))
    assert "2026-Q3 · Finance and budget: Aurora Pharma agrees, Partner 1 disagrees" in english


def test_the_demo_briefing_says_why_in_german_too(app, client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        from healthcheck.services import alliances

        lumen = alliances.by_name("Lumen Dermatology Co-promotion").id
    token = csrf_token(client)
    client.post(
        "/login", data={"email": "admin@example.com", "password": "demo-admin-2026", "csrf_token": token}
    )
    page = _flat(client.get(f"/alliances/{lumen}/briefing?lang=de").get_data(as_text=True))
    assert "Lena Leaver &lt;lena.leaver@example.com&gt; (Konto deaktiviert)" in page
    assert "Überprüfung des Segments empfohlen: typisch → komplex." in page
    assert "ist rot" in page and "braucht womöglich den Service des Segments komplex." in page
    assert "is red" not in page and "in trouble" not in page
