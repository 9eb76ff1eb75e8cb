"""Gaps between the sides, their level, and the classification of a dimension."""

from __future__ import annotations

from healthcheck.analysis.stats import Scale


def gap(mean_a: float | None, mean_b: float | None) -> float | None:
    """mean(A) − mean(B); positive means side A sees the alliance more favourably."""
    if mean_a is None or mean_b is None:
        return None
    return mean_a - mean_b


def gap_level(value: float | None, scale: Scale) -> str | None:
    if value is None:
        return None
    size = abs(value)
    if size < 0.125 * scale.range:
        return "aligned"
    if size < 0.25 * scale.range:
        return "watch"
    return "gap"


def classify(mean_a: float | None, mean_b: float | None, scale: Scale) -> str | None:
    """shared_strength / shared_concern / gap_a_higher / gap_b_higher / neutral."""
    level = gap_level(gap(mean_a, mean_b), scale)
    if level is None:
        return None
    if level == "gap":
        return "gap_a_higher" if mean_a > mean_b else "gap_b_higher"
    strong = scale.min + 0.625 * scale.range
    weak = scale.min + 0.5 * scale.range
    if mean_a >= strong and mean_b >= strong:
        return "shared_strength"
    if mean_a < weak and mean_b < weak:
        return "shared_concern"
    return "neutral"
