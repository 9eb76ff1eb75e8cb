"""Tables that leave as files: anonymised tidy answers (CSV) and a workbook (XLSX, ``workbook``).

Pure given the round's published report (and, for the CSV, its tidy answers): every cell
goes through ``cells`` (no live formula) and every answer through the k rule
(``analysis.anonymity.leaving_answers``).
"""

from __future__ import annotations

import pandas as pd

from healthcheck.analysis import anonymity
from healthcheck.exports import cells
from healthcheck.exports.workbook import report_xlsx

__all__ = ["CSV_COLUMNS", "answers_csv", "answers_frame", "report_xlsx"]

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
