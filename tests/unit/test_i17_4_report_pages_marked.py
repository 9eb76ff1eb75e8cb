"""Issue 17 item 4: the staff report pages' wrappers (round report, trend) carry no unmarked text.

Same walk as the staff templates' check (Jinja's lexer: literal text and attributes, string
literals shown by expressions), applied to the report area's staff pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_i17_4_staff_templates_marked import _leftover_words, _text_and_strings

ROOT = Path(__file__).resolve().parents[2] / "healthcheck" / "web" / "reports" / "templates" / "reports"
REPORT_PAGES = [ROOT / "round.html", ROOT / "trend.html"]


@pytest.mark.parametrize("path", REPORT_PAGES, ids=lambda p: p.name)
def test_every_visible_text_of_a_staff_report_page_is_marked(path):
    text, unmarked = _text_and_strings(path)
    leftover, _ = _leftover_words(text)
    assert leftover == [], f"{path.name}: unmarked text {leftover}"
    assert unmarked == [], f"{path.name}: unmarked string literals {unmarked}"


def test_the_walk_catches_the_report_pages_former_texts(tmp_path):
    """What round.html showed unmarked before: the walk would have failed on each."""
    for snippet in (
        '<li class="breadcrumb-item active" aria-current="page">Report</li>',
        '<nav aria-label="breadcrumb"></nav>',
        '<input placeholder="name@partner.example, …">',
        "<td>{{ 'revoked' if s.revoked_at else 'active' }}</td>",
    ):
        page = tmp_path / "page.html"
        page.write_text(snippet)
        text, unmarked = _text_and_strings(page)
        leftover, _ = _leftover_words(text)
        assert leftover or unmarked, snippet
