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
from healthcheck.charts.words import Words, formatter

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


def what(name: str, words: Words | None = None) -> str:
    """``WHAT[name]`` in the reader's language."""
    _ = formatter(words)
    return {
        "radar": _("Each side's mean per dimension"),
        "gaps": _("Perception gap per dimension"),
        "gaps_phone": _("Perception gap per dimension"),
        "questions": _("Gap per statement"),
        META_CHART: _("What each side expects its partner to rate, beside the partner's rating"),
        "dimensions": _("Each dimension, both sides, across rounds"),
        "dimensions_phone": _("Each dimension, both sides, across rounds"),
        "indices": _("Health and alignment indices across rounds"),
    }[name]


def round_charts(report: dict) -> tuple[str, ...]:
    """The charts of this round's report."""
    return (*ROUND_CHARTS, META_CHART) if frames.has_meta(report) else ROUND_CHARTS


def round_chart(report: dict, name: str, words: Words | None = None):
    """One chart of the round's report; ``words``: the reader's language (``charts.words``)."""
    scale = report["scale"]
    sides = report["alliance"]["sides"]
    span = scale["max"] - scale["min"]
    if name == "radar":
        return radar_chart(frames.dimension_means(report), scale["min"], scale["max"], words=words)
    if name == "gaps":
        return gap_chart(frames.dimension_gaps(report), sides["A"], sides["B"], span, words=words)
    if name == "gaps_phone":
        return gap_chart(frames.dimension_gaps(report), sides["A"], sides["B"], span, **COMPACT, words=words)
    if name == "questions":
        return question_heatmap(frames.question_gaps(report), sides["A"], sides["B"], span, words=words)
    if name == META_CHART and frames.has_meta(report):
        return meta_chart(frames.meta_rows(report), scale["min"], scale["max"], words=words)
    raise KeyError(name)


def trend_chart(trend: dict, name: str, words: Words | None = None):
    sides = trend["alliance"]["sides"]
    scale = trend["rounds"][-1]["scale"] if trend["rounds"] else {"min": 1, "max": 5}
    if name in ("dimensions", "dimensions_phone"):
        return trend_small_multiples(
            frames.trend_means(trend),
            [sides["A"], sides["B"]],
            scale["min"],
            scale["max"],
            columns=2 if name == "dimensions_phone" else 4,
            words=words,
        )
    if name == "indices":
        return index_trend(frames.trend_indices(trend), words=words)
    raise KeyError(name)


def closed_on(round_block: dict) -> str:
    """The day a round closed (its actual close when recorded, else its close date)."""
    return str(round_block.get("closed_at") or round_block["closes_on"])[:10]


def round_download(report: dict, name: str, words: Words | None = None):
    """``round_chart`` titled for a file that leaves the page."""
    _ = formatter(words)
    alliance, rnd = report["alliance"], report["round"]
    return titled(
        round_chart(report, name, words),
        _("%(alliance)s — health check %(round)s", alliance=alliance["name"], round=rnd["label"]),
        _(
            "%(pair)s · closed %(date)s · %(what)s",
            pair=_pair(alliance),
            date=closed_on(rnd),
            what=what(name, words),
        ),
    )


def trend_download(trend: dict, name: str, words: Words | None = None):
    """``trend_chart`` titled for a file that leaves the page (the trend has closed rounds)."""
    _ = formatter(words)
    alliance, rounds = trend["alliance"], [r["round"] for r in trend["rounds"]]
    span = (
        rounds[0]["label"]
        if len(rounds) == 1
        else _("%(first)s to %(last)s", first=rounds[0]["label"], last=rounds[-1]["label"])
    )
    return titled(
        trend_chart(trend, name, words),
        _("%(alliance)s — trend %(span)s", alliance=alliance["name"], span=span),
        _(
            "%(pair)s · latest round closed %(date)s · %(what)s",
            pair=_pair(alliance),
            date=closed_on(rounds[-1]),
            what=what(name, words),
        ),
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


def portfolio(rows: list[dict], words: Words | None = None):
    frame = pd.DataFrame(rows, columns=["alliance", "segment", "health_index", "alignment_index", "rag"])
    return portfolio_chart(frame, words=words)
