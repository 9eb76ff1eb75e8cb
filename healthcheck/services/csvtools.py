"""Reading user-supplied CSV text with problems reported by line number, and writing CSV
whose cells a spreadsheet never runs."""

from __future__ import annotations

import csv
import io

from healthcheck.exports import cells

MAX_CSV_BYTES = 5 * 1024 * 1024


def decode(raw: bytes | str, what: str) -> str:
    if isinstance(raw, str):
        text = raw
    else:
        if len(raw) > MAX_CSV_BYTES:
            raise ValueError(f"{what}: file larger than {MAX_CSV_BYTES // (1024 * 1024)} MB")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{what}: not UTF-8 text (bad byte at offset {exc.start})") from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ValueError(f"{what}: line {line}: contains a NUL byte")
    return text


def rows(
    text: str, header: list[str], what: str, optional: list[str] | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Parse CSV ``text`` whose first line must be ``header`` (or ``header`` + ``optional``,
    columns a file may add at its end); return (line number, row)."""
    reader = csv.reader(io.StringIO(text))
    try:
        first = next(reader)
    except StopIteration:
        raise ValueError(f"{what}: empty; expected header {','.join(header)}") from None
    except csv.Error as exc:
        raise ValueError(f"{what}: line 1: {exc}") from exc
    got = [h.strip().lower() for h in first]
    if got != header and not (optional and got == header + optional):
        more = f" (optionally followed by ,{','.join(optional)})" if optional else ""
        raise ValueError(f"{what}: line 1: header must be {','.join(header)}{more} (got {','.join(got)})")
    header = got
    out = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            line = reader.line_num
            if len(record) != len(header):
                out.append((line, {"__error__": f"expected {len(header)} fields, got {len(record)}"}))
                continue
            out.append((line, {h: v.strip() for h, v in zip(header, record, strict=True)}))
    except csv.Error as exc:
        raise ValueError(f"{what}: line {reader.line_num}: {exc}") from exc
    return out


def write(header: list[str], records: list[list]) -> str:
    """CSV text of ``records`` under ``header``, every cell neutralised by ``cells.neutral``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cells.neutral(v) for v in record] for record in records)
    return out.getvalue()
