"""The round report of DESIGN.md §4, computed from tidy frames of one round.

``answers``: one row per answer of a submitted response, columns
``side, respondent, dimension, question, score`` (score NaN for N/A).
``dimensions``: ``key, title, weight`` in questionnaire order.
``questions``: ``key, dimension, text`` in questionnaire order.
"""

from __future__ import annotations

import pandas as pd

from healthcheck.analysis import anonymity, gaps, indices, stats
from healthcheck.analysis.stats import Scale
from healthcheck.analysis.warnings import change_warnings, round_warnings

SIDES = ("A", "B")


def respondent_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's mean of non-N/A answers per dimension (respondents weigh the same)."""
    valid = answers.dropna(subset=["score"])
    if valid.empty:
        return pd.DataFrame({"side": [], "respondent": [], "dimension": [], "score": []})
    return valid.groupby(["side", "respondent", "dimension"], observed=True)["score"].mean().reset_index()


def _values(frame: pd.DataFrame, key_col: str) -> dict[tuple[str, str], pd.Series]:
    return {
        (key, side): group["score"] for (key, side), group in frame.groupby([key_col, "side"], observed=True)
    }


def _empty_series() -> pd.Series:
    return pd.Series([], dtype="float64")


def dimension_rows(scores: pd.DataFrame, dimensions: pd.DataFrame, scale: Scale, k: int) -> list[dict]:
    values = _values(scores, "dimension")
    rows = []
    for dim in dimensions.itertuples(index=False):
        a = values.get((dim.key, "A"), _empty_series())
        b = values.get((dim.key, "B"), _empty_series())
        pub = {s: anonymity.block(stats.describe(v), k) for s, v in (("A", a), ("B", b))}
        mean_a, mean_b = anonymity.published_mean(pub["A"]), anonymity.published_mean(pub["B"])
        both = mean_a is not None and mean_b is not None
        g = gaps.gap(mean_a, mean_b)
        rows.append(
            {
                "key": dim.key,
                "title": dim.title,
                "weight": float(dim.weight),
                "A": pub["A"],
                "B": pub["B"],
                "gap": g,
                "gap_level": gaps.gap_level(g, scale),
                "p_value": stats.mann_whitney_p(a, b) if both else None,
                "classification": gaps.classify(mean_a, mean_b, scale),
            }
        )
    return rows


def question_rows(answers: pd.DataFrame, questions: pd.DataFrame, scale: Scale, k: int) -> list[dict]:
    values = _values(answers, "question")
    rows = []
    for q in questions.itertuples(index=False):
        pub = {s: anonymity.block(stats.describe(values.get((q.key, s), _empty_series())), k) for s in SIDES}
        g = gaps.gap(anonymity.published_mean(pub["A"]), anonymity.published_mean(pub["B"]))
        rows.append(
            {
                "key": q.key,
                "dimension": q.dimension,
                "text": q.text,
                "A": pub["A"],
                "B": pub["B"],
                "gap": g,
                "gap_level": gaps.gap_level(g, scale),
            }
        )
    return rows


def build(
    meta: dict,
    answers: pd.DataFrame,
    dimensions: pd.DataFrame,
    questions: pd.DataFrame,
    counts: dict[str, dict],
    k: int,
    history: list[dict] | None = None,
) -> dict:
    """The full round report.

    ``meta``: ``alliance`` and ``round`` blocks and ``scale`` ({min, max}).
    ``counts``: per side ``invited`` (None for imported history) and ``submitted``.
    ``history``: reports of earlier closed rounds, oldest first, for change warnings.
    """
    scale = Scale(meta["scale"]["min"], meta["scale"]["max"])
    dims = dimension_rows(respondent_scores(answers), dimensions, scale, k)
    weights = [d["weight"] for d in dims]
    side_index = {
        s: indices.health_index([anonymity.published_mean(d[s]) for d in dims], weights, scale) for s in SIDES
    }
    health = indices.alliance_index(side_index["A"], side_index["B"])
    report = {
        "alliance": meta["alliance"],
        "round": meta["round"],
        "scale": {"min": scale.min, "max": scale.max},
        "k_anonymity": k,
        "sides": {
            s: {
                "invited": counts[s]["invited"],
                "submitted": counts[s]["submitted"],
                "response_rate": (
                    counts[s]["submitted"] / counts[s]["invited"] if counts[s]["invited"] else None
                ),
                "health_index": side_index[s],
            }
            for s in SIDES
        },
        "health_index": health,
        "alignment_index": indices.alignment_index([d["gap"] for d in dims], scale),
        "rag": indices.rag(health),
        "dimensions": dims,
        "questions": question_rows(answers, questions, scale, k),
    }
    names = {s: meta["alliance"]["sides"][s] for s in SIDES}
    report["warnings"] = round_warnings(report, names)
    if history:
        earlier = history[-2] if len(history) > 1 else None
        report["warnings"] += change_warnings(history[-1], report, names, earlier)
    return report
