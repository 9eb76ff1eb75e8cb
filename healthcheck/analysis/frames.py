"""Report dicts → tidy frames for charts and tables (pure pandas)."""

from __future__ import annotations

import pandas as pd

from healthcheck.analysis import evidence

SIDES = ("A", "B")


def _mean(block: dict) -> float | None:
    return None if block.get("suppressed") else block.get("mean")


def dimension_means(report: dict) -> pd.DataFrame:
    """One row per dimension and side: mean (None when suppressed), n, suppressed."""
    names = report["alliance"]["sides"]
    rows = [
        {
            "dimension": d["key"],
            "title": d["title"],
            "side": s,
            "organisation": names[s],
            "mean": _mean(d[s]),
            "n": d[s]["n"],
            "suppressed": bool(d[s].get("suppressed")),
        }
        for d in report["dimensions"]
        for s in SIDES
    ]
    return pd.DataFrame(
        rows, columns=["dimension", "title", "side", "organisation", "mean", "n", "suppressed"]
    )


GAP_COLUMNS = ["dimension", "title", "gap", "gap_level", "verdict", "judgement", "ci_low", "ci_high"]


def dimension_gaps(report: dict) -> pd.DataFrame:
    """One row per dimension: gap, level, verdict, the verdict in words (``judgement``) and
    the gap's 95 % interval (None where a side is not shown)."""
    rows = []
    for d in report["dimensions"]:
        ci = d.get("gap_ci95") or [None, None]
        rows.append(
            {
                "dimension": d["key"],
                "title": d["title"],
                "gap": d["gap"],
                "gap_level": d["gap_level"],
                "verdict": d.get("verdict"),
                "judgement": evidence.verdict_label(d.get("verdict"), d.get("p_value")),
                "ci_low": ci[0],
                "ci_high": ci[1],
            }
        )
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def question_gaps(report: dict) -> pd.DataFrame:
    titles = {d["key"]: d["title"] for d in report["dimensions"]}
    rows, position = [], {}
    for q in report["questions"]:
        position[q["dimension"]] = position.get(q["dimension"], 0) + 1
        rows.append(
            {
                "question": q["key"],
                "text": q["text"],
                "dimension": q["dimension"],
                "title": titles[q["dimension"]],
                "number": position[q["dimension"]],
                "gap": q["gap"],
                "gap_level": q["gap_level"],
            }
        )
    return pd.DataFrame(
        rows, columns=["question", "text", "dimension", "title", "number", "gap", "gap_level"]
    )


TREND_COLUMNS = ["round", "order", "dimension", "title", "side", "organisation", "mean", "ci_low", "ci_high"]


def _ci(block: dict) -> list:
    ci = None if block.get("suppressed") else block.get("ci95")
    return ci or [None, None]


def trend_means(trend: dict) -> pd.DataFrame:
    """One row per closed round, dimension and side, in round order: the mean and its 95 %
    interval (``ci_low``, ``ci_high``; None when not shown or n < 2)."""
    names = trend["alliance"]["sides"]
    rows = [
        {
            "round": r["round"]["label"],
            "order": i,
            "dimension": d["key"],
            "title": d["title"],
            "side": s,
            "organisation": names[s],
            "mean": _mean(d[s]),
            "ci_low": _ci(d[s])[0],
            "ci_high": _ci(d[s])[1],
        }
        for i, r in enumerate(trend["rounds"])
        for d in r["dimensions"]
        for s in SIDES
    ]
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def trend_indices(trend: dict) -> pd.DataFrame:
    names = trend["alliance"]["sides"]
    rows = []
    for i, r in enumerate(trend["rounds"]):
        metrics = {
            "Health index": r["health_index"],
            "Alignment index": r["alignment_index"],
            f"Health index {names['A']}": r["sides"]["A"]["health_index"],
            f"Health index {names['B']}": r["sides"]["B"]["health_index"],
        }
        rows += [
            {"round": r["round"]["label"], "order": i, "metric": k, "value": v} for k, v in metrics.items()
        ]
    return pd.DataFrame(rows, columns=["round", "order", "metric", "value"])


META_COLUMNS = [
    "dimension", "title", "side", "organisation", "partner", "expected", "expected_n",
    "actual", "meta_error", "meta_level", "reading",
]  # fmt: skip
META_WORDS = {
    "blind_spot": "blind spot",
    "undervalued": "undervalued",
    "accurate": "accurate",
    None: "not shown: fewer than k answers",
}


def has_meta(report: dict) -> bool:
    """Whether the round asked predictions (DESIGN §3.14) and anyone gave one."""
    return any(m["expected"]["n"] > 0 for d in report["dimensions"] for m in (d.get("meta") or {}).values())


def meta_rows(report: dict) -> pd.DataFrame:
    """One row per side and dimension of a meta-perception report: what the side expects its
    partner to rate (None when suppressed), what the partner rates (None when suppressed),
    meta_error, meta_level and ``reading`` (the level in words). Empty where none were given."""
    names = report["alliance"]["sides"]
    rows = []
    if not has_meta(report):
        return pd.DataFrame(rows, columns=META_COLUMNS)
    for s in SIDES:
        partner = "B" if s == "A" else "A"
        for d in report["dimensions"]:
            mine = (d.get("meta") or {}).get(s)
            if mine is None:
                continue
            level = mine["meta_level"]
            rows.append(
                {
                    "dimension": d["key"],
                    "title": d["title"],
                    "side": s,
                    "organisation": names[s],
                    "partner": names[partner],
                    "expected": _mean(mine["expected"]),
                    "expected_n": mine["expected"]["n"],
                    "actual": _mean(d[partner]),
                    "meta_error": mine["meta_error"] if level is not None else None,
                    "meta_level": level,
                    "reading": META_WORDS[level],
                }
            )
    return pd.DataFrame(rows, columns=META_COLUMNS, dtype=object)  # None stays None (pages test it)
