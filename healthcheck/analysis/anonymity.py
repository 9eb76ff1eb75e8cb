"""The k rule: a side's figures leave the server only when enough people stand behind them."""

from __future__ import annotations


def block(stats: dict, k: int) -> dict:
    """Side statistics as published: full when n ≥ k, else ``{"n", "suppressed": True}``."""
    if stats["n"] < k:
        return {"n": stats["n"], "suppressed": True}
    return dict(stats)


def published_mean(published: dict) -> float | None:
    return None if published.get("suppressed") else published.get("mean")


def comments_visible(submitted: int, k: int) -> bool:
    """Comments of a side are shown only when that side has at least k submitted responses."""
    return submitted >= k
