"""Cronbach's α of questionnaire versions (DESIGN §3.13), kept up to date as rounds close.

Each closed round stores its part (the sums α needs, ``analysis.reliability``) and adds it
to its version's totals in the same transaction, so reading a version's α is one
primary-key lookup (a report page stays fast at any portfolio size) and closing a round
costs the same whatever the portfolio's size. The set-based rebuild replaces the parts of
the rounds it rebuilt and recounts their versions' totals from the parts.

Only closed rounds count: an open round's figures are not published (nobody can watch α
move with each submission), and only sides that pass the k rule (see the analysis module).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, insert, select

from healthcheck.analysis import reliability
from healthcheck.extensions import db
from healthcheck.models import Questionnaire, QuestionnaireReliability, ReliabilityPart, Round
from healthcheck.models.base import utcnow
from healthcheck.services import dataset

MIN_RESPONSES = reliability.MIN_RESPONSES


def round_parts(
    keys: pd.DataFrame, scores: pd.DataFrame, shape: tuple[list, list], k_of: dict[int, int]
) -> dict[int, dict]:
    """{round id: part per dimension} of every round in ``keys`` (one questionnaire version)."""
    dims, questions = shape
    answers = scores[[q.key for q in questions]]  # predictions, where asked, are not items
    return reliability.dimension_sums(
        keys, answers, [q.dimension for q in questions], [d.key for d in dims], k_of
    )


def _lock(questionnaire_id: int) -> None:
    """One writer of a version's totals at a time. PostgreSQL: a row lock on the version that
    does not block rounds being created with it (FOR NO KEY UPDATE); SQLite serialises writes."""
    db.session.execute(
        select(Questionnaire.id).where(Questionnaire.id == questionnaire_id).with_for_update(key_share=True)
    )


def _totals_row(questionnaire_id: int) -> QuestionnaireReliability:
    row = db.session.get(QuestionnaireReliability, questionnaire_id, populate_existing=True)
    if row is None:
        row = QuestionnaireReliability(questionnaire_id=questionnaire_id, totals={}, rounds=0)
        db.session.add(row)
    return row


def store_round(rnd: Round, keys: pd.DataFrame, scores: pd.DataFrame, shape: tuple[list, list]) -> None:
    """A closed round's part replaces what it contributed before, in its version's totals."""
    if rnd.status != "closed":
        return
    new = round_parts(keys, scores, shape, {rnd.id: rnd.k}).get(rnd.id, {})
    _lock(rnd.questionnaire_id)
    part = db.session.get(ReliabilityPart, rnd.id, populate_existing=True)
    old = part.parts if part else {}
    if part is None:
        part = ReliabilityPart(round_id=rnd.id, questionnaire_id=rnd.questionnaire_id)
        db.session.add(part)
    part.parts = new
    row = _totals_row(rnd.questionnaire_id)
    row.totals = reliability.combined(reliability.combined(row.totals, new), old, sign=-1)
    row.rounds += bool(new) - bool(old)
    row.refreshed_at = utcnow()
    db.session.flush()


def replace_parts(rounds: list[Round], found: dict[int, dict]) -> None:
    """The rebuild's parts of ``rounds`` (closed ones only): one DELETE, batched INSERTs.
    Their versions' totals are recounted by ``recount`` afterwards."""
    ids = [r.id for r in rounds]
    if not ids:
        return
    table = ReliabilityPart.__table__
    db.session.execute(delete(table).where(table.c.round_id.in_(ids)))
    rows = [
        {"round_id": r.id, "questionnaire_id": r.questionnaire_id, "parts": found[r.id]}
        for r in rounds
        if r.status == "closed" and found.get(r.id)
    ]
    if rows:
        db.session.execute(insert(table), rows)


def recount(questionnaire_ids) -> None:
    """Each version's totals summed afresh from its rounds' parts."""
    for questionnaire_id in sorted(set(questionnaire_ids)):
        _lock(questionnaire_id)
        parts = db.session.scalars(
            select(ReliabilityPart.parts).where(ReliabilityPart.questionnaire_id == questionnaire_id)
        ).all()
        row = _totals_row(questionnaire_id)
        row.totals = reliability.combined({}, *parts)
        row.rounds = sum(1 for p in parts if p)
        row.refreshed_at = utcnow()
    db.session.flush()


def of_version(questionnaire_id: int) -> list[dict]:
    """α per dimension of a version (``analysis.reliability.table``), each with its footnote
    ``sentence``: one lookup of the stored totals and one of the dimensions."""
    return _table(questionnaire_id, db.session.get(QuestionnaireReliability, questionnaire_id))


def _table(questionnaire_id: int, stored: QuestionnaireReliability | None) -> list[dict]:
    rows = reliability.table(dataset.dimension_sizes(questionnaire_id), stored.totals if stored else {})
    return [r | {"sentence": reliability.sentence(r)} for r in rows]


def library() -> list[tuple[Questionnaire, int, list[dict]]]:
    """Every version of every questionnaire (by key, newest version first): the version, how
    many closed rounds count towards its α, and its α table."""
    versions = db.session.scalars(
        select(Questionnaire).order_by(Questionnaire.key, Questionnaire.version.desc())
    ).all()
    stored = {r.questionnaire_id: r for r in db.session.scalars(select(QuestionnaireReliability)).all()}
    return [
        (q, stored[q.id].rounds if q.id in stored else 0, _table(q.id, stored.get(q.id))) for q in versions
    ]
