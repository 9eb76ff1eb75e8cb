"""Issue 17 item 4: a German reader's report page, packs and charts write German numbers;
the machine formats (report JSON, CSV, XLSX, the API) are the same bytes in every language.

Set-up (``closed_round``): k = 3; side A (Aurora Pharma) has three people answering 5 to every
statement, side B (Partner 1) three answering 2. By hand: every dimension's mean is 5.00 for
A and 2.00 for B, every gap +3.00; in German "5,00", "2,00", "+3,00" (decimal comma). The
gap chart draws each bar's gap as text: "+3.00" in English, "+3,00" in German.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess

import pytest

from healthcheck.extensions import db
from healthcheck.models import Round
from healthcheck.services import api_tokens, users

DECIMAL_POINT = re.compile(r"(?<![\w.])[+-]?\d+\.\d{2}(?![\w.])")
DECIMAL_COMMA = re.compile(r"(?<![\w,])[+-]?\d+,\d{2}(?![\w,])")


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


def _visible(page: str) -> str:
    """The page's text outside charts, styles and scripts (an SVG path's "5.00,12.5" is no number)."""
    page = re.sub(r"<(svg|style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _chart_texts(page: str) -> list[str]:
    svgs = " ".join(re.findall(r"<svg\b.*?</svg>", page, re.S))
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svgs)]


def _pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF back")
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def test_german_report_page_and_its_charts_write_decimal_commas(client, closed_round):
    alliance_id, round_id = closed_round
    url = f"/alliances/{alliance_id}/rounds/{round_id}/report"
    german = client.get(f"{url}?lang=de").get_data(as_text=True)
    text = _visible(german)
    assert "5,00" in text and "2,00" in text and "+3,00" in text
    assert re.search(r"\[[+-]\d,\d\d; [+-]\d,\d\d\]", text)  # an interval: "[+a,bc; +d,ef]"
    assert DECIMAL_POINT.findall(text) == []
    assert "+3,00" in _chart_texts(german) and "+3.00" not in _chart_texts(german)

    english = client.get(f"{url}?lang=en").get_data(as_text=True)
    text = _visible(english)
    assert "5.00" in text and "+3.00" in text and DECIMAL_COMMA.findall(text) == []
    assert "+3.00" in _chart_texts(english) and "+3,00" not in _chart_texts(english)


def test_german_packs_write_decimal_commas(app, client, closed_round, monkeypatch):
    from pptx import Presentation

    alliance_id, round_id = closed_round
    base = f"/alliances/{alliance_id}/rounds/{round_id}"
    client.get("/?lang=de")  # the staff's session speaks German
    pack = _visible(client.get(f"{base}/report.html").get_data(as_text=True))
    assert "5,00" in pack and "+3,00" in pack and DECIMAL_POINT.findall(pack) == []
    steering = client.get(f"{base}/pack.html").get_data(as_text=True)  # what the PDF is printed from
    assert "5,00" in _visible(steering) and "+3,00" in _visible(steering)
    assert DECIMAL_POINT.findall(_visible(steering)) == []
    text = _pdf_text(client.get(f"{base}/pack.pdf").data)  # the PDF itself, read back
    assert "5,00" in text and "+3,00" in text and DECIMAL_POINT.findall(text) == []
    # the PPTX: its tables hold only whole indices here, its charts are pictures converted
    # in German (vl-convert's de-DE locale, ``charts.render``)
    from healthcheck.charts import render

    converted = []
    convert = render._convert
    monkeypatch.setattr(render, "_cache", render.Cache(render.MAX_ENTRIES, render.MAX_BYTES))
    monkeypatch.setattr(render, "_convert", lambda *a: converted.append(a[2]) or convert(*a))
    deck = Presentation(io.BytesIO(client.get(f"{base}/pack.pptx").data))
    cells = [
        cell.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert "Gesundheitsindex der Allianz" in cells and not any(DECIMAL_POINT.search(c) for c in cells)
    assert converted and set(converted) == {"de"}


def test_machine_formats_are_the_same_bytes_in_german_and_english(app, client, closed_round):
    from openpyxl import load_workbook

    alliance_id, round_id = closed_round
    base = f"/alliances/{alliance_id}/rounds/{round_id}"
    with app.app_context():
        _token, secret = api_tokens.create(users.by_email("manager@example.com"), "t", "read", 5)
        db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    seen = {}
    for language in ("en", "de"):
        client.get(f"/?lang={language}")
        seen[language] = {
            "json": client.get(f"{base}/report.json").data,
            "csv": client.get(f"{base}/report.csv").data,
            "api": client.get(f"/api/v1{base}/report", headers={**bearer, "Accept-Language": language}).data,
            "trend": client.get(f"/alliances/{alliance_id}/trend.json").data,
        }
        workbook = load_workbook(io.BytesIO(client.get(f"{base}/report.xlsx").data))
        seen[language]["xlsx"] = [
            [c.value for c in row] for sheet in workbook.worksheets for row in sheet.iter_rows()
        ]
    assert seen["de"] == seen["en"]
    assert b'"mean": 5.0' in seen["de"]["json"] and b"5,0" not in seen["de"]["json"]
    assert b"5,00" not in seen["de"]["csv"]
    cells = [v for row in seen["de"]["xlsx"] for v in row]
    assert 62.5 in cells and 0.047 in cells  # numeric cells: Excel shows them in its user's locale
    assert not any(isinstance(v, str) and DECIMAL_COMMA.search(v) for v in cells)
