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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthcheck.analysis.distributions import EXACT_MAX_N, mann_whitney_exact_p, norm_sf, t_ppf

SIDES = ("A", "B")


@dataclass
class RoundStats:
    """One round's statistics: ``describe`` blocks keyed by (key, side), p-values by dimension."""

    questions: dict[tuple[str, str], dict]
    dimensions: dict[tuple[str, str], dict]
    p_values: dict[str, float | None]


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


def mann_whitney(values: pd.DataFrame, keys: pd.DataFrame) -> dict[tuple, float | None]:
    """Two-sided Mann–Whitney p-value, A vs B, of every column within every round.

    Matches ``scipy.stats.mannwhitneyu`` defaults: normal approximation with tie and
    continuity correction, exact when a side has ≤ 8 values and nothing is tied. None when
    either side has fewer than 3 values. Returns {(round, column): p}.

    All groups are ranked in one sort: values ordered by (group, value), tied runs get the
    mean of their positions, and per-group sums come from ``bincount``.
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
    order = np.lexsort((v, group))
    group, v, is_a = group[order], v[order], is_a[order]
    n = np.bincount(group, minlength=count).astype("float64")
    n1 = np.bincount(group, weights=is_a, minlength=count)
    n2 = n - n1
    start = np.cumsum(n) - n
    position = np.arange(v.size) - start[group] + 1
    new_run = np.r_[True, (group[1:] != group[:-1]) | (v[1:] != v[:-1])] if v.size else np.array([], bool)
    run = np.cumsum(new_run) - 1
    size = np.bincount(run).astype("float64")
    rank = (position[new_run] + (size - 1) / 2)[run]
    r1 = np.bincount(group, weights=np.where(is_a, rank, 0.0), minlength=count)
    tie_term = np.bincount(group[new_run], weights=size**3 - size, minlength=count)
    u1 = r1 - n1 * (n1 + 1) / 2
    u = np.maximum(u1, n1 * n2 - u1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
        z = (u - n1 * n2 / 2 - 0.5) / s
    p = np.clip(2 * norm_sf(z), 0, 1)
    valid = (n1 >= 3) & (n2 >= 3)
    for g in np.flatnonzero(valid & ((n1 <= EXACT_MAX_N) | (n2 <= EXACT_MAX_N)) & (tie_term == 0)):
        p[g] = mann_whitney_exact_p(u1[g], int(n1[g]), int(n2[g]))
    found = np.where(valid, p, np.nan)
    names = rounds.tolist()
    return {
        (names[g // width], columns[g % width]): (None if np.isnan(x) else float(x))
        for g, x in enumerate(found.tolist())
    }


def without_hidden_questions(scores: pd.DataFrame, keys: pd.DataFrame, k: pd.Series) -> pd.DataFrame:
    """The answers with those to a question hidden for a side (its n < k) treated as N/A.

    DESIGN §3.9, no differencing: such an answer must not enter the side's dimension figures,
    or it could be recovered from them. ``k``: the round's frozen k, per response row.
    """
    answered = scores.notna().groupby([keys["round"], keys["side"]], sort=False).transform("sum")
    return scores.where(answered.ge(k.to_numpy(), axis=0))


def round_statistics(
    keys: pd.DataFrame,
    scores: pd.DataFrame,
    question_dims: list[str],
    dims: list[str],
    k: dict[object, int] | int,
) -> dict[object, RoundStats]:
    """Everything a report needs from the answers, for every round in ``keys``.

    ``keys``: ``round, side`` per response row; ``scores``: the answers, one column per
    question key, rows aligned with ``keys``; ``question_dims``: the dimension of each column;
    ``k``: each round's anonymity threshold (or one for all). Dimension statistics and tests
    leave out answers to questions hidden for their side.
    """
    keys = keys.reset_index(drop=True)
    scores = scores.reset_index(drop=True)
    per_row = keys["round"].map(k) if isinstance(k, dict) else pd.Series(k, index=keys.index)
    shown = without_hidden_questions(scores, keys, per_row)
    by_dimension = respondent_dimension_scores(shown, question_dims, dims)
    questions = describe_groups(scores, keys)
    dimensions = describe_groups(by_dimension, keys)
    p_values = mann_whitney(by_dimension, keys)
    out = {}
    for rnd in pd.unique(keys["round"]):
        out[rnd] = RoundStats(
            questions={(q, s): block for s in SIDES for q, block in questions.get((rnd, s), {}).items()},
            dimensions={(d, s): block for s in SIDES for d, block in dimensions.get((rnd, s), {}).items()},
            p_values={d: p_values.get((rnd, d)) for d in dims},
        )
    return out
