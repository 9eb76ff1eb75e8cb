"""Issue 17 item 4: the chart builders draw the words they are given (``words``), English by default.

``words`` here is a hand-made table standing in for a catalogue: each English text the chart
draws maps to an upper-cased marker, so the test sees which texts went through it.
"""

from __future__ import annotations

import json

import pandas as pd

from healthcheck.charts import bars, facts, meta, radar, sets, trends
from healthcheck.charts.words import english, formatter

TABLE = {
    "Is the gap real?": "IST DER ABSTAND ECHT?",
    "gap (A − B)": "ABSTAND (A − B)",
    "← %(b)s rates higher · %(a)s rates higher →": "← %(b)s HÖHER · %(a)s HÖHER →",
    "real gap": "ECHTER ABSTAND",
    "aligned": "ÜBEREINSTIMMEND",
    "possible gap": "MÖGLICHER ABSTAND",
    "Black line: 95 %% interval, where the true gap probably lies": "SCHWARZ: 95-%%-INTERVALL",
    "Dimension": "DIMENSION",
    "Health index": "GESUNDHEITSINDEX",
    "Health index %(side)s": "GESUNDHEITSINDEX %(side)s",
    "Alignment index (0–100)": "ÜBEREINSTIMMUNG (0–100)",
    "green": "GRÜN",
    "%(side)s (not shown: fewer than k answers)": "%(side)s (NICHT ANGEZEIGT)",
    "expected by this side": "ERWARTET",
    "Perception gap per dimension": "WAHRNEHMUNGSABSTAND",
    "%(alliance)s — health check %(round)s": "%(alliance)s — HEALTH-CHECK %(round)s",
    "Fact": "KENNZAHL",
    "Budget variance vs rating": "BUDGETABWEICHUNG VS. BEWERTUNG",
}


def words(text: str) -> str:
    return TABLE.get(text, text)


def _strings(chart) -> str:
    return json.dumps(chart.to_dict(), ensure_ascii=False)


GAPS = pd.DataFrame(
    {
        "title": ["Trust", "Delivery"],
        "gap": [1.5, 0.1],
        "judgement": ["real gap", "aligned"],
        "ci_low": [1.0, -0.3],
        "ci_high": [2.0, 0.5],
    }
)


def test_formatter_puts_values_in_and_reads_a_doubled_percent_as_one():
    _ = formatter(words)
    assert _("Health index %(side)s", side="Helix") == "GESUNDHEITSINDEX Helix"
    assert _("Black line: 95 %% interval, where the true gap probably lies") == "SCHWARZ: 95-%-INTERVALL"
    assert formatter(None)("95 %% interval") == "95 % interval" and english("x") == "x"


def test_gap_chart_draws_the_given_words_in_legend_axis_tooltip_and_values():
    spec = _strings(bars.gap_chart(GAPS, "Aurora", "Partner", 4, words=words))
    for word in (
        "IST DER ABSTAND ECHT?",
        "ABSTAND (A − B)",
        "← Partner HÖHER · Aurora HÖHER →",
        "SCHWARZ: 95-%-INTERVALL",
        "DIMENSION",
        "ECHTER ABSTAND",
        "ÜBEREINSTIMMEND",
        "MÖGLICHER ABSTAND",  # in the legend even though no dimension is a possible gap
    ):
        assert word in spec, word
    for english_word in ("Is the gap real?", "real gap", "rates higher"):
        assert english_word not in spec, english_word
    # the colours still follow the verdict: the translated "real gap" is red
    colour = bars.gap_chart(GAPS, "Aurora", "Partner", 4, words=words).to_dict()["layer"][0]["encoding"][
        "color"
    ]
    domain, colours = colour["scale"]["domain"], colour["scale"]["range"]
    assert colours[domain.index("ECHTER ABSTAND")] == bars.JUDGEMENTS["real gap"]


def test_gap_chart_in_english_by_default():
    spec = _strings(bars.gap_chart(GAPS, "Aurora", "Partner", 4))
    assert "Is the gap real?" in spec and "← Partner rates higher · Aurora rates higher →" in spec
    assert bars.INTERVAL_NOTE in spec


def test_radar_meta_trend_and_portfolio_draw_the_given_words():
    means = pd.DataFrame(
        {
            "title": ["Trust", "Delivery", "Trust", "Delivery"],
            "organisation": ["Aurora", "Aurora", "Partner", "Partner"],
            "mean": [4.0, 3.0, None, None],
            "suppressed": [False, False, True, True],
            "side": ["A", "A", "B", "B"],
        }
    )
    assert "Partner (NICHT ANGEZEIGT)" in _strings(radar.radar_chart(means, words=words))
    rows = pd.DataFrame(
        {
            "side": ["A"],
            "organisation": ["Aurora"],
            "partner": ["Partner"],
            "title": ["Trust"],
            "expected": [4.0],
            "actual": [3.0],
            "meta_error": [1.0],
            "reading": ["blind spot"],
        }
    )
    assert "ERWARTET" in _strings(meta.meta_chart(rows, 1, 5, words=words))
    indices = pd.DataFrame(
        {
            "round": ["R1", "R1"],
            "order": [0, 0],
            "metric": ["Health index", "Health index Aurora"],
            "value": [60.0, 70.0],
        }
    )
    spec = trends.index_trend(indices, words=words).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    lines = spec["layer"][1]["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert lines == ["GESUNDHEITSINDEX", "GESUNDHEITSINDEX Aurora"]  # the legend's words
    # the side's line stays dashed: the dash reads the English metric, not the shown words
    assert "indexof(datum.metric, 'Health index ') === 0" in text
    portfolio = pd.DataFrame(
        {
            "alliance": ["Helix"],
            "segment": ["simple"],
            "health_index": [80.0],
            "alignment_index": [70.0],
            "rag": ["green"],
        }
    )
    text = _strings(trends.portfolio_chart(portfolio, words=words))
    assert "ÜBEREINSTIMMUNG (0–100)" in text and "GRÜN" in text


def test_download_title_is_in_the_given_words():
    report = {
        "alliance": {"name": "Helix", "sides": {"A": "Aurora", "B": "Partner"}},
        "round": {"label": "2026-Q1", "closes_on": "2026-03-31", "closed_at": None},
    }
    chart = sets.titled(bars.gap_chart(GAPS, "Aurora", "Partner", 4, words=words), "x", "y")
    assert chart is not None
    _ = formatter(words)
    heading = _("%(alliance)s — health check %(round)s", alliance=report["alliance"]["name"], round="2026-Q1")
    assert heading == "Helix — HEALTH-CHECK 2026-Q1"
    assert sets.what("gaps", words) == "WAHRNEHMUNGSABSTAND" and sets.what("gaps") == sets.WHAT["gaps"]


def test_facts_chart_names_the_fact_series_and_panel_in_the_given_words_and_keeps_its_colour():
    frame = pd.DataFrame(
        {
            "round": ["R1", "R1", "R1"],
            "order": [0, 0, 0],
            "panel": ["Budget variance vs rating"] * 3,
            "series": ["Aurora", "Partner", "Fact"],
            "value": [60.0, 50.0, 40.0],
        }
    )
    spec = facts.facts_trend(frame, ["Aurora", "Partner"], "Fact", words=words).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "BUDGETABWEICHUNG VS. BEWERTUNG" in text and '"Fact"' not in text
    colour = spec["spec"]["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Aurora", "Partner", "KENNZAHL"]
    assert colour["range"][2] == facts.FACT_COLOUR
