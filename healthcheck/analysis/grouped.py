"""The statistics of a round report for many rounds at once (pure, vectorised).

``stats.describe`` and ``stats.mann_whitney_p`` answer for one group of values; here the same
figures are computed for every (round, side, question), every (round, side, dimension) and
every (round, dimension) test in a few pandas group-bys, so a full rebuild of thousands of
rounds is not thousands of small computations.

Input is wide: one row per submitted response, ``keys`` giving its ``round`` and ``side``, and
``scores`` one column per question (NaN for N/A or no answer). A respondent's dimension score
is the mean of their non-N/A answers in it, so every respondent weighs the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from healthcheck.analysis import evidence
from healthcheck.analysis.distributions import EXACT_MAX_N, mann_whitney_exact_p, norm_sf, t_ppf

SIDES = ("A", "B")


@dataclass
class RoundStats:
    """One round's statistics: ``describe`` blocks keyed by (key, side), p-values by dimension,
    and the evidence (DESIGN §3.12) of each dimension's and statement's gap where both sides
    are shown: ``dimension_evidence`` {dimension: (gap half-width, effect size, p adjusted)},
    ``question_tests`` {question: (p value, q value)} (None where not both shown)."""

    questions: dict[tuple[str, str], dict]
    dimensions: dict[tuple[str, str], dict]
    p_values: dict[str, float | None]
    dimension_evidence: dict[str, tuple] = field(default_factory=dict)
    question_tests: dict[str, tuple] = field(default_factory=dict)
    # ``describe`` of the predictions (DESIGN §3.14) keyed by (dimension, side); never part of
    # the dimension scores above
    expected: dict[tuple[str, str], dict] = field(default_factory=dict)


def respondent_dimension_scores(
    scores: pd.DataFrame, question_dims: list[str], dims: list[str]
) -> pd.DataFrame:
    """Each respondent's mean of non-N/A answers per dimension (NaN when none)."""
    columns = np.asarray(question_dims)
    out = {d: scores.loc[:, columns == d].mean(axis=1) for d in dims}
    return pd.DataFrame(out, index=scores.index, columns=dims)


def _none(values: np.ndarray) -> list:
    """Array → list with None for NaN."""
    return np.where(np.isnan(values), None, values).tolist()


def _t975(count: np.ndarray) -> np.ndarray:
    """The t quantile for n − 1 degrees of freedom, computed once per distinct n."""
    sizes, where = np.unique(count, return_inverse=True)
    with np.errstate(invalid="ignore"):
        return t_ppf(0.975, sizes - 1)[where].reshape(count.shape)


def describe_groups(values: pd.DataFrame, keys: pd.DataFrame) -> dict[tuple, dict[str, dict]]:
    """``stats.describe`` of every column within every (round, side) group.

    Returns {(round, side): {column: {n, mean, median, std, ci95}}}; groups absent from
    ``keys`` are absent here (callers treat them as n = 0).
    """
    grouped = values.groupby([keys["round"], keys["side"]], sort=False)
    n = grouped.count()
    if n.empty:
        return {}
    count = n.to_numpy(dtype="float64", copy=True)
    mean = grouped.mean().to_numpy(dtype="float64", copy=True)
    median = grouped.median().to_numpy(dtype="float64", copy=True)
    std = grouped.std(ddof=1).to_numpy(dtype="float64", copy=True)
    std[count < 2] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        half = _t975(count) * std / np.sqrt(count)
    mean[count < 1] = np.nan
    median[count < 1] = np.nan
    columns = list(values.columns)
    rows = zip(
        n.index,
        count.astype(int).tolist(),
        _none(mean),
        _none(median),
        _none(std),
        _none(mean - half),
        _none(mean + half),
        strict=True,
    )
    out = {}
    for key, *stats in rows:
        out[key] = {
            col: {"n": n, "mean": m, "median": md, "std": sd, "ci95": None if sd is None else [lo, hi]}
            for col, n, m, md, sd, lo, hi in zip(columns, *stats, strict=True)
        }
    return out


@dataclass
class Tests:
    """Mann–Whitney results of every (round, column): arrays of shape (rounds, columns)."""

    rounds: list
    columns: list
    n1: np.ndarray
    n2: np.ndarray
    u1: np.ndarray
    p: np.ndarray  # NaN where either side has fewer than 3 values


def _ranks_by_sort(group: np.ndarray, v: np.ndarray, is_a: np.ndarray, count: int) -> tuple:
    """(side A's rank sum, tie term Σ(t³ − t)) per group, ranking every group in one sort:
    values ordered by (group, value), tied runs get the mean of their positions."""
    order = np.lexsort((v, group))
    group, v, is_a = group[order], v[order], is_a[order]
    n = np.bincount(group, minlength=count).astype("float64")
    start = np.cumsum(n) - n
    position = np.arange(v.size) - start[group] + 1
    new_run = np.r_[True, (group[1:] != group[:-1]) | (v[1:] != v[:-1])] if v.size else np.array([], bool)
    run = np.cumsum(new_run) - 1
    size = np.bincount(run).astype("float64")
    rank = (position[new_run] + (size - 1) / 2)[run]
    r1 = np.bincount(group, weights=np.where(is_a, rank, 0.0), minlength=count)
    tie_term = np.bincount(group[new_run], weights=size**3 - size, minlength=count)
    return r1, tie_term


def _ranks_by_count(group: np.ndarray, level: np.ndarray, is_a: np.ndarray, count: int, levels: int) -> tuple:
    """The same for values on a few integer levels (answers on the scale), without sorting:
    a level's mid-rank within its group is the count below it plus (its count + 1) / 2."""
    cell = group * levels + level
    total = np.bincount(cell, minlength=count * levels).reshape(count, levels).astype("float64")
    of_a = np.bincount(cell, weights=is_a, minlength=count * levels).reshape(count, levels)
    mid_rank = np.cumsum(total, axis=1) - (total - 1) / 2
    return (of_a * mid_rank).sum(axis=1), (total**3 - total).sum(axis=1)


COUNTING_MAX_LEVELS = 64


def mann_whitney_tests(values: pd.DataFrame, keys: pd.DataFrame) -> Tests:
    """Two-sided Mann–Whitney U test, A vs B, of every column within every round.

    Matches ``scipy.stats.mannwhitneyu`` defaults: normal approximation with tie and
    continuity correction, exact when a side has ≤ 8 values and nothing is tied. No test
    (NaN) when either side has fewer than 3 values. ``u1`` is side A's U statistic,
    #{a > b} + ½·#{a = b}.

    Ranks come from one sort of all groups, or — for whole-number answers on a scale — from
    counts per level; per-group sums come from ``bincount``.
    """
    rounds, round_code = np.unique(keys["round"].to_numpy(), return_inverse=True)
    columns = list(values.columns)
    width = len(columns)
    count = len(rounds) * width
    group = (round_code[:, None] * width + np.arange(width)[None, :]).ravel()
    v = values.to_numpy(dtype="float64").ravel()
    is_a = np.repeat(keys["side"].to_numpy() == "A", width)
    keep = ~np.isnan(v)
    group, v, is_a = group[keep], v[keep], is_a[keep]
    n = np.bincount(group, minlength=count).astype("float64")
    n1 = np.bincount(group, weights=is_a, minlength=count)
    n2 = n - n1
    low = v.min() if v.size else 0.0
    levels = int(v.max() - low) + 1 if v.size else 1
    if levels <= COUNTING_MAX_LEVELS and np.array_equal(v, np.floor(v)):
        r1, tie_term = _ranks_by_count(group, (v - low).astype(np.int64), is_a, count, levels)
    else:
        r1, tie_term = _ranks_by_sort(group, v, is_a, count)
    u1 = r1 - n1 * (n1 + 1) / 2
    u = np.maximum(u1, n1 * n2 - u1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
        z = (u - n1 * n2 / 2 - 0.5) / s
    p = np.clip(2 * norm_sf(z), 0, 1)
    valid = (n1 >= 3) & (n2 >= 3)
    for g in np.flatnonzero(valid & ((n1 <= EXACT_MAX_N) | (n2 <= EXACT_MAX_N)) & (tie_term == 0)):
        p[g] = mann_whitney_exact_p(u1[g], int(n1[g]), int(n2[g]))
    shape = (len(rounds), width)
    return Tests(
        rounds.tolist(),
        columns,
        n1.reshape(shape),
        n2.reshape(shape),
        u1.reshape(shape),
        np.where(valid, p, np.nan).reshape(shape),
    )


def without_hidden_questions(scores: pd.DataFrame, keys: pd.DataFrame, k: pd.Series) -> pd.DataFrame:
    """The answers with those to a question hidden for a side (its n < k) treated as N/A.

    DESIGN §3.9, no differencing: such an answer must not enter the side's dimension figures,
    or it could be recovered from them. ``k``: the round's frozen k, per response row.
    """
    answered = scores.notna().groupby([keys["round"], keys["side"]], sort=False).transform("sum")
    return scores.where(answered.ge(k.to_numpy(), axis=0))


def _side_variances(values: pd.DataFrame, keys: pd.DataFrame, rounds: list) -> dict[str, np.ndarray]:
    """Sample variance (ddof=1) of every column per side, arrays of shape (rounds, columns)."""
    var = values.groupby([keys["round"], keys["side"]], sort=False).var(ddof=1)
    out = {}
    for side in SIDES:
        index = pd.MultiIndex.from_arrays([rounds, [side] * len(rounds)])
        out[side] = var.reindex(index).to_numpy(dtype="float64")
    return out


def _both_shown(found: Tests, k: dict | int) -> np.ndarray:
    """Where both sides have at least k values (k of each round), shape (rounds, columns)."""
    ks = np.array([k[r] if isinstance(k, dict) else k for r in found.rounds], dtype="float64")[:, None]
    return (found.n1 >= ks) & (found.n2 >= ks)


def _rows_of(found: Tests, fields: list[np.ndarray]) -> dict[object, dict[str, tuple]]:
    """{round: {column: (value or None, …)}}, one tuple item per array of shape (rounds, columns)."""
    lists = [np.where(np.isnan(a), None, a).tolist() for a in fields]
    columns = found.columns
    return {
        rnd: dict(zip(columns, zip(*(values[i] for values in lists), strict=True), strict=True))
        for i, rnd in enumerate(found.rounds)
    }


def dimension_evidence(
    by_dimension: pd.DataFrame, keys: pd.DataFrame, found: Tests, k: dict | int
) -> dict[object, dict[str, tuple]]:
    """Per round and dimension where both sides are shown: (the Welch half-width of the gap's
    95 % interval, Cliff's δ, the Holm-adjusted p over the round's tested dimensions)."""
    shown = _both_shown(found, k)
    var = _side_variances(by_dimension, keys, found.rounds)
    half = evidence.welch_half_width(var["A"], found.n1, var["B"], found.n2)
    delta = evidence.cliffs_delta(found.u1, found.n1, found.n2)
    p = np.where(shown, found.p, np.nan)
    return _rows_of(found, [np.where(shown, half, np.nan), np.where(shown, delta, np.nan), evidence.holm(p)])


def question_tests(found: Tests, k: dict | int) -> dict[object, dict[str, tuple]]:
    """Per round and statement where both sides are shown: (Mann–Whitney p, the
    Benjamini–Hochberg q over the round's tested statements)."""
    p = np.where(_both_shown(found, k), found.p, np.nan)
    return _rows_of(found, [p, evidence.benjamini_hochberg(p)])


def round_statistics(
    keys: pd.DataFrame,
    scores: pd.DataFrame,
    question_dims: list[str],
    dims: list[str],
    k: dict[object, int] | int,
    predictions: pd.DataFrame | None = None,
) -> dict[object, RoundStats]:
    """Everything a report needs from the answers, for every round in ``keys``.

    ``keys``: ``round, side`` per response row; ``scores``: the answers, one column per
    question key, rows aligned with ``keys``; ``question_dims``: the dimension of each column;
    ``k``: each round's anonymity threshold (or one for all). Dimension statistics and tests
    leave out answers to questions hidden for their side. ``predictions``: one column per
    dimension key, rows aligned with ``keys`` (meta-perception), described on their own.
    """
    keys = keys.reset_index(drop=True)
    scores = scores.reset_index(drop=True)
    per_row = keys["round"].map(k) if isinstance(k, dict) else pd.Series(k, index=keys.index)
    shown = without_hidden_questions(scores, keys, per_row)
    by_dimension = respondent_dimension_scores(shown, question_dims, dims)
    questions = describe_groups(scores, keys)
    dimensions = describe_groups(by_dimension, keys)
    dimension_tests = mann_whitney_tests(by_dimension, keys)
    p_values = _rows_of(dimension_tests, [dimension_tests.p])
    gap_evidence = dimension_evidence(by_dimension, keys, dimension_tests, k)
    statement_tests = question_tests(mann_whitney_tests(shown, keys), k)
    expected = {} if predictions is None else describe_groups(predictions.reset_index(drop=True), keys)
    out = {}
    for rnd in pd.unique(keys["round"]):
        out[rnd] = RoundStats(
            questions={(q, s): block for s in SIDES for q, block in questions.get((rnd, s), {}).items()},
            dimensions={(d, s): block for s in SIDES for d, block in dimensions.get((rnd, s), {}).items()},
            p_values={d: p for d, (p,) in p_values.get(rnd, {}).items()},
            dimension_evidence=gap_evidence.get(rnd, {}),
            question_tests=statement_tests.get(rnd, {}),
            expected={(d, s): block for s in SIDES for d, block in expected.get((rnd, s), {}).items()},
        )
    return out
