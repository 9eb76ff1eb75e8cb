"""Descriptive statistics of one group of values (a side's scores for one dimension)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps


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
    half = float(sps.t.ppf(0.975, n - 1)) * std / math.sqrt(n)
    return {"n": n, "mean": mean, "median": median, "std": std, "ci95": [mean - half, mean + half]}


def mann_whitney_p(a, b) -> float | None:
    """Two-sided Mann–Whitney U p-value (scipy defaults), or None when either n < 3."""
    a = pd.Series(a, dtype="float64").dropna().to_numpy()
    b = pd.Series(b, dtype="float64").dropna().to_numpy()
    if a.size < 3 or b.size < 3:
        return None
    return clean(sps.mannwhitneyu(a, b, alternative="two-sided").pvalue)
