"""Health index, alignment index and RAG status."""

from __future__ import annotations

from healthcheck.analysis.stats import Scale


def health_index(means: list[float | None], weights: list[float], scale: Scale) -> float | None:
    """Weighted mean over dimensions of 100·(mean−min)/range; None if any mean is missing."""
    if not means or any(m is None for m in means):
        return None
    total = sum(weights)
    return sum(100 * (m - scale.min) / scale.range * w for m, w in zip(means, weights, strict=True)) / total


def alliance_index(index_a: float | None, index_b: float | None) -> float | None:
    if index_a is None or index_b is None:
        return None
    return (index_a + index_b) / 2


def alignment_index(gaps: list[float | None], scale: Scale) -> float | None:
    """100·(1 − mean |gap| / range); None if any dimension has no gap."""
    if not gaps or any(g is None for g in gaps):
        return None
    return 100 * (1 - sum(abs(g) for g in gaps) / len(gaps) / scale.range)


def rag(index: float | None) -> str | None:
    if index is None:
        return None
    if index >= 75:
        return "green"
    return "amber" if index >= 50 else "red"
