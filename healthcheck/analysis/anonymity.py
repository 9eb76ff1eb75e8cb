"""The k rule: what of a round may leave the server (DESIGN §3.9).

Every page, chart, export, search and message decides with these functions, from the round's
report as published (its blocks already say what is suppressed), so no output can show
what another hides.
"""

from __future__ import annotations

import pandas as pd

SIDES = ("A", "B")


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


def comment_sides(report: dict) -> set[str]:
    """The sides of a report whose comments may be shown."""
    k = report["k_anonymity"]
    return {s for s in SIDES if comments_visible(report["sides"][s]["submitted"], k)}


def hidden_cells(report: dict) -> set[tuple[str, str]]:
    """(question key, side) pairs whose figures the report suppresses."""
    return {(q["key"], s) for q in report["questions"] for s in SIDES if q[s].get("suppressed")}


def leaving_answers(answers: pd.DataFrame, report: dict) -> pd.DataFrame:
    """Tidy answers (``side, question, score`` …) as they may leave: sides whose comments are
    hidden are left out, and answers to a question hidden for a side become N/A."""
    shown = answers[answers["side"].isin(comment_sides(report))]
    hidden = hidden_cells(report)
    mask = [(q, s) in hidden for q, s in zip(shown["question"], shown["side"], strict=True)]
    return shown.assign(score=shown["score"].mask(pd.Series(mask, index=shown.index, dtype=bool)))


def comment_order(text: str) -> tuple[str, str]:
    """Sort key of a comment: its text, so the order says nothing of who submitted when."""
    return text.casefold(), text


def ordered_comments(texts) -> list[str]:
    return sorted(texts, key=comment_order)
