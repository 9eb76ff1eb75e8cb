"""Diverging gap bar chart and question-level gap heatmap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from healthcheck.charts import LEVEL_COLOURS, base_config

LEVELS = list(LEVEL_COLOURS)


def gap_chart(gaps: pd.DataFrame, side_a: str, side_b: str, scale_range: int = 4, width: int = 420):
    """``gaps``: title, gap (None when it cannot be shown), gap_level."""
    data = gaps.assign(
        label=[("–" if g is None or pd.isna(g) else f"{g:+.2f}") for g in gaps["gap"]],
        shown=[0.0 if g is None or pd.isna(g) else float(g) for g in gaps["gap"]],
        level=[lv if isinstance(lv, str) else "not shown" for lv in gaps["gap_level"]],
    )
    largest = max([abs(g) for g in data["shown"]] + [0.0])
    limit = min(float(scale_range), max(scale_range / 2, float(-(-largest // 1))))
    order = list(data["title"])
    y = alt.Y("title:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    x = alt.X(
        "shown:Q",
        scale=alt.Scale(domain=[-limit, limit], clamp=True),
        title=f"← {side_b} more favourable · gap (A − B) · {side_a} more favourable →",
    )
    bars = (
        alt.Chart(data)
        .mark_bar(height=16)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "level:N",
                title="Gap level",
                scale=alt.Scale(
                    domain=[*LEVELS, "not shown"], range=[*(LEVEL_COLOURS[k] for k in LEVELS), "#bbbbbb"]
                ),
            ),
            tooltip=[alt.Tooltip("title:N"), alt.Tooltip("label:N"), alt.Tooltip("level:N")],
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333").encode(x=alt.X("x:Q"))
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(x=alt.value(width + 6), y=y, text=alt.Text("label:N"))
    )
    return base_config(alt.layer(bars, zero, text).properties(width=width, height=28 * len(data)))


def question_heatmap(questions: pd.DataFrame, scale_range: int = 4):
    """Grid of question gaps: a column per dimension, a row per statement number."""
    data = questions.assign(
        shown=[None if g is None or pd.isna(g) else float(g) for g in questions["gap"]],
        label=[("n<k" if g is None or pd.isna(g) else f"{g:+.1f}") for g in questions["gap"]],
        row=[f"S{n}" for n in questions["number"]],
    )
    limit = scale_range / 2
    order = list(dict.fromkeys(data["title"]))
    x = alt.X("title:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=160))
    y = alt.Y("row:N", title="Statement")
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="white")
        .encode(
            x=x,
            y=y,
            color=alt.condition(
                "datum.shown === null",
                alt.value("#e0e0e0"),
                alt.Color(
                    "shown:Q",
                    title="Gap A − B",
                    scale=alt.Scale(scheme="redblue", domain=[-limit, limit], clamp=True),
                ),
            ),
            tooltip=[alt.Tooltip("title:N"), alt.Tooltip("text:N"), alt.Tooltip("label:N")],
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(fontSize=11)
        .encode(
            x=x,
            y=y,
            text=alt.Text("label:N"),
            color=alt.condition(
                f"datum.shown !== null && abs(datum.shown) > {limit * 0.6}",
                alt.value("white"),
                alt.value("#222"),
            ),
        )
    )
    return base_config(alt.layer(cells, text).properties(width=70 * len(order), height=36 * 5))
