"""The k rule as a property over random suppression patterns (issue 11, items 1–3).

For any pattern of answers and N/A (none, some or all of a side's dimensions hidden, or
statements only): every chart builds, and changing an answer that the k rule hides changes
nothing that leaves the server — report JSON, tidy CSV answers, the workbook's sheets and
every chart's spec. Pages and packs render from exactly these.
"""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthcheck.analysis import anonymity, report
from healthcheck.charts import sets
from healthcheck.exports import tables
from tests.unit.report_meta import META

DIMS = pd.DataFrame(
    {
        "key": ["trust", "finance", "culture"],
        "title": ["Trust", "Finance", "Culture"],
        "weight": [2.0, 1.0, 1.0],
    }
)
QUESTIONS = pd.DataFrame(
    {
        "key": ["t1", "t2", "f1", "f2", "c1"],
        "dimension": ["trust", "trust", "finance", "finance", "culture"],
        "text": ["T one", "T two", "F one", "F two", "C one"],
    }
)
ANSWER = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def rounds(draw):
    k = draw(st.integers(3, 4))
    rows = []
    for side in ("A", "B"):
        for person in range(draw(st.integers(0, 6))):
            for q in QUESTIONS.itertuples(index=False):
                score = draw(ANSWER)
                rows.append((side, f"{side}{person}", q.dimension, q.key, np.nan if score is None else score))
    frame = pd.DataFrame(rows, columns=["side", "respondent", "dimension", "question", "score"])
    frame["score"] = frame["score"].astype("float64")
    seed = draw(st.integers(0, 2**16))
    return k, frame, seed


def _counts(frame):
    people = frame.groupby("side")["respondent"].nunique()
    return {s: {"invited": int(people.get(s, 0)) + 1, "submitted": int(people.get(s, 0))} for s in ("A", "B")}


def _outputs(frame, k):
    rep = report.build(META, frame, DIMS, QUESTIONS, _counts(frame), k)
    csv = anonymity.leaving_answers(frame, rep).to_csv(index=False)
    book = openpyxl.load_workbook(io.BytesIO(tables.report_xlsx(rep, {})))
    sheets = {name: [[c.value for c in row] for row in book[name].iter_rows()] for name in book.sheetnames}
    charts = {name: sets.round_chart(rep, name).to_dict() for name in sets.ROUND_CHARTS}
    return rep, csv, sheets, charts


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_hidden_answers_change_nothing_that_leaves(drawn):
    k, frame, seed = drawn
    rep, csv, sheets, charts = _outputs(frame, k)
    hidden = anonymity.hidden_cells(rep)
    answered = frame["score"].notna()
    in_hidden = [(q, s) in hidden for q, s in zip(frame["question"], frame["side"], strict=True)]
    target = answered & pd.Series(in_hidden, index=frame.index, dtype=bool)
    rng = np.random.default_rng(seed)
    changed = frame.copy()
    changed.loc[target, "score"] = rng.integers(1, 6, size=int(target.sum())).astype("float64")
    assert _outputs(changed, k) == (rep, csv, sheets, charts)


@settings(max_examples=40, deadline=None)
@given(rounds())
def test_csv_never_carries_a_score_the_report_hides(drawn):
    k, frame, _ = drawn
    rep = report.build(META, frame, DIMS, QUESTIONS, _counts(frame), k)
    out = anonymity.leaving_answers(frame, rep)
    hidden = anonymity.hidden_cells(rep)
    for q, s, score in zip(out["question"], out["side"], out["score"], strict=True):
        assert (q, s) not in hidden or np.isnan(score)
    assert set(out["side"]) <= anonymity.comment_sides(rep)
