"""Issue 13 item 3 — meta-perception statistics (DESIGN §3.14) against numbers worked by hand."""

import math

import pandas as pd
import pytest

from healthcheck.analysis import frames, grouped, report
from healthcheck.analysis.meta import meta_block, meta_level
from healthcheck.analysis.stats import Scale
from healthcheck.charts.meta import meta_chart
from tests.unit.report_meta import META

NA = float("nan")
DIMS = report.records(
    pd.DataFrame({"key": ["trust", "finance"], "title": ["Trust", "Finance"], "weight": [1.0, 1.0]})
)
QUESTIONS = report.records(
    pd.DataFrame(
        {"key": ["t1", "t2", "f1"], "dimension": ["trust", "trust", "finance"], "text": ["T1", "T2", "F1"]}
    )
)
COUNTS = {"A": {"invited": 3, "submitted": 3}, "B": {"invited": 3, "submitted": 3}}
KEYS = pd.DataFrame({"round": [7] * 6, "side": ["A", "A", "A", "B", "B", "B"]})
# respondent dimension scores (DESIGN §3.9: A's t2 has only 2 answers < k = 3, so it is N/A in
# A's dimension figures):
#   A trust: a1 (4) → 4.0, a2 (4) → 4.0, a3 (3) → 3.0          mean 11/3 = 3.6667
#   B trust: b1 (2,2) → 2.0, b2 (3,2) → 2.5, b3 (1,1) → 1.0   mean  5.5/3 = 1.8333
#   A finance 4, 4, 4 → 4.0;  B finance 3, 3, 4 → 3.3333
SCORES = pd.DataFrame(
    {"t1": [4, 4, 3, 2, 3, 1], "t2": [5, NA, 3, 2, 2, 1], "f1": [4, 4, 4, 3, 3, 4]}, dtype="float64"
)
# predictions (how each respondent expects the partner to rate the dimension):
#   A about B trust: 4, 4, 3 → mean 11/3 = 3.6667;  A about B finance: 3, 4, NA → n = 2 < k
#   B about A trust: 4, 4, 4 → 4.0;                B about A finance: 3, 3, 3 → 3.0
PREDICTIONS = pd.DataFrame({"trust": [4, 4, 3, 4, 4, 4], "finance": [3, 4, NA, 3, 3, 3]}, dtype="float64")


def _report(predictions=PREDICTIONS, meta_perception=True, k=3):
    found = grouped.round_statistics(
        KEYS, SCORES, [q.dimension for q in QUESTIONS], ["trust", "finance"], k, predictions
    )
    return report.assemble(META | {"meta_perception": meta_perception}, found[7], DIMS, QUESTIONS, COUNTS, k)


def _dim(rep, key):
    return next(d for d in rep["dimensions"] if d["key"] == key)


def test_i13_3_meta_statistics_worked_by_hand():
    trust = _dim(_report(), "trust")
    a = trust["meta"]["A"]
    # expected by A: 4, 4, 3 → mean 3.6667, median 4; deviations 1/3, 1/3, −2/3 → Σ² = 6/9,
    # variance 6/9 / 2 = 1/3, std 0.57735; half-width t(0.975, 2) 4.302653 · 0.57735 / √3 = 1.434218
    assert a["expected"]["n"] == 3
    assert a["expected"]["mean"] == pytest.approx(11 / 3)
    assert a["expected"]["median"] == 4.0
    assert a["expected"]["std"] == pytest.approx(math.sqrt(1 / 3))
    assert a["expected"]["ci95"] == pytest.approx([11 / 3 - 1.434218, 11 / 3 + 1.434218], abs=1e-5)
    # meta_error = 3.6667 − B's actual trust 1.8333 = 1.8333 ≥ 0.5 → blind spot
    assert a["meta_error"] == pytest.approx(11 / 3 - 5.5 / 3)
    assert a["meta_level"] == "blind_spot"
    # B expects A at 4.0; A's actual trust is 3.6667 → +0.3333, within ±0.5 → accurate
    assert trust["meta"]["B"]["meta_error"] == pytest.approx(4.0 - 11 / 3)
    assert trust["meta"]["B"]["meta_level"] == "accurate"
    finance = _dim(_report(), "finance")
    # B expects A at 3.0; A rates finance 4.0 → −1.0 ≤ −0.5 → undervalued
    assert finance["meta"]["B"]["meta_error"] == pytest.approx(-1.0)
    assert finance["meta"]["B"]["meta_level"] == "undervalued"


def test_i13_3_predictions_suppressed_under_k_and_kept_out_of_own_scores():
    rep = _report()
    finance_a = _dim(rep, "finance")["meta"]["A"]
    # A's finance predictions 3, 4, NA: n = 2 < k = 3 → suppressed, no error, no level
    assert finance_a == {"expected": {"n": 2, "suppressed": True}, "meta_error": None, "meta_level": None}
    # the sides' own dimension figures are those of the answers alone (3.6667, 1.8333 as above)
    trust = _dim(rep, "trust")
    assert trust["A"]["mean"] == pytest.approx(11 / 3) and trust["B"]["mean"] == pytest.approx(5.5 / 3)
    plain = _report(predictions=None, meta_perception=False)
    assert [d["A"] for d in plain["dimensions"]] == [d["A"] for d in rep["dimensions"]]
    assert plain["health_index"] == rep["health_index"]
    assert all("meta" not in d for d in plain["dimensions"])
    # k = 4: every side statistic is hidden, so every meta block is too
    hidden = _report(k=4)
    assert {m["meta_level"] for d in hidden["dimensions"] for m in d["meta"].values()} == {None}


def test_i13_3_partner_suppressed_means_no_error():
    # B's trust shown only when ≥ k answered; here A's expectation is shown but B's actual is not
    expected = {"A": {"n": 3, "mean": 4.0}, "B": {"n": 3, "mean": 3.0}}
    actual = {"A": {"n": 3, "mean": 3.0}, "B": {"n": 2, "suppressed": True}}
    block = meta_block(expected, actual, Scale(1, 5))
    assert block["A"]["meta_error"] is None and block["A"]["meta_level"] is None
    assert block["B"]["meta_error"] == 0.0 and block["B"]["meta_level"] == "accurate"


def test_i13_3_meta_level_thresholds():
    one_to_five = Scale(1, 5)  # 0.125 · 4 = 0.5
    assert meta_level(0.5, one_to_five) == "blind_spot"
    assert meta_level(0.49, one_to_five) == "accurate"
    assert meta_level(-0.49, one_to_five) == "accurate"
    assert meta_level(-0.5, one_to_five) == "undervalued"
    assert meta_level(None, one_to_five) is None
    zero_to_ten = Scale(0, 10)  # 0.125 · 10 = 1.25
    assert meta_level(1.2, zero_to_ten) == "accurate" and meta_level(1.25, zero_to_ten) == "blind_spot"


def test_i13_3_blind_spot_is_a_talking_point():
    rep = _report()
    spots = [p for p in rep["talking_points"] if p["kind"] == "blind_spot"]
    # A (Pharma) expects B (Bio) at 3.67 on trust, B rates 1.83: blind spot 1.83
    assert spots == [
        {
            "kind": "blind_spot",
            "dimension": "trust",
            "side": "A",
            "message": "Pharma expects Bio to rate Trust 3.67, but Bio rates it 1.83 — a blind spot of 1.83.",
        }
    ]


def test_i13_3_meta_rows_and_chart_follow_the_k_rule():
    rows = frames.meta_rows(_report())
    assert list(rows["side"]) == ["A", "A", "B", "B"]
    hidden = rows[(rows["side"] == "A") & (rows["dimension"] == "finance")].iloc[0]
    assert hidden["expected"] is None and hidden["reading"] == "not shown: fewer than k answers"
    spec = meta_chart(rows, 1, 5).to_dict()
    text = str(spec)
    assert "What Pharma expects Bio to rate" in text and "and what Bio rates" in text
    assert "blind spot" in text and "undervalued" in text and "accurate" in text
    assert "expected by this side" in text and "what the partner actually rates" in text
    # the suppressed expectation (n = 2) is not among the plotted values
    values = [
        row for ds in spec["datasets"].values() for row in ds if row.get("series") == "expected by this side"
    ]
    assert not any(r["side"] == "A" and r["dimension"] == "finance" for r in values)
    assert frames.meta_rows(_report(predictions=None, meta_perception=False)).empty
