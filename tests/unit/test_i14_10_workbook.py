"""Issue 14 item 10: an XLSX a person can hand on, read back with openpyxl."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from healthcheck.exports import tables, workbook
from tests.unit.report_meta import META

LONG = "The alliance budget and cost-sharing rules are clear to both partners, and written down."


def _shown(mean):
    return {"n": 4, "mean": mean, "median": 3.5, "std": 0.51234, "ci95": [2.71828, 3.98765]}


REPORT = {
    **META,
    "k_anonymity": 3,
    "sides": {
        "A": {"invited": 6, "submitted": 5, "response_rate": 5 / 6, "health_index": 70.4567},
        "B": {"invited": 4, "submitted": 2, "response_rate": 0.5, "health_index": None},
    },
    "health_index": 66.6666,
    "alignment_index": 81.25,
    "rag": "amber",
    "talking_points": [{"kind": "real_gap", "message": "Pharma rates Finance higher."}],
    "warnings": [{"code": "low_response_rate", "side": "B", "dimension": None, "message": "Bio: 50 %."}],
    "dimensions": [
        {
            "key": "finance",
            "title": "Finance and budget",
            "weight": 1.0,
            "A": _shown(3.14159),
            "B": _shown(1.98765),
            "gap": 1.15394,
            "gap_level": "gap",
            "p_value": 0.012345,
            "classification": "gap_a_higher",
            "gap_ci95": [0.4, 1.9],
            "effect_size": 0.8125,
            "effect_magnitude": "large",
            "p_adjusted": 0.024691,
            "evidence": "clear",
            "verdict": "real_gap",
        },
        {
            "key": "trust",
            "title": "Trust",
            "weight": 1.0,
            "A": _shown(4.0),
            "B": {"n": 2, "suppressed": True},
            "gap": None,
            "gap_level": None,
            "p_value": None,
            "classification": None,
        },
    ],
    "questions": [
        {
            "key": "finance_budget_clear",
            "dimension": "finance",
            "text": LONG,
            "A": _shown(3.14159),
            "B": _shown(2.0),
            "gap": 1.14159,
            "gap_level": "gap",
            "p_value": 0.0456,
            "q_value": 0.0912,
            "evidence": "weak",
        },
        {
            "key": "trust_promises",
            "dimension": "trust",
            "text": "Promises are kept.",
            "A": _shown(4.0),
            "B": {"n": 2, "suppressed": True},
            "gap": None,
            "gap_level": None,
        },
    ],
}
COMMENTS = {"finance": {"A": ["Clear enough."], "B": ["=HYPERLINK(1)"]}}
ACTIONS = [
    {
        "title": "Agree the cost model",
        "dimension": "finance",
        "owner": "Ann (Pharma)",
        "due_on": date(2026, 3, 1),
        "status": "in_progress",
        "visibility": "joint",
        "description": "Before the next steering committee.",
    },
    {
        "title": "=cmd|' /C calc'!A0",
        "dimension": "",
        "owner": "Bob",
        "due_on": date(2026, 4, 1),
        "status": "open",
        "visibility": "internal",
        "description": "",
    },
]


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(io.BytesIO(tables.report_xlsx(REPORT, COMMENTS, ACTIONS)))


def _rows(sheet):
    head = [c.value for c in sheet[1]]
    return head, [dict(zip(head, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_i14_10_sheets_titled_in_words_with_frozen_headers(book):
    assert book.sheetnames == ["Summary", "Dimensions", "Statements", "Comments", "Actions"]
    frozen = {sheet.title: sheet.freeze_panes for sheet in book.worksheets}
    # the header row everywhere; the dimension (and statement) column too where rows are named
    assert frozen == {
        "Summary": "A2",
        "Dimensions": "B2",
        "Statements": "C2",
        "Comments": "A2",
        "Actions": "A2",
    }
    assert all(cell.font.bold for sheet in book.worksheets for cell in sheet[1])


def test_i14_10_numbers_rounded_with_number_formats_and_rates_as_percentages(book):
    _head, dims = _rows(book["Dimensions"])
    finance = dims[0]
    mean = finance["Pharma: mean"]
    assert (mean.value, mean.number_format) == (3.14, "0.00")  # 3.14159 → 3.14
    assert (finance["Pharma: standard deviation"].value, finance["Pharma: 95 % interval from"].value) == (
        0.51,
        2.72,
    )
    gap = finance["Gap (Pharma − Bio)"]
    assert (gap.value, gap.number_format) == (1.15, "0.00")
    assert (finance["p (Mann–Whitney)"].value, finance["p (Mann–Whitney)"].number_format) == (0.012, "0.000")
    assert finance["p adjusted (Holm)"].value == 0.025  # 0.024691 → 0.025
    assert (finance["Pharma: answers (n)"].value, finance["Pharma: answers (n)"].number_format) == (4, "0")
    summary = {row[0].value: row[1] for row in book["Summary"].iter_rows(min_row=2)}
    rate = summary["Response rate Pharma"]
    assert rate.number_format == "0%" and rate.value == pytest.approx(5 / 6)  # shows 83%
    assert (summary["Health index (0–100)"].value, summary["Health index (0–100)"].number_format) == (
        66.7,
        "0.0",
    )
    assert summary["Closed on"].number_format == "yyyy-mm-dd" and summary["Closed on"].value.date() == date(
        2026, 1, 22
    )


def test_i14_10_titles_statuses_and_sides_in_words_not_codes(book):
    head, dims = _rows(book["Dimensions"])
    assert [d["Dimension"].value for d in dims] == ["Finance and budget", "Trust"]
    assert {"Pharma: mean", "Bio: mean"} <= set(head) and not {"A mean", "B mean"} & set(head)
    finance = dims[0]
    assert finance["Is the gap real?"].value == "real gap"
    assert finance["Classification"].value == "gap: Pharma rates higher"
    assert finance["Gap level"].value == "gap (1 or more apart)"
    _head, statements = _rows(book["Statements"])
    assert [s["Dimension"].value for s in statements] == ["Finance and budget", "Trust"]
    _head, notes = _rows(book["Comments"])
    assert [(n["Dimension"].value, n["Side"].value) for n in notes] == [
        ("Finance and budget", "Pharma"),
        ("Finance and budget", "Bio"),
    ]
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["RAG"] == "Amber" and summary["Partner (B)"] == "Bio"
    assert summary["Warning: low response rate"] == "Bio: 50 %."


def test_i14_10_actions_sheet_in_words(book):
    _head, actions = _rows(book["Actions"])
    first, second = actions
    assert first["Dimension"].value == "Finance and budget" and first["Status"].value == "in progress"
    assert first["Visible to"].value == "both sides (joint)" and second["Visible to"].value == "Pharma only"
    assert first["Due"].number_format == "yyyy-mm-dd"
    assert second["Action"].value == "'=cmd|' /C calc'!A0"  # no live formula
    empty = openpyxl.load_workbook(io.BytesIO(tables.report_xlsx(REPORT, {})))
    assert empty["Actions"]["A2"].value == "No actions agreed after this round yet."


def test_i14_10_column_widths_fitted_to_their_text(book):
    sheet = book["Statements"]
    head = [c.value for c in sheet[1]]
    width = {
        h: sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i, h in enumerate(head, 1)
    }
    assert width["Statement"] == workbook.WIDEST  # the long statement: as wide as allowed, wrapped
    assert sheet["B2"].alignment.wrap_text
    assert width["Dimension"] == len("Finance and budget") + 2
    assert width["Statement key"] == len("finance_budget_clear") + 2
    assert 8 <= width["Pharma: mean"] < width["Statement"]


def test_i14_10_a_side_under_k_stays_hidden(book):
    _head, dims = _rows(book["Dimensions"])
    trust = dims[1]
    assert trust["Bio: answers (n)"].value == 2
    assert trust["Bio: mean"].value == workbook.NOT_SHOWN
    hidden = ["Bio: median", "Bio: standard deviation", "Bio: 95 % interval from", "Gap (Pharma − Bio)"]
    assert all(trust[h].value is None for h in hidden)
    _head, statements = _rows(book["Statements"])
    assert statements[1]["Bio: mean"].value == workbook.NOT_SHOWN
