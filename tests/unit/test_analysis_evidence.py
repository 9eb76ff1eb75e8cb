"""Evidence of a gap (issue 13, item 1; DESIGN §3.12): by hand, and against scipy/statsmodels.

Numbers worked by hand are written out in the comments. The property tests compute every
figure a second, independent way — plain Python loops, ``scipy.stats.mannwhitneyu``,
``scipy.stats.ttest_ind(equal_var=False).confidence_interval()`` and statsmodels'
``multipletests`` — on generated rounds, including the k rule's masking of hidden answers.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from healthcheck.analysis import evidence, report
from tests.unit.report_meta import META

NA = float("nan")
DIMS = pd.DataFrame({"key": ["trust", "finance"], "title": ["Trust", "Finance"], "weight": [1.0, 1.0]})
QUESTIONS = pd.DataFrame(
    {"key": ["t1", "t2", "f1"], "dimension": ["trust", "trust", "finance"], "text": ["T1", "T2", "F1"]}
)
COUNTS = {"A": {"invited": 6, "submitted": 5}, "B": {"invited": 6, "submitted": 4}}

# (t1, t2, f1) per respondent
BASE_A = [(5, 4, 4), (4, 4, 3), (4, 3, 2), (5, NA, 4)]  # trust 4.5, 4.0, 3.5, 5.0
BASE_B = [(2, 2, 3), (3, 2, 4), (2, 1, 4)]  # trust 2.0, 2.5, 1.5


def answers(side_a, side_b) -> pd.DataFrame:
    rows = []
    for side, people in (("A", side_a), ("B", side_b)):
        for i, scores in enumerate(people):
            for (key, dim), score in zip(
                (("t1", "trust"), ("t2", "trust"), ("f1", "finance")), scores, strict=True
            ):
                rows.append((side, f"{side}{i}", dim, key, float(score)))
    return pd.DataFrame(rows, columns=["side", "respondent", "dimension", "question", "score"])


def built(side_a, side_b, k=3) -> dict:
    return report.build(META, answers(side_a, side_b), DIMS, QUESTIONS, COUNTS, k)


def row(rep, key, part="dimensions"):
    return next(d for d in rep[part] if d["key"] == key)


# ---------------------------------------------------------------------------------------------
# by hand


def test_gap_evidence_01_dimension_figures_by_hand():
    rep = built(BASE_A, BASE_B)
    trust, finance = row(rep, "trust"), row(rep, "finance")
    # Trust: A = 4.5, 4.0, 3.5, 5.0 (mean 4.25), B = 2.0, 2.5, 1.5 (mean 2.0); gap 2.25.
    assert trust["gap"] == pytest.approx(2.25)
    # s²A = (.25² + .25² + .75² + .75²)/3 = 1.25/3; s²B = (0 + .5² + .5²)/2 = .25
    # SE² = (1.25/3)/4 + .25/3 = .104167 + .083333 = .1875, SE = .433013
    # ν = .1875² / (.104167²/3 + .083333²/2) = .0351563 / .0070891 = 4.9592
    # t(0.975, 4.9592) = 2.57696 (table) → half-width 1.11586 → [1.13414, 3.36586]
    assert trust["gap_ci95"] == pytest.approx([1.13414, 3.36586], abs=1e-5)
    # every A score exceeds every B score: 12 of 12 pairs → δ = 1, large
    assert trust["effect_size"] == 1.0
    assert trust["effect_magnitude"] == "large"
    # no ties, n ≤ 8: exact p = 2 / C(7, 3) = 2/35 = 0.0571429
    assert trust["p_value"] == pytest.approx(2 / 35)
    # Finance: A = 4, 3, 2, 4; B = 3, 4, 4. Pairs a>b: the two 4s over the 3 → 2; a<b: 3 < 4,4
    # and 2 < 3,4,4 → 5; δ = (2 − 5)/12 = −0.25 → small. Ranks 2→1, 3,3→2.5, 4×4→5.5:
    # R_A = 1 + 2.5 + 5.5 + 5.5 = 14.5, U_A = 14.5 − 10 = 4.5; ties 6 + 60 = 66,
    # σ = √(12/12·(8 − 66/42)) = 2.53546, z = (7.5 − 6 − 0.5)/σ = 0.39441, p = 0.69328
    assert finance["effect_size"] == pytest.approx(-0.25)
    assert finance["effect_magnitude"] == "small"
    assert finance["p_value"] == pytest.approx(0.69328, abs=1e-5)
    # Holm over 2 dimensions: 2·0.0571 = 0.1143, max(0.1143, 1·0.6933) = 0.6933
    assert trust["p_adjusted"] == pytest.approx(4 / 35)
    assert finance["p_adjusted"] == pytest.approx(0.69328, abs=1e-5)
    # trust p ≥ 0.05: no evidence yet, but gap level "gap" → possible gap; finance |gap| 0.42 < 0.5
    assert (trust["evidence"], trust["verdict"]) == ("none", "possible_gap")
    assert (finance["gap_level"], finance["evidence"], finance["verdict"]) == ("aligned", "none", "aligned")


def test_gap_evidence_01_weak_and_clear_by_hand():
    # A fifth A respondent with trust 3.0: A 5.0 … 3.0 all above B's 2.5 … 1.5, no ties:
    # exact p = 2 / C(8, 3) = 2/56 = 0.0357 < 0.05, Holm ×2 = 0.0714 ≥ 0.05 → weak
    weak = row(built([*BASE_A, (3, 3, 3)], BASE_B), "trust")
    assert weak["p_value"] == pytest.approx(2 / 56)
    assert weak["p_adjusted"] == pytest.approx(4 / 56)
    assert (weak["evidence"], weak["verdict"]) == ("weak", "possible_gap")
    # and a fourth B respondent with trust 1.0: p = 2 / C(9, 4) = 2/126, ×2 = 0.0317 → clear
    clear = row(built([*BASE_A, (3, 3, 3)], [*BASE_B, (1, 1, 2)]), "trust")
    assert clear["p_value"] == pytest.approx(2 / 126)
    assert clear["p_adjusted"] == pytest.approx(4 / 126)
    assert (clear["evidence"], clear["verdict"]) == ("clear", "real_gap")


def test_gap_evidence_01_statement_p_and_q_by_hand():
    rep = built(BASE_A, BASE_B)
    t1, t2, f1 = (row(rep, key, "questions") for key in ("t1", "t2", "f1"))
    # t1: A 5,4,4,5 vs B 2,3,2 — all A above, ties (4,4 / 5,5 / 2,2) → normal approximation:
    # ranks 2,2→1.5, 3→3, 4,4→4.5, 5,5→6.5; U_A = 22 − 10 = 12, ties 3·6 = 18,
    # σ = √(1·(8 − 18/42)) = 2.75162, z = (12 − 6 − .5)/σ = 1.99882, p = 0.045628
    assert t1["p_value"] == pytest.approx(0.045628, abs=1e-6)
    # t2: A 4,4,3 vs B 2,2,1 (A's fourth is N/A): ranks 1→1, 2,2→2.5, 3→4, 4,4→5.5;
    # U_A = 15 − 6 = 9, ties 12, σ = √(.75·(7 − 12/30)) = 2.22486, z = 4/σ = 1.79787, p = 0.072198
    assert t2["p_value"] == pytest.approx(0.072198, abs=1e-6)
    assert f1["p_value"] == pytest.approx(0.69328, abs=1e-5)  # same answers as finance
    # BH over three: sorted .045628, .072198, .69328 → ×3/1, ×3/2, ×3/3 = .136883, .108297,
    # .69328; running minimum from the largest: .108297, .108297, .69328
    assert t1["q_value"] == pytest.approx(0.108297, abs=1e-6)
    assert t2["q_value"] == pytest.approx(0.108297, abs=1e-6)
    assert f1["q_value"] == pytest.approx(0.69328, abs=1e-5)
    assert [t1["evidence"], t2["evidence"], f1["evidence"]] == ["weak", "none", "none"]


def test_gap_evidence_01_hidden_side_has_no_evidence_and_hidden_answers_stay_out():
    # k = 4: B (3 respondents) is hidden everywhere → no gap, no evidence, no verdict
    rep = built(BASE_A, BASE_B, k=4)
    for key in ("trust", "finance"):
        d = row(rep, key)
        assert [
            d[f] for f in ("gap_ci95", "effect_size", "effect_magnitude", "p_adjusted", "evidence", "verdict")
        ] == [None] * 6
    for q in rep["questions"]:
        assert (q["p_value"], q["q_value"], q["evidence"]) == (None, None, None)
    # k = 3 with only three A answers to t2 removed to two: t2 hidden for A, so A's trust scores
    # come from t1 alone (5, 4, 4, 5) and changing A's t2 answers changes no evidence
    sparse = [(5, 4, 4), (4, NA, 3), (4, 3, 2), (5, NA, 4)]
    changed = [(5, 1, 4), (4, NA, 3), (4, 1, 2), (5, NA, 4)]
    one, two = built(sparse, BASE_B), built(changed, BASE_B)
    assert row(one, "trust") == row(two, "trust")
    assert row(one, "t2", "questions")["p_value"] is None
    # Cliff's δ on the masked scores: A 5,4,4,5 all above B 2.0, 2.5, 1.5 → 1
    assert row(one, "trust")["effect_size"] == 1.0


def test_gap_evidence_01_corrections_by_hand():
    # Holm on .01, .04, .03: sorted .01·3 = .03, .03·2 = .06, .04·1 = .04 → running max .03, .06, .06
    assert evidence.holm([0.01, 0.04, 0.03])[0].tolist() == pytest.approx([0.03, 0.06, 0.06])
    # BH: .01·3/1 = .03, .03·3/2 = .045, .04·3/3 = .04 → running min from the top: .03, .04, .04
    assert evidence.benjamini_hochberg([0.01, 0.04, 0.03])[0].tolist() == pytest.approx([0.03, 0.04, 0.04])
    # NaN is no test: Holm on .02 and NaN is .02·1; capped at 1
    assert evidence.holm([[0.02, NA], [0.6, 0.7]])[0][0] == pytest.approx(0.02)
    assert math.isnan(evidence.holm([[0.02, NA]])[0][1])
    assert evidence.holm([[0.6, 0.7]]).tolist() == [[1.0, 1.0]]


def test_gap_evidence_01_labels():
    assert [evidence.magnitude(x) for x in (0.0, -0.146, 0.147, 0.329, -0.33, 0.473, 0.474, -1.0, None)] == [
        "negligible", "negligible", "small", "small", "medium", "medium", "large", "large", None
    ]  # fmt: skip
    assert evidence.evidence(None, None) is None
    assert evidence.evidence(0.01, 0.049) == "clear"
    assert evidence.evidence(0.01, 0.05) == "weak"
    assert evidence.evidence(0.05, 0.05) == "none"
    assert evidence.verdict(None, None) is None
    assert evidence.verdict("aligned", "clear") == "aligned"
    assert evidence.verdict("watch", "clear") == "real_gap"
    assert evidence.verdict("gap", "weak") == "possible_gap"
    assert evidence.verdict("gap", None) == "possible_gap"
    assert evidence.verdict_label("possible_gap", None) == "possible gap — too few answers to tell"
    assert evidence.verdict_label("possible_gap", 0.2) == "possible gap"
    # SE = 0 (everyone on each side agrees): the interval is the gap itself
    assert evidence.welch_half_width(0.0, 3, 0.0, 4).tolist() == 0.0
    assert evidence.interval(1.5, 0.0) == [1.5, 1.5]


# ---------------------------------------------------------------------------------------------
# against scipy and statsmodels on generated data

p_lists = st.lists(st.one_of(st.floats(0, 1), st.just(NA)), min_size=1, max_size=12)


@given(st.lists(p_lists, min_size=1, max_size=4).map(lambda rows: [r + [NA] * (12 - len(r)) for r in rows]))
def test_gap_evidence_01_holm_and_bh_match_statsmodels(rows):
    holm, bh = evidence.holm(rows), evidence.benjamini_hochberg(rows)
    for i, values in enumerate(rows):
        tested = [j for j, p in enumerate(values) if not math.isnan(p)]
        for j in set(range(12)) - set(tested):
            assert math.isnan(holm[i][j]) and math.isnan(bh[i][j])
        if not tested:
            continue
        ps = [values[j] for j in tested]
        want_holm = multipletests(ps, method="holm")[1]
        want_bh = multipletests(ps, method="fdr_bh")[1]
        assert [holm[i][j] for j in tested] == pytest.approx(list(want_holm), rel=1e-12, abs=1e-15)
        assert [bh[i][j] for j in tested] == pytest.approx(list(want_bh), rel=1e-12, abs=1e-15)


ANSWER = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def generated_round(draw):
    k = draw(st.integers(3, 4))
    people = {s: [[draw(ANSWER) for _ in range(3)] for _ in range(draw(st.integers(0, 9)))] for s in "AB"}
    return k, people


def independent(k, people):
    """Every §3.12 figure computed the slow, obvious way."""
    keys = ["t1", "t2", "f1"]
    dims = {"trust": [0, 1], "finance": [2]}
    # k rule: an answer to a statement with fewer than k answers on its side is N/A
    kept = {}
    for s, rows in people.items():
        counts = [sum(r[j] is not None for r in rows) for j in range(3)]
        kept[s] = [[v if counts[j] >= k else None for j, v in enumerate(r)] for r in rows]
    scores = {
        (s, d): [
            float(np.mean([r[j] for j in cols if r[j] is not None]))
            for r in kept[s]
            if any(r[j] is not None for j in cols)
        ]
        for s in "AB"
        for d, cols in dims.items()
    }
    out = {}
    for d in dims:
        a, b = scores[("A", d)], scores[("B", d)]
        if len(a) < k or len(b) < k:
            out[d] = None
            continue
        gap = float(np.mean(a) - np.mean(b))
        t = sps.ttest_ind(a, b, equal_var=False)
        ci = t.confidence_interval()
        ci = [gap, gap] if math.isnan(ci.low) else [float(ci.low), float(ci.high)]
        pairs = [(x > y) - (x < y) for x in a for y in b]
        out[d] = {
            "p": float(sps.mannwhitneyu(a, b, alternative="two-sided").pvalue),
            "ci": ci,
            "delta": sum(pairs) / len(pairs),
        }
    tested = [d for d in dims if out[d] is not None]
    if tested:
        for d, adj in zip(
            tested, multipletests([out[d]["p"] for d in tested], method="holm")[1], strict=True
        ):
            out[d]["holm"] = float(adj)
    questions = {}
    for j, key in enumerate(keys):
        a = [r[j] for r in kept["A"] if r[j] is not None]
        b = [r[j] for r in kept["B"] if r[j] is not None]
        questions[key] = (
            float(sps.mannwhitneyu(a, b, alternative="two-sided").pvalue)
            if len(a) >= k and len(b) >= k
            else None
        )
    asked = [q for q in keys if questions[q] is not None]
    qs = (
        dict(zip(asked, multipletests([questions[q] for q in asked], method="fdr_bh")[1], strict=True))
        if asked
        else {}
    )
    return out, questions, qs


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy on nearly identical samples
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(generated_round())
def test_gap_evidence_01_round_matches_scipy_and_statsmodels(case):
    k, people = case
    rows = [
        (s, f"{s}{i}", *((NA if v is None else v) for v in r)) for s in "AB" for i, r in enumerate(people[s])
    ]
    rep = built([r[2:] for r in rows if r[0] == "A"], [r[2:] for r in rows if r[0] == "B"], k=k)
    want, question_p, question_q = independent(k, people)
    for d in ("trust", "finance"):
        got = row(rep, d)
        if want[d] is None:
            assert (got["gap_ci95"], got["effect_size"], got["p_adjusted"], got["verdict"]) == (None,) * 4
            continue
        assert got["p_value"] == pytest.approx(want[d]["p"], rel=1e-9, abs=1e-12)
        assert got["gap_ci95"] == pytest.approx(want[d]["ci"], rel=1e-9, abs=1e-9)
        assert got["effect_size"] == pytest.approx(want[d]["delta"], abs=1e-12)
        assert got["p_adjusted"] == pytest.approx(want[d]["holm"], rel=1e-9, abs=1e-12)
        assert got["evidence"] == evidence.evidence(want[d]["p"], want[d]["holm"])
    for q in rep["questions"]:
        assert (q["p_value"] is None) == (question_p[q["key"]] is None)
        if question_p[q["key"]] is not None:
            assert q["p_value"] == pytest.approx(question_p[q["key"]], rel=1e-9, abs=1e-12)
            assert q["q_value"] == pytest.approx(question_q[q["key"]], rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# item 2: the report says it in words first (DESIGN §3.16)


def _dim(key, a, b, verdict=None, delta=None, classification="neutral", meta=None):
    gap = a - b
    return {
        "key": key,
        "title": key.title(),
        "A": {"n": 5, "mean": a},
        "B": {"n": 5, "mean": b},
        "gap": gap,
        "gap_ci95": [gap - 0.5, gap + 0.5],
        "effect_size": delta,
        "effect_magnitude": evidence.magnitude(delta),
        "verdict": verdict,
        "classification": classification,
        **({"meta": meta} if meta else {}),
    }


def _report(dims, warnings=()):
    return {
        "alliance": {"sides": {"A": "Pharma", "B": "Bio"}},
        "scale": {"min": 1, "max": 5},
        "dimensions": dims,
        "warnings": list(warnings),
    }


def test_words_first_02_talking_points_order_and_figures():
    from healthcheck.analysis import talking

    dims = [
        _dim("trust", 4.0, 2.8, "real_gap", 0.6),  # |δ| 0.6
        _dim("finance", 2.2, 2.6, "aligned", -0.2, "shared_concern"),  # lower mean 2.2
        _dim("culture", 2.0, 3.9, "real_gap", -0.9),  # |δ| 0.9: first
        _dim("speed", 2.5, 2.4, "aligned", 0.1, "shared_concern"),  # lower mean 2.4
    ]
    warns = [
        {"code": "gap_widening", "side": None, "dimension": "trust", "message": "Trust gap widened."},
        {"code": "index_drop", "side": None, "dimension": None, "message": "Index fell."},
    ]
    points = talking.talking_points(_report(dims, warns))
    assert [(p["kind"], p["dimension"], p["side"]) for p in points] == [
        ("real_gap", "culture", "B"),  # B rates culture higher, |δ| 0.9 before 0.6
        ("real_gap", "trust", "A"),
        ("shared_concern", "finance", None),  # 2.2 before 2.4
        ("shared_concern", "speed", None),
        ("warning", None, None),  # alliance-wide warnings first, then by dimension order
    ]  # at most five: the trust warning is left out
    assert points[0]["message"] == (
        "Bio rates Culture clearly higher than Pharma: 3.90 vs 2.00 (gap -1.90, 95 % interval "
        "-2.40 to -1.40; large effect) — a real gap, not chance."
    )
    assert (
        points[2]["message"]
        == "Both sides rate Finance low: Pharma 2.20, Bio 2.60 (below 3 on the 1–5 scale)."
    )


def test_words_first_02_blind_spots_actions_and_ties():
    from healthcheck.analysis import talking

    meta = {
        "A": {"expected": {"n": 5, "mean": 4.5}, "meta_error": 1.2, "meta_level": "blind_spot"},
        "B": None,
    }
    dims = [_dim("trust", 3.2, 3.3, "aligned", 0.0, meta=meta), _dim("finance", 3.6, 3.5, "aligned", 0.05)]
    effects = [
        {  # finance got worse on B's side: listed
            "title": "Shared forecast",
            "dimension": "finance",
            "previous": "R1",
            "before": {"A": 3.6, "B": 3.9, "gap": -0.3, "title": "Finance"},
            "after": {"A": 3.6, "B": 3.5, "gap": 0.1, "title": "Finance"},
        },
        {  # trust improved on both sides and the gap shrank: not listed
            "title": "Monthly call",
            "dimension": "trust",
            "previous": "R1",
            "before": {"A": 3.0, "B": 3.0, "gap": 0.2, "title": "Trust"},
            "after": {"A": 3.2, "B": 3.3, "gap": -0.1, "title": "Trust"},
        },
        {"title": "No dimension", "dimension": "", "previous": "R1", "before": None, "after": None},
    ]
    points = talking.talking_points(_report(dims), effects)
    assert [(p["kind"], p["dimension"], p["side"]) for p in points] == [
        ("blind_spot", "trust", "A"),
        ("action", "finance", "B"),
    ]
    # expected 4.5 by Pharma, meta_error 1.2 → Bio's actual 3.3
    assert points[0]["message"] == (
        "Pharma expects Bio to rate Trust 4.50, but Bio rates it 3.30 — a blind spot of 1.20."
    )
    assert "“Shared forecast”" in points[1]["message"] and "Bio 3.90 → 3.50" in points[1]["message"]
    # no meta-perception in the questionnaire: nothing to say about blind spots, nothing breaks
    assert talking.talking_points(_report([_dim("trust", 3.2, 3.3, "aligned", 0.0)])) == []


def test_words_first_02_report_carries_talking_points():
    rep = built([*BASE_A, (3, 3, 3)], [*BASE_B, (1, 1, 2)])
    # trust is a real gap (see the weak/clear case above); A rates it higher
    assert rep["talking_points"][0]["kind"] == "real_gap"
    assert rep["talking_points"][0]["dimension"] == "trust"
    assert rep["talking_points"][0]["side"] == "A"
    assert set(rep["talking_points"][0]) == {"kind", "dimension", "side", "message"}
