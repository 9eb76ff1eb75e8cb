"""The report's one colour language and type sizes, used by every chart builder.

- **Sides**: side A is always blue, side B always purple — radar, trends, index lines, the
  statement heatmap's two ends, and the page text (``web/static/app.css`` uses the same
  values; a unit test keeps them equal). Both meet WCAG AA as text on white.
- **Concern** (red, amber) and **good** (green) mean a verdict or a RAG status only: never a
  side, so no colour that says "gap" or "concern" also says "the partner sees it better".
- **Not shown** (fewer than k answers): hatched grey (``HATCH``) in grids, grey in bars;
  the chart that draws it says so in its key (``NOT_SHOWN``).
- **Type**: nothing under ``MIN_FONT`` px anywhere (axis labels and titles, legends,
  headers, marks); ``base_config`` sets every default Vega would otherwise draw at 10–11 px.

A new chart takes its colours from here: ``side_scale`` for anything per side,
``VERDICT`` / ``RAG`` for judgements, ``hatched()`` for suppressed cells.
"""

from __future__ import annotations

import altair as alt

SIDE_A = "#1a6aa3"  # blue
SIDE_B = "#7b3fa0"  # purple
SIDES = {"A": SIDE_A, "B": SIDE_B}
SIDE_COLOURS = [SIDE_A, SIDE_B]
ZERO = "#f4f4f4"  # the middle of the A ↔ B diverging scale (no gap)

RED, AMBER, GREEN, GREY = "#c62828", "#d08a00", "#2e7d32", "#8a8a8a"
RAG = {"green": GREEN, "amber": AMBER, "red": RED, "none": GREY}
NOT_SHOWN = "not shown: fewer than k answers"
NOT_SHOWN_FILL = "#bdbdbd"
VERDICT = {  # the verdict in a steering committee's words (analysis.evidence.verdict_label)
    "real gap": RED,
    "possible gap": AMBER,
    "possible gap — too few answers to tell": "#f0d49a",
    "aligned": GREEN,
}
# index lines of the trend that are not a side's: neutral, never a side's or a verdict's hue
METRIC = {"Health index": "#222222", "Alignment index": "#6b6b6b"}
INK, MUTED, RULE = "#222222", "#555555", "#c8c8c8"

# text variants for the pages where a fill above is too light for text on white (AA)
TEXT = {"side-a": SIDE_A, "side-b": SIDE_B, "amber": "#8f5600", "red": RED, "green": GREEN}

FONT = "Helvetica, Arial, sans-serif"
MIN_FONT = 12
TITLE_FONT = 15


def concern_colours() -> set[str]:
    """Colours that mean a gap, a concern or a status: never used for a side."""
    return {c.lower() for c in (*VERDICT.values(), *RAG.values())}


def side_scale(names: list[str]) -> alt.Scale:
    """A colour scale mapping [side A's name, side B's name] to the side colours."""
    return alt.Scale(domain=list(names), range=SIDE_COLOURS[: len(names)])


def hatched(stripes: int = 10, ink: str = "#9e9e9e", paper: str = "#ffffff") -> dict:
    """Diagonal stripes as a Vega gradient fill: how a suppressed cell is drawn."""
    stops = []
    for i in range(stripes):
        colour = ink if i % 2 == 0 else paper
        stops += [{"offset": i / stripes, "color": colour}, {"offset": (i + 1) / stripes, "color": colour}]
    return {"gradient": "linear", "x1": 0, "y1": 0, "x2": 1, "y2": 1, "stops": stops}


def base_config(chart):
    """Fonts of at least ``MIN_FONT`` px for every part of a chart Vega would draw smaller."""
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=MIN_FONT, titleFontSize=MIN_FONT, labelColor=INK, titleColor=INK)
        .configure_legend(labelFontSize=MIN_FONT, titleFontSize=MIN_FONT, orient="bottom")
        .configure_header(labelFontSize=MIN_FONT, titleFontSize=MIN_FONT)
        .configure_title(fontSize=TITLE_FONT, subtitleFontSize=MIN_FONT, anchor="start")
        .configure_text(fontSize=MIN_FONT)
    )
