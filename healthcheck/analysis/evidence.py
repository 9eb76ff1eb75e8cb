"""Evidence of a gap (DESIGN §3.12): is a difference between the sides beyond noise?

Pure numpy/scipy. The array functions work on many rounds at once (one row per round, one
column per dimension or statement, NaN where there is no test), so the set-based rebuild
computes them in a few vectorised steps; the label functions turn one row's figures into
the words a report shows.
"""

from __future__ import annotations

import numpy as np

from healthcheck.analysis.distributions import t_ppf

ALPHA = 0.05
# Romano et al. (2006) thresholds on |Cliff's δ|
MAGNITUDES = ((0.147, "negligible"), (0.33, "small"), (0.474, "medium"))
VERDICT_LABELS = {
    "real_gap": "real gap",
    "possible_gap": "possible gap",
    "aligned": "aligned",
}
TOO_FEW = "possible gap — too few answers to tell"


def _rows(p) -> np.ndarray:
    return np.atleast_2d(np.asarray(p, dtype="float64"))


def _unsorted(sorted_values: np.ndarray, order: np.ndarray, missing: np.ndarray) -> np.ndarray:
    out = np.empty_like(sorted_values)
    np.put_along_axis(out, order, sorted_values, axis=1)
    out[missing] = np.nan
    return out


def holm(p) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values within each row, NaN ignored (not counted as tests).

    As statsmodels ``multipletests(method="holm")``: sorted ascending, the i-th smallest
    (0-based) times (m − i), running maximum, capped at 1.
    """
    p = _rows(p)
    missing = np.isnan(p)
    m = (~missing).sum(axis=1, keepdims=True)
    order = np.argsort(p, axis=1, kind="stable")  # NaN last
    ranked = np.take_along_axis(p, order, axis=1)
    scaled = ranked * (m - np.arange(p.shape[1])[None, :])
    adjusted = np.minimum(np.fmax.accumulate(scaled, axis=1), 1.0)
    return _unsorted(adjusted, order, missing)


def benjamini_hochberg(p) -> np.ndarray:
    """Benjamini–Hochberg q-values within each row, NaN ignored (not counted as tests).

    As statsmodels ``multipletests(method="fdr_bh")``: sorted ascending, the i-th smallest
    (1-based) times m / i, running minimum from the largest, capped at 1.
    """
    p = _rows(p)
    missing = np.isnan(p)
    m = (~missing).sum(axis=1, keepdims=True)
    order = np.argsort(p, axis=1, kind="stable")
    ranked = np.take_along_axis(p, order, axis=1)
    scaled = ranked * m / np.arange(1, p.shape[1] + 1)[None, :]
    adjusted = np.fmin.accumulate(scaled[:, ::-1], axis=1)[:, ::-1]
    return _unsorted(np.minimum(adjusted, 1.0), order, missing)


def cliffs_delta(u1, n1, n2) -> np.ndarray:
    """Cliff's δ = (#{a > b} − #{a < b}) / (n1·n2) from the Mann–Whitney U of side A,
    U1 = #{a > b} + ½·#{a = b}: δ = (2·U1 − n1·n2) / (n1·n2). NaN when a side is empty."""
    u1, n1, n2 = (np.asarray(x, dtype="float64") for x in (u1, n1, n2))
    pairs = n1 * n2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pairs > 0, (2 * u1 - pairs) / pairs, np.nan)


def welch_half_width(var_a, n_a, var_b, n_b) -> np.ndarray:
    """Half-width of the Welch 95 % t-interval of mean(A) − mean(B).

    t(0.975, ν)·SE with SE = √(s²A/nA + s²B/nB) and the Welch–Satterthwaite ν; 0 when
    SE = 0 (the interval is [gap, gap]); NaN when a side has fewer than 2 values.
    """
    return welch_half_width_of([(var_a, n_a), (var_b, n_b)])


def welch_half_width_of(samples) -> np.ndarray:
    """Half-width of the Welch 95 % t-interval of a ± combination of independent sample means
    (a gap, a change between rounds, a change of a gap): t(0.975, ν)·SE with SE² = Σ s²ᵢ/nᵢ
    and ν = SE⁴ / Σ (s²ᵢ/nᵢ)²/(nᵢ − 1) (Welch–Satterthwaite); 0 when SE = 0; NaN when a
    sample has fewer than 2 values. ``samples``: (variance, n) pairs, numbers or arrays."""
    pairs = [tuple(np.asarray(x, dtype="float64") for x in pair) for pair in samples]
    with np.errstate(divide="ignore", invalid="ignore"):
        parts = [var / n for var, n in pairs]
        se2 = sum(parts[1:], parts[0])
        dof = se2**2 / sum(
            (p**2 / (n - 1) for p, (_, n) in zip(parts[1:], pairs[1:], strict=True)),
            parts[0] ** 2 / (pairs[0][1] - 1),
        )
        half = t_ppf(0.975, np.where(se2 > 0, dof, 1.0)) * np.sqrt(se2)
    valid = ~np.isnan(se2)
    for _, n in pairs:
        valid = valid & (n >= 2)
    return np.where(valid, np.where(se2 > 0, half, 0.0), np.nan)


def change_interval(change: float | None, blocks: list[dict]) -> list[float] | None:
    """The Welch 95 % interval of ``change``, a ± combination of the means of ``blocks``
    (published side statistics, each with ``n`` and ``std``, all independent samples);
    None when a block has no std (n < 2)."""
    if change is None or any(b.get("std") is None for b in blocks):
        return None
    half = welch_half_width_of([(b["std"] ** 2, b["n"]) for b in blocks])
    return interval(change, None if np.isnan(half) else float(half))


def beyond_noise(ci95: list[float] | None) -> bool | None:
    """True when the interval excludes 0 (the change is not chance at the 5 % level), False
    when it includes 0, None without an interval."""
    if ci95 is None:
        return None
    return ci95[0] > 0 or ci95[1] < 0


def interval(gap: float | None, half_width: float | None) -> list[float] | None:
    """``[gap − h, gap + h]``, or None when either is undefined."""
    if gap is None or half_width is None:
        return None
    return [gap - half_width, gap + half_width]


def magnitude(delta: float | None) -> str | None:
    """negligible / small / medium / large by |Cliff's δ| (Romano et al. 2006)."""
    if delta is None:
        return None
    size = abs(delta)
    for limit, name in MAGNITUDES:
        if size < limit:
            return name
    return "large"


def evidence(p_value: float | None, adjusted: float | None) -> str | None:
    """``clear`` (adjusted < 0.05), ``weak`` (p < 0.05 ≤ adjusted), ``none`` (p ≥ 0.05);
    None without a test. ``adjusted``: Holm's p for a dimension, BH's q for a statement."""
    if p_value is None:
        return None
    if adjusted is not None and adjusted < ALPHA:
        return "clear"
    return "weak" if p_value < ALPHA else "none"


def verdict(gap_level: str | None, strength: str | None) -> str | None:
    """What the page says first: ``real_gap``, ``possible_gap`` or ``aligned``; None when
    there is no gap to judge."""
    if gap_level is None:
        return None
    if gap_level == "aligned":
        return "aligned"
    return "real_gap" if strength == "clear" else "possible_gap"


def verdict_label(value: str | None, p_value: float | None) -> str | None:
    """The verdict in a steering committee's words (chart legend, table, talking points)."""
    if value is None:
        return None
    if value == "possible_gap" and p_value is None:
        return TOO_FEW
    return VERDICT_LABELS[value]
