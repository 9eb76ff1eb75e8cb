"""Database → tidy DataFrames. The only place analysis inputs are read with SQL."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Answer, Dimension, DimensionComment, Question, Response, Round
from healthcheck.services.rounds import response_counts


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
    """Invited (None for imported history) and submitted per side."""
    if rnd.imported:
        submitted = dict(
            db.session.execute(
                select(Response.side, db.func.count())
                .where(Response.round_id == rnd.id, Response.submitted_at.is_not(None))
                .group_by(Response.side)
            ).all()
        )
        return {s: {"invited": None, "submitted": submitted.get(s, 0)} for s in ("A", "B")}
    return response_counts([rnd.id])[rnd.id]


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
    }


def comments(rnd: Round) -> pd.DataFrame:
    """Comments of submitted responses: side, dimension, text (no names, no respondent)."""
    stmt = (
        select(Response.side, Dimension.key, DimensionComment.text)
        .join(DimensionComment, DimensionComment.response_id == Response.id)
        .join(Dimension, Dimension.id == DimensionComment.dimension_id)
        .where(Response.round_id == rnd.id, Response.submitted_at.is_not(None))
        .order_by(Response.side, Dimension.position, DimensionComment.id)
    )
    return pd.DataFrame(db.session.execute(stmt).all(), columns=["side", "dimension", "text"])
