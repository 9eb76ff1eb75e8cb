"""Reading user-supplied CSV text with problems reported by line number, and writing CSV
whose cells a spreadsheet never runs."""

from __future__ import annotations

import csv
import io

from healthcheck.exports import cells
from healthcheck.problems import N_, problem

MAX_CSV_BYTES = 5 * 1024 * 1024


def decode(raw: bytes | str, what: str) -> str:
    if isinstance(raw, str):
        text = raw
    else:
        if len(raw) > MAX_CSV_BYTES:
            raise ValueError(
                problem(
                    N_("%(what)s: file larger than %(mb)s MB"), what=what, mb=MAX_CSV_BYTES // (1024 * 1024)
                )
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(
                problem(
                    N_("%(what)s: not UTF-8 text (bad byte at offset %(offset)s)"),
                    what=what,
                    offset=exc.start,
                )
            ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ValueError(problem(N_("%(what)s: line %(line)s: contains a NUL byte"), what=what, line=line))
    return text


def problem_of(exc: ValueError) -> str:
    """The message a ``ValueError`` of ``decode``/``rows`` carries, translatable on a page."""
    return exc.args[0] if exc.args else str(exc)


def line_problem(line: int, found: str) -> str:
    """``found`` (a problem of one record) said with the line it is on."""
    return problem(N_("line %(line)s: %(problem)s"), line=line, problem=found)


def rows(
    text: str, header: list[str], what: str, optional: list[str] | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Parse CSV ``text`` whose first line must be ``header`` (or ``header`` + ``optional``,
    columns a file may add at its end); return (line number, row)."""
    reader = csv.reader(io.StringIO(text))
    try:
        first = next(reader)
    except StopIteration:
        raise ValueError(
            problem(N_("%(what)s: empty; expected header %(header)s"), what=what, header=",".join(header))
        ) from None
    except csv.Error as exc:
        raise ValueError(problem(N_("%(what)s: line 1: %(error)s"), what=what, error=str(exc))) from exc
    got = [h.strip().lower() for h in first]
    if got != header and not (optional and got == header + optional):
        names = {"what": what, "header": ",".join(header), "got": ",".join(got)}
        if optional:
            raise ValueError(
                problem(
                    N_(
                        "%(what)s: line 1: header must be %(header)s "
                        "(optionally followed by ,%(optional)s) (got %(got)s)"
                    ),
                    optional=",".join(optional),
                    **names,
                )
            )
        raise ValueError(problem(N_("%(what)s: line 1: header must be %(header)s (got %(got)s)"), **names))
    header = got
    out = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            line = reader.line_num
            if len(record) != len(header):
                wrong = problem(N_("expected %(n)s fields, got %(got)s"), n=len(header), got=len(record))
                out.append((line, {"__error__": wrong}))
                continue
            out.append((line, {h: v.strip() for h, v in zip(header, record, strict=True)}))
    except csv.Error as exc:
        raise ValueError(
            problem(N_("%(what)s: line %(line)s: %(error)s"), what=what, line=reader.line_num, error=str(exc))
        ) from exc
    return out


def write(header: list[str], records: list[list]) -> str:
    """CSV text of ``records`` under ``header``, every cell neutralised by ``cells.neutral``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cells.neutral(v) for v in record] for record in records)
    return out.getvalue()
