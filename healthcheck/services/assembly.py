"""One path from a round's inputs to its report (DESIGN §5).

The close, the history import, the per-round refresh and the set-based rebuild all read
answers with the same packed query, compute statistics with the same vectorised code and
assemble with ``report`` here; a new input to a report is wired in once, in this module.
"""

from __future__ import annotations

import pandas as pd

from healthcheck.analysis import grouped
from healthcheck.analysis import report as report_analysis
from healthcheck.extensions import db
from healthcheck.models import Round
from healthcheck.services import dataset, facts_data, questionnaires, review_state

NO_ANSWERS = grouped.RoundStats({}, {}, {})
LOOK_BACK = 2  # change warnings compare with at most the two closed rounds before


LOOK_UP = object()  # ``report``: read the review block of the round itself

def structure(rnd: Round) -> tuple[list, list]:
    """(dimensions, questions) records of the round's frozen questionnaire, in order."""
    dims, questions = dataset.structure(rnd)
    return report_analysis.records(dims), report_analysis.records(questions)


def statistics(
    keys: pd.DataFrame, scores: pd.DataFrame, shape: tuple[list, list], k_of: dict[int, int]
) -> dict[int, grouped.RoundStats]:
    """Statistics of every round in ``keys`` (responses × the ``packed`` columns of one
    questionnaire version: its questions, then its predictions, if it asks any)."""
    dims, questions = shape
    expected = [c for c in scores.columns if c.startswith(dataset.EXPECTED)]
    predictions = None
    if expected:
        predictions = scores[expected].rename(columns=lambda c: c[len(dataset.EXPECTED) :])
        scores = scores[[q.key for q in questions]]
    return grouped.round_statistics(
        keys, scores, [q.dimension for q in questions], [d.key for d in dims], k_of, predictions
    )


def packed(questionnaire) -> tuple[dict[str, int], dict[str, int]]:
    """(question ids, prediction dimension ids) of a version, as the packed answer query reads them."""
    found = questionnaires.shape(questionnaire)
    return found.question_ids, found.prediction_dimensions


def answer_plan(questionnaire_id: int, round_ids: list[int], questionnaire) -> tuple:
    """(packed queries of these rounds — the answers', then the predictions' where the version
    asks them —, the matrix's columns) for ``dataset.unpack``."""
    ids, predictions = packed(questionnaire)
    queries = [dataset.answer_query(questionnaire_id, round_ids, ids)]
    if predictions:
        queries.append(dataset.prediction_query(questionnaire_id, round_ids, ids, predictions))
    return tuple(queries), dataset.packed_columns(ids, predictions)


def round_answers(rnd: Round) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(keys, scores) of one round's submitted responses, read as the set-based rebuild reads them."""
    queries, columns = answer_plan(rnd.questionnaire_id, [rnd.id], rnd.questionnaire)
    return dataset.unpack([db.session.execute(q).all() for q in queries], columns)


def round_statistics(rnd: Round, shape: tuple[list, list]) -> grouped.RoundStats:
    """One round's statistics, read and computed exactly as the set-based rebuild does."""
    keys, scores = round_answers(rnd)
    return statistics(keys, scores, shape, {rnd.id: rnd.k}).get(rnd.id, NO_ANSWERS)


def report(
    rnd: Round,
    found: grouped.RoundStats,
    shape: tuple[list, list],
    counts: dict[str, dict],
    history: list[dict],
    review: dict | None | object = LOOK_UP,
    facts: dict | None = None,
) -> dict:
    """The round's DESIGN §4 report. ``history``: reports of earlier closed rounds, oldest first;
    ``review``: the round's review block when the caller read it already (the rebuild reads
    all of a chunk's in one query), else it is looked up; ``facts``: the alliance's facts as
    ``facts_data.for_alliances`` reads them (read here if None)."""
    dims, questions = shape
    if facts is None:
        facts = facts_data.of_alliance(rnd.alliance)
    report = report_analysis.assemble(
        dataset.meta(rnd), found, dims, questions, counts, rnd.k, history=history[-LOOK_BACK:], facts=facts
    )
    # the joint review (issue 15), null without one
    report["review"] = review_state.block(rnd) if review is LOOK_UP else review
    return report
