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


def side_shown(submitted: int, k: int) -> bool:
    """A side with fewer than k submitted responses shows no figure and no comment."""
    return submitted >= k


def comments_visible(submitted: int, k: int) -> bool:
    """Comments of a side are shown only when that side has at least k submitted responses."""
    return side_shown(submitted, k)


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


def side_standing(name: str, invited: int, submitted: int, k: int, status: str) -> dict:
    """Where one side of a round stands against k, in the manager's words (DESIGN §3.9).

    ``hidden`` is True when the side's figures will be (draft: too few invited), would be
    (open: too few submitted so far) or are (closed) hidden. ``short`` is how many more
    invitations (draft, open) or answers (open) the side needs; 0 when enough.
    """
    if status == "closed":
        hidden = not side_shown(submitted, k)
        tail = (
            f"fewer than k = {k}, its figures and comments are hidden"
            if hidden
            else f"k = {k}: its figures are shown"
        )
        return _standing(
            name,
            invited,
            submitted,
            k,
            hidden,
            max(k - submitted, 0),
            f"{submitted} of {invited} submitted — {tail}.",
        )
    if invited < k:
        return _standing(
            name,
            invited,
            submitted,
            k,
            True,
            k - invited,
            f"{invited} invited — fewer than k = {k}, its figures will be hidden. "
            f"Invite at least {k - invited} more.",
        )
    if status == "draft":
        return _standing(
            name,
            invited,
            submitted,
            k,
            False,
            0,
            f"{invited} invited (k = {k}): its figures are shown if at least {k} of them answer.",
        )
    if submitted < k:
        return _standing(
            name,
            invited,
            submitted,
            k,
            True,
            k - submitted,
            f"{submitted} of {invited} submitted — fewer than k = {k}: "
            "closed now, its figures would be hidden.",
        )
    return _standing(
        name,
        invited,
        submitted,
        k,
        False,
        0,
        f"{submitted} of {invited} submitted (k = {k}): its figures will be shown.",
    )


def _standing(name, invited, submitted, k, hidden, short, message) -> dict:
    return {
        "name": name,
        "invited": invited,
        "submitted": submitted,
        "k": k,
        "hidden": hidden,
        "short": short,
        "message": f"{name}: {message}",
    }


def hidden_reasons(report: dict) -> list[str]:
    """Why figures of a published report are hidden, one sentence per side (none when nothing is).

    A side with fewer than k submitted responses is hidden whole; a side with enough responses
    can still have dimensions hidden where fewer than k people answered other than N/A.
    """
    k = report["k_anonymity"]
    names = report.get("alliance", {}).get("sides", {})
    reasons = []
    for side in SIDES:
        name = f"{names.get(side, 'Side ' + side)} ({side})"
        submitted = report["sides"][side]["submitted"]
        if not side_shown(submitted, k):
            reasons.append(
                f"{name}: {submitted} answered, fewer than k = {k} — its figures and comments are "
                f"hidden, and so are the gaps and indices that need them, so that no answer can be "
                f"traced to a person."
            )
            continue
        hidden = [d["title"] for d in report["dimensions"] if d[side].get("suppressed")]
        if hidden:
            reasons.append(
                f"{name}: {len(hidden)} of {len(report['dimensions'])} dimensions hidden "
                f"({', '.join(hidden)}) — fewer than k = {k} of its people rated them (N/A and "
                f"blanks do not count)."
            )
    return reasons
