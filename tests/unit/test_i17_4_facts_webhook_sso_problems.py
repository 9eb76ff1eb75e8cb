"""Issue 17 item 4: the problems the facts, webhook and single sign-on services raise reach
the staff pages in the reader's language; the API, the CLI and the audit keep the English.

The msgids are extracted from the modules themselves (as test_i17_4_catalogues does for the
respondent's files), so a problem added there without a translation fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from flask_babel import force_locale

from healthcheck import languages
from healthcheck.problems import N_, problem
from healthcheck.web import i18n

ROOT = Path(__file__).resolve().parents[2] / "healthcheck"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None}
# the services whose problems a staff page shows (facts forms, webhook page, SSO refusals on
# the login page) and the facts CSV's line-numbered sentences
STAFF_PROBLEM_FILES = [
    ROOT / "services/facts.py",
    ROOT / "services/facts_csv.py",
    ROOT / "services/webhooks.py",
    ROOT / "services/sso.py",
    ROOT / "web/sso/routes.py",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sr]")


def staff_problem_msgids() -> set[str]:
    found: set[str] = set()
    for path in STAFF_PROBLEM_FILES:
        found |= {
            m[1] for m in extract_from_file("python", str(path), keywords=KEYWORDS) if isinstance(m[1], str)
        }
    return found


def _catalogue(code: str):
    with open(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=code)


def test_the_staff_problems_are_marked_for_translation():
    ids = staff_problem_msgids()
    assert "%(field)s: a date YYYY-MM-DD (got %(got)r)" in ids  # facts forms
    assert "line %(line)s: %(problem)s" in ids  # the facts CSV's line number, one sentence
    assert "url: an http:// or https:// address with a host name" in ids  # the webhook page
    assert "this account is deactivated" in ids  # a single sign-on refusal
    assert len(ids) >= 40


@pytest.mark.parametrize("code", [c for c in languages.LANGUAGES if c != "en"])
def test_every_staff_problem_is_translated_with_its_placeholders(code):
    catalogue = _catalogue(code)
    missing, broken = [], []
    for msgid in sorted(staff_problem_msgids()):
        message = catalogue.get(msgid)
        if not (message and message.string):
            missing.append(msgid)
        elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(message.string)):
            broken.append(msgid)
    assert missing == [], f"{code}: no translation for {missing}"
    assert broken == [], f"{code}: placeholders changed in {broken}"


def test_a_problem_inside_a_problem_is_said_in_the_page_language_too(app):
    inner = problem(N_("%(field)s: a date YYYY-MM-DD (got %(got)r)"), field="planned_on", got="2026-13-01")
    outer = problem(N_("line %(line)s: %(problem)s"), line=3, problem=inner)
    assert outer == "line 3: planned_on: a date YYYY-MM-DD (got '2026-13-01')"  # the API, the CLI
    with app.test_request_context("/"), force_locale("de"):
        said = i18n.translated(outer)
    assert said.startswith("Zeile 3: planned_on: ") and "'2026-13-01'" in said
    assert "YYYY-MM-DD" not in said and "line" not in said


def test_a_list_of_problems_is_listed_in_the_page_language(app):
    pieces = [
        problem(N_("%(currency)s on line %(line)s"), currency=c, line=n) for c, n in (("EUR", 2), ("USD", 5))
    ]
    found = problem(
        N_("%(kind)s CSV: every budget line of an alliance is in one currency (got %(found)s)"),
        kind="budget",
        found=pieces,
    )
    assert found == (
        "budget CSV: every budget line of an alliance is in one currency (got EUR on line 2, USD on line 5)"
    )
    with app.test_request_context("/"), force_locale("de"):
        said = i18n.translated(found)
    assert "EUR in Zeile 2, USD in Zeile 5" in said and "on line" not in said


def test_a_facts_csv_refused_on_a_german_page_keeps_its_line_number(app):
    """What a page shows when the facts CSV is refused (views.attempt translates each problem)."""
    from healthcheck.extensions import db
    from healthcheck.models import Alliance
    from healthcheck.services import alliances, facts_csv
    from healthcheck.web.views import attempt

    raw = (
        "key,title,dimension,planned_on,actual_on,forecast_on,status\n"
        "ind,IND,milestones,2026-13-01,,,planned\n"
    )
    with app.test_request_context("/"):
        alliances.save(alliances.AllianceData("Helix", "Aurora Pharma", "Partner", "typical"), None)
        db.session.commit()
        alliance = db.session.scalars(db.select(Alliance)).one()
        english = attempt(lambda: facts_csv.parse_csv(alliance, "milestones", raw))
        with force_locale("de"):
            german = attempt(lambda: facts_csv.parse_csv(alliance, "milestones", raw))
    assert english.problems == ["line 2: planned_on: a date YYYY-MM-DD (got '2026-13-01')"]
    assert german.problems == ["Zeile 2: planned_on: ein Datum im Format JJJJ-MM-TT (erhalten: '2026-13-01')"]
