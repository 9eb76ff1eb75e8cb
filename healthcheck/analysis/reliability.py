"""Reliability of a questionnaire version (DESIGN §3.13): Cronbach's α per dimension.

α = m/(m−1)·(1 − Σ var(item) / var(sum)) over the responses that answered every one of the
dimension's m ≥ 2 questions, sample variances (ddof=1). Computed from sums that add up
across rounds, so a version's figure is the total of its rounds' contributions and a
closed round changes it by adding its own (no rescan of the portfolio's answers):

    part = [n, ΣS, ΣS², [Σx_j], [Σx_j²]]   (S = a response's sum over the dimension)

Answers are whole numbers on the scale, so every sum is an exact integer and
n·(n−1)·var = n·Σx² − (Σx)² is exact too: α from the summed parts is the α of the pooled
responses to the last bit, whatever the order the parts were added in.

Which responses count (the k rule, DESIGN §3.9): only those of a (round, side) with at
least k responses that answered the whole dimension. Those answers are each shown under
the k rule already (every statement of the dimension then has n ≥ k for that side), so α
is a function of figures that may leave; a side below k never enters it, and nobody can
recover a below-k side's answers by comparing α before and after its round closed.

Pure numpy/pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_RESPONSES = 30  # α is shown from this many complete responses on
LOW = 0.7  # below it: low_reliability
MIN_QUESTIONS = 2


def dimension_sums(
    keys: pd.DataFrame,
    scores: pd.DataFrame,
    question_dims: list[str],
    dims: list[str],
    k: dict[object, int] | int,
) -> dict[object, dict[str, list]]:
    """Each round's contribution to α, per dimension with at least 2 questions.

    ``keys``: ``round, side`` per response row; ``scores``: one column per question (NaN for
    N/A or no answer), rows aligned with ``keys``; ``question_dims``: each column's dimension;
    ``k``: each round's anonymity threshold. Returns {round: {dimension: part}} (``part`` as
    in the module docstring), for rounds and dimensions with at least one counted response.
    """
    keys = keys.reset_index(drop=True)
    scores = scores.reset_index(drop=True)
    per_row = (keys["round"].map(k) if isinstance(k, dict) else pd.Series(k, index=keys.index)).to_numpy()
    rounds, round_code = np.unique(keys["round"].to_numpy(), return_inverse=True)
    _, group_code = np.unique(round_code * 2 + (keys["side"].to_numpy() == "B"), return_inverse=True)
    round_ids = rounds.tolist()
    columns = np.asarray(question_dims)
    out: dict[object, dict[str, list]] = {}
    for dim in dims:
        x = scores.loc[:, columns == dim].to_numpy(dtype="float64")
        if x.shape[1] < MIN_QUESTIONS or not len(x):
            continue
        complete = ~np.isnan(x).any(axis=1)
        in_group = np.bincount(group_code, weights=complete)[group_code]
        counted = complete & (in_group >= per_row)
        if not counted.any():
            continue
        x, where = x[counted], round_code[counted]
        total = x.sum(axis=1)

        def per_round(values, where=where):
            return np.bincount(where, weights=values, minlength=len(rounds))

        n = per_round(np.ones(len(x)))
        sums = [per_round(total), per_round(total**2)]
        items = np.column_stack([per_round(col) for col in x.T])
        squares = np.column_stack([per_round(col**2) for col in x.T])
        for i in np.flatnonzero(n):
            out.setdefault(round_ids[i], {})[dim] = [
                int(n[i]),
                int(sums[0][i]),
                int(sums[1][i]),
                [int(v) for v in items[i]],
                [int(v) for v in squares[i]],
            ]
    return out


def combined(*totals: dict[str, list], sign: int = 1) -> dict[str, list]:
    """The first totals plus (``sign`` 1) or minus (−1) each of the others, per dimension;
    a dimension left with no response is dropped."""
    out: dict[str, list] = {}
    for index, parts in enumerate(totals):
        factor = 1 if index == 0 else sign
        for dim, (n, s, ss, items, squares) in (parts or {}).items():
            have = out.get(dim)
            if have is None:
                have = [0, 0, 0, [0] * len(items), [0] * len(items)]
            out[dim] = [
                have[0] + factor * n,
                have[1] + factor * s,
                have[2] + factor * ss,
                [a + factor * b for a, b in zip(have[3], items, strict=True)],
                [a + factor * b for a, b in zip(have[4], squares, strict=True)],
            ]
    return {dim: part for dim, part in out.items() if part[0] > 0}


def alpha(part: list) -> float | None:
    """Cronbach's α of one dimension from its summed part; None when undefined (fewer than
    2 responses, or every response has the same sum)."""
    n, s, ss, items, squares = part
    m = len(items)
    spread_total = n * ss - s * s  # n·(n−1)·var(sum)
    if n < 2 or m < MIN_QUESTIONS or spread_total == 0:
        return None
    spread_items = sum(n * q - t * t for t, q in zip(items, squares, strict=True))
    return m * (spread_total - spread_items) / ((m - 1) * spread_total)  # exact integers, one rounding


def table(dimensions: list[tuple[str, str, int]], totals: dict[str, list]) -> list[dict]:
    """Per dimension with ≥ 2 questions, in questionnaire order: ``dimension`` (key),
    ``title``, ``questions`` (m), ``responses`` (complete responses counted), ``alpha`` (None
    below 30 responses or when undefined) and ``low_reliability`` (α < 0.7; None without α).
    ``dimensions``: (key, title, number of questions)."""
    rows = []
    for key, title, m in dimensions:
        if m < MIN_QUESTIONS:
            continue
        part = totals.get(key)
        responses = part[0] if part else 0
        value = alpha(part) if part and responses >= MIN_RESPONSES else None
        rows.append(
            {
                "dimension": key,
                "title": title,
                "questions": m,
                "responses": responses,
                "alpha": value,
                "low_reliability": None if value is None else value < LOW,
            }
        )
    return rows


def sentence(row: dict) -> str:
    """The footnote of one dimension: "Finance: α 0.82 over 1,240 responses"."""
    if row["alpha"] is None:
        return f"{row['title']}: not enough complete responses yet (α needs {MIN_RESPONSES})"
    text = f"{row['title']}: α {row['alpha']:.2f} over {row['responses']:,} responses"
    if row["low_reliability"]:
        text += " — low reliability"
    return text
