"""Stored per-round summaries: recomputed on submission, close and import only."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError

from healthcheck.analysis import report as report_analysis
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, RoundSummary
from healthcheck.models.base import utcnow
from healthcheck.services import assembly, dataset, rebuild, reliability


def earlier_closed_reports(rnd: Round, limit: int = assembly.LOOK_BACK) -> list[dict]:
    """Stored reports of the (at most ``limit``) closed rounds before ``rnd``, oldest first.

    Change warnings look back two rounds at most, so only those are loaded.
    """
    earlier = or_(Round.closes_on < rnd.closes_on, and_(Round.closes_on == rnd.closes_on, Round.id < rnd.id))
    rows = db.session.scalars(
        select(RoundSummary.report)
        .join(Round, RoundSummary.round_id == Round.id)
        .where(Round.alliance_id == rnd.alliance_id, Round.status == "closed", Round.id != rnd.id, earlier)
        .order_by(Round.closes_on.desc(), Round.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def compute(rnd: Round) -> dict:
    """The round's report from its answers now (the same path as the set-based rebuild)."""
    shape = assembly.structure(rnd)
    found = assembly.round_statistics(rnd, shape)
    return assembly.report(rnd, found, shape, dataset.counts(rnd), earlier_closed_reports(rnd))


def refresh_round(rnd: Round) -> RoundSummary:
    """Recompute and store the round's report and headline figures (and, once it is closed,
    its part of the questionnaire's reliability)."""
    report = compute(rnd)
    if rnd.status == "closed":  # one more read of this round's packed answers, at close only
        reliability.store_round(rnd, *assembly.round_answers(rnd), assembly.structure(rnd))
    summary = db.session.get(RoundSummary, rnd.id)
    if summary is None:
        summary = RoundSummary(round_id=rnd.id, version=0)
        db.session.add(summary)
    summary.version = (summary.version or 0) + 1
    summary.report = report
    for column, value in report_analysis.headline(report).items():
        setattr(summary, column, value)
    summary.refreshed_at = utcnow()
    summary.stale = False
    db.session.flush()
    return summary


def _count_submission(column):
    table = RoundSummary.__table__
    return (
        update(table)
        .where(table.c.round_id == bindparam("b_round_id"))
        .values({column: column + 1, table.c.stale: True, table.c.version: table.c.version + 1})
    )


_COUNT_SUBMISSION = {  # built once: this runs on every submission
    "A": _count_submission(RoundSummary.__table__.c.submitted_a),
    "B": _count_submission(RoundSummary.__table__.c.submitted_b),
}


def note_submission(round_id: int, side: str) -> None:
    """A response arrived: count it and mark the stored report stale (one UPDATE).

    The full report is recomputed when the round closes: an open round's figures are never
    published, and recomputing a large round on every submission would cap throughput.
    """
    stmt, params = _COUNT_SUBMISSION[side], {"b_round_id": round_id}
    updated = db.session.connection().execute(stmt, params).rowcount
    if not updated:  # first response of a round that was opened without a summary
        try:
            with db.session.begin_nested():
                refresh_round(db.session.get(Round, round_id))
        except IntegrityError:
            db.session.connection().execute(stmt, params)  # a concurrent submission made the row


def refresh_alliance(alliance: Alliance) -> None:
    """Recompute every round of an alliance in order (after k or history changes)."""
    db.session.flush()
    rebuild.rebuild([alliance.id])


def stored(rnd: Round) -> dict:
    """The round's report: the stored one, or computed afresh (not stored) when it is stale."""
    summary = db.session.get(RoundSummary, rnd.id)
    if summary is None or summary.stale:
        return compute(rnd)
    return summary.report
