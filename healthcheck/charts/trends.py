"""Trend charts across rounds, and the portfolio scatter."""

from __future__ import annotations

import altair as alt
import pandas as pd

from healthcheck.charts import labels, palette
from healthcheck.charts.palette import MIN_FONT, base_config
from healthcheck.charts.words import Words, formatter

RAG_ORDER = ["green", "amber", "red"]


def trend_small_multiples(
    means: pd.DataFrame,
    side_names: list[str],
    scale_min: int = 1,
    scale_max: int = 5,
    columns: int = 4,
    words: Words | None = None,
):
    """A panel per dimension: both sides' means across rounds, each with its 95 % interval as
    a vertical line (``ci_low``, ``ci_high``; the sides side by side within a round);
    ``columns`` panels a row: 4 on a page, 2 on a phone, where a panel is narrower."""
    _ = formatter(words)
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
        "color": alt.Color("organisation:N", title=None, scale=palette.side_scale(side_names)),
    }
    tooltip = [
        alt.Tooltip("title:N", title=_("Dimension")),
        alt.Tooltip("round:N", title=_("Round")),
        alt.Tooltip("organisation:N", title=_("Side")),
        alt.Tooltip("mean:Q", format=".2f", title=_("Mean")),
        alt.Tooltip("ci_low:Q", format=".2f", title=_("95 %% interval from")),
        alt.Tooltip("ci_high:Q", format=".2f", title=_("to")),
    ]
    # layers without data of their own: the facet splits its data between the panels
    base = (
        alt.Chart()
        .transform_filter("isValid(datum.mean)")
        .encode(y=alt.Y("mean:Q", scale=y_scale, title=_("Mean")), tooltip=tooltip, **shared)
    )
    intervals = (
        alt.Chart()
        .transform_filter("isValid(datum.ci_low) && isValid(datum.mean)")
        .mark_rule(strokeWidth=1.5, opacity=0.7)
        .encode(y=alt.Y("ci_low:Q", scale=y_scale), y2="ci_high:Q", tooltip=tooltip, **shared)
    )
    layered = alt.layer(intervals, base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=40))
    titles = list(dict.fromkeys(means["title"]))
    panel = 190 if columns > 2 else 130
    chart = layered.properties(width=panel, height=130).facet(
        data=means,
        facet=alt.Facet(
            "title:N",
            sort=titles,
            title=None,
            header=alt.Header(
                labelFontSize=13 if columns > 2 else 12, labelFontWeight="bold", labelLimit=panel + 20
            ),
        ),
        columns=columns,
    )
    return base_config(chart)


def _rag_bands(low: float = 0, high: float = 100) -> pd.DataFrame:
    """The RAG bands (red < 50 ≤ amber < 75 ≤ green) cut to [low, high]."""
    bands = pd.DataFrame({"low": [0, 50, 75], "high": [50, 75, 100], "rag": ["red", "amber", "green"]})
    bands = bands.assign(low=bands["low"].clip(low, high), high=bands["high"].clip(low, high))
    return bands[bands["high"] > bands["low"]]


def _metric_label(metric: str, _) -> str:
    """``frames.trend_indices``' metric (English, "Health index <side>" for a side's) in words."""
    if metric == "Health index":
        return _("Health index")
    if metric == "Alignment index":
        return _("Alignment index")
    if metric.startswith("Health index "):
        return _("Health index %(side)s", side=metric[len("Health index ") :])
    return metric


def index_trend(indices: pd.DataFrame, width: int = 560, words: Words | None = None):
    """Health and alignment indices across rounds: the alliance's in neutral ink, each
    side's health index in its side colour (dashed), on the RAG bands."""
    _ = formatter(words)
    # ``metric`` stays English (it decides the dash), ``line`` is what the reader sees
    indices = indices.assign(line=[_metric_label(m, _) for m in indices["metric"]])
    rounds = list(dict.fromkeys(indices.sort_values("order")["round"]))
    band = (
        alt.Chart(_rag_bands())
        .mark_rect(opacity=0.08)
        .encode(
            y="low:Q",
            y2="high:Q",
            color=alt.Color(
                "rag:N",
                scale=alt.Scale(domain=RAG_ORDER, range=[palette.RAG[k] for k in RAG_ORDER]),
                legend=None,
            ),
        )
    )
    metrics = list(dict.fromkeys(indices["line"]))
    colours = [*palette.METRIC.values(), *palette.SIDE_COLOURS]
    base = alt.Chart(indices.dropna(subset=["value"])).encode(
        x=alt.X("round:O", sort=rounds, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 100]), title=_("Index (0–100)")),
        color=alt.Color(
            "line:N",
            title=None,
            sort=metrics,
            scale=alt.Scale(domain=metrics, range=colours[: len(metrics)]),
            legend=alt.Legend(columns=2, labelLimit=320),
        ),
        strokeDash=alt.condition(
            "indexof(datum.metric, 'Health index ') === 0", alt.value([4, 3]), alt.value([1, 0])
        ),
        tooltip=[
            alt.Tooltip("round:N", title=_("Round")),
            alt.Tooltip("line:N", title=_("Index")),
            alt.Tooltip("value:Q", format=".1f", title=_("Value")),
        ],
    )
    lines = alt.layer(base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=40))
    return base_config(
        alt.layer(band, lines).resolve_scale(color="independent").properties(width=width, height=260)
    )


PORTFOLIO_WIDTH, PORTFOLIO_HEIGHT = 520, 360
MARKER_SIZE = 140  # area in px²: a radius of about 6.7 px


def portfolio_chart(
    rows: pd.DataFrame,
    width: int = PORTFOLIO_WIDTH,
    height: int = PORTFOLIO_HEIGHT,
    words: Words | None = None,
):
    """``rows``: alliance, segment, health_index, alignment_index, rag — the riskiest first
    (they get their names first). Axes fitted to the data; labels placed by
    ``labels.place`` so none overprints; names that do not fit become numbers in a key."""
    _ = formatter(words)
    rag_words = {"green": _("green"), "amber": _("amber"), "red": _("red")}
    segment_words = {"complex": _("complex"), "typical": _("typical"), "simple": _("simple")}
    data = rows.dropna(subset=["health_index", "alignment_index"]).reset_index(drop=True)
    plot = labels.Plot(
        width,
        height,
        labels.fitted_domain(data["alignment_index"]),
        labels.fitted_domain(data["health_index"]),
    )
    data = labels.place(data, "alignment_index", "health_index", "alliance", plot, MIN_FONT, radius=8)
    x = alt.X(
        "alignment_index:Q",
        title=_("Alignment index (0–100)"),
        scale=alt.Scale(domain=list(plot.x_domain), nice=False, zero=False),
    )
    y = alt.Y(
        "health_index:Q",
        title=_("Health index (0–100)"),
        scale=alt.Scale(domain=list(plot.y_domain), nice=False, zero=False),
    )
    shown = data.drop(columns=["box"]).assign(
        rag_word=[rag_words.get(r, r) for r in data["rag"]],
        segment_word=[segment_words.get(s, s) for s in data["segment"]],
    )
    points = (
        alt.Chart(shown)
        .mark_point(filled=True, size=MARKER_SIZE, opacity=0.9)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "rag_word:N",
                title=_("RAG"),
                scale=alt.Scale(
                    domain=[rag_words[k] for k in RAG_ORDER], range=[palette.RAG[k] for k in RAG_ORDER]
                ),
            ),
            shape=alt.Shape(
                "segment_word:N",
                title=_("Segment"),
                scale=alt.Scale(domain=[segment_words[k] for k in ("complex", "typical", "simple")]),
            ),
            tooltip=[
                alt.Tooltip("alliance:N", title=_("Alliance")),
                alt.Tooltip("segment_word:N", title=_("Segment")),
                alt.Tooltip("health_index:Q", format=".1f", title=_("Health index")),
                alt.Tooltip("alignment_index:Q", format=".1f", title=_("Alignment index")),
            ],
        )
    )
    layers = [_thresholds(plot.y_domain), points, *_label_layers(data, plot)]
    chart = alt.layer(*layers).properties(width=width, height=height)
    key = _key(data, _("Key"))
    if key is not None:
        chart = alt.vconcat(chart, key, spacing=12)
    return base_config(chart)


def _thresholds(domain: tuple[float, float]):
    """The RAG thresholds (50, 75) that fall inside the fitted health axis."""
    inside = [v for v in (50, 75) if domain[0] < v < domain[1]]
    return (
        alt.Chart(pd.DataFrame({"y": inside}, dtype=float))
        .mark_rule(strokeDash=[4, 4], color="#999")
        .encode(y=alt.Y("y:Q", scale=alt.Scale(domain=list(domain), nice=False, zero=False)))
    )


def _label_layers(data: pd.DataFrame, plot: labels.Plot) -> list:
    x = alt.X("label_x:Q", scale=alt.Scale(domain=list(plot.x_domain), nice=False, zero=False))
    y = alt.Y("label_y:Q", scale=alt.Scale(domain=list(plot.y_domain), nice=False, zero=False))
    placed = data.dropna(subset=["label"])[["label", "label_x", "label_y", "align"]]
    return [
        alt.Chart(group)
        .mark_text(align=align, baseline="middle", fontSize=MIN_FONT, color=palette.INK)
        .encode(x=x, y=y, text="label:N")
        for align, group in placed.groupby("align", sort=True)
    ]


def _key(data: pd.DataFrame, heading: str = "Key"):
    """The numbered labels' names, one line each, under the plot (None when none)."""
    numbered = data.dropna(subset=["key"]).sort_values("key")
    if numbered.empty:
        return None
    lines = pd.DataFrame(
        {
            "line": [
                f"{int(k)}  {name}" for k, name in zip(numbered["key"], numbered["alliance"], strict=True)
            ],
            "row": range(len(numbered)),
        }
    )
    return (
        alt.Chart(lines)
        .mark_text(align="left", baseline="middle", fontSize=MIN_FONT, color=palette.INK)
        .encode(x=alt.value(0), y=alt.Y("row:O", axis=None), text="line:N")
        .properties(
            width=PORTFOLIO_WIDTH, height=18 * len(lines), title=alt.TitleParams(heading, fontSize=MIN_FONT)
        )
    )
