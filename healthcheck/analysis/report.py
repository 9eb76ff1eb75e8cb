"""The round report of DESIGN.md §4, computed from tidy frames of one round.

``answers``: one row per answer of a submitted response, columns
``side, respondent, dimension, question, score`` (score NaN for N/A).
``dimensions``: ``key, title, weight`` in questionnaire order.
``questions``: ``key, dimension, text`` in questionnaire order.
"""

from __future__ import annotations

import pandas as pd

from healthcheck.analysis import anonymity, evidence, gaps, grouped, indices, language_mix, panel, talking
from healthcheck.analysis import facts as facts_analysis
from healthcheck.analysis.meta import meta_block
from healthcheck.analysis.stats import Scale
from healthcheck.analysis.warnings import change_warnings, round_warnings

SIDES = ("A", "B")


EMPTY = {"n": 0, "mean": None, "median": None, "std": None, "ci95": None}
NO_EVIDENCE = (None, None, None)  # gap half-width, effect size, p adjusted
NO_TEST = (None, None)  # p value, q value


def wide(answers: pd.DataFrame, questions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long answers → (keys: round, side per response; scores: one column per question)."""
    table = answers.pivot(index=["side", "respondent"], columns="question", values="score")
    table = table.reindex(columns=list(questions["key"])).astype("float64")
    keys = pd.DataFrame({"round": 0, "side": table.index.get_level_values("side") if len(table) else []})
    return keys, table


def statistics(
    answers: pd.DataFrame, dimensions: pd.DataFrame, questions: pd.DataFrame, k: int
) -> grouped.RoundStats:
    """One round's statistics (the same vectorised code a full rebuild uses for all rounds)."""
    keys, scores = wide(answers, questions)
    found = grouped.round_statistics(keys, scores, list(questions["dimension"]), list(dimensions["key"]), k)
    return found.get(0) or grouped.RoundStats({}, {}, {})


def dimension_rows(
    found: grouped.RoundStats, dimensions: list, scale: Scale, k: int, meta_perception: bool = False
) -> list[dict]:
    """The report's dimension rows; with ``meta_perception`` each carries ``meta`` (§3.14)."""
    rows = []
    for dim in dimensions:
        pub = {s: anonymity.block(found.dimensions.get((dim.key, s), EMPTY), k) for s in SIDES}
        mean_a, mean_b = anonymity.published_mean(pub["A"]), anonymity.published_mean(pub["B"])
        both = mean_a is not None and mean_b is not None
        g = gaps.gap(mean_a, mean_b)
        level = gaps.gap_level(g, scale)
        p = found.p_values.get(dim.key) if both else None
        rows.append(
            {
                "key": dim.key,
                "title": dim.title,
                "weight": float(dim.weight),
                "A": pub["A"],
                "B": pub["B"],
                "gap": g,
                "gap_level": level,
                "p_value": p,
                "classification": gaps.classify(mean_a, mean_b, scale),
            }
            | gap_evidence(
                found.dimension_evidence.get(dim.key, NO_EVIDENCE) if both else NO_EVIDENCE, g, level, p
            )
        )
        if meta_perception:
            expected = {s: anonymity.block(found.expected.get((dim.key, s), EMPTY), k) for s in SIDES}
            rows[-1]["meta"] = meta_block(expected, pub, scale)
    return rows


def gap_evidence(found: tuple, gap: float | None, level: str | None, p_value: float | None) -> dict:
    """A dimension's DESIGN §3.12 evidence fields from its set-based figures."""
    half_width, delta, adjusted = found
    strength = evidence.evidence(p_value, adjusted)
    return {
        "gap_ci95": evidence.interval(gap, half_width),
        "effect_size": delta,
        "effect_magnitude": evidence.magnitude(delta),
        "p_adjusted": adjusted,
        "evidence": strength,
        "verdict": evidence.verdict(level, strength),
    }


def question_rows(found: grouped.RoundStats, questions: list, scale: Scale, k: int) -> list[dict]:
    rows = []
    for q in questions:
        pub = {s: anonymity.block(found.questions.get((q.key, s), EMPTY), k) for s in SIDES}
        mean_a, mean_b = anonymity.published_mean(pub["A"]), anonymity.published_mean(pub["B"])
        g = gaps.gap(mean_a, mean_b)
        p_value, q_value = found.question_tests.get(q.key, NO_TEST) if g is not None else NO_TEST
        rows.append(
            {
                "key": q.key,
                "dimension": q.dimension,
                "text": q.text,
                "A": pub["A"],
                "B": pub["B"],
                "gap": g,
                "gap_level": gaps.gap_level(g, scale),
                "p_value": p_value,
                "q_value": q_value,
                "evidence": evidence.evidence(p_value, q_value),
            }
        )
    return rows


def records(frame: pd.DataFrame) -> list:
    """Rows as named tuples (``dimensions``: key, title, weight; ``questions``: key, dimension, text)."""
    return list(frame.itertuples(index=False))


def build(
    meta: dict,
    answers: pd.DataFrame,
    dimensions: pd.DataFrame,
    questions: pd.DataFrame,
    counts: dict[str, dict],
    k: int,
    history: list[dict] | None = None,
) -> dict:
    """The full round report from the round's answers (see ``assemble``)."""
    found = statistics(answers, dimensions, questions, k)
    return assemble(meta, found, records(dimensions), records(questions), counts, k, history)


def assemble(
    meta: dict,
    found: grouped.RoundStats,
    dimensions: list,
    questions: list,
    counts: dict[str, dict],
    k: int,
    history: list[dict] | None = None,
    facts: dict | None = None,
) -> dict:
    """The full round report from its statistics.

    ``dimensions``, ``questions``: ``records`` of the structure frames, in order.
    ``meta``: ``alliance`` and ``round`` blocks and ``scale`` ({min, max}); ``meta_perception``
    true when the questionnaire asks predictions (dimensions then carry ``meta``).
    ``counts``: per side ``invited`` (None for imported history) and ``submitted``, and
    ``submitted_by_function`` ({function: submitted responses}) for the panel (§3.15).
    ``history``: reports of earlier closed rounds, oldest first, for change warnings.
    ``facts``: the alliance's facts (``analysis.facts.attach``), held against this round's period.
    """
    scale = Scale(meta["scale"]["min"], meta["scale"]["max"])
    dims = dimension_rows(found, dimensions, scale, k, bool(meta.get("meta_perception")))
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
        "questions": question_rows(found, questions, scale, k),
    }
    mix = {s: counts[s].get("submitted_by_function") or {} for s in SIDES}
    report["panel"] = panel.published(mix["A"], mix["B"], k)
    report["languages"] = language_mix.published(  # issue 17: languages answered in, k rule
        {s: counts[s].get("submitted_by_language") or {} for s in SIDES}, k
    )
    names = {s: meta["alliance"]["sides"][s] for s in SIDES}
    report["warnings"] = round_warnings(report, names) + panel.warnings(mix, report["panel"], names, k)
    if history:
        earlier = history[-2] if len(history) > 1 else None
        report["warnings"] += change_warnings(history[-1], report, names, earlier)
    report["warnings"] += facts_analysis.attach(report, facts, facts_analysis.previous_close(history), names)
    # actions of the previous round are added where the report is read (services/reports.py):
    # they change after the round closes, and which of them a reader may see depends on who reads
    report["talking_points"] = talking.talking_points(report)
    return report


def headline(report: dict) -> dict:
    """The summary columns the portfolio reads, from a full report."""
    return {
        "health_index": report["health_index"],
        "alignment_index": report["alignment_index"],
        "rag": report["rag"],
        "warnings": report["warnings"],
        "invited_a": report["sides"]["A"]["invited"] or 0,
        "invited_b": report["sides"]["B"]["invited"] or 0,
        "submitted_a": report["sides"]["A"]["submitted"],
        "submitted_b": report["sides"]["B"]["submitted"],
    }
