"""Meta-perception (DESIGN §3.14): what each side expects its partner to rate, beside what the
partner does rate — one panel per side, one dumbbell per dimension."""

from __future__ import annotations

import altair as alt
import pandas as pd

from healthcheck import numbers
from healthcheck.charts import base_config, palette
from healthcheck.charts.words import Words, formatter

# the reading in words (analysis.frames.META_WORDS) → colour of the connecting line: concern
# colours only (blue and purple are the sides' everywhere)
READINGS = {
    "blind spot": palette.RED,
    "undervalued": palette.AMBER,
    "accurate": palette.GREEN,
    palette.NOT_SHOWN: palette.NOT_SHOWN_FILL,
}
ALWAYS = {"blind spot", "undervalued", "accurate"}
EXPECTED, ACTUAL = "expected by this side", "what the partner actually rates"
NOTE = [
    "Blind spot: the side expects the partner to rate it higher than the partner does,",
    "by at least 1/8 of the scale",
]


def _label(error, reading: str, _) -> str:
    if error is None or pd.isna(error):
        return "n<k"
    return f"{numbers.signed(round(error, 2) or 0.0)} {_(reading)}"  # never "-0.00"


def _panel(rows: pd.DataFrame, lo: int, hi: int, order: list[str], domain: list[str], width: int, _):
    organisation, partner = rows["organisation"].iloc[0], rows["partner"].iloc[0]
    expected = _("expected by this side")  # EXPECTED
    actual = _("what the partner actually rates")  # ACTUAL
    shown = rows.assign(reading=[_(r) for r in rows["reading"]])
    points = pd.concat(
        [
            shown.assign(series=expected, value=rows["expected"]),
            shown.assign(series=actual, value=rows["actual"]),
        ]
    ).dropna(subset=["value"])
    y = alt.Y("title:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    x = alt.X(
        "value:Q",
        scale=alt.Scale(domain=[lo, hi]),
        title=_("mean on the %(low)s–%(high)s scale", low=lo, high=hi),
    )
    tooltip = [
        alt.Tooltip("title:N", title=_("Dimension")),
        alt.Tooltip("series:N", title=_("Figure")),
        alt.Tooltip("value:Q", title=_("Mean"), format=".2f"),
        alt.Tooltip("reading:N", title=_("Reading")),
    ]
    lines = (
        alt.Chart(shown.dropna(subset=["expected", "actual"]))
        .mark_rule(strokeWidth=4, opacity=0.7)
        .encode(
            x=alt.X("expected:Q", scale=alt.Scale(domain=[lo, hi])),
            x2="actual:Q",
            y=y,
            color=alt.Color(
                "reading:N",
                title=_("How well it reads the partner"),
                scale=alt.Scale(domain=[_(r) for r in domain], range=[READINGS[r] for r in domain]),
                legend=alt.Legend(
                    symbolType="stroke", symbolStrokeWidth=4, labelLimit=320, titleLimit=320, columns=1
                ),
            ),
        )
    )
    dots = (
        alt.Chart(points)
        .mark_point(size=110, filled=True, opacity=1)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "series:N",
                title=_("Figure"),
                scale=alt.Scale(domain=[expected, actual], range=["circle", "diamond"]),
                legend=alt.Legend(labelLimit=320, titleLimit=320, columns=1),
            ),
            fill=alt.Fill(
                "series:N",
                scale=alt.Scale(domain=[expected, actual], range=["#ffffff", "#333333"]),
                legend=None,
            ),
            stroke=alt.value("#333333"),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(
            rows.assign(
                label=[_label(e, r, _) for e, r in zip(rows["meta_error"], rows["reading"], strict=True)]
            )
        )
        .mark_text(align="left", dx=4, fontSize=palette.MIN_FONT)
        .encode(x=alt.value(width + 6), y=y, text=alt.Text("label:N"))
    )
    title = alt.TitleParams(
        [
            _("What %(side)s expects %(partner)s to rate", side=organisation, partner=partner),
            _("and what %(partner)s rates", partner=partner),
        ],
        anchor="start",
        fontSize=13,
    )
    return alt.layer(lines, dots, text).properties(width=width, height=28 * len(rows), title=title)


def meta_chart(
    rows: pd.DataFrame, scale_min: int, scale_max: int, width: int = 260, words: Words | None = None
):
    """``rows``: ``frames.meta_rows`` (organisation, partner, title, expected, actual,
    meta_error, reading per side and dimension). A panel per side: a hollow circle for what
    the side expects, a dark diamond for what the partner rates, joined by a line coloured
    blind spot / undervalued / accurate; the meta error and its reading are written beside."""
    _ = formatter(words)
    order = list(dict.fromkeys(rows["title"]))
    present = set(rows["reading"])
    domain = [r for r in READINGS if r in ALWAYS or r in present]
    panels = [
        _panel(group, scale_min, scale_max, order, domain, width, _)
        for _side, group in rows.groupby("side", sort=True)
    ]
    note = [  # NOTE
        _("Blind spot: the side expects the partner to rate it higher than the partner does,"),
        _("by at least 1/8 of the scale"),
    ]
    note = alt.TitleParams(
        note, anchor="start", fontSize=palette.MIN_FONT, fontWeight="normal", color="#444", orient="bottom"
    )
    chart = (
        alt.vconcat(*panels, spacing=28).properties(title=note).resolve_scale(color="shared", shape="shared")
    )
    return base_config(chart)
