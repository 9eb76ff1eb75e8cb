"""Did an action help? A dimension before and after, per side (issue 15, DESIGN §3.12 style).

Pure: works on published side blocks (``{"n", "mean", "std"}`` or ``{"n", "suppressed":
True}``) of two rounds' reports. The change is after − before, two independent samples of
respondent dimension scores, with the Welch 95 % interval (``evidence.change_interval``).
"""

from __future__ import annotations

from healthcheck.analysis import evidence

SIDE_ORDER = ("A", "B")
SCORES = (1, 2, 3, 4, 5)  # "Did this help?": 1 not at all … 5 very much


def _shown(block: dict | None, k: int) -> bool:
    return (
        block is not None
        and not block.get("suppressed")
        and block.get("mean") is not None
        and (block.get("n") or 0) >= k
    )


def side_change(before: dict | None, after: dict | None, k_before: int, k_after: int) -> dict:
    """One side's dimension mean in the earlier and the later round and the change.

    Under the k rule: when either round's block is suppressed or has n below that round's k,
    no figure is given (``shown`` False, ``reason`` "fewer than k"), only the counts.
    ``ci95`` is None when a round has fewer than 2 respondents (no std)."""
    n_before = (before or {}).get("n", 0)
    n_after = (after or {}).get("n", 0)
    if before is None or after is None:
        return {"shown": False, "reason": "not measured", "n_before": n_before, "n_after": n_after}
    if not (_shown(before, k_before) and _shown(after, k_after)):
        return {"shown": False, "reason": "fewer than k", "n_before": n_before, "n_after": n_after}
    change = after["mean"] - before["mean"]
    ci95 = evidence.change_interval(change, [after, before])
    return {
        "shown": True,
        "reason": None,
        "n_before": n_before,
        "n_after": n_after,
        "before": before["mean"],
        "after": after["mean"],
        "change": change,
        "ci95": ci95,
        "beyond_noise": evidence.beyond_noise(ci95),
    }


def checkin_rows(answers: list[dict]) -> list[dict]:
    """Check-in answers ({side, score, comment}) in side order A, B — attributed to the side,
    never the person (no name or email passes through)."""
    rows = [
        {"side": a["side"], "score": a["score"], "comment": (a.get("comment") or "").strip()}
        for a in answers
        if a.get("score") is not None
    ]
    return sorted(rows, key=lambda r: SIDE_ORDER.index(r["side"]))


def mean_score(rows: list[dict]) -> float | None:
    """Mean check-in score over the answers given (None without any)."""
    scores = [r["score"] for r in rows]
    return sum(scores) / len(scores) if scores else None
