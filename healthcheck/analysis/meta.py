"""Meta-perception (DESIGN §3.14): how well each side reads how its partner rates the alliance.

Per side s and dimension: ``expected`` — the statistics of s's predictions, published under
the k rule like any side statistic; ``meta_error`` = mean(expected by s) − mean(the partner's
actual dimension scores); ``meta_level`` — ``blind_spot`` when meta_error ≥ 0.125·range (s
thinks the partner sees it better than it does), ``undervalued`` when ≤ −0.125·range, else
``accurate``; both null when either mean is suppressed. Pure: published blocks in, a block out.
"""

from __future__ import annotations

from healthcheck.analysis.anonymity import published_mean
from healthcheck.analysis.stats import Scale

SIDES = ("A", "B")
LEVEL_WORDS = {
    "blind_spot": "blind spot",
    "undervalued": "undervalued",
    "accurate": "accurate",
}


def partner_of(side: str) -> str:
    return "B" if side == "A" else "A"


def meta_level(error: float | None, scale: Scale) -> str | None:
    if error is None:
        return None
    threshold = 0.125 * scale.range
    if error >= threshold:
        return "blind_spot"
    if error <= -threshold:
        return "undervalued"
    return "accurate"


def meta_error(expected: dict, partner_actual: dict) -> float | None:
    """mean(expected) − mean(partner's actual), from published blocks (None if either is hidden)."""
    mine, theirs = published_mean(expected), published_mean(partner_actual)
    if mine is None or theirs is None:
        return None
    return mine - theirs


def meta_block(expected: dict[str, dict], actual: dict[str, dict], scale: Scale) -> dict:
    """A dimension's ``meta``: ``expected`` and ``actual`` are the published blocks per side."""
    out = {}
    for side in SIDES:
        error = meta_error(expected[side], actual[partner_of(side)])
        out[side] = {"expected": expected[side], "meta_error": error, "meta_level": meta_level(error, scale)}
    return out
