"""Which charts a report, a trend and the portfolio show, built from their data.

A chart on a page sits under the page's headings; a downloaded one (PNG, SVG, Vega-Lite
JSON) travels alone, so ``round_download`` and ``trend_download`` give it a title naming
the alliance, the round (or rounds) and the date the round closed.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from healthcheck.analysis import frames
from healthcheck.charts import palette
from healthcheck.charts.bars import COMPACT, gap_chart, question_heatmap
from healthcheck.charts.meta import meta_chart
from healthcheck.charts.radar import radar_chart
from healthcheck.charts.trends import index_trend, portfolio_chart, trend_small_multiples

ROUND_CHARTS = ("radar", "gaps", "gaps_phone", "questions")  # gaps_phone: the page's phone rendition
META_CHART = "meta"  # only where the questionnaire asked predictions (DESIGN §3.14)
TREND_CHARTS = ("dimensions", "dimensions_phone", "indices")  # dimensions_phone: two panels a row
WHAT = {
    "radar": "Each side's mean per dimension",
    "gaps": "Perception gap per dimension",
    "gaps_phone": "Perception gap per dimension",
    "questions": "Gap per statement",
    META_CHART: "What each side expects its partner to rate, beside the partner's rating",
    "dimensions": "Each dimension, both sides, across rounds",
    "dimensions_phone": "Each dimension, both sides, across rounds",
    "indices": "Health and alignment indices across rounds",
}


def round_charts(report: dict) -> tuple[str, ...]:
    """The charts of this round's report."""
    return (*ROUND_CHARTS, META_CHART) if frames.has_meta(report) else ROUND_CHARTS


def round_chart(report: dict, name: str):
    scale = report["scale"]
    sides = report["alliance"]["sides"]
    span = scale["max"] - scale["min"]
    if name == "radar":
        return radar_chart(frames.dimension_means(report), scale["min"], scale["max"])
    if name == "gaps":
        return gap_chart(frames.dimension_gaps(report), sides["A"], sides["B"], span)
    if name == "gaps_phone":
        return gap_chart(frames.dimension_gaps(report), sides["A"], sides["B"], span, **COMPACT)
    if name == "questions":
        return question_heatmap(frames.question_gaps(report), sides["A"], sides["B"], span)
    if name == META_CHART and frames.has_meta(report):
        return meta_chart(frames.meta_rows(report), scale["min"], scale["max"])
    raise KeyError(name)


def trend_chart(trend: dict, name: str):
    sides = trend["alliance"]["sides"]
    scale = trend["rounds"][-1]["scale"] if trend["rounds"] else {"min": 1, "max": 5}
    if name in ("dimensions", "dimensions_phone"):
        return trend_small_multiples(
            frames.trend_means(trend),
            [sides["A"], sides["B"]],
            scale["min"],
            scale["max"],
            columns=2 if name == "dimensions_phone" else 4,
        )
    if name == "indices":
        return index_trend(frames.trend_indices(trend))
    raise KeyError(name)


def closed_on(round_block: dict) -> str:
    """The day a round closed (its actual close when recorded, else its close date)."""
    return str(round_block.get("closed_at") or round_block["closes_on"])[:10]


def round_download(report: dict, name: str):
    """``round_chart`` titled for a file that leaves the page."""
    alliance, rnd = report["alliance"], report["round"]
    return titled(
        round_chart(report, name),
        f"{alliance['name']} — health check {rnd['label']}",
        f"{_pair(alliance)} · closed {closed_on(rnd)} · {WHAT[name]}",
    )


def trend_download(trend: dict, name: str):
    """``trend_chart`` titled for a file that leaves the page (the trend has closed rounds)."""
    alliance, rounds = trend["alliance"], [r["round"] for r in trend["rounds"]]
    span = rounds[0]["label"] if len(rounds) == 1 else f"{rounds[0]['label']} to {rounds[-1]['label']}"
    return titled(
        trend_chart(trend, name),
        f"{alliance['name']} — trend {span}",
        f"{_pair(alliance)} · latest round closed {closed_on(rounds[-1])} · {WHAT[name]}",
    )


def _pair(alliance: dict) -> str:
    return f"{alliance['sides']['A']} × {alliance['sides']['B']}"


def titled(chart, title: str, subtitle: str):
    """``chart`` with ``title`` over it; a title it had already becomes a line under ``subtitle``."""
    lines = [subtitle]
    note = chart.title
    if note is not alt.Undefined:
        text = note.text if isinstance(note, alt.TitleParams) else note
        lines.extend(text if isinstance(text, list) else [str(text)])
    heading = alt.TitleParams(
        title,
        subtitle=lines,
        anchor="start",
        fontSize=palette.TITLE_FONT,
        subtitleFontSize=palette.MIN_FONT,
        subtitleColor=palette.MUTED,
        offset=12,
    )
    return chart.properties(title=heading)


def portfolio(rows: list[dict]):
    frame = pd.DataFrame(rows, columns=["alliance", "segment", "health_index", "alignment_index", "rag"])
    return portfolio_chart(frame)
