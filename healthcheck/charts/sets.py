"""Which charts a report, a trend and the portfolio show, built from their data."""

from __future__ import annotations

import pandas as pd

from healthcheck.analysis import frames
from healthcheck.charts.bars import gap_chart, question_heatmap
from healthcheck.charts.meta import meta_chart
from healthcheck.charts.radar import radar_chart
from healthcheck.charts.trends import index_trend, portfolio_chart, trend_small_multiples

ROUND_CHARTS = ("radar", "gaps", "questions")
META_CHART = "meta"  # only where the questionnaire asked predictions (DESIGN §3.14)


def round_charts(report: dict) -> tuple[str, ...]:
    """The charts of this round's report."""
    return (*ROUND_CHARTS, META_CHART) if frames.has_meta(report) else ROUND_CHARTS


TREND_CHARTS = ("dimensions", "indices")


def round_chart(report: dict, name: str):
    scale = report["scale"]
    sides = report["alliance"]["sides"]
    if name == "radar":
        return radar_chart(frames.dimension_means(report), scale["min"], scale["max"])
    if name == "gaps":
        return gap_chart(frames.dimension_gaps(report), sides["A"], sides["B"], scale["max"] - scale["min"])
    if name == "questions":
        return question_heatmap(frames.question_gaps(report), scale["max"] - scale["min"])
    if name == META_CHART and frames.has_meta(report):
        return meta_chart(frames.meta_rows(report), scale["min"], scale["max"])
    raise KeyError(name)


def trend_chart(trend: dict, name: str):
    sides = trend["alliance"]["sides"]
    scale = trend["rounds"][-1]["scale"] if trend["rounds"] else {"min": 1, "max": 5}
    if name == "dimensions":
        return trend_small_multiples(
            frames.trend_means(trend), [sides["A"], sides["B"]], scale["min"], scale["max"]
        )
    if name == "indices":
        return index_trend(frames.trend_indices(trend))
    raise KeyError(name)


def portfolio(rows: list[dict]):
    frame = pd.DataFrame(rows, columns=["alliance", "segment", "health_index", "alignment_index", "rag"])
    return portfolio_chart(frame)
