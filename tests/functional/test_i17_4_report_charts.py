"""Issue 17 item 4: the staff report page's own texts and its charts in the reader's language.

Set-up (``closed_round``): k = 3; side A (Aurora Pharma) has three people answering 5 to every
statement, side B (Partner 1) three answering 2: every dimension is shown. The German words
below are the catalogue's (healthcheck/translations/de/LC_MESSAGES/messages.po), picked by
hand: "Share with %(partner)s" → "Mit %(partner)s teilen", "Create partner link" →
"Partnerlink erstellen", "Is the gap real?" → "Ist der Abstand echt?", "gap (A − B)" →
"Abstand (A − B)", "← %(b)s rates higher · %(a)s rates higher →" → "← %(b)s bewertet höher ·
%(a)s bewertet höher →".
"""

from __future__ import annotations

import html

import pytest

from healthcheck.extensions import db
from healthcheck.models import Round

GERMAN_LEGEND = "Ist der Abstand echt?"
GERMAN_AXIS = "Abstand (A − B)"
GERMAN_SIDES = "← Partner 1 bewertet höher · Aurora Pharma bewertet höher →"
ENGLISH_LEGEND = "Is the gap real?"
ENGLISH_AXIS = "gap (A − B)"
ENGLISH_SIDES = "← Partner 1 rates higher · Aurora Pharma rates higher →"


@pytest.fixture
def closed_round(app, login, make_alliance, make_round, invite, answer_all):
    owner = login()
    alliance_id = make_alliance(owner=owner)
    round_id = make_round(alliance_id)
    tokens = invite(round_id, "AAABBB")
    for token in tokens[:3]:
        answer_all(token, 5)
    for token in tokens[3:]:
        answer_all(token, 2)
    from healthcheck.services import rounds

    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
    return alliance_id, round_id


def _text(page: str) -> str:
    return html.unescape(page)


def test_staff_report_page_in_german_has_german_wrapper_and_chart_words(client, closed_round):
    alliance_id, round_id = closed_round
    page = _text(
        client.get(f"/alliances/{alliance_id}/rounds/{round_id}/report?lang=de").get_data(as_text=True)
    )
    assert '<html lang="de">' in page
    for german in (
        '<h2 id="share" class="h5">Mit Partner 1 teilen</h2>',
        ">Partnerlink erstellen</button>",
        ">Läuft ab nach (Tagen)</label>",
        ">Zusätzlich einen persönlichen Link per E-Mail senden an (optional)</label>",
        'aria-label="Brotkrumennavigation"',
        'aria-current="page">Bericht</li>',
        ">Verlauf</a>",
    ):
        assert german in page, german
    for english in ("Share with Partner 1", "Create partner link", "Expires after (days)"):
        assert english not in page, english
    # the inline gap chart (SVG drawn by vl-convert) speaks German
    for german in (GERMAN_LEGEND, GERMAN_AXIS, GERMAN_SIDES):
        assert german in page, german
    assert ENGLISH_LEGEND not in page and ENGLISH_SIDES not in page

    # the download (the session keeps German): legend, axis and the file's own title
    svg = _text(
        client.get(f"/alliances/{alliance_id}/rounds/{round_id}/chart/gaps.svg").get_data(as_text=True)
    )
    for german in (
        GERMAN_LEGEND,
        GERMAN_AXIS,
        GERMAN_SIDES,
        "Health-Check",
        "Wahrnehmungsabstand je Dimension",
    ):
        assert german in svg, german
    assert ENGLISH_LEGEND not in svg

    # the same charts in English right after: never the German ones from the cache
    page = _text(
        client.get(f"/alliances/{alliance_id}/rounds/{round_id}/report?lang=en").get_data(as_text=True)
    )
    assert ">Create partner link</button>" in page
    for english in (ENGLISH_LEGEND, ENGLISH_AXIS, ENGLISH_SIDES):
        assert english in page, english
    assert GERMAN_LEGEND not in page and GERMAN_SIDES not in page
    svg = _text(
        client.get(f"/alliances/{alliance_id}/rounds/{round_id}/chart/gaps.svg").get_data(as_text=True)
    )
    assert ENGLISH_LEGEND in svg and "Perception gap per dimension" in svg and GERMAN_LEGEND not in svg


def test_trend_page_in_german_has_german_wrapper_and_chart_words(client, closed_round):
    alliance_id, _round_id = closed_round
    page = _text(client.get(f"/alliances/{alliance_id}/trend?lang=de").get_data(as_text=True))
    for german in (
        " — Verlauf für den Lenkungsausschuss</h1>",
        ">HTML-Unterlagen</a>",
        "Gesundheitsindex",
    ):
        assert german in page, german
    assert "trend for the steering committee" not in page and "HTML pack" not in page
    svg = _text(client.get(f"/alliances/{alliance_id}/trend/chart/indices.svg").get_data(as_text=True))
    assert "Gesundheitsindex" in svg and "Übereinstimmungsindex" in svg and "Health index" not in svg
    # the dimensions' panels are headed in the questionnaire's German ("Meilensteine und Umsetzung")
    svg = _text(client.get(f"/alliances/{alliance_id}/trend/chart/dimensions.svg").get_data(as_text=True))
    assert "Meilensteine und Umsetzung" in svg and "Milestones and delivery" not in svg
    assert "Meilensteine und Umsetzung" in page.split("<svg", 1)[1]


def test_portfolio_chart_in_german_then_english(client, closed_round):
    """The portfolio scatter is cached by its rows and the language: English right after German."""
    german = _text(client.get("/portfolio?lang=de").get_data(as_text=True))
    assert "Gesundheitsindex (0–100)" in german and "Übereinstimmungsindex (0–100)" in german
    assert "Health index (0–100)" not in german
    english = _text(client.get("/portfolio?lang=en").get_data(as_text=True))
    assert "Health index (0–100)" in english and "Gesundheitsindex (0–100)" not in english


def test_round_chart_cache_is_keyed_by_language(app, closed_round, monkeypatch):
    """The drawn report is the same in both languages here (titles not localised), so only the
    language in the cache key keeps a German chart from being served to an English reader."""
    from healthcheck.exports import sentences
    from healthcheck.services import report_pages
    from healthcheck.web.i18n import use_language

    _alliance_id, round_id = closed_round
    monkeypatch.setattr(sentences, "localised", lambda report, questionnaire: report)
    charts = {}
    for code in ("de", "en"):
        with app.test_request_context("/"):
            use_language(code)
            charts[code] = _text(
                str(report_pages.round_context(db.session.get(Round, round_id))["charts"]["gaps"])
            )
    assert GERMAN_LEGEND in charts["de"] and ENGLISH_LEGEND not in charts["de"]
    assert ENGLISH_LEGEND in charts["en"] and GERMAN_LEGEND not in charts["en"]
