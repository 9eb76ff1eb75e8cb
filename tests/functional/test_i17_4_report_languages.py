"""Issue 17 item 4: the shared report body, its sentences and the packs in the reader's language.

Set-up (``german_round``): k = 3; side A (Aurora Pharma) invites six people, three answer 5
to every statement; side B (Partner 1) invites three, all answer 2. By hand: A's response
rate is 3 / 6 = 50 % < 60 %, so the round has a ``low_response_rate`` warning for Aurora
Pharma, whose English message is "Only 50% of invited Aurora Pharma respondents answered
(below 60%)."; in German "Nur 50 % der eingeladenen Befragten von Aurora Pharma haben
geantwortet (unter 60 %).", a no-break space before "%" as German writes it (CLDR). The
shipped questionnaire declares German: its first dimension
(milestones) is "Meilensteine und Umsetzung" in German, "Milestones and delivery" in English.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from healthcheck.extensions import db
from healthcheck.models import Alliance, Round
from tests.conftest import IN_CI

ENGLISH_WARNING = "Only 50% of invited Aurora Pharma respondents answered (below 60%)."
GERMAN_WARNING = (
    "Nur 50\u00a0% der eingeladenen Befragten von Aurora Pharma haben geantwortet (unter 60\u00a0%)."
)


@pytest.fixture
def german_round(app, login, make_alliance, make_round, invite, answer_all):
    owner = login()
    alliance_id = make_alliance(owner=owner)
    round_id = make_round(alliance_id)
    tokens = invite(round_id, "AAAAAABBB")
    for token in tokens[:3]:
        answer_all(token, 5)
    for token in tokens[6:]:
        answer_all(token, 2)
    from healthcheck.services import rounds

    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
    return alliance_id, round_id


def _share(app, round_id):
    from healthcheck.services import sharing

    with app.app_context():
        _link, token = sharing.create(db.session.get(Round, round_id), None, days=5)
        db.session.commit()
    return token


def test_partner_report_in_german_while_the_json_stays_english_and_identical(app, client, german_round):
    alliance_id, round_id = german_round
    export = f"/alliances/{alliance_id}/rounds/{round_id}/report.json"
    before = client.get(export).data
    report = json.loads(before)
    assert [w["message"] for w in report["warnings"] if w["code"] == "low_response_rate"] == [ENGLISH_WARNING]
    token = _share(app, round_id)

    german = app.test_client().get(f"/shared/{token}?lang=de").get_data(as_text=True)
    for heading in (
        "Worüber zu sprechen ist",
        "Frühwarnungen",
        "Wo die beiden Seiten übereinstimmen und sich unterscheiden",
    ):
        assert f">{heading}</h2>" in german
    assert GERMAN_WARNING in german and ENGLISH_WARNING not in german
    assert "<strong>niedrige Rücklaufquote</strong>" in german
    assert '<th scope="row">Meilensteine und Umsetzung</th>' in german  # the questionnaire's German title
    assert '<th scope="row">Milestones and delivery</th>' not in german
    charts = " ".join(re.findall(r"<svg.*?</svg>", german, re.S))
    assert "Meilensteine und Umsetzung" in charts and "Milestones and delivery" not in charts  # chart labels

    english = app.test_client().get(f"/shared/{token}?lang=en").get_data(as_text=True)
    assert ENGLISH_WARNING in english and ">What to talk about</h2>" in english
    assert '<th scope="row">Milestones and delivery</th>' in english

    after = client.get(export).data
    assert after == before  # the report JSON never changes with the reader's language


def test_partner_report_defaults_to_the_partner_sides_language(app, german_round):
    _alliance_id, round_id = german_round
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        db.session.get(Alliance, rnd.alliance_id).side_b_language = "de"
        db.session.commit()
    token = _share(app, round_id)
    page = app.test_client().get(f"/shared/{token}").get_data(as_text=True)
    assert GERMAN_WARNING in page and ">Frühwarnungen</h2>" in page


def test_staff_html_pack_follows_the_staff_pages_language(app, client, german_round):
    alliance_id, round_id = german_round
    base = f"/alliances/{alliance_id}/rounds/{round_id}"
    client.get("/?lang=fr")  # a staff page remembers the choice for the session
    pack = client.get(f"{base}/report.html").get_data(as_text=True)
    assert '<html lang="fr">' in pack and ">Points à aborder</h2>" in pack
    assert "Seuls 50\u00a0% des répondants invités de Aurora Pharma ont répondu (moins de 60\u00a0%)." in pack


def test_partner_language_prefers_lang_then_the_partner_side(app, german_round):
    from healthcheck.services import packs

    _alliance_id, round_id = german_round
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        rnd.alliance.side_b_language = "es"
        assert packs.partner_language(rnd, None) == "es"
        assert packs.partner_language(rnd, "JA") == "ja"
        assert packs.partner_language(rnd, "xx") == "es"  # not one of ours: the side's


def test_report_command_lang_makes_german_packs_and_english_stays_the_default(
    app, runner, german_round, tmp_path
):
    from pptx import Presentation

    alliance_id, _round_id = german_round
    with app.app_context():
        name = db.session.get(Alliance, alliance_id).name
    args = ["report", "--alliance", name, "--round", "2026-Q4"]
    out = tmp_path / "pack.pptx"
    result = runner.invoke(args=[*args, "--format", "pptx", "--lang", "de", "-o", str(out)])
    assert result.exit_code == 0, result.output
    titles = [s.shapes.title.text for s in Presentation(str(out)).slides]
    assert "Worüber zu sprechen ist" in titles and "Gemeinsamer Maßnahmenplan" in titles
    html = tmp_path / "pack.html"
    assert runner.invoke(args=[*args, "--format", "html", "--lang", "de", "-o", str(html)]).exit_code == 0
    text = html.read_text()
    assert '<html lang="de">' in text and GERMAN_WARNING in text
    assert runner.invoke(args=[*args, "--format", "html", "-o", str(html)]).exit_code == 0
    assert ENGLISH_WARNING in html.read_text() and ">What to talk about</h2>" in html.read_text()
    bad = runner.invoke(args=[*args, "--format", "html", "--lang", "xx"])
    assert bad.exit_code != 0 and "xx" in bad.output
    trend = tmp_path / "trend.html"
    result = runner.invoke(
        args=["trend", "--alliance", name, "--format", "html", "--lang", "de", "-o", str(trend)]
    )
    assert result.exit_code == 0, result.output
    assert ">Gesundheit und Übereinstimmung über die Runden</h2>" in trend.read_text()
    assert GERMAN_WARNING in trend.read_text()  # the round's warning, said in German in the trend


def _cjk_font_or_skip():
    found = subprocess.run(["fc-list"], capture_output=True, text=True).stdout
    if "Noto Sans CJK" not in found:
        if IN_CI:
            pytest.fail("fonts-noto-cjk is missing in CI (.ci/run installs it)")
        pytest.skip("no Noto Sans CJK font on this machine (apt-get install fonts-noto-cjk)")


def test_japanese_pdf_pack_has_japanese_headings_in_a_cjk_font(app, runner, german_round, tmp_path):
    _cjk_font_or_skip()
    for tool in ("pdftotext", "pdffonts"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} (poppler-utils) is needed to read the PDF back")
    alliance_id, _round_id = german_round
    with app.app_context():
        name = db.session.get(Alliance, alliance_id).name
    out = tmp_path / "pack.pdf"
    result = runner.invoke(
        args=[
            "report",
            "--alliance",
            name,
            "--round",
            "2026-Q4",
            "--format",
            "pdf",
            "--lang",
            "ja",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "話し合うべき点" in text  # "What to talk about"
    assert "主要指数" in text  # "Headline indices"
    assert "ヘルスチェック 2026-Q4" in text  # the page footer
    assert "マイルストーンと実行" in text  # the questionnaire's Japanese title of "milestones"
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJKJP" in fonts.replace("-", "").replace(" ", "")  # embedded as Noto-Sans-CJK-JP


def test_partner_pack_download_speaks_the_partner_side_unless_lang_is_given(app, client, german_round):
    from sqlalchemy import delete

    from healthcheck.models import Review

    alliance_id, round_id = german_round
    with app.app_context():
        db.session.execute(delete(Review).where(Review.round_id == round_id))  # no review: the pack is final
        db.session.get(Alliance, alliance_id).side_b_language = "de"
        db.session.commit()
    token = _share(app, round_id)
    partner = app.test_client()
    german = partner.get(f"/shared/{token}/pack.html").get_data(as_text=True)
    assert '<html lang="de">' in german and "<h2>Worüber zu sprechen ist</h2>" in german
    assert GERMAN_WARNING in german
    french = partner.get(f"/shared/{token}/pack.html?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in french and "<h2>Points à aborder</h2>" in french
    client.get("/?lang=es")  # staff: the pack follows the staff page's language
    staff = client.get(f"/alliances/{alliance_id}/rounds/{round_id}/pack.html").get_data(as_text=True)
    assert '<html lang="es">' in staff and "<h2>Temas para conversar</h2>" in staff
