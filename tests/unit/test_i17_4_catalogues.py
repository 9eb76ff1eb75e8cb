"""Issue 17 item 4: every text a respondent or partner reads has a translation in each catalogue.

The msgids are extracted here from the templates and modules themselves (not read from the
catalogues), so a string added to a respondent page without a translation fails this test.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from healthcheck import languages

ROOT = Path(__file__).resolve().parents[2] / "healthcheck"
CATALOGUES = ROOT / "translations"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None}
# what respondents and partners read: the respondent pages, their emails, the shared report's
# own text and the report's languages line, the form's messages, the email subjects
READER_FILES = [
    *sorted((ROOT / "web/respond/templates/respond").glob("*.html")),
    *(
        ROOT / "web/templates/mail" / f"{kind}.{ext}"
        for kind in ("invitation", "reminder", "link_replaced", "round_extended", "report_shared")
        for ext in ("html", "txt")
    ),
    ROOT / "web/templates/mail/_layout.html",
    ROOT / "web/reports/templates/reports/shared.html",
    ROOT / "web/reports/templates/reports/link_problem.html",
    ROOT / "exports/templates/reports/_lang_languages.html",
]
PYTHON_FILES = [ROOT / "services/responses.py", ROOT / "web/i18n.py"]


def _msgids(path: Path) -> set[str]:
    method = "python" if path.suffix == ".py" else "jinja2"
    return {m[1] for m in extract_from_file(method, str(path), keywords=KEYWORDS) if isinstance(m[1], str)}


def reader_msgids() -> set[str]:
    found: set[str] = set()
    for path in [*READER_FILES, *PYTHON_FILES]:
        found |= _msgids(path)
    return found


def _catalogue(code: str):
    with open(CATALOGUES / code / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=code)


def test_reader_pages_have_many_marked_strings():
    ids = reader_msgids()
    assert len(ids) > 80
    assert "Submit my answers" in ids and "Don't know" in ids  # the buttons and the N/A word
    assert "Please choose an answer (or N/A)." in ids  # the form's messages (services/responses.py)
    assert "Health check of {alliance}: your view, by {deadline}" in ids  # a subject


@pytest.mark.parametrize("code", [c for c in languages.LANGUAGES if c != "en"])
def test_every_reader_string_is_translated(code):
    catalogue = _catalogue(code)
    missing = sorted(i for i in reader_msgids() if not (catalogue.get(i) and catalogue.get(i).string))
    assert missing == [], f"{code}: no translation for {missing}"


@pytest.mark.parametrize("code", [c for c in languages.LANGUAGES if c != "en"])
def test_translations_keep_every_placeholder_and_tag(code):
    pattern = re.compile(r"%\(\w+\)[sdr]|\{\w+\}|</?strong>|<span id=\"answered\">|</span>")
    for message in _catalogue(code):
        if message.id and message.string:
            # a plural message (ngettext) holds its forms as tuples: each form keeps the plural's
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            for form in forms:
                assert set(pattern.findall(ids[-1])) == set(pattern.findall(form)), message.id


@pytest.mark.parametrize("code", languages.LANGUAGES)
def test_compiled_catalogue_matches_its_po_file(code):
    """The .mo files are committed (a fresh ``pip install -e .`` needs no build step): each
    must be the compilation of its .po file."""
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(code))
    with open(CATALOGUES / code / "LC_MESSAGES" / "messages.mo", "rb") as f:
        shipped = read_mo(f)
    again = read_mo(io.BytesIO(compiled.getvalue()))

    def pairs(catalogue):  # plural messages (ngettext) come back as lists
        def key(x):
            return tuple(x) if isinstance(x, list) else x

        return {key(m.id): key(m.string) for m in catalogue if m.id}

    assert pairs(shipped) == pairs(again)


def test_reader_subjects_follow_the_notification_subjects():
    from healthcheck.services.notifications import SUBJECTS
    from healthcheck.web.i18n import READER_SUBJECTS

    for kind, subject in READER_SUBJECTS.items():
        assert SUBJECTS[kind] == subject, kind


def test_catalogues_ship_as_package_data():
    text = (ROOT.parent / "pyproject.toml").read_text()
    assert "translations/*/LC_MESSAGES/*" in text
