"""Objects the services return, as the API's JSON (schemas.py describes each)."""

from __future__ import annotations

from datetime import UTC

from flask import request, url_for


def alliance(a) -> dict:
    return {
        "id": a.id,
        "name": a.name,
        "segment": a.segment,
        "phase": a.phase,
        "alliance_type": a.alliance_type,
        "north_star": a.north_star,
        "k_anonymity": a.k_anonymity,
        "cadence_months": a.cadence_months,
        "sides": {"A": a.side_a.name, "B": a.side_b.name},
        "review_days": a.review_days,
        "side_a_language": a.side_a_language,
        "side_b_language": a.side_b_language,
    }


def round_(r) -> dict:
    report = (
        url_for("api.round_report", alliance_id=r.alliance_id, round_id=r.id)
        if r.status == "closed"
        else None
    )
    return {
        "id": r.id,
        "alliance_id": r.alliance_id,
        "label": r.label,
        "status": r.status,
        "questionnaire": r.questionnaire.ref,
        "opens_on": r.opens_on,
        "closes_on": r.closes_on,
        "k_anonymity": r.k,
        "report": report,
    }


def portfolio_line(line, latest) -> dict:
    return {
        "alliance_id": line.key,
        "name": line.name,
        "segment": line.segment,
        "phase": line.phase,
        "latest_round": latest.label if latest else None,
        "health_index": line.health_index,
        "alignment_index": line.alignment_index,
        "rag": line.rag,
        "delta": line.delta,
        "next_due": line.next_due,
        "overdue": bool(line.overdue),
        "open_round": line.open_round["label"] if line.open_round else None,
        "warnings": [
            {k: v for k, v in w.items() if isinstance(v, str | int | float | None)} for w in line.warnings
        ],
    }


def action(a) -> dict:
    return {
        "id": a.id,
        "alliance_id": a.alliance_id,
        "round_id": a.round_id,
        "title": a.title,
        "owner": a.owner,
        "due_on": a.due_on,
        "dimension": a.dimension,
        "description": a.description,
        "visibility": a.visibility,
        "status": a.status,
    }


def note(n) -> dict:
    return {
        "id": n.id,
        "alliance_id": n.alliance_id,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "happened_on": n.happened_on,
    }


def event(e) -> dict:
    """Times are stored in UTC without a zone; the API says so (RFC 3339 needs an offset)."""
    when = e.when if e.when.tzinfo else e.when.replace(tzinfo=UTC)
    return {"when": when, "kind": e.kind, "title": e.title, "detail": e.detail or ""}


def issued(item) -> dict:
    inv = item.invitation
    link = None
    if item.token:
        link = request.host_url.rstrip("/") + url_for("respond.welcome", token=item.token)
    return {
        "id": inv.id,
        "name": inv.name,
        "email": inv.email,
        "side": inv.side,
        "function": inv.function,
        "link": link,
    }


def fact(kind: str, record, values: dict) -> dict:
    return {"id": record.id, "kind": kind, "values": values}
