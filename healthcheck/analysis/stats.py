"""Descriptive statistics of one group of values (a side's scores for one dimension)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthcheck.analysis.distributions import EXACT_MAX_N, mann_whitney_exact_p, norm_sf, t_ppf


@dataclass(frozen=True)
class Scale:
    min: int = 1
    max: int = 5

    @property
    def range(self) -> int:
        return self.max - self.min


def clean(x) -> float | None:
    """A plain float, or None for missing / NaN / infinite values."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def describe(values) -> dict:
    """n, mean, median, sample std (ddof=1) and t-based 95 % interval [low, high].

    NaN values are ignored. std and ci95 are None when n < 2; everything but n is None
    when n == 0.
    """
    arr = pd.Series(values, dtype="float64").dropna().to_numpy()
    n = int(arr.size)
    if n == 0:
        return {"n": 0, "mean": None, "median": None, "std": None, "ci95": None}
    mean = float(arr.mean())
    median = float(np.median(arr))
    if n < 2:
        return {"n": n, "mean": mean, "median": median, "std": None, "ci95": None}
    std = float(arr.std(ddof=1))
    half = float(t_ppf(0.975, n - 1)) * std / math.sqrt(n)
    return {"n": n, "mean": mean, "median": median, "std": std, "ci95": [mean - half, mean + half]}


def mann_whitney_p(a, b) -> float | None:
    """Two-sided Mann–Whitney U p-value (``scipy.stats.mannwhitneyu`` defaults: exact when a
    side has ≤ 8 values and nothing is tied, else normal with tie and continuity correction),
    or None when either n < 3."""
    a = pd.Series(a, dtype="float64").dropna().to_numpy()
    b = pd.Series(b, dtype="float64").dropna().to_numpy()
    if a.size < 3 or b.size < 3:
        return None
    n1, n2 = a.size, b.size
    values = np.concatenate([a, b])
    u1 = float(pd.Series(values).rank(method="average").to_numpy()[:n1].sum()) - n1 * (n1 + 1) / 2
    tied = np.unique(values, return_counts=True)[1].astype("float64")
    if min(n1, n2) <= EXACT_MAX_N and not (tied > 1).any():
        return clean(mann_whitney_exact_p(u1, n1, n2))
    n = n1 + n2
    u = max(u1, n1 * n2 - u1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = math.sqrt(n1 * n2 / 12 * ((n + 1) - float((tied**3 - tied).sum()) / (n * (n - 1))))
        z = np.float64(u - n1 * n2 / 2 - 0.5) / np.float64(s)
    return clean(np.clip(2 * norm_sf(z), 0, 1))
