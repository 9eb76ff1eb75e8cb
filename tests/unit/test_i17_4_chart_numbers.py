"""Issue 17 item 4: charts write their figures in the reader's locale.

The gap chart of two dimensions (gaps +1.5 and +0.1 on a 1–5 scale, ``scale_range`` 4) has
an x axis from -2 to 2 with ticks every 0.5 (vl-convert's choice for that domain): in English
"-1.5", "0.5", "1.5" (d3 writes its own minus sign, U+2212), in German "1,5", "0,5"; the bar
values drawn as text are "+1.50" and "+0.10", in German "+1,50" and "+0,10". The same chart
in German and in English is two cache entries: vl-convert's locale is not in the
specification, so only the language in the key keeps them apart.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from healthcheck.charts import bars, render

GAPS = pd.DataFrame(
    {
        "title": ["Trust", "Delivery"],
        "gap": [1.5, 0.1],
        "judgement": ["real gap", "aligned"],
        "ci_low": [1.0, -0.3],
        "ci_high": [2.0, 0.5],
    }
)


@pytest.fixture(scope="module")
def babel_app():
    app = Flask(__name__)
    Babel(app)
    return app


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch):
    monkeypatch.setattr(render, "_cache", render.Cache(render.MAX_ENTRIES, render.MAX_BYTES))


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _svg(app, language: str, how: str = "svg") -> str:
    with app.test_request_context("/"), force_locale(language):
        chart = bars.gap_chart(GAPS, "Aurora", "Partner", 4)
        if how == "svg_for":
            return render.svg_for(("gaps", "same data"), lambda: chart)
        return render.svg(chart)


def test_german_chart_axis_and_values_have_decimal_commas_english_none(babel_app):
    german, english = _texts(_svg(babel_app, "de")), _texts(_svg(babel_app, "en"))
    assert {"0,5", "1,5", "+1,50", "+0,10"} <= set(german), german
    assert not any(re.fullmatch(r"[−+-]?\d+\.\d+", t) for t in german), german
    assert {"0.5", "1.5", "+1.50", "+0.10"} <= set(english), english
    assert not any(re.fullmatch(r"[−+-]?\d+,\d+", t) for t in english), english


@pytest.mark.parametrize(("language", "comma"), [("fr", True), ("es", True), ("ja", False)])
def test_french_spanish_commas_japanese_points(babel_app, language, comma):
    texts = set(_texts(_svg(babel_app, language)))
    assert ({"0,5", "+1,50"} <= texts) is comma and ({"0.5", "+1.50"} <= texts) is not comma


@pytest.mark.parametrize("how", ["svg", "svg_for"])
def test_german_and_english_renders_never_share_a_cache_entry(babel_app, how):
    german = _svg(babel_app, "de", how)
    english = _svg(babel_app, "en", how)
    assert "0,5" in _texts(german) and "0,5" not in _texts(english) and "0.5" in _texts(english)
    if how == "svg_for":
        assert ("svg-key", "de", repr(("gaps", "same data"))) in render._cache
    assert _svg(babel_app, "de", how) == german and _svg(babel_app, "en", how) == english  # hits


def test_png_cache_is_keyed_by_language_too(babel_app):
    pngs = {}
    for language in ("de", "en"):
        with babel_app.test_request_context("/"), force_locale(language):
            pngs[language] = render.render_png(bars.gap_chart(GAPS, "Aurora", "Partner", 4), 1)
    assert pngs["de"] != pngs["en"]


def test_english_renders_with_vl_convert_defaults():
    assert render.locales("en") == {}
    german = render.locales("de")
    assert german["format_locale"]["decimal"] == "," and german["time_format_locale"] == "de-DE"
    assert render.locales("fr")["format_locale"]["percent"] == "\u00a0%"  # CLDR's, as in the sentences
