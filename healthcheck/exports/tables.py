"""Tables that leave as files: anonymised tidy answers (CSV) and a workbook (XLSX).

Pure given the round's published report (and, for the CSV, its tidy answers): every cell
goes through ``cells`` (no live formula) and every answer through the k rule
(``analysis.anonymity.leaving_answers``).
"""

from __future__ import annotations

import io

import pandas as pd

from healthcheck.analysis import anonymity, frames, panel
from healthcheck.exports import cells
from healthcheck.exports.formatting import count

CSV_COLUMNS = ["round", "side", "respondent", "dimension", "question", "score"]


def answers_frame(answers: pd.DataFrame, report: dict) -> pd.DataFrame:
    """Tidy answers (per-round random respondent ids) as they may leave, under the k rule per cell."""
    frame = anonymity.leaving_answers(answers, report)
    frame = frame.sort_values(["side", "respondent", "dimension", "question"])
    frame.insert(0, "round", report["round"]["label"])
    frame["score"] = frame["score"].astype("Int64")
    return frame[CSV_COLUMNS]


def answers_csv(answers: pd.DataFrame, report: dict) -> str:
    return cells.neutral_frame(answers_frame(answers, report)).to_csv(index=False)


def _side_columns(block: dict, prefix: str) -> dict:
    if block.get("suppressed"):
        return {f"{prefix} n": block["n"], f"{prefix} mean": "suppressed (n<k)"}
    ci = block.get("ci95") or [None, None]
    return {
        f"{prefix} n": block["n"],
        f"{prefix} mean": block["mean"],
        f"{prefix} median": block["median"],
        f"{prefix} std": block["std"],
        f"{prefix} ci95 low": ci[0],
        f"{prefix} ci95 high": ci[1],
    }


def _evidence_columns(dim: dict) -> dict:
    """A dimension's DESIGN §3.12 evidence, one column each (blank where a side is hidden)."""
    ci = dim.get("gap_ci95") or [None, None]
    return {
        "gap ci95 low": ci[0],
        "gap ci95 high": ci[1],
        "verdict": dim.get("verdict"),
        "effect size (Cliff's delta)": dim.get("effect_size"),
        "effect magnitude": dim.get("effect_magnitude"),
        "p adjusted (Holm)": dim.get("p_adjusted"),
        "evidence": dim.get("evidence"),
    }


def meta_frame(report: dict) -> pd.DataFrame:
    """DESIGN §3.14 per side and dimension: expected vs the partner's actual mean, k rule applied
    (a suppressed figure reads "suppressed (n<k)", its difference and reading blank)."""
    rows = frames.meta_rows(report)
    hidden = "suppressed (n<k)"
    return pd.DataFrame(
        {
            "side": rows["organisation"],
            "about": rows["partner"],
            "dimension": rows["title"],
            "expected n": rows["expected_n"],
            "expected mean": [hidden if v is None or pd.isna(v) else v for v in rows["expected"]],
            "partner's actual mean": [hidden if v is None or pd.isna(v) else v for v in rows["actual"]],
            "meta error": rows["meta_error"],
            "reading": rows["reading"],
        }
    )


def panel_frame(report: dict) -> pd.DataFrame:
    """Who answered per function and side (§3.15): every function, counts below k as
    "fewer than k", then the panel distance (blank when not published)."""
    block, k = report.get("panel"), report["k_anonymity"]
    if not block:
        return pd.DataFrame(columns=["function", "A", "B"])
    rows = [
        {"function": label, **{s: _count_cell(block[s].get(f, panel.HIDDEN), k) for s in "AB"}}
        for f, label in panel.FUNCTIONS.items()
    ]
    distance = "panel distance (0 same mix, 1 none in common)"
    rows.append({"function": distance, "A": block["distance"], "B": None})
    return pd.DataFrame(rows, columns=["function", "A", "B"])


def _count_cell(value, k: int):
    return value if isinstance(value, int) else count(value, k)


def report_xlsx(report: dict, comments: dict[str, dict[str, list[str]]]) -> bytes:
    """Workbook with sheets summary, dimensions, questions and comments."""
    names = report["alliance"]["sides"]
    summary = pd.DataFrame(
        [
            ("Alliance", report["alliance"]["name"]),
            ("Side A", names["A"]),
            ("Side B", names["B"]),
            ("Round", report["round"]["label"]),
            ("Questionnaire", report["round"]["questionnaire"]),
            ("Closes on", report["round"]["closes_on"]),
            ("Health index", report["health_index"]),
            ("Alignment index", report["alignment_index"]),
            ("RAG", report["rag"]),
            ("Response rate A", report["sides"]["A"]["response_rate"]),
            ("Response rate B", report["sides"]["B"]["response_rate"]),
            ("Anonymity threshold k", report["k_anonymity"]),
            *(("What to talk about", t["message"]) for t in report.get("talking_points", [])),
            *(("Warning", w["message"]) for w in report["warnings"]),
        ],
        columns=["item", "value"],
    )
    dims = pd.DataFrame(
        [
            {
                "dimension": d["title"],
                "weight": d["weight"],
                **_side_columns(d["A"], "A"),
                **_side_columns(d["B"], "B"),
                "gap": d["gap"],
                "gap level": d["gap_level"],
                "p value": d["p_value"],
                "classification": d["classification"],
                **_evidence_columns(d),
            }
            for d in report["dimensions"]
        ]
    )
    questions = pd.DataFrame(
        [
            {
                "dimension": q["dimension"],
                "question": q["key"],
                "statement": q["text"],
                **_side_columns(q["A"], "A"),
                **_side_columns(q["B"], "B"),
                "gap": q["gap"],
                "gap level": q["gap_level"],
                "p value": q.get("p_value"),
                "q value (Benjamini-Hochberg)": q.get("q_value"),
                "evidence": q.get("evidence"),
            }
            for q in report["questions"]
        ]
    )
    titles = {d["key"]: d["title"] for d in report["dimensions"]}
    notes = pd.DataFrame(
        [
            {"dimension": titles.get(dim, dim), "side": names[side], "comment": text}
            for dim, by_side in comments.items()
            for side, texts in by_side.items()
            for text in texts
        ],
        columns=["dimension", "side", "comment"],
    )
    sheets = [("summary", summary), ("dimensions", dims), ("questions", questions), ("comments", notes)]
    sheets.append(("panel", panel_frame(report)))
    if frames.has_meta(report):
        sheets.insert(2, ("expected vs actual", meta_frame(report)))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets:
            cells.neutral_frame(frame).to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()
