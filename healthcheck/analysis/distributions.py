"""The three distributions the statistics need, without importing ``scipy.stats``.

``scipy.stats`` costs a web worker about 48 MB of memory at import (measured, docs/PERFORMANCE.md
"Worker memory"); ``scipy.special`` about 13 MB. ``scipy.stats`` computes ``t.ppf`` with
``special.stdtrit`` and ``norm.sf`` with ``special.ndtr``, so those give the same numbers;
the exact Mann–Whitney distribution is counted here, as scipy's ``method="exact"`` does.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special

EXACT_MAX_N = 8  # scipy's default: exact Mann–Whitney when a side has ≤ 8 values and no ties


def t_ppf(q, df):
    """Quantile ``q`` of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf``)."""
    return special.stdtrit(df, q)


def norm_sf(z):
    """Upper tail of the standard normal (``scipy.stats.norm.sf``)."""
    return special.ndtr(-np.asarray(z, dtype="float64"))


@lru_cache(maxsize=256)
def _u_counts(m: int, n: int) -> tuple[int, ...]:
    """How many orderings of m and n distinct values give each U = 0 … m·n.

    The largest value belongs to the first sample (it beats all n of the second: U − n
    left for the rest) or to the second (U left): c(m, n, u) = c(m−1, n, u−n) + c(m, n−1, u).
    """
    rows = [[1] for _ in range(m + 1)]  # n = 0: U is 0
    for j in range(1, n + 1):
        new = [[1]]
        for i in range(1, m + 1):
            row = [0] * (i * j + 1)
            for u, c in enumerate(rows[i]):
                row[u] += c
            for u, c in enumerate(new[i - 1]):
                row[u + j] += c
            new.append(row)
        rows = new
    return tuple(rows[m])


def mann_whitney_exact_p(u1: float, n1: int, n2: int) -> float:
    """Two-sided exact p-value of U₁ = ``u1`` (no ties), as ``scipy.stats.mannwhitneyu``
    with ``method="exact"``: twice P(U ≥ max(U₁, U₂)), at most 1."""
    m, n = min(n1, n2), max(n1, n2)
    counts = _u_counts(m, n)
    u = int(round(max(u1, m * n - u1)))
    below = sum(counts[: m * n - u + 1])  # P(U ≥ u) = P(U ≤ mn − u): the distribution is symmetric
    return min(1.0, 2 * below / sum(counts))
