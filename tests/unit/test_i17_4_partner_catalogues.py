"""Issue 17 item 4: every text of the partner pages, of every email and of the staff
language preference has a translation in each catalogue (extracted from the files
themselves, so a new untranslated string fails here)."""

from __future__ import annotations

import pytest

from healthcheck import languages
from tests.unit.test_i17_4_catalogues import ROOT, _catalogue, _msgids

PARTNER_FILES = [
    *sorted((ROOT / "web/review/templates/review").glob("*.html")),
    *sorted((ROOT / "web/checkin/templates/checkin").glob("*.html")),
    *sorted((ROOT / "web/steering/templates/steering").glob("*.html")),
    *sorted((ROOT / "web/templates/mail").glob("*.html")),
    *sorted((ROOT / "web/templates/mail").glob("*.txt")),
    ROOT / "web/reports/templates/reports/not_ready.html",
    ROOT / "web/templates/_language_preference.html",
    ROOT / "web/templates/_language_switch.html",
    ROOT / "web/review/routes.py",
    ROOT / "web/review/confirmations.py",
    ROOT / "web/checkin/forms.py",
    ROOT / "web/steering/routes.py",
    ROOT / "web/account/routes.py",
    ROOT / "web/i18n.py",
    ROOT / "jobs/delivery.py",
]


def partner_msgids() -> set[str]:
    found: set[str] = set()
    for path in PARTNER_FILES:
        found |= _msgids(path)
    return found


def test_partner_pages_and_emails_have_many_marked_strings():
    ids = partner_msgids()
    assert len(ids) > 200
    assert "Findings: do both organisations agree?" in ids  # the review page
    assert "Did this help?" in ids  # the check-in page and form
    assert "Health check {round} of {alliance} is closed — {outcome}" in ids  # a staff subject
    assert "the report is ready" in ids  # the end of that subject (jobs/delivery.py)


@pytest.mark.parametrize("code", [c for c in languages.LANGUAGES if c != "en"])
def test_every_partner_and_mail_string_is_translated(code):
    catalogue = _catalogue(code)
    missing = sorted(i for i in partner_msgids() if not (catalogue.get(i) and catalogue.get(i).string))
    assert missing == [], f"{code}: no translation for {missing}"


def test_every_subject_is_marked_for_the_catalogues():
    from healthcheck.services.notifications import SUBJECTS
    from healthcheck.web.i18n import ALL_SUBJECTS

    assert ALL_SUBJECTS == SUBJECTS
