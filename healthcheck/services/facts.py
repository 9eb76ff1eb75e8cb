"""Facts beside perception (DESIGN §3.17, §4 Facts CSV): record, import and read an alliance's
milestones, budget lines and delivery KPIs.

One validation for the forms and the CSV import: a row is a dict of strings, checked field by
field; the import is all-or-nothing (every bad line named, nothing written). An import *adds or
updates* — it never deletes: a milestone is matched by its ``key``, a budget line by
(``period_start``, ``period_end``, ``line``), a delivery KPI by (``period_start``, ``period_end``);
a matching record is overwritten by the file's row, others are added, records the file does not
mention stay. After any change every round of the alliance is recomputed (the set-based rebuild
of that alliance), so reports show the facts at once. The CSV file itself is read and
imported by ``facts_csv``.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from healthcheck.analysis import facts as facts_analysis
from healthcheck.extensions import db
from healthcheck.models import (
    FACT_KINDS,
    MILESTONE_STATUSES,
    Alliance,
    BudgetLine,
    DeliveryKpi,
    Milestone,
    Round,
    RoundSummary,
)
from healthcheck.problems import N_, problem
from healthcheck.services import audit, facts_data, summaries
from healthcheck.services.errors import InvalidInput, NotFound
from healthcheck.services.text import single_line_problem

HEADERS = {
    "milestones": list(facts_data.MILESTONE_FIELDS),
    "budget": list(facts_data.BUDGET_FIELDS),
    "delivery": list(facts_data.DELIVERY_FIELDS),
}
MODELS = {"milestones": Milestone, "budget": BudgetLine, "delivery": DeliveryKpi}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_AMOUNT = re.compile(r"\d{1,13}(\.\d{1,6})?")
_COUNT = re.compile(r"\d{1,9}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")


def _date(rec: dict, name: str, problems: list, required: bool = True) -> date | None:
    text = rec.get(name, "").strip()
    if not text:
        if required:
            problems.append(problem(N_("%(field)s: required, a date YYYY-MM-DD"), field=name))
        return None
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        problems.append(problem(N_("%(field)s: a date YYYY-MM-DD (got %(got)r)"), field=name, got=text))
        return None


def _text(rec: dict, name: str, problems: list, limit: int) -> str:
    text = rec.get(name, "").strip()
    if not text:
        problems.append(problem(N_("%(field)s: required, at most %(n)s characters"), field=name, n=limit))
    elif len(text) > limit:
        problems.append(
            problem(
                N_("%(field)s: at most %(n)s characters (got %(got)s)"), field=name, n=limit, got=len(text)
            )
        )
    elif found := single_line_problem(name, text):
        problems.append(found)
    return text


def _amount(rec: dict, name: str, problems: list) -> float | None:
    text = rec.get(name, "").strip()
    value = float(text) if _AMOUNT.fullmatch(text) else math.nan
    if not math.isfinite(value):
        problems.append(
            problem(
                N_("%(field)s: a number ≥ 0 with a dot for decimals, e.g. 12500.50 (got %(got)r)"),
                field=name,
                got=text,
            )
        )
        return None
    return value


def _count(rec: dict, name: str, problems: list) -> int | None:
    text = rec.get(name, "").strip()
    if not _COUNT.fullmatch(text):
        problems.append(problem(N_("%(field)s: a whole number ≥ 0 (got %(got)r)"), field=name, got=text))
        return None
    return int(text)


def _period(rec: dict, problems: list) -> tuple[date | None, date | None]:
    start, end = _date(rec, "period_start", problems), _date(rec, "period_end", problems)
    if start and end and start > end:
        problems.append(
            problem(
                N_("period_end: on or after period_start (%(start)s), got %(end)s"),
                start=start.isoformat(),
                end=end.isoformat(),
            )
        )
    return start, end


def parse_milestone(rec: dict) -> tuple[dict, list[str]]:
    """(values, problems) of one milestone row of strings."""
    problems: list[str] = []
    key = rec.get("key", "").strip()
    if not _KEY.fullmatch(key):
        problems.append(
            problem(
                N_(
                    "key: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit"
                    " (got %(got)r)"
                ),
                got=key,
            )
        )
    title = _text(rec, "title", problems, 200)
    dimension = rec.get("dimension", "").strip() or "milestones"
    if len(dimension) > 64:
        problems.append(
            problem(
                N_("dimension: a dimension key such as milestones, at most 64 characters (got %(got)s)"),
                got=len(dimension),
            )
        )
    elif found := single_line_problem("dimension", dimension):
        problems.append(found)
    planned_on = _date(rec, "planned_on", problems)
    actual_on = _date(rec, "actual_on", problems, required=False)
    forecast_on = _date(rec, "forecast_on", problems, required=False)
    status = rec.get("status", "").strip().lower()
    if status not in MILESTONE_STATUSES:
        problems.append(
            problem(
                N_("status: one of %(choices)s (got %(got)r)"),
                choices=list(MILESTONE_STATUSES),
                got=rec.get("status", ""),
            )
        )
    elif status == "met" and actual_on is None and not any(p.startswith("actual_on") for p in problems):
        problems.append(problem(N_("actual_on: required when status is met (the date it was met)")))
    values = {
        "key": key,
        "title": title,
        "dimension": dimension,
        "planned_on": planned_on,
        "actual_on": actual_on,
        "forecast_on": forecast_on,
        "status": status,
    }
    return values, problems


def parse_budget(rec: dict) -> tuple[dict, list[str]]:
    """(values, problems) of one budget line row of strings."""
    problems: list[str] = []
    start, end = _period(rec, problems)
    line = _text(rec, "line", problems, 200)
    planned, actual = _amount(rec, "planned", problems), _amount(rec, "actual", problems)
    currency = rec.get("currency", "").strip()
    if not _CURRENCY.fullmatch(currency):
        problems.append(
            problem(N_("currency: a three-letter ISO 4217 code such as EUR (got %(got)r)"), got=currency)
        )
    values = {
        "period_start": start,
        "period_end": end,
        "line": line,
        "planned": planned,
        "actual": actual,
        "currency": currency.upper(),
    }
    return values, problems


def parse_delivery(rec: dict) -> tuple[dict, list[str]]:
    """(values, problems) of one delivery KPI row of strings."""
    problems: list[str] = []
    start, end = _period(rec, problems)
    deliveries = _count(rec, "deliveries", problems)
    otif = _count(rec, "on_time_in_full", problems)
    given = rec.get("quality_deviations", "").strip() or "0"  # blank: none
    deviations = _count({"quality_deviations": given}, "quality_deviations", problems)
    if deliveries is not None and otif is not None and otif > deliveries:
        problems.append(
            problem(
                N_("on_time_in_full: at most deliveries (%(deliveries)s), got %(got)s"),
                deliveries=deliveries,
                got=otif,
            )
        )
    values = {
        "period_start": start,
        "period_end": end,
        "deliveries": deliveries,
        "on_time_in_full": otif,
        "quality_deviations": deviations,
    }
    return values, problems


PARSERS = {"milestones": parse_milestone, "budget": parse_budget, "delivery": parse_delivery}


def identity(kind: str, values: dict) -> tuple:
    """What an import matches an existing record by."""
    if kind == "milestones":
        return (values["key"],)
    if kind == "budget":
        return (values["period_start"], values["period_end"], values["line"])
    return (values["period_start"], values["period_end"])


def existing_records(alliance: Alliance, kind: str) -> list:
    model = MODELS[kind]
    return list(db.session.scalars(select(model).where(model.alliance_id == alliance.id).order_by(model.id)))


def currency_problem(alliance: Alliance, currency: str, replacing: set[tuple]) -> str | None:
    """Budget variance sums amounts: every budget line of an alliance is in one currency."""
    others = {
        b.currency
        for b in existing_records(alliance, "budget")
        if identity("budget", values_of(b)) not in replacing
    }
    if others and currency not in others:
        return problem(
            N_("currency: every budget line of %(alliance)s is in %(held)s (got %(got)s)"),
            alliance=alliance.name,
            held=sorted(others),
            got=currency,
        )
    return None


def plain_values(record) -> dict:
    """A record's columns as JSON-safe values (dates as ISO strings)."""
    return _plain(values_of(record))


def values_of(record) -> dict:
    kind = next(k for k, m in MODELS.items() if isinstance(record, m))
    return {f: getattr(record, f) for f in HEADERS[kind]}


# what an import matches a record by, said in the refusals of a second record with it
CLASH = {
    "milestones": N_("key: %(alliance)s already has a record with it"),
    "budget": N_("period and line: %(alliance)s already has a record with it"),
    "delivery": N_("period: %(alliance)s already has a record with it"),
}
SAME_AS_LINE = {
    "milestones": N_("the same key as line %(line)s"),
    "budget": N_("the same period and line as line %(line)s"),
    "delivery": N_("the same period as line %(line)s"),
}


def check_kind(kind: str) -> None:
    if kind not in FACT_KINDS:
        raise InvalidInput(f"--kind: one of {', '.join(FACT_KINDS)} (got {kind!r})")


def of_alliance(alliance: Alliance) -> dict[str, list]:
    """The alliance's records per kind, in date order (for its facts page)."""
    model_order = {
        "milestones": (Milestone.planned_on, Milestone.key),
        "budget": (BudgetLine.period_end, BudgetLine.line),
        "delivery": (DeliveryKpi.period_end,),
    }
    return {
        kind: list(
            db.session.scalars(
                select(model).where(model.alliance_id == alliance.id).order_by(*model_order[kind], model.id)
            )
        )
        for kind, model in MODELS.items()
    }


def fact_for(alliance: Alliance, kind: str, fact_id: int):
    """One record of the alliance (NotFound for another alliance's)."""
    if kind not in MODELS:
        raise NotFound()
    record = db.session.get(MODELS[kind], fact_id)
    if record is None or record.alliance_id != alliance.id:
        raise NotFound()
    return record


def save(alliance: Alliance, kind: str, rec: dict, actor, fact_id: int | None = None):
    """Add (``fact_id`` None) or change one record from form strings; InvalidInput names each field."""
    check_kind(kind)
    record = fact_for(alliance, kind, fact_id) if fact_id is not None else None
    values, problems = PARSERS[kind](rec)
    if not problems:
        ident = identity(kind, values)
        clash = next(
            (
                r
                for r in existing_records(alliance, kind)
                if identity(kind, values_of(r)) == ident and r is not record
            ),
            None,
        )
        if clash is not None:
            problems.append(problem(CLASH[kind], alliance=alliance.name))
        if kind == "budget":
            replacing = {identity(kind, values_of(record))} if record is not None else set()
            if found := currency_problem(alliance, values["currency"], replacing):
                problems.append(found)
    if problems:
        raise InvalidInput(problems)
    if record is None:
        record = MODELS[kind](alliance_id=alliance.id, **values)
        db.session.add(record)
    else:
        for field, value in values.items():
            setattr(record, field, value)
    db.session.flush()
    audit.record(f"facts.{kind}.save", actor, alliance, fact_id=record.id, new=fact_id is None)
    summaries.refresh_alliance(alliance)
    return record


def delete(alliance: Alliance, kind: str, fact_id: int, actor) -> None:
    record = fact_for(alliance, kind, fact_id)
    db.session.delete(record)
    db.session.flush()
    audit.record(f"facts.{kind}.delete", actor, alliance, fact_id=fact_id)
    summaries.refresh_alliance(alliance)


def _plain(row: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def summary_for_alliance(alliance: Alliance, today: date | None = None) -> dict:
    """The alliance's facts for a briefing or review, as plain dicts (dates as ISO strings):
    ``latest`` — the §3.17 figures of the last year (after today − 365 days, up to today),
    ``latest_round`` — {kind: the dimension ``facts`` block} of its latest closed round's report
    (None without facts there),
    ``milestones`` / ``budget`` / ``delivery`` — the records dated in the last year (a milestone
    by its planned date, the others by their period end), ``supplier``."""
    today = today or date.today()
    after = today - timedelta(days=365)
    found = facts_data.of_alliance(alliance)
    latest = facts_analysis.period_figures(found, after, today)
    report = _latest_closed_report(alliance)
    return {
        "supplier": found["supplier"],
        "period": {"after": after.isoformat(), "until": today.isoformat()},
        "latest": {facts_analysis.FIGURE[k]: (latest[k] or {}).get(facts_analysis.FIGURE[k]) for k in latest}
        | {"blocks": latest},
        "latest_round": {
            d["facts"]["kind"]: d["facts"] for d in (report or {}).get("dimensions", []) if d.get("facts")
        }
        or None,
        "milestones": [
            _plain(m) for m in found["milestones"] if facts_analysis.in_period(m["planned_on"], after, today)
        ],
        "budget": [
            _plain(b) for b in found["budget"] if facts_analysis.in_period(b["period_end"], after, today)
        ],
        "delivery": [
            _plain(d) for d in found["delivery"] if facts_analysis.in_period(d["period_end"], after, today)
        ],
    }


def _latest_closed_report(alliance: Alliance) -> dict | None:
    return db.session.scalar(
        select(RoundSummary.report)
        .join(Round, Round.id == RoundSummary.round_id)
        .where(Round.alliance_id == alliance.id, Round.status == "closed")
        .order_by(Round.closes_on.desc(), Round.id.desc())
        .limit(1)
    )


def portfolio_figures(alliance_ids: list[int]) -> dict[int, dict | None]:
    """{alliance id: the §3.17 figures of its latest closed round's period, or None} — the
    portfolio's facts column (the same period and figures as that round's report). Three
    queries for the page: the last two closed rounds per alliance, the types, then facts."""
    if not alliance_ids:
        return {}
    newest = func.row_number().over(
        partition_by=Round.alliance_id, order_by=(Round.closes_on.desc(), Round.id.desc())
    )
    ranked = (
        select(Round.alliance_id, Round.closes_on, newest.label("recent"))
        .where(Round.alliance_id.in_(alliance_ids), Round.status == "closed")
        .subquery()
    )
    closes: dict[int, list[date]] = {}
    for alliance_id, closes_on, _ in db.session.execute(select(ranked).where(ranked.c.recent <= 2)):
        closes.setdefault(alliance_id, []).append(closes_on)
    stmt = select(Alliance.id, Alliance.alliance_type).where(Alliance.id.in_(alliance_ids))
    types = dict(db.session.execute(stmt).all())
    found = facts_data.for_alliances({a: types.get(a) for a in alliance_ids if a in closes})
    out: dict[int, dict | None] = {a: None for a in alliance_ids}
    for alliance_id, dates in closes.items():
        dates.sort()
        blocks = facts_analysis.period_figures(
            found[alliance_id], dates[0] if len(dates) > 1 else None, dates[-1]
        )
        if any(blocks.values()):
            values = {k: (b or {}).get(facts_analysis.FIGURE[k]) for k, b in blocks.items()}
            good = {k: v is not None and facts_analysis.fact_is_good(k, v) for k, v in values.items()}
            out[alliance_id] = values | {"good": good}
    return out
