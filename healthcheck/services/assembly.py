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
from healthcheck.services import dataset, questionnaires

NO_ANSWERS = grouped.RoundStats({}, {}, {})
LOOK_BACK = 2  # change warnings compare with at most the two closed rounds before


def structure(rnd: Round) -> tuple[list, list]:
    """(dimensions, questions) records of the round's frozen questionnaire, in order."""
    dims, questions = dataset.structure(rnd)
    return report_analysis.records(dims), report_analysis.records(questions)


def statistics(
    keys: pd.DataFrame, scores: pd.DataFrame, shape: tuple[list, list], k_of: dict[int, int]
) -> dict[int, grouped.RoundStats]:
    """Statistics of every round in ``keys`` (responses × questions of one questionnaire version)."""
    dims, questions = shape
    return grouped.round_statistics(
        keys, scores, [q.dimension for q in questions], [d.key for d in dims], k_of
    )


def round_answers(rnd: Round) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(keys, scores) of one round's submitted responses, read as the set-based rebuild reads them."""
    ids = questionnaires.shape(rnd.questionnaire).question_ids
    rows = db.session.execute(dataset.answer_query(rnd.questionnaire_id, [rnd.id], ids)).all()
    return dataset.unpack_answers(rows, ids)


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
) -> dict:
    """The round's DESIGN §4 report. ``history``: reports of earlier closed rounds, oldest first."""
    dims, questions = shape
    return report_analysis.assemble(
        dataset.meta(rnd), found, dims, questions, counts, rnd.k, history=history[-LOOK_BACK:]
    )
