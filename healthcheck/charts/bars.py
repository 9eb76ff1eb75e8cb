"""Diverging gap bar chart and question-level gap heatmap."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from healthcheck import numbers
from healthcheck.charts import palette
from healthcheck.charts.palette import MIN_FONT, NOT_SHOWN, base_config
from healthcheck.charts.words import Words, formatter

# the verdict in a steering committee's words (analysis.evidence.verdict_label) → colour
JUDGEMENTS = {**palette.VERDICT, NOT_SHOWN: palette.NOT_SHOWN_FILL}
ALWAYS = {"real gap", "possible gap", "aligned"}  # in the legend even when no dimension is
INTERVAL_NOTE = "Black line: 95 % interval, where the true gap probably lies"


def _number(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def two_lines(title: str, longest: int = 18) -> list[str]:
    """``title`` broken at the space nearest its middle when it is longer than ``longest``."""
    spaces = [i for i, ch in enumerate(title) if ch == " "]
    if len(title) <= longest or not spaces:
        return [title]
    cut = min(spaces, key=lambda i: abs(i - len(title) / 2))
    return [title[:cut], title[cut + 1 :]]


def wrapped_labels(titles) -> str:
    """A Vega ``labelExpr`` setting each long title on two lines (strings JSON-escaped)."""
    pairs = ", ".join(f"{json.dumps(t)}: {json.dumps(two_lines(t))}" for t in dict.fromkeys(titles))
    return f"({{{pairs}}})[datum.label] || datum.label"


# the phone rendition of the gap chart: a narrow plot, dimension titles on two lines
COMPACT = {"width": 170, "label_limit": 130, "wrap": True, "legend_columns": 1, "row_height": 38}


def gap_chart(
    gaps: pd.DataFrame,
    side_a: str,
    side_b: str,
    scale_range: int = 4,
    width: int = 480,
    label_limit: int = 240,
    wrap: bool = False,
    legend_columns: int = 2,
    row_height: int = 30,
    words: Words | None = None,
):
    """``gaps``: title, gap (None when it cannot be shown), judgement (the verdict in words,
    ``frames.dimension_gaps``) and the gap's 95 % interval ci_low, ci_high, drawn as an error
    bar. Bars are coloured by judgement: real gap, possible gap, aligned. Drawn for the
    report's full width: ``width`` is the plot, labels and values come on top of it.
    ``words``: the reader's language (``charts.words``), English by default."""
    _ = formatter(words)
    gaps = gaps.reindex(
        columns=[*gaps.columns, *(c for c in ("judgement", "ci_low", "ci_high") if c not in gaps)]
    )
    data = gaps.assign(
        label=[numbers.signed(_number(g)) for g in gaps["gap"]],
        shown=[_number(g) or 0.0 for g in gaps["gap"]],
        judgement=[_(j if isinstance(j, str) else NOT_SHOWN) for j in gaps["judgement"]],
        ci_low=[_number(x) for x in gaps["ci_low"]],
        ci_high=[_number(x) for x in gaps["ci_high"]],
    )
    data = data.assign(
        interval=[
            "–" if lo is None else _("%(low)s to %(high)s", low=numbers.signed(lo), high=numbers.signed(hi))
            for lo, hi in zip(data["ci_low"], data["ci_high"], strict=True)
        ]
    )
    ends = [abs(x) for col in ("shown", "ci_low", "ci_high") for x in data[col] if x is not None]
    largest = max([*ends, 0.0])
    limit = min(float(scale_range), max(scale_range / 2, float(-(-largest // 1))))
    present = set(data["judgement"])
    domain = [j for j in JUDGEMENTS if j in ALWAYS or _(j) in present]
    order = list(data["title"])
    axis = alt.Axis(labelLimit=label_limit)
    if wrap:
        axis = alt.Axis(labelLimit=label_limit, labelExpr=wrapped_labels(order), labelLineHeight=14)
    y = alt.Y("title:N", sort=order, title=None, axis=axis)
    x = alt.X(
        "shown:Q",
        scale=alt.Scale(domain=[-limit, limit], clamp=True),
        title=[_("gap (A − B)"), _("← %(b)s rates higher · %(a)s rates higher →", a=side_a, b=side_b)]
        if not wrap
        else [
            _("gap (A − B)"),
            _("← %(side)s rates higher", side=side_b),
            _("%(side)s rates higher →", side=side_a),
        ],
    )
    tooltip = [
        alt.Tooltip("title:N", title=_("Dimension")),
        alt.Tooltip("label:N", title=_("Gap")),
        alt.Tooltip("interval:N", title=_("95 %% interval")),
        alt.Tooltip("judgement:N", title=_("Is the gap real?")),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(height=18)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "judgement:N",
                title=_("Is the gap real?"),
                scale=alt.Scale(domain=[_(j) for j in domain], range=[JUDGEMENTS[j] for j in domain]),
                legend=alt.Legend(
                    symbolType="square", labelLimit=360, columns=legend_columns, columnPadding=24
                ),
            ),
            tooltip=tooltip,
        )
    )
    with_interval = alt.Chart(data).transform_filter("datum.ci_low !== null")
    error_x = alt.X("ci_low:Q", scale=alt.Scale(domain=[-limit, limit], clamp=True))
    whisker = with_interval.mark_rule(color="#222", strokeWidth=1.5).encode(
        x=error_x, x2="ci_high:Q", y=y, tooltip=tooltip
    )
    caps = alt.layer(
        with_interval.mark_tick(color="#222", thickness=1.5, size=10).encode(x=error_x, y=y),
        with_interval.mark_tick(color="#222", thickness=1.5, size=10).encode(
            x=alt.X("ci_high:Q", scale=alt.Scale(domain=[-limit, limit], clamp=True)), y=y
        ),
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333").encode(x=alt.X("x:Q"))
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=MIN_FONT)
        .encode(x=alt.value(width + 6), y=y, text=alt.Text("label:N"))
    )
    note = _("Black line: 95 %% interval, where the true gap probably lies")  # INTERVAL_NOTE
    title = alt.TitleParams(
        two_lines(note, 40) if wrap else note,
        anchor="start",
        fontSize=MIN_FONT,
        fontWeight="normal",
        color=palette.MUTED,
    )
    return base_config(
        alt.layer(bars, zero, whisker, caps, text).properties(
            width=width, height=row_height * len(data), title=title
        )
    )


def question_heatmap(
    questions: pd.DataFrame,
    side_a: str = "A",
    side_b: str = "B",
    scale_range: int = 4,
    words: Words | None = None,
):
    """Grid of question gaps: a column per dimension, a row per statement number. A gap runs
    from side B's colour (B rates higher) through light grey (no gap) to side A's; a cell not
    shown (fewer than k answers) is hatched and says so in the key under the grid."""
    _ = formatter(words)
    data = questions.assign(
        shown=[None if g is None or pd.isna(g) else float(g) for g in questions["gap"]],
        label=[("n<k" if g is None or pd.isna(g) else numbers.signed(g, 1)) for g in questions["gap"]],
        row=[f"S{n}" for n in questions["number"]],
    )
    limit = scale_range / 2
    order = list(dict.fromkeys(data["title"]))
    rows = list(dict.fromkeys(data.sort_values("number")["row"]))
    x = alt.X("title:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=260))
    y = alt.Y("row:N", sort=rows, title=_("Statement"))
    gap = alt.Color(
        "shown:Q",
        title=[
            _("Gap (%(a)s − %(b)s)", a=side_a, b=side_b),
            _("← %(b)s rates higher · %(a)s rates higher →", a=side_a, b=side_b),
        ],
        scale=alt.Scale(
            domain=[-limit, 0, limit], range=[palette.SIDE_B, palette.ZERO, palette.SIDE_A], clamp=True
        ),
        legend=alt.Legend(orient="bottom", gradientLength=240, direction="horizontal", titleLimit=900),
    )
    tooltip = [
        alt.Tooltip("title:N", title=_("Dimension")),
        alt.Tooltip("text:N", title=_("Statement")),
        alt.Tooltip("label:N", title=_("Gap")),
    ]
    shown = alt.Chart(data).transform_filter("datum.shown !== null")
    hidden = alt.Chart(data).transform_filter("datum.shown === null")
    text = alt.Text("label:N")
    ink = alt.condition(
        f"datum.shown !== null && abs(datum.shown) > {limit * 0.55}",
        alt.value("white"),
        alt.value(palette.INK),
    )
    cells = [shown.mark_rect(stroke="white").encode(x=x, y=y, color=gap, tooltip=tooltip)]
    any_hidden = bool(data["shown"].isna().any())
    if any_hidden:  # an empty layer would leave an unlabelled mark group (axe: svg-img-alt)
        hatch = hidden.mark_rect(fill=palette.hatched(), stroke="#757575", description=_(NOT_SHOWN))
        cells.append(hatch.encode(x=x, y=y, tooltip=tooltip))
    values = alt.Chart(data).mark_text(fontSize=MIN_FONT).encode(x=x, y=y, text=text, color=ink)
    grid = alt.layer(*cells, values).properties(width=80 * len(order), height=36 * len(rows))
    if not any_hidden:
        return base_config(grid)
    return base_config(alt.vconcat(grid, not_shown_key(words=words), spacing=6))


def not_shown_key(width: int = 320, words: Words | None = None):
    """The key of a hatched cell: what "not shown" means (a legend Vega cannot draw itself)."""
    _ = formatter(words)
    label = pd.DataFrame({"text": [_(NOT_SHOWN)]})
    swatch = alt.Chart(label).mark_rect(
        fill=palette.hatched(6), stroke="#757575", width=20, height=16, description=_(NOT_SHOWN)
    )
    text = alt.Chart(label).mark_text(align="left", baseline="middle", fontSize=MIN_FONT, color=palette.INK)
    return alt.layer(
        swatch.encode(x=alt.value(10), y=alt.value(10)),
        text.encode(x=alt.value(28), y=alt.value(10), text=alt.Text("text:N")),
    ).properties(width=width, height=20)
