"""Database → tidy DataFrames. The only place analysis inputs are read with SQL."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import (
    Answer,
    Dimension,
    DimensionComment,
    Invitation,
    Prediction,
    Question,
    Response,
    Round,
)

EXPECTED = "expected:"  # a prediction's column in the packed matrix (and in the history CSV)


def answers(rnd: Round) -> pd.DataFrame:
    """Answers of submitted responses: side, respondent, dimension, question, score."""
    stmt = (
        select(
            Response.side.label("side"),
            Response.respondent_code.label("respondent"),
            Dimension.key.label("dimension"),
            Question.key.label("question"),
            Answer.score.label("score"),
        )
        .join(Answer, Answer.response_id == Response.id)
        .join(Question, Question.id == Answer.question_id)
        .join(Dimension, Dimension.id == Question.dimension_id)
        .where(Response.round_id == rnd.id, Response.submitted_at.is_not(None))
    )
    rows = db.session.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["side", "respondent", "dimension", "question", "score"])
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype("float64")
    return frame


def structure(rnd: Round) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dimensions, questions) of the round's frozen questionnaire, in order."""
    q = rnd.questionnaire
    dims = pd.DataFrame(
        [(d.key, d.title, d.weight) for d in q.dimensions], columns=["key", "title", "weight"]
    )
    questions = pd.DataFrame(
        [(x.key, d.key, x.text) for d in q.dimensions for x in d.questions],
        columns=["key", "dimension", "text"],
    )
    return dims, questions


def counts(rnd: Round) -> dict[str, dict]:
    """Invited (None for imported history) and submitted per side, with the submitted (and
    invited) responses per function."""
    if rnd.imported:
        return submitted_counts([rnd.id])[rnd.id]
    return response_counts([rnd.id], by_function=True)[rnd.id]


def response_counts(round_ids: list[int], by_function: bool = False) -> dict[int, dict[str, dict]]:
    """{round_id: {side: {"invited", "submitted"}}}; revoked invitations do not count.

    ``by_function`` adds ``invited_by_function`` and ``submitted_by_function`` ({function:
    count}, functions with a count only), and ``submitted_by_language`` (issue 17), from the
    same one ``GROUP BY``."""
    extra = (Invitation.function, Invitation.language) if by_function else ()
    out = {rid: {s: _count_block(0, by_function) for s in ("A", "B")} for rid in round_ids}
    if not round_ids:
        return out
    rows = db.session.execute(
        select(
            Invitation.round_id, Invitation.side, *extra, func.count(), func.count(Invitation.submitted_at)
        )
        .where(Invitation.round_id.in_(round_ids), Invitation.status != "revoked")
        .group_by(Invitation.round_id, Invitation.side, *extra)
    )
    for rid, side, *function, invited, submitted in rows:
        block = out[rid][side]
        block["invited"] += invited
        block["submitted"] += submitted
        if by_function:
            _add(block["invited_by_function"], function[0], invited)
            if submitted:
                _add(block["submitted_by_function"], function[0], submitted)
                _add(block["submitted_by_language"], function[1], submitted)
    return out


def _add(counts: dict[str, int], key: str, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def _count_block(invited: int | None, by_function: bool) -> dict:
    block = {"invited": invited, "submitted": 0}
    if by_function:
        block |= {"invited_by_function": {}, "submitted_by_function": {}, "submitted_by_language": {}}
    return block


def submitted_counts(round_ids: list[int]) -> dict[int, dict[str, dict]]:
    """Counts of imported history rounds: submitted responses per side (and per function),
    invited unknown (None)."""
    out = {rid: {s: _count_block(None, True) for s in ("A", "B")} for rid in round_ids}
    if round_ids:
        rows = db.session.execute(
            select(
                Response.round_id, Response.side, Invitation.function, Invitation.language, db.func.count()
            )
            .join(Invitation, Invitation.id == Response.invitation_id)
            .where(Response.round_id.in_(round_ids), Response.submitted_at.is_not(None))
            .group_by(Response.round_id, Response.side, Invitation.function, Invitation.language)
        )
        for rid, side, function, language, submitted in rows:
            out[rid][side]["submitted"] += submitted
            _add(out[rid][side]["submitted_by_function"], function, submitted)
            _add(out[rid][side]["submitted_by_language"], language, submitted)
    return out


def meta(rnd: Round) -> dict:
    alliance, q = rnd.alliance, rnd.questionnaire
    return {
        "alliance": {
            "name": alliance.name,
            "segment": alliance.segment,
            "sides": {"A": alliance.side_a.name, "B": alliance.side_b.name},
        },
        "round": {
            "label": rnd.label,
            "status": rnd.status,
            "opens_on": rnd.opens_on.isoformat(),
            "closes_on": rnd.closes_on.isoformat(),
            "questionnaire": q.ref,
        },
        "scale": {"min": q.scale_min, "max": q.scale_max},
        "meta_perception": bool(q.meta_perception),
    }


def comments(rnd: Round) -> pd.DataFrame:
    """Comments of submitted responses: side, dimension, text (no names, no respondent)."""
    stmt = (
        select(Response.side, Dimension.key, DimensionComment.text)
        .join(DimensionComment, DimensionComment.response_id == Response.id)
        .join(Dimension, Dimension.id == DimensionComment.dimension_id)
        .where(Response.round_id == rnd.id, Response.submitted_at.is_not(None))
        .order_by(Response.side, Dimension.position, DimensionComment.text)
    )
    return pd.DataFrame(db.session.execute(stmt).all(), columns=["side", "dimension", "text"])


def packed_columns(questions: dict[str, int], predictions: dict[str, int]) -> dict[str, int]:
    """The columns of the packed matrix: every question (key → id), then every prediction
    (``expected:<dimension>`` → a code past the last question id: that id + 1 + the
    dimension's id − the smallest of ``predictions``). ``predictions`` is empty when the
    version asks none (DESIGN §3.14)."""
    if not predictions:
        return dict(questions)
    past, first = max(questions.values()) + 1, min(predictions.values())
    return dict(questions) | {f"{EXPECTED}{key}": past + did - first for key, did in predictions.items()}


def answer_query(questionnaire_id: int, round_ids: list[int] | None, questions: dict[str, int]):
    """Answers of the submitted responses of many rounds of one questionnaire version, packed
    (``unpack_answers`` turns the rows into a responses × questions matrix). ``round_ids``
    None means every round of the version; ``questions`` maps key → id, in order. Rows are
    ``round_id, side, packed, response id``.

    At a full rebuild this is millions of answers: one row per answer through the driver
    and pandas took 85 s for 7.6 M. So the database packs each response's answers into one
    string, two characters per answer (question id − the version's smallest id + 32, and
    score + 64, N/A as 63); 36× fewer rows, decoded with numpy in a blink. The packing does
    not rely on the order of the aggregate: each answer carries its question.
    """
    base = min(questions.values())
    packed = _char(Answer.question_id - base + 32, func.coalesce(Answer.score, -1) + 64)
    stmt = select(Response.round_id, Response.side, _string_agg(packed), Response.id).join(
        Answer, Answer.response_id == Response.id
    )
    return _of_rounds(stmt, questionnaire_id, round_ids)


def prediction_query(
    questionnaire_id: int, round_ids: list[int] | None, questions: dict[str, int], predictions: dict[str, int]
):
    """The predictions (DESIGN §3.14) of the same responses, packed like their answers in rows
    of the same shape, each coded as ``packed_columns`` says (``merge_predictions`` appends
    them to the answers' strings). A query of its own: a correlated subquery per response in
    the answers' query doubled that query's time on SQLite."""
    base = min(questions.values())
    offset = max(questions.values()) + 1 - min(predictions.values()) - base + 32
    packed = _char(Prediction.dimension_id + offset, func.coalesce(Prediction.score, -1) + 64)
    stmt = select(Response.round_id, Response.side, _string_agg(packed), Response.id).join(
        Prediction, Prediction.response_id == Response.id
    )
    return _of_rounds(stmt, questionnaire_id, round_ids)


def _of_rounds(stmt, questionnaire_id: int, round_ids: list[int] | None):
    """``stmt`` grouped per submitted response of the rounds, in a fixed order."""
    stmt = (
        stmt.where(Response.submitted_at.is_not(None))
        # Response.id is the key (side depends on it); round first follows the round_id index,
        # so neither a rebuild of some rounds nor of all needs a sort (0.54 → 0.28 s per 800 rounds).
        .group_by(Response.round_id, Response.id)
        # The same order whatever the plan (PostgreSQL may hash-aggregate): float sums then agree
        # to the last bit between a one-round and a many-round read.
        .order_by(Response.round_id, Response.id)
    )
    if round_ids is None:
        return stmt.join(Round, Round.id == Response.round_id).where(
            Round.questionnaire_id == questionnaire_id
        )
    return stmt.where(Response.round_id.in_(round_ids))  # the caller chose rounds of this version


def merge_predictions(answers: list, predictions: list) -> list[tuple]:
    """Rows of ``answer_query`` with each response's packed predictions appended; a response
    with predictions and no answer comes last (ordered, as both queries are, by round and id)."""
    extra = {r[3]: r[2] for r in predictions}
    rows = [(r[0], r[1], r[2] + extra.pop(r[3], "")) for r in answers]
    return rows + [(r[0], r[1], r[2]) for r in predictions if r[3] in extra]


def unpack(results: list[list], columns: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix of a plan's results: answers alone, or answers then predictions."""
    rows = results[0] if len(results) == 1 else merge_predictions(*results)
    return unpack_answers(rows, columns)


def unpack_answers(rows, questions: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of ``answer_query`` → (keys: ``round, side`` per response; scores: responses ×
    questions as float64, NaN for N/A or no answer, one column per question key)."""
    base = min(questions.values())
    matrix = np.full((len(rows), len(questions)), np.nan)
    if rows:
        strings = [r[2] for r in rows]
        per_row = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings)) // 2
        codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32).reshape(-1, 2)
        column = np.full(max(questions.values()) - base + 1, -1)
        column[np.array(list(questions.values())) - base] = np.arange(len(questions))
        score = codes[:, 1].astype("float64") - 64
        score[score == -1] = np.nan
        matrix[np.repeat(np.arange(len(rows)), per_row), column[codes[:, 0] - 32]] = score
    keys = pd.DataFrame([(r[0], r[1]) for r in rows], columns=["round", "side"])
    return keys, pd.DataFrame(matrix, columns=list(questions))


def _char(*codes):
    """A string of the characters with these code points (SQLite ``char``, PostgreSQL ``chr``)."""
    if db.engine.dialect.name == "sqlite":
        return func.char(*codes)
    out = func.chr(codes[0])
    for code in codes[1:]:
        out = out.op("||")(func.chr(code))
    return out


def _string_agg(expr):
    if db.engine.dialect.name == "sqlite":
        return func.group_concat(expr, "")
    return func.string_agg(expr, "")


def dimension_sizes(questionnaire_id: int) -> list[tuple[str, str, int]]:
    """(key, title, number of questions) of a version's dimensions, in order."""
    stmt = (
        select(Dimension.key, Dimension.title, func.count(Question.id))
        .outerjoin(Question, Question.dimension_id == Dimension.id)
        .where(Dimension.questionnaire_id == questionnaire_id)
        .group_by(Dimension.id, Dimension.key, Dimension.title, Dimension.position)
        .order_by(Dimension.position)
    )
    return [tuple(r) for r in db.session.execute(stmt).all()]
