"""Issue 17 item 4: every text of the report body, the packs and their sentences has a
translation in each catalogue (msgids extracted from the files themselves)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2] / "healthcheck"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
REPORT_FILES = [
    *sorted((ROOT / "exports/templates/reports").glob("*.html")),
    ROOT / "exports/templates/_actions.html",
    ROOT / "exports/templates/facts/_facts_panel.html",
    ROOT / "exports/templates/facts/_facts_trend.html",
    ROOT / "exports/templates/steering/pack.html",
    ROOT / "exports/sentences.py",
    ROOT / "exports/wording.py",
    ROOT / "exports/pptx.py",
    ROOT / "exports/formatting.py",
]


def _msgids() -> set[str]:
    found = set()
    for path in REPORT_FILES:
        method = "python" if path.suffix == ".py" else "jinja2"
        found |= {
            m[1] for m in extract_from_file(method, str(path), keywords=KEYWORDS) if isinstance(m[1], str)
        }
    return found


def test_the_report_body_and_sentences_mark_their_text():
    ids = _msgids()
    assert len(ids) > 200
    for expected in ("What to talk about", "Early warnings", "Where the two sides agree and differ"):
        assert expected in ids
    assert "Only %(rate)s of invited %(side)s respondents answered (below %(limit)s)." in ids


@pytest.mark.parametrize("code", ["de", "fr", "es", "ja"])
def test_every_report_text_is_translated_in_po_and_mo(code):
    folder = ROOT / "translations" / code / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as f:
        po = read_po(f, locale=code)
    mo = read_mo(io.BytesIO((folder / "messages.mo").read_bytes()))
    missing = [i for i in sorted(_msgids()) if not (po.get(i) and po.get(i).string)]
    assert missing == []
    stale = [i for i in sorted(_msgids()) if not (mo.get(i) and mo.get(i).string == po.get(i).string)]
    assert stale == []
