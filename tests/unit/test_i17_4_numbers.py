"""Issue 17 item 4: numbers in the reader's locale (pages, emails, packs, sentences, charts).

Hand-worked expectations, from CLDR 46 as Babel 2.19 ships it: German, French and Spanish
write a decimal comma; German and Spanish group with ".", French with a narrow no-break
space (U+202F); the three put a no-break space (U+00A0) before "%" (CLDR's percent pattern
"#,##0 %" for de, fr and es); Japanese writes like English. English output is exactly the
f-string's of before ("3.40", "+0.50", "45%"), and "–" stands for a missing figure.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import Babel, force_locale

from healthcheck.exports import formatting

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(scope="module")
def babel_app():
    app = Flask(__name__)
    Babel(app)
    return app


def _in(app, language, fn, *args):
    with app.test_request_context("/"), force_locale(language):
        return fn(*args)


@pytest.mark.parametrize(
    ("language", "num", "signed", "negative", "pct"),
    [
        ("en", "3.40", "+0.50", "-0.25", "45%"),
        ("de", "3,40", "+0,50", "-0,25", f"45{NBSP}%"),
        ("fr", "3,40", "+0,50", "-0,25", f"45{NBSP}%"),
        ("es", "3,40", "+0,50", "-0,25", f"45{NBSP}%"),
        ("ja", "3.40", "+0.50", "-0.25", "45%"),
    ],
)
def test_num_signed_pct_per_locale(babel_app, language, num, signed, negative, pct):
    assert _in(babel_app, language, formatting.num, 3.4) == num
    assert _in(babel_app, language, formatting.signed, 0.5) == signed
    assert _in(babel_app, language, formatting.signed, -0.25) == negative
    assert _in(babel_app, language, formatting.pct, 0.45) == pct
    for fn in (formatting.num, formatting.signed, formatting.pct):
        assert _in(babel_app, language, fn, None) == "–"


def test_digits_grouping_and_significant_figures(babel_app):
    assert _in(babel_app, "de", formatting.num, 3.456, 1) == "3,5"
    assert _in(babel_app, "de", formatting.num, 72.0, 0) == "72"
    assert _in(babel_app, "fr", formatting.signed, 1.25, 1) == "+1,2"  # as f"{1.25:+.1f}": "+1.2"
    assert _in(babel_app, "de", formatting.signed_pct, -0.052) == f"-5{NBSP}%"
    assert _in(babel_app, "de", formatting.signed_pct, 0.052, 1) == f"+5,2{NBSP}%"
    assert _in(babel_app, "de", formatting.grouped, 1234567.4) == "1.234.567"
    assert _in(babel_app, "fr", formatting.grouped, 1234567.4) == f"1{NNBSP}234{NNBSP}567"
    assert _in(babel_app, "es", formatting.sig, 0.25) == "0,25"
    assert _in(babel_app, "en", formatting.grouped, 1234567.4) == "1,234,567"
    assert _in(babel_app, "en", formatting.sig, 1.5) == "1.5"
    # an interval's two ends are parted by "; " where the comma is the decimal sign
    assert _in(babel_app, "de", formatting.interval, [0.69, 3.31]) == "[+0,69; +3,31]"
    assert _in(babel_app, "ja", formatting.interval, [0.69, 3.31]) == "[+0.69, +3.31]"
    assert _in(babel_app, "en", formatting.interval, -0.5, 0.25) == "[-0.50, +0.25]"
    assert _in(babel_app, "es", formatting.parted, ["p 0,072", "q 0,5"]) == "p 0,072; q 0,5"
    assert _in(babel_app, "en", formatting.parted, ["p 0.072", "q 0.5"]) == "p 0.072, q 0.5"


def test_english_is_byte_identical_to_the_f_strings_of_before(babel_app):
    values = [0.0, -0.0, 0.005, 2.675, -1.125, 3.4, 99.999, 1234.5, -0.004, 0.12345]
    for v in values:
        for digits in (0, 1, 2, 3):
            assert _in(babel_app, "en", formatting.num, v, digits) == f"{v:.{digits}f}"
            assert _in(babel_app, "en", formatting.signed, v, digits) == f"{v:+.{digits}f}"
            assert formatting.num(v, digits) == f"{v:.{digits}f}"  # outside any request: English
        assert _in(babel_app, "en", formatting.pct, v) == f"{v:.0%}"
        assert formatting.signed(v) == f"{v:+.2f}" and formatting.pct(v) == f"{v:.0%}"


def test_other_locales_round_like_english_and_agree_with_babel(babel_app):
    """The digits are those of the English text (no second rounding: 2.675 is 2.67 in both),
    written with the locale's symbols, as babel.numbers.format_decimal writes that value."""
    for v in (2.675, -1.125, 3.4, 0.005, 1234.5):
        english = f"{v:.2f}"
        for language in ("de", "fr", "es", "ja"):
            assert _in(babel_app, language, formatting.num, v) == format_decimal(
                Decimal(english), format="0.00", locale=language
            )


def test_the_report_sentences_write_numbers_in_the_reader_locale(babel_app):
    from healthcheck.exports import sentences

    report = {
        "alliance": {"sides": {"A": "Aurora", "B": "Partner"}},
        "dimensions": [{"key": "gov", "title": "Governance", "A": {"mean": 3.4, "std": 1.25}}],
        "sides": {"A": {"response_rate": 0.45}},
    }
    warnings = [
        {"code": "internal_divergence", "side": "A", "dimension": "gov", "message": "x"},
        {"code": "low_response_rate", "side": "A", "message": "y"},
    ]
    with babel_app.test_request_context("/"), force_locale("de"):
        said = [sentences.Sentences(report).warning(w) for w in warnings]
    assert "1,25" in said[0] and "1.25" not in said[0]
    assert f"45{NBSP}%" in said[1] and f"60{NBSP}%" in said[1]
