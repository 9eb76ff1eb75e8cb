"""Every early-warning code the analysis can raise has a word on the staff pages (the
portfolio's badges) and in the report, the same in both and in every language — not the bare code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from healthcheck import languages
from healthcheck.exports.wording import code_word, word

ANALYSIS = Path(__file__).resolve().parents[2] / "healthcheck" / "analysis"


def _warning_codes() -> set[str]:
    codes = set()
    for path in ANALYSIS.glob("*.py"):
        text = path.read_text()
        codes |= set(re.findall(r'warning\(\s*"([a-z_]+)"', text))
        codes |= set(re.findall(r'"code": "([a-z_]+)"', text))
        codes |= set(re.findall(r'\bcode, \w+ = "([a-z_]+)"', text))  # the facts warnings
    return codes


def test_the_analysis_raises_the_codes_we_expect_to_find():
    assert {"low_response_rate", "perception_fact_mismatch", "overdue", "panel_imbalance"} <= _warning_codes()


@pytest.mark.parametrize("code", [c for c in languages.LANGUAGES if c != "en"])
def test_every_warning_code_reads_as_words_in_every_language(app, code):
    with app.test_request_context("/"), force_locale(code):
        for warning in sorted(_warning_codes()):
            shown = code_word(warning)
            assert shown != warning and "_" not in shown, (code, warning, shown)
            assert word("code", warning) == shown  # the report's sentences say the same word
