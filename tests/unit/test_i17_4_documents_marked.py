"""Issue 17 item 4: the two documents that leave as files — the successor's briefing and the
supplier business review — mark every visible text, like the staff pages.

The walk is the staff templates' one (``test_i17_4_staff_templates_marked``): Jinja's own lexer,
no word left in the literal text, no prose literal outside ``_()``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_i17_4_staff_templates_marked import _leftover_words, _text_and_strings

ROOT = Path(__file__).resolve().parents[2] / "healthcheck" / "exports" / "templates"
DOCUMENTS = [
    ROOT / "briefing" / "_body.html",
    ROOT / "briefing" / "document.html",
    ROOT / "facts" / "_review_body.html",
    ROOT / "facts" / "pack_business_review.html",
]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_visible_text_of_the_briefing_and_the_business_review_is_marked(path):
    text, unmarked = _text_and_strings(path)
    leftover, _ = _leftover_words(text)
    assert leftover == [], f"{path.relative_to(ROOT)}: unmarked text {leftover}"
    assert unmarked == [], f"{path.relative_to(ROOT)}: unmarked string literals {unmarked}"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_document_files_exist_and_are_not_empty(path):
    assert path.is_file() and "_(" in path.read_text()


def test_pages_and_documents_share_one_table_of_stored_codes(app):
    from healthcheck.exports import documents, wording

    assert app.jinja_env.filters["word"] is wording.code_word  # the staff pages' filter
    assert documents._env.filters["word"] is wording.code_word  # noqa: SLF001 - the packs' environment
    assert wording.code_word("in_progress") == "in progress"  # English outside an app context
    assert wording.code_word("joint") == "joint"


def test_code_words_read_in_the_forced_language(app):
    from healthcheck.exports import documents, wording

    with app.app_context(), documents.in_language("de"):
        assert wording.code_word("typical") == "typisch"
        assert wording.code_word("decision") == "Entscheidung"
        assert wording.code_word("joint") == "gemeinsam"
    with app.app_context(), documents.in_language("fr"):
        assert wording.code_word("in_progress") == "en cours"


@pytest.mark.parametrize("code", ["de", "fr", "es", "ja"])
def test_every_text_of_the_two_documents_is_translated_in_po_and_mo(code):
    import io

    from babel.messages.extract import extract_from_file
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    sources = [(p, "jinja2") for p in DOCUMENTS] + [
        (ROOT.parents[1] / "services" / "briefing.py", "python"),
        (ROOT.parents[0] / "wording.py", "python"),
    ]
    ids = {m[1] for path, method in sources for m in extract_from_file(method, str(path), keywords=keywords)}
    assert "Segment and why" in ids and "Define — scope and North Star" in ids
    assert "The health index held from %(first)s (%(first_round)s) to %(last)s (%(last_round)s)." in ids
    folder = ROOT.parents[1] / "translations" / code / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as f:
        po = read_po(f, locale=code)
    mo = read_mo(io.BytesIO((folder / "messages.mo").read_bytes()))
    assert [i for i in sorted(ids) if not (po.get(i) and po.get(i).string)] == []
    assert [i for i in sorted(ids) if not (mo.get(i) and mo.get(i).string == po.get(i).string)] == []


def _review(segment, rounds):
    from healthcheck.analysis import resourcing

    closed = tuple(resourcing.ClosedRound(label, rag, warnings) for label, rag, warnings in rounds)
    return resourcing.segment_review(resourcing.AllianceIn(1, "Helix", segment, (), closed))


def test_the_segment_reviews_reason_reads_in_the_briefings_language(app):
    from healthcheck.exports import documents, wording

    red = _review("typical", [("2026-Q3", "red", 0)])
    warned = _review("simple", [("2026-Q3", "red", 4)])
    calm = _review("complex", [("Q1", "green", 0), ("Q2", "green", 0), ("Q3", "green", 0)])
    with app.app_context():
        assert wording.segment_reason(red) == red.reason  # English: the analysis' own sentence
        with documents.in_language("de"):
            assert wording.segment_reason(red) == (
                "Die letzte abgeschlossene Runde (2026-Q3) ist rot: Eine Allianz im Segment typisch, die in "
                "Schwierigkeiten ist, braucht womöglich den Service des Segments komplex."
            )
            assert wording.segment_reason(warned).startswith(
                "Die letzte abgeschlossene Runde (2026-Q3) ist rot und hat 4 Frühwarnungen (≥ 3):"
            )
        with documents.in_language("fr"):
            assert wording.segment_reason(calm).startswith(
                "Ses 3 derniers cycles clôturés (Q1, Q2, Q3) étaient tous verts, sans alerte précoce :"
            )
