"""Full summary rebuild, set-based: every round of the portfolio (or of some alliances).

Stores exactly what ``summaries.refresh_round`` stores, but reads the answers of all rounds
of a questionnaire version in one query and computes every round's statistics in one
vectorised pass (``analysis.grouped``); only assembling each report is per round. Change
warnings look back at the rebuilt reports of the two closed rounds before, so rounds are
assembled per alliance in date order. One transaction: all rounds or none.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import selectinload

from healthcheck.analysis import grouped
from healthcheck.analysis import report as report_analysis
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, RoundSummary
from healthcheck.models.base import utcnow
from healthcheck.services import dataset, questionnaires
from healthcheck.services.summaries import headline

NO_ANSWERS = grouped.RoundStats({}, {}, {})


def _rounds(alliance_ids: list[int] | None) -> list[Round]:
    stmt = select(Round).options(
        selectinload(Round.alliance).selectinload(Alliance.side_a),
        selectinload(Round.alliance).selectinload(Alliance.side_b),
        selectinload(Round.questionnaire),
    )
    if alliance_ids is not None:
        stmt = stmt.where(Round.alliance_id.in_(alliance_ids))
    return list(db.session.scalars(stmt.order_by(Round.alliance_id, Round.closes_on, Round.id)))


def _statistics(rounds: list[Round], every_round: bool) -> tuple[dict, dict]:
    """({round id: RoundStats}, {questionnaire id: (dimensions, questions) frames})."""
    by_version: dict[int, list[Round]] = defaultdict(list)
    for rnd in rounds:
        by_version[rnd.questionnaire_id].append(rnd)
    found, structures = {}, {}
    for version_id, members in by_version.items():
        dims, questions = dataset.structure(members[0])
        structures[version_id] = (report_analysis.records(dims), report_analysis.records(questions))
        shape = questionnaires.shape(members[0].questionnaire)
        ids = None if every_round else [r.id for r in members]
        keys, scores = dataset.answer_matrix(version_id, ids, shape.question_ids)
        found.update(grouped.round_statistics(keys, scores, list(questions["dimension"]), list(dims["key"])))
    return found, structures


def _counts(rounds: list[Round]) -> dict[int, dict]:
    counts = dataset.response_counts([r.id for r in rounds])
    imported = [r.id for r in rounds if r.imported]
    counts.update(dataset.submitted_counts(imported))
    return counts


@contextmanager
def _without_cycle_collector():
    """Reports are acyclic: the cycle collector only rescans millions of young dicts (2.5× slower)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def rebuild(alliance_ids: list[int] | None = None) -> int:
    """Recompute and store the summaries of every round (of ``alliance_ids``); returns the count."""
    with _without_cycle_collector():
        return _rebuild(alliance_ids)


def _rebuild(alliance_ids: list[int] | None) -> int:
    rounds = _rounds(alliance_ids)
    found, structures = _statistics(rounds, every_round=alliance_ids is None)
    counts = _counts(rounds)
    rows, history, alliance = [], [], None
    for rnd in rounds:
        if rnd.alliance_id != alliance:
            alliance, history = rnd.alliance_id, []
        dims, questions = structures[rnd.questionnaire_id]
        report = report_analysis.assemble(
            dataset.meta(rnd),
            found.get(rnd.id, NO_ANSWERS),
            dims,
            questions,
            counts[rnd.id],
            rnd.alliance.k_anonymity,
            history=history[-2:],
        )
        if rnd.status == "closed":
            history.append(report)
        rows.append(
            {"b_round_id": rnd.id, "b_report": report, **{f"b_{k}": v for k, v in headline(report).items()}}
        )
    _store(rows)
    return len(rows)


def _store(rows: list[dict]) -> None:
    if not rows:
        return
    table = RoundSummary.__table__
    existing = set(
        db.session.scalars(
            select(RoundSummary.round_id).where(RoundSummary.round_id.in_([r["b_round_id"] for r in rows]))
        )
    )
    now = utcnow()
    columns = [k[2:] for k in rows[0] if k != "b_round_id"]
    values = {c: bindparam(f"b_{c}", type_=table.c[c].type) for c in columns}
    changed = [r for r in rows if r["b_round_id"] in existing]
    new = [r for r in rows if r["b_round_id"] not in existing]
    if changed:
        db.session.execute(
            update(table)
            .where(table.c.round_id == bindparam("b_round_id"))
            .values(version=table.c.version + 1, stale=False, refreshed_at=now, **values),
            changed,
        )
    if new:
        db.session.execute(
            insert(table),
            [
                {"round_id": r["b_round_id"], "version": 1, "stale": False, "refreshed_at": now}
                | {c: r[f"b_{c}"] for c in columns}
                for r in new
            ],
        )
    db.session.expire_all()
