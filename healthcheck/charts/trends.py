"""Trend charts across rounds, and the portfolio scatter."""

from __future__ import annotations

import altair as alt
import pandas as pd

from healthcheck.charts import RAG_COLOURS, SIDE_COLOURS, base_config


def trend_small_multiples(
    means: pd.DataFrame, side_names: list[str], scale_min: int = 1, scale_max: int = 5, columns: int = 4
):
    """A panel per dimension: both sides' means across rounds, each with its 95 % interval as
    a vertical line (``ci_low``, ``ci_high``; the sides side by side within a round)."""
    means = means.reindex(columns=[*means.columns, *(c for c in ("ci_low", "ci_high") if c not in means)])
    means = means.astype({"ci_low": "float64", "ci_high": "float64"})
    rounds = list(dict.fromkeys(means.sort_values("order")["round"]))
    y_scale = alt.Scale(domain=[scale_min, scale_max], clamp=True)
    x = alt.X(
        "round:O", sort=rounds, title=None, axis=alt.Axis(labelAngle=-40), scale=alt.Scale(paddingInner=0.5)
    )
    shared = {
        "x": x,
        "xOffset": alt.XOffset("organisation:N", scale=alt.Scale(domain=side_names, paddingInner=0.6)),
        "color": alt.Color(
            "organisation:N", title=None, scale=alt.Scale(domain=side_names, range=SIDE_COLOURS)
        ),
    }
    tooltip = [
        "title:N",
        "round:N",
        "organisation:N",
        alt.Tooltip("mean:Q", format=".2f"),
        alt.Tooltip("ci_low:Q", format=".2f", title="95 % interval from"),
        alt.Tooltip("ci_high:Q", format=".2f", title="to"),
    ]
    # layers without data of their own: the facet splits its data between the panels
    base = (
        alt.Chart()
        .transform_filter("isValid(datum.mean)")
        .encode(y=alt.Y("mean:Q", scale=y_scale, title="Mean"), tooltip=tooltip, **shared)
    )
    intervals = (
        alt.Chart()
        .transform_filter("isValid(datum.ci_low) && isValid(datum.mean)")
        .mark_rule(strokeWidth=1.5, opacity=0.7)
        .encode(y=alt.Y("ci_low:Q", scale=y_scale), y2="ci_high:Q", tooltip=tooltip, **shared)
    )
    layered = alt.layer(intervals, base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=40))
    titles = list(dict.fromkeys(means["title"]))
    chart = layered.properties(width=150, height=120).facet(
        data=means,
        facet=alt.Facet(
            "title:N", sort=titles, title=None, header=alt.Header(labelFontSize=12, labelFontWeight="bold")
        ),
        columns=columns,
    )
    return base_config(chart)


def index_trend(indices: pd.DataFrame, width: int = 560):
    rounds = list(dict.fromkeys(indices.sort_values("order")["round"]))
    bands = pd.DataFrame({"low": [0, 50, 75], "high": [50, 75, 100], "rag": ["red", "amber", "green"]})
    band = (
        alt.Chart(bands)
        .mark_rect(opacity=0.08)
        .encode(
            y="low:Q",
            y2="high:Q",
            color=alt.Color(
                "rag:N",
                scale=alt.Scale(
                    domain=list(RAG_COLOURS)[:3], range=[RAG_COLOURS[k] for k in ("green", "amber", "red")]
                ),
                legend=None,
            ),
        )
    )
    metrics = list(dict.fromkeys(indices["metric"]))
    base = alt.Chart(indices.dropna(subset=["value"])).encode(
        x=alt.X("round:O", sort=rounds, title=None),
        y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 100]), title="Index (0–100)"),
        color=alt.Color(
            "metric:N",
            title=None,
            sort=metrics,
            scale=alt.Scale(domain=metrics, range=["#222222", "#7b4fa0", *SIDE_COLOURS]),
        ),
        strokeDash=alt.condition(
            "indexof(datum.metric, 'Health index ') === 0", alt.value([4, 3]), alt.value([1, 0])
        ),
        tooltip=["round:N", "metric:N", alt.Tooltip("value:Q", format=".1f")],
    )
    lines = alt.layer(base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=40))
    return base_config(
        alt.layer(band, lines).resolve_scale(color="independent").properties(width=width, height=260)
    )


def portfolio_chart(rows: pd.DataFrame, size: int = 460):
    """``rows``: alliance, segment, health_index, alignment_index, rag."""
    data = rows.dropna(subset=["health_index", "alignment_index"])
    x = alt.X("alignment_index:Q", title="Alignment index (0–100)", scale=alt.Scale(domain=[50, 100]))
    y = alt.Y("health_index:Q", title="Health index (0–100)", scale=alt.Scale(domain=[0, 100]))
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=160, opacity=0.9)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "rag:N",
                title="RAG",
                scale=alt.Scale(
                    domain=["green", "amber", "red"],
                    range=[RAG_COLOURS[k] for k in ("green", "amber", "red")],
                ),
            ),
            shape=alt.Shape(
                "segment:N", title="Segment", scale=alt.Scale(domain=["complex", "typical", "simple"])
            ),
            tooltip=[
                "alliance:N",
                "segment:N",
                alt.Tooltip("health_index:Q", format=".1f"),
                alt.Tooltip("alignment_index:Q", format=".1f"),
            ],
        )
    )
    labels = alt.Chart(data).mark_text(align="left", dx=9, fontSize=11).encode(x=x, y=y, text="alliance:N")
    rules = (
        alt.Chart(pd.DataFrame({"y": [50, 75]})).mark_rule(strokeDash=[4, 4], color="#999").encode(y="y:Q")
    )
    return base_config(alt.layer(rules, points, labels).properties(width=size, height=size * 0.75))
