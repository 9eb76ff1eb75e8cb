"""Issue 13, "Done when": the report's numbers match an independent computation on data we did
not generate.

The data: the American National Election Studies 1996 subset that ships with statsmodels
(``statsmodels.datasets.anes96``, public domain, 944 real respondents). Its ordinal items are
already on small integer scales, so no value is mapped: the test questionnaire uses the
data's own 0–7 scale —

    ideology    self_lr  (selfLR: own left–right placement, 1–7)
                party_id (PID: party identification, 0 strong Democrat … 6 strong Republican)
    candidates  clinton_lr (ClinLR, 1–7), dole_lr (DoleLR, 1–7)
    news        tv_news  (TVnews: days a week watching TV news, 0–7)

Side A: Clinton voters (vote = 0), side B: Dole voters (vote = 1). Three rounds, one per
education band (a real split; every respondent answers once): R1 college degree or more
(educ 5–7), R2 no high school diploma (1–2), R3 high school or some college (3–4).
Each round goes in through the history import (``healthcheck import-responses``), the
reports come out of ``healthcheck report``/``trend --format json``, and every §3.12 figure,
α (§3.13) and the change intervals of the trend warnings are recomputed here with
scipy / statsmodels / numpy from the raw data frame, not from our code.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

SCALE = (0, 7)
ITEMS = {  # question key → ANES column
    "self_lr": "selfLR",
    "party_id": "PID",
    "clinton_lr": "ClinLR",
    "dole_lr": "DoleLR",
    "tv_news": "TVnews",
}
DIMENSIONS = {
    "ideology": ["self_lr", "party_id"],
    "candidates": ["clinton_lr", "dole_lr"],
    "news": ["tv_news"],
}
ROUNDS = [
    ("1996-R1", "1996-03-31", (5, 7)),
    ("1996-R2", "1996-06-30", (1, 2)),
    ("1996-R3", "1996-09-30", (3, 4)),
]
QUESTIONNAIRE = """key: anes-1996
title: ANES 1996 (independent check)
scale: {min: 0, max: 7}
dimensions:
  - key: ideology
    title: Ideology
    questions:
      - key: self_lr
        text: "Where do you place yourself on the left-right scale?"
      - key: party_id
        text: "Which party do you identify with?"
  - key: candidates
    title: Candidates
    questions:
      - key: clinton_lr
        text: "Where do you place Clinton?"
      - key: dole_lr
        text: "Where do you place Dole?"
  - key: news
    title: News
    questions:
      - key: tv_news
        text: "How many days a week do you watch TV news?"
"""
ALLIANCE = ["--alliance", "ANES 1996", "--side-a", "Clinton voters", "--side-b", "Dole voters"]
TOL = {"rel": 1e-9, "abs": 1e-12}


@pytest.fixture(scope="module")
def anes():
    sm_datasets = pytest.importorskip("statsmodels.datasets")
    data = sm_datasets.anes96.load_pandas().data
    assert len(data) == 944 and not data[list(ITEMS.values())].isna().any().any()
    for column in ITEMS.values():  # whole numbers on the 0–7 scale already: nothing to map
        values = data[column].to_numpy()
        assert np.array_equal(values, np.round(values)) and values.min() >= 0 and values.max() <= 7
    data = data.assign(side=np.where(data["vote"] == 0, "A", "B"))
    return data


def _round_data(anes, band):
    lo, hi = band
    return anes[(anes["educ"] >= lo) & (anes["educ"] <= hi)]


@pytest.fixture
def imported(app, runner, anes, tmp_path):
    """The three rounds imported as history; returns their report JSONs and the trend JSON."""
    survey = tmp_path / "anes.yaml"
    survey.write_text(QUESTIONNAIRE)
    assert runner.invoke(args=["questionnaire", "import", str(survey)]).exit_code == 0
    for label, closes_on, band in ROUNDS:
        rows = ["side,respondent,question,score,comment"]
        for index, person in _round_data(anes, band).iterrows():
            rows += [f"{person['side']},r{index},{key},{int(person[col])}," for key, col in ITEMS.items()]
        path = tmp_path / f"{label}.csv"
        path.write_text("\n".join(rows) + "\n")
        args = ["import-responses", str(path), *ALLIANCE, "--questionnaire", "anes-1996"]
        result = runner.invoke(args=[*args, "--round", label, "--closes-on", closes_on])
        assert result.exit_code == 0, result.output
    reports = {}
    for label, _, _ in ROUNDS:
        result = runner.invoke(
            args=["report", "--alliance", "ANES 1996", "--round", label, "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        reports[label] = json.loads(result.output)
    result = runner.invoke(args=["trend", "--alliance", "ANES 1996", "--format", "json"])
    assert result.exit_code == 0, result.output
    return reports, json.loads(result.output)


def _dimension_scores(frame, dim):
    """Respondent dimension score: the mean of the respondent's answers (none is N/A here)."""
    return frame[[ITEMS[q] for q in DIMENSIONS[dim]]].mean(axis=1).to_numpy()


def _sides(frame, dim):
    return {s: _dimension_scores(frame[frame["side"] == s], dim) for s in "AB"}


def _describe(x):
    n, mean, std = len(x), float(np.mean(x)), float(np.std(x, ddof=1))
    half = stats.t.ppf(0.975, n - 1) * std / math.sqrt(n)
    return {
        "n": n,
        "mean": mean,
        "median": float(np.median(x)),
        "std": std,
        "ci95": [mean - half, mean + half],
    }


def _cliffs_delta(a, b):
    return float(np.sign(a[:, None] - b[None, :]).mean())


def _level(gap):
    width = SCALE[1] - SCALE[0]
    return "aligned" if abs(gap) < 0.125 * width else "watch" if abs(gap) < 0.25 * width else "gap"


def _evidence(p, adjusted):
    return "clear" if adjusted < 0.05 else "weak" if p < 0.05 else "none"


def _magnitude(delta):
    size = abs(delta)
    return "negligible" if size < 0.147 else "small" if size < 0.33 else "medium" if size < 0.474 else "large"


def _independent_round(frame):
    """Every §3.12 figure of one round from the raw frame (scipy / statsmodels / numpy)."""
    dims = {}
    for dim in DIMENSIONS:
        a, b = _sides(frame, dim)["A"], _sides(frame, dim)["B"]
        low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(alpha=0.05, usevar="unequal")
        dims[dim] = {
            "A": _describe(a),
            "B": _describe(b),
            "gap": float(a.mean() - b.mean()),
            "gap_ci95": [float(low), float(high)],
            "effect_size": _cliffs_delta(a, b),
            "p_value": float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue),
        }
    holm = multipletests([dims[d]["p_value"] for d in DIMENSIONS], method="holm")[1]
    for dim, adjusted in zip(DIMENSIONS, holm, strict=True):
        dims[dim]["p_adjusted"] = float(adjusted)
    questions = {}
    for key, column in ITEMS.items():
        a, b = (frame.loc[frame["side"] == s, column].to_numpy() for s in "AB")
        questions[key] = {"p_value": float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)}
    bh = multipletests([questions[q]["p_value"] for q in ITEMS], method="fdr_bh")[1]
    for key, q_value in zip(ITEMS, bh, strict=True):
        questions[key]["q_value"] = float(q_value)
    return dims, questions


def test_i13_done_round_reports_match_scipy_and_statsmodels_on_anes96(anes, imported):
    reports, _trend = imported
    for label, _closes, band in ROUNDS:
        report = reports[label]
        want_dims, want_questions = _independent_round(_round_data(anes, band))
        assert report["round"]["questionnaire"] == "anes-1996@1" and report["scale"] == {"min": 0, "max": 7}
        for got in report["dimensions"]:
            want = want_dims[got["key"]]
            for side in "AB":
                assert got[side]["n"] == want[side]["n"]
                for field in ("mean", "median", "std"):
                    assert got[side][field] == pytest.approx(want[side][field], **TOL), (
                        label,
                        got["key"],
                        field,
                    )
                assert got[side]["ci95"] == pytest.approx(want[side]["ci95"], **TOL)
            assert got["gap"] == pytest.approx(want["gap"], **TOL)
            assert got["gap_ci95"] == pytest.approx(want["gap_ci95"], **TOL)
            assert got["effect_size"] == pytest.approx(want["effect_size"], abs=1e-12)
            assert got["effect_magnitude"] == _magnitude(want["effect_size"])
            assert got["p_value"] == pytest.approx(want["p_value"], **TOL)
            assert got["p_adjusted"] == pytest.approx(want["p_adjusted"], **TOL)
            assert got["gap_level"] == _level(want["gap"])
            assert got["evidence"] == _evidence(want["p_value"], want["p_adjusted"])
            verdict = (
                "aligned"
                if _level(want["gap"]) == "aligned"
                else ("real_gap" if got["evidence"] == "clear" else "possible_gap")
            )
            assert got["verdict"] == verdict
        for got in report["questions"]:
            want = want_questions[got["key"]]
            assert got["p_value"] == pytest.approx(want["p_value"], **TOL)
            assert got["q_value"] == pytest.approx(want["q_value"], **TOL)
            assert got["evidence"] == _evidence(want["p_value"], want["q_value"])
    # the data are not a toy: the ideology gap is real, news aligned in R1
    r1 = {d["key"]: d for d in reports["1996-R1"]["dimensions"]}
    assert r1["ideology"]["verdict"] == "real_gap" and r1["ideology"]["effect_magnitude"] == "large"


def _alpha(x):
    """Cronbach's α straight from its definition: m/(m−1)·(1 − Σ var(item)/var(sum)), ddof=1."""
    m = x.shape[1]
    return m / (m - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_i13_done_alpha_matches_numpy_over_all_944_respondents(app, anes, imported):
    from healthcheck.services import questionnaires, reliability

    with app.app_context():
        rows = {r["dimension"]: r for r in reliability.of_version(questionnaires.latest("anes-1996").id)}
    assert set(rows) == {"ideology", "candidates"}  # news has one statement: no α
    for dim, row in rows.items():
        x = anes[[ITEMS[q] for q in DIMENSIONS[dim]]].to_numpy(dtype=float)
        assert row["responses"] == 944
        assert row["alpha"] == pytest.approx(_alpha(x), rel=1e-12)
        assert row["low_reliability"] == (_alpha(x) < 0.7)
    # self-placement and party identification go together (r = 0.62); the two candidates'
    # placements do not form a scale at all (r = −0.35): α below 0, flagged
    assert rows["ideology"]["low_reliability"] is False and rows["candidates"]["low_reliability"] is True


def _welch(change, samples):
    """Welch 95 % interval of a difference of independent means, from (values) samples."""
    parts = [np.var(x, ddof=1) / len(x) for x in samples]
    se = math.sqrt(sum(parts))
    dof = sum(parts) ** 2 / sum(p**2 / (len(x) - 1) for p, x in zip(parts, samples, strict=True))
    half = stats.t.ppf(0.975, dof) * se
    return [change - half, change + half]


def test_i13_done_trend_warnings_change_intervals_match(anes, imported):
    _reports, trend = imported
    threshold = 0.125 * (SCALE[1] - SCALE[0])
    expected = {}
    for (label, _, band), (_, _, previous_band) in zip(ROUNDS[1:], ROUNDS[:-1], strict=True):
        now, before = _round_data(anes, band), _round_data(anes, previous_band)
        for dim in DIMENSIONS:
            new, old = _sides(now, dim), _sides(before, dim)
            for side in "AB":
                if old[side].mean() - new[side].mean() >= threshold:
                    change = new[side].mean() - old[side].mean()
                    # two samples: statsmodels' Welch interval of mean(now) − mean(before)
                    low, high = CompareMeans(DescrStatsW(new[side]), DescrStatsW(old[side])).tconfint_diff(
                        usevar="unequal"
                    )
                    expected[(label, "dimension_drop", side, dim)] = (change, [low, high])
            gap_now, gap_before = new["A"].mean() - new["B"].mean(), old["A"].mean() - old["B"].mean()
            if abs(gap_now) - abs(gap_before) >= threshold:
                change = gap_now - gap_before
                expected[(label, "gap_widening", None, dim)] = (
                    change,
                    _welch(change, [new["A"], new["B"], old["A"], old["B"]]),
                )
    found = {
        (w["round"], w["code"], w["side"], w["dimension"]): w
        for w in trend["warnings"]
        if w["code"] in ("dimension_drop", "gap_widening")
    }
    assert found.keys() == expected.keys()
    # the real data give both kinds: Dole voters without a high school diploma (R2) watch TV
    # news on 5.8 days a week, graduates (R1) 3.8, Clinton voters 4.3 and 3.5 — the news gap
    # widens from R1 to R2; in R3 (high school, some college) Dole voters' figure falls to 3.3
    assert {code for _, code, _, _ in expected} == {"dimension_drop", "gap_widening"}
    for key, (change, interval) in expected.items():
        warning = found[key]
        assert warning["change"] == pytest.approx(change, **TOL)
        assert warning["change_ci95"] == pytest.approx(interval, **TOL)
        assert warning["beyond_noise"] == (interval[0] > 0 or interval[1] < 0)
        assert ("beyond noise" if warning["beyond_noise"] else "within noise") in warning["message"]
    # the widening (B's 17 respondents in R2 spread widely) is within noise, the drop beyond it
    assert found[("1996-R2", "gap_widening", None, "news")]["beyond_noise"] is False
    assert found[("1996-R3", "dimension_drop", "B", "news")]["beyond_noise"] is True
