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
    matrix = scores.to_numpy(dtype="float64")
    out: dict[object, dict[str, list]] = {}
    for dim in dims:
        x = matrix[:, columns == dim]
        if x.shape[1] < MIN_QUESTIONS or not len(x):
            continue
        complete = ~np.isnan(x).any(axis=1)
        in_group = np.bincount(group_code, weights=complete)[group_code]
        counted = complete & (in_group >= per_row)
        if not counted.any():
            continue
        x, where = x[counted], round_code[counted]
        total = x.sum(axis=1)
        columns_of = [np.ones(len(x)), total, total**2, *x.T, *(x**2).T]
        sums = np.column_stack([np.bincount(where, weights=c, minlength=len(rounds)) for c in columns_of])
        present = np.flatnonzero(sums[:, 0])
        m = x.shape[1]
        # whole numbers (exact in float64 far beyond any portfolio): one conversion to ints
        for i, row in zip(present.tolist(), sums[present].astype(np.int64).tolist(), strict=True):
            out.setdefault(round_ids[i], {})[dim] = [row[0], row[1], row[2], row[3 : 3 + m], row[3 + m :]]
    return out


def combined(*totals: dict[str, list], sign: int = 1) -> dict[str, list]:
    """The first totals plus (``sign`` 1) or minus (−1) each of the others, per dimension;
    a dimension left with no response is dropped. Exact: integer sums."""
    flat: dict[str, list] = {}
    for index, parts in enumerate(totals):
        factor = 1 if index == 0 else sign
        for dim, (n, s, ss, items, squares) in (parts or {}).items():
            flat.setdefault(dim, []).append([factor * v for v in (n, s, ss, *items, *squares)])
    out = {}
    for dim, rows in flat.items():
        total = np.asarray(rows, dtype=np.int64).sum(axis=0).tolist()
        m = (len(total) - 3) // 2
        if total[0] > 0:
            out[dim] = [total[0], total[1], total[2], total[3 : 3 + m], total[3 + m :]]
    return out


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
