"""Reports people read: a round's report, an alliance's trend, comments under the k rule."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from healthcheck.analysis import anonymity, evidence, talking, trends
from healthcheck.analysis.warnings import overdue_warning
from healthcheck.exports import tables
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, RoundSummary
from healthcheck.services import actions, dataset, summaries


class ReportNotReady(Exception):
    """The round is not closed: its figures are not published yet."""


def round_report(rnd: Round) -> dict:
    """The stored DESIGN §4 report of a closed round."""
    if rnd.status != "closed":
        raise ReportNotReady(rnd.label)
    return summaries.stored(rnd)


def summary_version(rnd: Round) -> int:
    """The stored summary's version (it counts on with every refresh and rebuild)."""
    summary = db.session.get(RoundSummary, rnd.id)
    return summary.version if summary else 0


def answers_csv(rnd: Round, report: dict) -> str:
    """The tidy answers CSV of a closed round, under the k rule per cell."""
    return tables.answers_csv(dataset.answers(rnd), report)


def talking_points(report: dict, action_effects: list[dict]) -> list[dict]:
    """The report's "What to talk about" (DESIGN §3.16), with the actions agreed after the
    previous round whose dimension got worse. ``action_effects``: ``actions.effects`` of the
    round, already limited to what the reader may see (joint ones for the partner)."""
    effects = [
        {
            "title": e["action"].title,
            "dimension": e["action"].dimension,
            "previous": e["previous"],
            "before": e["before"],
            "after": e["after"],
        }
        for e in action_effects
    ]
    return talking.talking_points(report, effects)


def judgements(report: dict) -> dict[str, str | None]:
    """{dimension: its verdict in words} ("real gap", "possible gap — too few answers to tell", …)."""
    return {
        d["key"]: evidence.verdict_label(d.get("verdict"), d.get("p_value")) for d in report["dimensions"]
    }


def comments(rnd: Round, report: dict) -> dict[str, dict[str, list[str]]]:
    """{dimension: {side: [text]}} for sides with at least k submitted responses, each list
    in an order independent of who submitted when."""
    visible = anonymity.comment_sides(report)
    out: dict[str, dict[str, list[str]]] = {}
    frame = dataset.comments(rnd)
    for side, dimension, text in frame.itertuples(index=False):
        if side in visible:
            out.setdefault(dimension, {}).setdefault(side, []).append(text)
    return {
        dim: {side: anonymity.ordered_comments(texts) for side, texts in by_side.items()}
        for dim, by_side in out.items()
    }


def workbook(rnd: Round, report: dict) -> bytes:
    """The round's XLSX: the report, its comments under the k rule and the actions agreed
    after it (all of them: the workbook is for the alliance's own people)."""
    agreed = [
        {
            "title": a.title,
            "dimension": a.dimension,
            "owner": a.owner,
            "due_on": a.due_on,
            "status": a.status,
            "visibility": a.visibility,
            "description": a.description,
        }
        for a in actions.of_round(rnd)
    ]
    return tables.report_xlsx(report, comments(rnd, report), agreed)


def closed_rounds(alliance: Alliance) -> list[Round]:
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.alliance_id == alliance.id, Round.status == "closed")
            .order_by(Round.closes_on, Round.id)
        )
    )


def trend(alliance: Alliance, today: date | None = None) -> dict:
    """Trend JSON across closed rounds, with the alliance-level ``overdue`` warning."""
    rounds = closed_rounds(alliance)
    reports = [summaries.stored(r) for r in rounds]
    info = {
        "name": alliance.name,
        "segment": alliance.segment,
        "sides": {"A": alliance.side_a.name, "B": alliance.side_b.name},
    }
    result = trends.build(info, reports)
    has_open = db.session.scalar(
        select(Round.id).where(Round.alliance_id == alliance.id, Round.status == "open").limit(1)
    )
    last = rounds[-1].closes_on if rounds else None
    late = (
        None
        if has_open
        else overdue_warning(
            last, alliance.effective_cadence_months, today or date.today(), alliance.created_at.date()
        )
    )
    if late:
        result["warnings"].append({**late, "round": None})
    return result
