"""Issue 17 item 4: the staff pages speak the language chosen in the header (``?lang=``).

The German and Japanese words below are the catalogues' translations, picked by hand from
healthcheck/translations/<lang>/LC_MESSAGES/messages.po; the English ones are the templates'.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2] / "healthcheck"
HEADING_RE = re.compile(r"<(h[1-6]|th|legend|button|label|caption)\b[^>]*>(.*?)</\1>", re.S)
TAG_RE = re.compile(r"<[^>]+>")


def _headings(page: str) -> list[str]:
    found = []
    for _, inner in HEADING_RE.findall(page):
        text = " ".join(html.unescape(TAG_RE.sub(" ", inner)).split())
        if text:
            found.append(text)
    return found


def _staff_msgids() -> set[str]:
    """The English texts marked in the staff templates (what must not be left in German)."""
    ids = set()
    for path in (ROOT / "web").rglob("*.html"):
        if any(p in path.parts for p in ("mail", "respond", "review", "checkin", "steering", "reports")):
            continue
        for m in extract_from_file("jinja2", str(path), keywords={"_": None, "ngettext": (1, 2)}):
            ids |= {m[1]} if isinstance(m[1], str) else set(m[1])
    return ids


def _english_left(page: str) -> list[str]:
    """Headings, table headers, labels and buttons still showing a staff template's English
    text where the page's language has a different word for it."""
    code = re.search(r'<html lang="(\w+)">', page).group(1)
    with open(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f, locale=code)
    english = {
        i for i in _staff_msgids() if "%" not in i and catalogue.get(i) and catalogue.get(i).string != i
    }
    return [h for h in _headings(page) if h in english]


@pytest.fixture
def staff_round(login, make_alliance, make_round, invite):
    owner = login()
    alliance_id = make_alliance(owner=owner, name="Helix")
    round_id = make_round(alliance_id)
    return alliance_id, round_id


def test_german_manager_pages_after_choosing_deutsch(client, staff_round):
    alliance_id, round_id = staff_round
    portfolio = client.get("/portfolio?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in portfolio
    assert '<a href="/portfolio?lang=de" lang="de" hreflang="de" aria-current="true"' in portfolio
    for german in ("Nächster Health Check", "Mittlere Gesundheit", "Neue Allianz", "Abmelden", "Allianz"):
        assert german in _headings(portfolio) or german in portfolio, german
    assert _english_left(portfolio) == []

    # the choice stays for the session: no ?lang on the next pages
    alliance = client.get(f"/alliances/{alliance_id}").get_data(as_text=True)
    for german in ("Zeitplan", "Runden", "Fragebogen", "Endet"):
        assert german in _headings(alliance), german
    assert "Neue Runde" in alliance and "Briefing für eine Nachfolge" in alliance
    assert _english_left(alliance) == []

    rnd = client.get(f"/alliances/{alliance_id}/rounds/{round_id}").get_data(as_text=True)
    for german in ("Antworten", "Einladungen", "Eine Person einladen", "Viele einladen (CSV)", "Mehr Zeit"):
        assert german in _headings(rnd), german
    assert "Runde 2026-Q4" in rnd and "offen" in rnd  # the status word, not the stored code
    assert _english_left(rnd) == []


def test_german_admin_pages(client, login):
    login("admin@example.com", role="admin")
    users = client.get("/admin/users?lang=de").get_data(as_text=True)
    for german in ("Konten", "Neues Konto", "Konto anlegen", "Rolle", "Kapazität (VZÄ)"):
        assert german in _headings(users), german
    assert "Administrator" in users and "Job-Läufe" in users and "Audit-Log" in users
    assert _english_left(users) == []
    jobs = client.get("/admin/jobs").get_data(as_text=True)
    assert "Letzter Lauf jedes Jobs" in _headings(jobs) and _english_left(jobs) == []
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "Wann (UTC)" in _headings(audit) and _english_left(audit) == []
    library = client.get("/admin/questionnaires").get_data(as_text=True)
    assert "Fragebögen" in _headings(library) and _english_left(library) == []


def test_japanese_round_page(client, staff_round):
    alliance_id, round_id = staff_round
    rnd = client.get(f"/alliances/{alliance_id}/rounds/{round_id}?lang=ja").get_data(as_text=True)
    assert '<html lang="ja">' in rnd
    for japanese in ("回答", "招待", "1 人を招待", "期間の延長"):
        assert japanese in _headings(rnd), japanese
    assert "ラウンド 2026-Q4" in rnd and "ログアウト" in rnd
    assert _english_left(rnd) == []


def test_english_stays_the_default_and_can_be_chosen_back(client, staff_round):
    alliance_id, _ = staff_round
    assert "Schedule" in _headings(client.get(f"/alliances/{alliance_id}").get_data(as_text=True))
    client.get("/portfolio?lang=fr")
    assert "Calendrier" in _headings(client.get(f"/alliances/{alliance_id}").get_data(as_text=True))
    back = client.get(f"/alliances/{alliance_id}?lang=en").get_data(as_text=True)
    assert "Schedule" in _headings(back) and "Calendrier" not in back


def test_flash_and_confirmation_follow_the_language(client, staff_round):
    alliance_id, round_id = staff_round
    client.get("/portfolio?lang=es")
    ask = client.get(f"/alliances/{alliance_id}/rounds/{round_id}/close/confirm").get_data(as_text=True)
    assert "¿Cerrar la ronda 2026-Q4?" in ask and "Esto no se puede deshacer." in ask
    assert "Sí, cerrar la ronda" in ask and "Cancelar" in ask


def test_login_page_has_the_switch_and_speaks_japanese(client):
    page = client.get("/login?lang=ja").get_data(as_text=True)
    assert '<nav class="lang-switch' in page and 'aria-current="true"' in page
    assert "ログイン" in _headings(page) and "パスワード" in _headings(page)
    assert _english_left(page) == []


def test_the_language_chosen_on_the_login_page_stays_after_login_and_logout(client, make_user):
    from tests.conftest import csrf_token

    make_user()
    client.get("/login?lang=de")
    token = csrf_token(client)
    login = {"email": "manager@example.com", "password": "correct-horse-battery", "csrf_token": token}
    done = client.post("/login", data=login)
    assert done.status_code == 302
    portfolio = client.get("/portfolio").get_data(as_text=True)
    assert '<html lang="de">' in portfolio and "Abmelden" in portfolio
    client.post("/logout", data={"csrf_token": csrf_token(client, "/portfolio")})
    assert "Anmelden" in _headings(client.get("/login").get_data(as_text=True))


def test_staff_report_page_switches_and_the_shared_report_keeps_its_own_switch(
    app, client, login, make_alliance, make_round
):
    from healthcheck.extensions import db
    from healthcheck.models import Round
    from healthcheck.services import sharing

    alliance_id = make_alliance(owner=login())
    round_id = make_round(alliance_id, status="closed")
    report = client.get(f"/alliances/{alliance_id}/rounds/{round_id}/report?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in report and 'class="lang-switch' in report
    assert "Zeitplan" in _headings(client.get(f"/alliances/{alliance_id}").get_data(as_text=True))
    with app.app_context():
        _link, token = sharing.create(db.session.get(Round, round_id), None, days=5)
        db.session.commit()
    shared = app.test_client().get(f"/shared/{token}?lang=ja").get_data(as_text=True)
    assert '<html lang="ja">' in shared
    assert 'class="lang-switch' not in shared and shared.count('aria-label="言語"') == 1


def test_a_page_answering_a_post_offers_no_language_links_that_would_405(client, post, staff_round):
    """A confirmation shown in answer to a POST lives at a POST-only address: a ?lang= link there
    answered 405. The switch is left out of such pages; the GET confirmation keeps it."""
    alliance_id, round_id = staff_round
    base = f"/alliances/{alliance_id}/rounds/{round_id}"
    assert post(f"{base}/open", token_from=base).status_code == 302
    asked = post(f"{base}/close", token_from=base)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Close round 2026-Q4?" in page
    assert '<nav class="lang-switch' not in page
    assert client.get(f"{base}/close?lang=de").status_code == 405  # what the link would have done
    assert '<nav class="lang-switch' in client.get(f"{base}/close/confirm").get_data(as_text=True)
