"""Round report numbers against values worked out by hand (DESIGN.md §3)."""

import math

import pandas as pd
import pytest

from healthcheck.analysis import report, stats
from tests.unit.report_meta import META

NA = float("nan")
DIMS = pd.DataFrame({"key": ["trust", "finance"], "title": ["Trust", "Finance"], "weight": [2.0, 1.0]})
QUESTIONS = pd.DataFrame(
    {
        "key": ["t1", "t2", "f1"],
        "dimension": ["trust", "trust", "finance"],
        "text": ["T one", "T two", "F one"],
    }
)
COUNTS = {"A": {"invited": 4, "submitted": 3}, "B": {"invited": 6, "submitted": 3}}


def answers(rows):
    return pd.DataFrame(rows, columns=["side", "respondent", "dimension", "question", "score"])


def full_frame(finance_a3=4.0):
    # side A trust: a1 (4,5)->4.5, a2 (4,NA)->4.0, a3 (3,3)->3.0 ; finance 4,4,finance_a3
    # side B trust: b1 (2,2)->2.0, b2 (3,2)->2.5, b3 (1,1)->1.0 ; finance 3,3,4
    return answers(
        [
            ("A", "a1", "trust", "t1", 4),
            ("A", "a1", "trust", "t2", 5),
            ("A", "a1", "finance", "f1", 4),
            ("A", "a2", "trust", "t1", 4),
            ("A", "a2", "trust", "t2", NA),
            ("A", "a2", "finance", "f1", 4),
            ("A", "a3", "trust", "t1", 3),
            ("A", "a3", "trust", "t2", 3),
            ("A", "a3", "finance", "f1", finance_a3),
            ("B", "b1", "trust", "t1", 2),
            ("B", "b1", "trust", "t2", 2),
            ("B", "b1", "finance", "f1", 3),
            ("B", "b2", "trust", "t1", 3),
            ("B", "b2", "trust", "t2", 2),
            ("B", "b2", "finance", "f1", 3),
            ("B", "b3", "trust", "t1", 1),
            ("B", "b3", "trust", "t2", 1),
            ("B", "b3", "finance", "f1", 4),
        ]
    )


def build(frame, k=3, counts=COUNTS):
    return report.build(META, frame, DIMS, QUESTIONS, counts, k)


def dim(rep, key):
    return next(d for d in rep["dimensions"] if d["key"] == key)


# k = 2 in the next three tests keeps statement t2 of side A (two answers) shown; the k = 3
# case, where t2 is hidden for A and leaves A's trust figures, follows them.


def test_respondents_weigh_the_same_and_na_is_excluded():
    trust = dim(build(full_frame(), k=2), "trust")
    # A: (4.5 + 4.0 + 3.0) / 3 — a2's N/A is left out, a2 still counts once
    assert trust["A"]["n"] == 3
    assert trust["A"]["mean"] == pytest.approx(11.5 / 3)
    assert trust["A"]["median"] == pytest.approx(4.0)
    # deviations 2/3, 1/6, -5/6 -> squares sum 7/6 -> /2 -> sqrt
    assert trust["A"]["std"] == pytest.approx(math.sqrt(7 / 12))
    half = 4.302653 * math.sqrt(7 / 12) / math.sqrt(3)  # t(0.975, df=2) from a t table
    low, high = trust["A"]["ci95"]
    assert low == pytest.approx(11.5 / 3 - half, abs=1e-5)
    assert high == pytest.approx(11.5 / 3 + half, abs=1e-5)
    assert trust["B"]["mean"] == pytest.approx(5.5 / 3)


def test_gap_level_classification_and_p_value():
    rep = build(full_frame(), k=2)
    trust, finance = dim(rep, "trust"), dim(rep, "finance")
    assert trust["gap"] == pytest.approx(2.0)
    assert trust["gap_level"] == "gap"
    assert trust["classification"] == "gap_a_higher"
    # every A score beats every B score: U = 9 of 9, exact two-sided p = 2 * 1/20
    assert trust["p_value"] == pytest.approx(0.1)
    assert finance["gap"] == pytest.approx(4 - 10 / 3)
    assert finance["gap_level"] == "watch"
    assert finance["classification"] == "neutral"


def test_indices_use_dimension_weights():
    rep = build(full_frame(), k=2)
    # A: trust 100*(11.5/3-1)/4 = 70.83, finance 75 -> (2*70.83 + 75)/3
    a = (2 * 100 * (11.5 / 3 - 1) / 4 + 75) / 3
    # B: trust 100*(5.5/3-1)/4 = 20.83, finance 100*(10/3-1)/4 = 58.33
    b = (2 * 100 * (5.5 / 3 - 1) / 4 + 100 * (10 / 3 - 1) / 4) / 3
    assert rep["sides"]["A"]["health_index"] == pytest.approx(a)
    assert rep["sides"]["B"]["health_index"] == pytest.approx(b)
    assert b == pytest.approx(100 / 3)
    assert rep["health_index"] == pytest.approx((a + b) / 2)
    assert rep["rag"] == "amber"
    # |gaps| 2.0 and 2/3 -> mean 4/3 -> 100 * (1 - (4/3)/4)
    assert rep["alignment_index"] == pytest.approx(100 * (1 - (4 / 3) / 4))


def test_answers_to_a_question_hidden_for_a_side_leave_its_dimension_figures():
    rep = build(full_frame())
    t2 = next(q for q in rep["questions"] if q["key"] == "t2")
    assert t2["A"] == {"n": 2, "suppressed": True}
    trust = dim(rep, "trust")
    # A without t2: a1 4, a2 4, a3 3 -> 11/3; deviations 1/3, 1/3, -2/3 -> squares 6/9 -> /2
    assert trust["A"]["n"] == 3
    assert trust["A"]["mean"] == pytest.approx(11 / 3)
    assert trust["A"]["std"] == pytest.approx(math.sqrt(1 / 3))
    assert trust["B"]["mean"] == pytest.approx(5.5 / 3)  # t2 has three answers on B: unchanged
    assert trust["gap"] == pytest.approx(11 / 3 - 5.5 / 3)
    # changing the hidden answer changes nothing
    frame = full_frame()
    frame.loc[(frame["respondent"] == "a1") & (frame["question"] == "t2"), "score"] = 1
    assert build(frame) == rep


def test_response_rates_and_low_response_warning():
    rep = build(full_frame())
    assert rep["sides"]["A"]["response_rate"] == pytest.approx(0.75)
    assert rep["sides"]["B"]["response_rate"] == pytest.approx(0.5)
    codes = [(w["code"], w["side"]) for w in rep["warnings"]]
    assert ("low_response_rate", "B") in codes
    assert ("low_response_rate", "A") not in codes


def test_side_below_k_is_suppressed_and_needs_nothing_from_it():
    # a3 answers finance N/A: f1 has 2 answers on side A < k = 3, so (no differencing) none
    # of them enters A's finance figures either
    rep = build(full_frame(finance_a3=NA))
    finance = dim(rep, "finance")
    assert finance["A"] == {"n": 0, "suppressed": True}
    assert finance["gap"] is None and finance["gap_level"] is None
    assert finance["p_value"] is None and finance["classification"] is None
    assert rep["sides"]["A"]["health_index"] is None
    assert rep["health_index"] is None and rep["rag"] is None
    assert rep["alignment_index"] is None
    f1 = next(q for q in rep["questions"] if q["key"] == "f1")
    assert f1["A"] == {"n": 2, "suppressed": True}
    assert f1["gap"] is None


def test_higher_k_suppresses_more():
    rep = build(full_frame(), k=4)
    assert all(d["A"].get("suppressed") and d["B"].get("suppressed") for d in rep["dimensions"])
    assert "mean" not in str(rep["questions"])


def test_side_with_no_responses_at_all():
    frame = full_frame()
    rep = build(frame[frame["side"] == "A"], counts={"A": COUNTS["A"], "B": {"invited": 5, "submitted": 0}})
    for d in rep["dimensions"]:
        assert d["B"] == {"n": 0, "suppressed": True}
        assert d["gap"] is None
    assert rep["sides"]["B"]["health_index"] is None
    assert rep["sides"]["B"]["response_rate"] == 0.0


def test_question_statistics_are_over_that_questions_answers():
    rep = build(full_frame())
    t1 = next(q for q in rep["questions"] if q["key"] == "t1")
    assert t1["A"]["mean"] == pytest.approx(11 / 3)  # 4, 4, 3
    assert t1["B"]["mean"] == pytest.approx(2.0)  # 2, 3, 1
    assert t1["gap"] == pytest.approx(5 / 3)
    assert t1["gap_level"] == "gap"


def test_internal_divergence_flag():
    frame = answers(
        [
            (s, f"{s}{i}", "trust", "t1", v)
            for s, values in (("A", [1, 5, 3]), ("B", [3, 3, 4]))
            for i, v in enumerate(values)
        ]
    )
    rep = build(frame)
    codes = [(w["code"], w["side"], w["dimension"]) for w in rep["warnings"]]
    assert ("internal_divergence", "A", "trust") in codes  # std 2.0 >= 1.0
    assert ("internal_divergence", "B", "trust") not in codes  # std 0.577


def test_describe_small_groups():
    assert stats.describe([]) == {"n": 0, "mean": None, "median": None, "std": None, "ci95": None}
    one = stats.describe([3.0, NA])
    assert one["n"] == 1 and one["mean"] == 3.0 and one["std"] is None and one["ci95"] is None


def test_p_value_only_when_both_sides_have_three():
    assert stats.mann_whitney_p([1, 2], [3, 4, 5]) is None
    assert stats.mann_whitney_p([1, 2, 3], [4, 5, 6]) == pytest.approx(0.1)
