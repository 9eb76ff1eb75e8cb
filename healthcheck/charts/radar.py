"""Radar chart of both sides' dimension means.

Vega-Lite has no polar lines: vertices are computed here (angle 0 at 12 o'clock, clockwise),
each polygon is closed by repeating its first vertex and drawn in ``order``; rings and
spokes are layers of their own; the x/y domain is fixed and symmetric.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from healthcheck.charts import palette
from healthcheck.charts.palette import MIN_FONT, base_config
from healthcheck.charts.words import Words, formatter

X_LIMIT = 1.95
Y_LIMIT = 1.22
LABEL_RADIUS = 1.12


def _xy(index: int, count: int, radius: float) -> tuple[float, float]:
    angle = 2 * math.pi * index / count
    return radius * math.sin(angle), radius * math.cos(angle)


def _vertex(series: str, order: int, title: str, value: float, count: int, scale_min: int, scale_max: int):
    x, y = _xy(order % count, count, (value - scale_min) / (scale_max - scale_min))
    return {"series": series, "order": order, "x": x, "y": y, "dimension": title, "mean": round(value, 2)}


COLUMNS = ["series", "order", "x", "y", "dimension", "mean"]


def vertices(means: pd.DataFrame, scale_min: int, scale_max: int) -> pd.DataFrame:
    """Closed polygons of each side with every dimension shown: series, order, x, y, dimension, mean."""
    titles = list(dict.fromkeys(means["title"]))
    rows = []
    for series, group in means.groupby("series", sort=False):
        if group["mean"].isna().any():
            continue  # a side with a hidden dimension has no polygon (see ``points``)
        by_title = dict(zip(group["title"], group["mean"], strict=True))
        for order, title in enumerate([*titles, titles[0]]):
            rows.append(_vertex(series, order, title, by_title[title], len(titles), scale_min, scale_max))
    return pd.DataFrame(rows, columns=COLUMNS)


def points(means: pd.DataFrame, scale_min: int, scale_max: int) -> pd.DataFrame:
    """The shown dimensions of sides that have some hidden: markers without a polygon, which
    would misdraw the side's shape."""
    titles = list(dict.fromkeys(means["title"]))
    rows = []
    for series, group in means.groupby("series", sort=False):
        shown = group["mean"].notna()
        if shown.all() or not shown.any():
            continue
        for title, value in zip(group["title"][shown], group["mean"][shown], strict=True):
            rows.append(_vertex(series, titles.index(title), title, value, len(titles), scale_min, scale_max))
    return pd.DataFrame(rows, columns=COLUMNS)


def series_names(means: pd.DataFrame, words: Words | None = None) -> pd.Series:
    """One legend entry per side, saying how much of it is shown."""
    _ = formatter(words)
    hidden = means.groupby("side", sort=False)["suppressed"].agg(["all", "any"])
    names = {}
    for side, org in zip(means["side"], means["organisation"], strict=True):
        if hidden.loc[side, "all"]:
            names[side] = _("%(side)s (not shown: fewer than k answers)", side=org)
        elif hidden.loc[side, "any"]:
            names[side] = _("%(side)s (some dimensions not shown: fewer than k answers)", side=org)
        else:
            names[side] = org
    return means["side"].map(names)


def grid(titles: list[str], scale_min: int, scale_max: int):
    """Rings (one per scale value), spokes, and label positions."""
    count = len(titles)
    rings, spokes, labels, ring_labels = [], [], [], []
    for value in range(scale_min, scale_max + 1):
        radius = (value - scale_min) / (scale_max - scale_min)
        for order in range(count + 1):
            x, y = _xy(order % count, count, radius)
            rings.append({"ring": value, "order": order, "x": x, "y": y})
        ring_labels.append({"x": 0.04, "y": radius, "text": str(value)})
    for i, title in enumerate(titles):
        x, y = _xy(i, count, 1.0)
        spokes += [{"spoke": i, "order": 0, "x": 0.0, "y": 0.0}, {"spoke": i, "order": 1, "x": x, "y": y}]
        lx, ly = _xy(i, count, LABEL_RADIUS)
        align = "center" if abs(lx) < 0.15 else ("left" if lx > 0 else "right")
        labels.append({"x": lx, "y": ly, "text": title, "align": align})
    return (pd.DataFrame(rings), pd.DataFrame(spokes), pd.DataFrame(labels), pd.DataFrame(ring_labels))


def radar_chart(
    means: pd.DataFrame, scale_min: int = 1, scale_max: int = 5, width: int = 560, words: Words | None = None
):
    """``means``: title, organisation, mean (None when suppressed), suppressed, side;
    ``words``: the reader's language (``charts.words``)."""
    _ = formatter(words)
    means = means.assign(series=series_names(means, words))
    titles = list(dict.fromkeys(means["title"]))
    series = list(dict.fromkeys(means["series"]))
    rings, spokes, labels, ring_labels = grid(titles, scale_min, scale_max)
    # unequal domains, equal units: width / height == X_LIMIT / Y_LIMIT keeps the polygon regular
    x = alt.X("x:Q", scale=alt.Scale(domain=[-X_LIMIT, X_LIMIT]), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[-Y_LIMIT, Y_LIMIT]), axis=None)
    layers = [
        alt.Chart(rings)
        .mark_line(color=palette.RULE, strokeWidth=1)
        .encode(x, y, detail=alt.Detail("ring:N"), order=alt.Order("order:Q")),
        alt.Chart(spokes)
        .mark_line(color=palette.RULE, strokeWidth=1)
        .encode(x, y, detail=alt.Detail("spoke:N"), order=alt.Order("order:Q")),
        alt.Chart(ring_labels)
        .mark_text(align="left", baseline="middle", fontSize=MIN_FONT, color=palette.MUTED)
        .encode(x, y, text=alt.Text("text:N")),
    ]
    for align in ("left", "right", "center"):
        subset = labels[labels["align"] == align]
        if not subset.empty:
            layers.append(
                alt.Chart(subset)
                .mark_text(align=align, baseline="middle", fontSize=13, fontWeight="bold", color=palette.INK)
                .encode(x, y, text=alt.Text("text:N"))
            )
    colour = alt.Color(
        "series:N",
        title=None,
        scale=palette.side_scale(series),
        legend=alt.Legend(
            orient="top", direction="horizontal", symbolStrokeWidth=3, labelLimit=420, labelFontSize=13
        ),
    )
    poly = vertices(means, scale_min, scale_max)
    marks = points(means, scale_min, scale_max)
    tooltip = [
        alt.Tooltip("series:N", title=_("Side")),
        alt.Tooltip("dimension:N", title=_("Dimension")),
        alt.Tooltip("mean:Q", title=_("Mean")),
    ]
    if not poly.empty:
        layers.append(
            alt.Chart(poly)
            .mark_line(strokeWidth=2.5, interpolate="linear-closed")
            .encode(x, y, color=colour, order=alt.Order("order:Q"), detail=alt.Detail("series:N"))
        )
    drawn = [f for f in (poly, marks) if not f.empty]
    if not drawn:  # keep the legend even when both sides are suppressed
        empty = pd.DataFrame(
            {"series": series, "order": 0, "x": 0.0, "y": 0.0, "dimension": "", "mean": None}
        )
        layers.append(alt.Chart(empty).mark_point(opacity=0).encode(x, y, color=colour))
    else:
        layers.append(
            alt.Chart(pd.concat(drawn))
            .mark_point(filled=True, size=60)
            .encode(x, y, color=colour, tooltip=tooltip)
        )
    height = round(width * Y_LIMIT / X_LIMIT)
    return base_config(alt.layer(*layers).properties(width=width, height=height))
