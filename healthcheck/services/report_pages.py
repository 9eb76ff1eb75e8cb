"""What report pages and packs show: the report, comments under the k rule, actions and
inline SVG charts (rendered by ``charts``)."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from flask_babel import gettext
from markupsafe import Markup

from healthcheck.analysis import anonymity, frames
from healthcheck.analysis import facts as facts_analysis
from healthcheck.charts import facts as facts_charts
from healthcheck.charts import render, sets
from healthcheck.exports import sentences, wording
from healthcheck.models import Round
from healthcheck.services import action_followup, actions, reliability, reports


def inline_svg(svg: str) -> Markup:
    """vl-convert's SVG escapes chart text; refuse anything that could carry script."""
    lowered = svg.lower()
    if "<script" in lowered or "javascript:" in lowered or "<foreignobject" in lowered:
        raise ValueError("unexpected active content in chart SVG")
    return Markup(svg)  # noqa: S704 - SVG produced by vl-convert from our own spec


def round_context(rnd: Round, joint_only: bool = False) -> dict:
    """Report data; ``joint_only`` for the partner: joint actions only, no internal ones."""
    report = reports.round_report(rnd)
    # the charts draw the dimension titles and statements in the reader's language (issue 17)
    drawn = sentences.localised(report, rnd.questionnaire)
    # keyed by the drawn content, not the round's id and version: a restored database or
    # another test's round 1 must never be served this round's cached chart
    digest = hashlib.sha256(json.dumps(drawn, sort_keys=True).encode()).hexdigest()
    effects = actions.effects(rnd, joint_only=joint_only)
    return {
        # a joint action proposed in the review counts once both sides accepted it (issue 15)
        "round_actions": [
            a
            for a in actions.of_round(rnd, joint_only=joint_only)
            if a.accepted or a.proposed_by_side is None
        ],
        "action_effects": effects,
        "followup_effects": action_followup.effects(rnd, joint_only=joint_only),
        "talking_points": reports.talking_points(report, effects),
        "judgements": reports.judgements(report),
        "today": date.today(),
        "report": report,
        "comments": reports.comments(rnd, report),
        "charts": {
            name: inline_svg(
                render.svg_for(
                    # the chart's words are the reader's language: a German chart is never
                    # served to an English reader
                    ("round", digest, name, wording.language()),
                    lambda name=name: sets.round_chart(drawn, name, gettext),
                )
            )
            for name in sets.round_charts(drawn)
        },
        "meta_rows": frames.meta_rows(report).to_dict("records"),
        "dimension_titles": {d["key"]: d["title"] for d in report["dimensions"]},
        # the questionnaire's α over the whole portfolio: for the organisation's own readers
        # only (it pools other alliances' responses, and its counts describe the portfolio)
        "reliability": [] if joint_only else reliability.of_version(rnd.questionnaire_id),
        "hidden_reasons": anonymity.hidden_reasons(report),
    }


def drawn_trend(trend: dict, questionnaire) -> dict:
    """``trend`` with each round's dimension titles in the reader's language (the latest
    closed round's questionnaire), for its charts; the trend itself is not changed."""
    return {**trend, "rounds": [sentences.localised(r, questionnaire) for r in trend["rounds"]]}


def trend_context(alliance) -> dict:
    trend = reports.trend(alliance)
    charts = {}
    closed = reports.closed_rounds(alliance)
    if trend["rounds"]:
        drawn = drawn_trend(trend, closed[-1].questionnaire if closed else None)
        charts = {  # cached by the specification, which holds the chart's words
            name: inline_svg(render.svg(sets.trend_chart(drawn, name, gettext))) for name in sets.TREND_CHARTS
        }
        charts |= facts_trend_chart(trend)
    # the latest closed round's questionnaire: the trend's dimension titles in the reader's
    # language where it declares it (issue 17)
    return {
        "trend": trend,
        "charts": charts,
        "trend_questionnaire": closed[-1].questionnaire if closed else None,
    }


def facts_trend_chart(trend: dict) -> dict:
    """``{"facts": svg}`` — the facts as a second series beside perception — when a round has facts."""
    rows = facts_analysis.trend_frame(trend)
    if rows.empty:
        return {}
    sides = [trend["alliance"]["sides"]["A"], trend["alliance"]["sides"]["B"]]
    chart = facts_charts.facts_trend(rows, sides, facts_analysis.FACT_SERIES, gettext)
    return {"facts": inline_svg(render.svg(chart))}
