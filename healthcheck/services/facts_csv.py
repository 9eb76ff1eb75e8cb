"""The facts CSV (DESIGN §4 Facts CSV): parse a file of milestones, budget lines or delivery
KPIs, and import it all or nothing — every bad line named with its number, nothing written.

Each row is checked by the same row parsers as the facts forms (``facts.PARSERS``); an import
adds or updates by each kind's identity and never deletes (see ``services/facts.py``).
"""

from __future__ import annotations

from healthcheck.extensions import db
from healthcheck.models import Alliance
from healthcheck.problems import N_, problem
from healthcheck.services import alliances, audit, csvtools, facts, summaries
from healthcheck.services.errors import InvalidInput

MAX_ROWS = 10000


def parse_csv(alliance: Alliance, kind: str, raw: bytes | str) -> list[dict]:
    """Every row of a facts CSV as values; InvalidInput lists every bad line with its number."""
    facts.check_kind(kind)
    what = f"{kind} CSV"
    try:
        records = csvtools.rows(csvtools.decode(raw, what), facts.HEADERS[kind], what)
    except ValueError as exc:
        raise InvalidInput(exc.args[0] if exc.args else str(exc)) from None  # a Problem stays one
    header = ",".join(facts.HEADERS[kind])
    if not records:
        raise InvalidInput(
            problem(N_("%(kind)s CSV: no rows below the header %(header)s"), kind=kind, header=header)
        )
    if len(records) > MAX_ROWS:
        raise InvalidInput(
            problem(
                N_("%(kind)s CSV: at most %(n)s rows (got %(got)s)"), kind=kind, n=MAX_ROWS, got=len(records)
            )
        )
    problems, rows, seen, currencies = [], [], {}, {}
    for line, rec in records:
        if "__error__" in rec:
            problems.append(
                problem(
                    N_("line %(line)s: %(problem)s (%(header)s)"),
                    line=line,
                    problem=rec["__error__"],
                    header=header,
                )
            )
            continue
        values, found = facts.PARSERS[kind](rec)
        if not found:
            ident = facts.identity(kind, values)
            if ident in seen:
                found.append(problem(facts.SAME_AS_LINE[kind], line=seen[ident]))
            seen.setdefault(ident, line)
        if kind == "budget" and not any(p.startswith("currency") for p in found):
            currencies.setdefault(values["currency"], line)
        problems += [at_line(line, p) for p in found]
        rows.append(values)
    if len(currencies) > 1:
        problems.append(
            problem(
                N_("%(kind)s CSV: every budget line of an alliance is in one currency (got %(found)s)"),
                kind=kind,
                found=[
                    problem(N_("%(currency)s on line %(line)s"), currency=c, line=n)
                    for c, n in currencies.items()
                ],
            )
        )
    elif currencies and (found := facts.currency_problem(alliance, next(iter(currencies)), set(seen))):
        problems.append(at_line(next(iter(currencies.values())), found))
    if problems:
        raise InvalidInput(problems)
    return rows


def at_line(line: int, found: str) -> str:
    """A row's problem named with its line number: one sentence to translate."""
    return problem(N_("line %(line)s: %(problem)s"), line=line, problem=found)


def import_csv(alliance_name: str, kind: str, raw: bytes | str, actor=None) -> dict[str, int]:
    """All-or-nothing import of a facts CSV; returns {"added", "updated"}."""
    facts.check_kind(kind)
    alliance = alliances.by_name(alliance_name or "")
    if alliance is None:
        raise InvalidInput(f"--alliance: no alliance named {alliance_name!r}")
    rows = parse_csv(alliance, kind, raw)
    existing = {facts.identity(kind, facts.values_of(r)): r for r in facts.existing_records(alliance, kind)}
    added = updated = 0
    for values in rows:
        record = existing.get(facts.identity(kind, values))
        if record is None:
            db.session.add(facts.MODELS[kind](alliance_id=alliance.id, **values))
            added += 1
        else:
            for field, value in values.items():
                setattr(record, field, value)
            updated += 1
    db.session.flush()
    audit.record("facts.import", actor, alliance, kind=kind, added=added, updated=updated)
    summaries.refresh_alliance(alliance)
    return {"added": added, "updated": updated}
