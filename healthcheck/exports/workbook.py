"""The round's workbook (XLSX), made to be handed on: words not codes, rounded figures.

Sheets Summary, Dimensions, Statements, Comments and Actions; sides are named by their
organisations, dimensions by their titles, statuses and verdicts in words. Every figure is
a number cell rounded as the pages show it (means and gaps 2 decimals, p and q 3, indices
1) with a matching number format; response rates are percentages. Headers are bold and
frozen (the first column too where rows are named), columns fitted to their text.

Pure given the published report: what a side may not show (fewer than k answers) is
already absent from it, and stays words here ("not shown: fewer than k answers"); every
text cell goes through ``cells.neutral`` (no live formula).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from healthcheck.analysis import evidence, frames, panel
from healthcheck.exports import cells

NOT_SHOWN = "not shown: fewer than k answers"
TWO, THREE, ONE, WHOLE, PERCENT, DAY = "0.00", "0.000", "0.0", "0", "0%", "yyyy-mm-dd"
WIDEST = 70  # characters; longer text wraps
LEVELS = {"aligned": "aligned", "watch": "watch (0.5 to 1 apart)", "gap": "gap (1 or more apart)"}
STATUSES = {"open": "open", "in_progress": "in progress", "done": "done", "dropped": "dropped"}


@dataclass(frozen=True)
class Column:
    title: str
    format: str | None = None  # a number format; None for text
    wrap: bool = False


def _rounded(value, fmt: str | None):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    digits = {TWO: 2, THREE: 3, ONE: 1, WHOLE: 0}.get(fmt)
    return value if digits is None else round(value, digits)


def _sheet(book: Workbook, title: str, columns: list[Column], rows: list[list], freeze: str = "A2") -> None:
    sheet = book.create_sheet(title)
    sheet.append([cells.neutral(c.title) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([cells.neutral(_rounded(v, c.format)) for v, c in zip(row, columns, strict=True)])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        longest = max([len(column.title) * 0.8, *(_shown_length(r[index - 1]) for r in rows)], default=8)
        sheet.column_dimensions[letter].width = min(WIDEST, max(8.0, longest + 2))
        for cell in sheet[letter][1:]:
            if column.format and isinstance(cell.value, (int, float, date)):
                cell.number_format = column.format
            if column.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = freeze
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def _shown_length(value) -> float:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return len(str(value))


def _day(value) -> date | str | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)


def _side_cells(block: dict) -> list:
    """n, mean, median, sd, interval low and high of one side (words when not shown)."""
    if block.get("suppressed"):
        return [block["n"], NOT_SHOWN, None, None, None, None]
    ci = block.get("ci95") or [None, None]
    return [block["n"], block["mean"], block["median"], block["std"], ci[0], ci[1]]


def _side_columns(name: str) -> list[Column]:
    return [
        Column(f"{name}: answers (n)", WHOLE),
        Column(f"{name}: mean", TWO),
        Column(f"{name}: median", TWO),
        Column(f"{name}: standard deviation", TWO),
        Column(f"{name}: 95 % interval from", TWO),
        Column(f"{name}: 95 % interval to", TWO),
    ]


def classification_words(value: str | None, names: dict) -> str | None:
    words = {
        "shared_strength": "shared strength",
        "shared_concern": "shared concern",
        "gap_a_higher": f"gap: {names['A']} rates higher",
        "gap_b_higher": f"gap: {names['B']} rates higher",
        "neutral": "neither",
    }
    return words.get(value, value)


def _closed(rnd: dict):
    return rnd.get("closed_at") or rnd["closes_on"]


def _summary(report: dict) -> list[list]:
    names, rnd, sides = report["alliance"]["sides"], report["round"], report["sides"]
    rows = [
        ["Alliance", report["alliance"]["name"], None],
        ["Our side (A)", names["A"], None],
        ["Partner (B)", names["B"], None],
        ["Round", rnd["label"], None],
        ["Questionnaire", rnd["questionnaire"], None],
        ["Opened on", _day(rnd.get("opens_on")), DAY],
        ["Closed on" if rnd.get("status") == "closed" else "Closes on", _day(_closed(rnd)), DAY],
        ["Health index (0–100)", report["health_index"], ONE],
        ["Alignment index (0–100)", report["alignment_index"], ONE],
        ["RAG", (report["rag"] or "not available").capitalize(), None],
    ]
    for s in ("A", "B"):
        rows.append([f"Health index {names[s]} (0–100)", sides.get(s, {}).get("health_index"), ONE])
        rows.append([f"Response rate {names[s]}", sides.get(s, {}).get("response_rate"), PERCENT])
    rows.append(["Anonymity threshold k", report["k_anonymity"], WHOLE])
    rows += [["What to talk about", t["message"], None] for t in report.get("talking_points", [])]
    rows += [[f"Warning: {w['code'].replace('_', ' ')}", w["message"], None] for w in report["warnings"]]
    return rows


def _summary_sheet(book: Workbook, report: dict) -> None:
    """Two columns; each value carries its own number format."""
    rows = _summary(report)
    _sheet(book, "Summary", [Column("Item"), Column("Value", wrap=True)], [r[:2] for r in rows])
    sheet = book["Summary"]
    for offset, (_item, value, fmt) in enumerate(rows, start=2):
        if fmt and isinstance(value, (int, float, date)):
            sheet.cell(offset, 2).value = _rounded(value, fmt)
            sheet.cell(offset, 2).number_format = fmt


def _dimension_rows(report: dict) -> tuple[list[Column], list[list]]:
    names = report["alliance"]["sides"]
    columns = [
        Column("Dimension"),
        Column("Weight", ONE),
        *_side_columns(names["A"]),
        *_side_columns(names["B"]),
        Column(f"Gap ({names['A']} − {names['B']})", TWO),
        Column("Gap level"),
        Column("Gap: 95 % interval from", TWO),
        Column("Gap: 95 % interval to", TWO),
        Column("Is the gap real?"),
        Column("Effect size (Cliff's δ)", TWO),
        Column("Effect size in words"),
        Column("p (Mann–Whitney)", THREE),
        Column("p adjusted (Holm)", THREE),
        Column("Evidence"),
        Column("Classification"),
    ]
    rows = []
    for d in report["dimensions"]:
        ci = d.get("gap_ci95") or [None, None]
        rows.append(
            [
                d["title"],
                d["weight"],
                *_side_cells(d["A"]),
                *_side_cells(d["B"]),
                d["gap"],
                LEVELS.get(d["gap_level"], d["gap_level"]),
                ci[0],
                ci[1],
                evidence.verdict_label(d.get("verdict"), d.get("p_value")),
                d.get("effect_size"),
                d.get("effect_magnitude"),
                d["p_value"],
                d.get("p_adjusted"),
                d.get("evidence"),
                classification_words(d["classification"], names),
            ]
        )
    return columns, rows


def _statement_rows(report: dict) -> tuple[list[Column], list[list]]:
    names = report["alliance"]["sides"]
    titles = {d["key"]: d["title"] for d in report["dimensions"]}
    columns = [
        Column("Dimension"),
        Column("Statement", wrap=True),
        *_side_columns(names["A"]),
        *_side_columns(names["B"]),
        Column(f"Gap ({names['A']} − {names['B']})", TWO),
        Column("Gap level"),
        Column("p (Mann–Whitney)", THREE),
        Column("q (Benjamini–Hochberg)", THREE),
        Column("Evidence"),
        Column("Statement key"),
    ]
    rows = [
        [
            titles.get(q["dimension"], q["dimension"]),
            q["text"],
            *_side_cells(q["A"]),
            *_side_cells(q["B"]),
            q["gap"],
            LEVELS.get(q["gap_level"], q["gap_level"]),
            q.get("p_value"),
            q.get("q_value"),
            q.get("evidence"),
            q["key"],
        ]
        for q in report["questions"]
    ]
    return columns, rows


def _action_rows(report: dict, actions: list[dict]) -> tuple[list[Column], list[list]]:
    titles = {d["key"]: d["title"] for d in report["dimensions"]}
    internal = f"{report['alliance']['sides']['A']} only"
    columns = [
        Column("Action", wrap=True),
        Column("Dimension"),
        Column("Owner"),
        Column("Due", DAY),
        Column("Status"),
        Column("Visible to"),
        Column("Description", wrap=True),
    ]
    rows = [
        [
            a["title"],
            titles.get(a.get("dimension") or "", a.get("dimension") or ""),
            a["owner"],
            _day(a.get("due_on")),
            STATUSES.get(a["status"], a["status"]),
            "both sides (joint)" if a.get("visibility") == "joint" else internal,
            a.get("description") or "",
        ]
        for a in actions
    ]
    return columns, rows


def _meta_rows(report: dict) -> tuple[list[Column], list[list]]:
    """DESIGN §3.14 per side and dimension: what it expects its partner to rate beside what the
    partner rates (a figure under k reads "not shown", its difference stays empty)."""
    columns = [
        Column("Expected by"),
        Column("About"),
        Column("Dimension"),
        Column("Predictions (n)", WHOLE),
        Column("Expected mean", TWO),
        Column("Partner's actual mean", TWO),
        Column("Expected minus actual", TWO),
        Column("Reading"),
    ]
    rows = [
        [
            r["organisation"],
            r["partner"],
            r["title"],
            r["expected_n"],
            NOT_SHOWN if _missing(r["expected"]) else r["expected"],
            NOT_SHOWN if _missing(r["actual"]) else r["actual"],
            None if _missing(r["meta_error"]) else r["meta_error"],
            r["reading"],
        ]
        for r in frames.meta_rows(report).to_dict("records")
    ]
    return columns, rows


def _missing(value) -> bool:
    return value is None or value != value  # None or NaN


def _panel_rows(report: dict) -> tuple[list[Column], list[list]]:
    """Who answered per function and side (§3.15): counts under k as "fewer than k", then the
    panel distance (words when it is not published)."""
    block, k, names = report["panel"], report["k_anonymity"], report["alliance"]["sides"]
    columns = [Column("Function"), Column(names["A"], WHOLE), Column(names["B"], WHOLE)]

    def cell(value):
        return value if isinstance(value, int) else f"fewer than {k}"

    rows = [
        [label, *(cell(block[side].get(f, panel.HIDDEN)) for side in "AB")]
        for f, label in panel.FUNCTIONS.items()
    ]
    distance = block.get("distance")
    rows.append(
        [
            "Panel distance (0 same mix, 1 none in common)",
            "not shown: groups too small" if distance is None else round(distance, 2),
            None,
        ]
    )
    return columns, rows


def report_xlsx(
    report: dict, comments: dict[str, dict[str, list[str]]], actions: list[dict] | tuple = ()
) -> bytes:
    """The workbook; ``comments`` as ``services.reports.comments`` gives them (under the k
    rule), ``actions`` as plain dicts (title, dimension key, owner, due_on, status,
    visibility, description)."""
    names = report["alliance"]["sides"]
    titles = {d["key"]: d["title"] for d in report["dimensions"]}
    book = Workbook()
    book.remove(book.active)
    _summary_sheet(book, report)
    _sheet(book, "Dimensions", *_dimension_rows(report), freeze="B2")
    if frames.has_meta(report):
        _sheet(book, "Expected vs actual", *_meta_rows(report), freeze="B2")
    _sheet(book, "Statements", *_statement_rows(report), freeze="C2")
    notes = [
        [titles.get(dim, dim), names[side], text]
        for dim, by_side in comments.items()
        for side, texts in by_side.items()
        for text in texts
    ]
    _sheet(book, "Comments", [Column("Dimension"), Column("Side"), Column("Comment", wrap=True)], notes)
    if report.get("panel"):
        _sheet(book, "Panel", *_panel_rows(report), freeze="B2")
    columns, rows = _action_rows(report, list(actions))
    rows = rows or [["No actions agreed after this round yet.", *[None] * (len(columns) - 1)]]
    _sheet(book, "Actions", columns, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
