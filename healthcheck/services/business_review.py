"""The supplier business review (issue 16 item 3): a year of a supplier alliance in DMAIC order.

Define (scope, North Star), Measure (delivery KPIs, the health check), Analyse (gaps and
perception/fact mismatches), Improve (joint actions), Control (check-ins, next review). Figures
of the health check come from the latest closed round's report as published, so the k rule of
that report holds here too (a suppressed side shows "fewer than k", never a mean); only joint
actions appear — the review is shared with the supplier.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from healthcheck.analysis.dates import add_months
from healthcheck.exports import pdf, review
from healthcheck.extensions import db
from healthcheck.models import Action, ActionCheckin, Alliance
from healthcheck.services import actions, cadence, facts, reports, summaries
from healthcheck.services.errors import NotFound

GAP_LEVELS = ("gap", "watch")
FACT_CODES = ("perception_fact_mismatch", "perception_below_facts")


def _latest(alliance: Alliance):
    rounds = reports.closed_rounds(alliance)
    if not rounds:
        return None, None
    return rounds[-1], summaries.stored(rounds[-1])


def context(alliance: Alliance, today: date | None = None) -> dict:
    """Everything the review shows, section by section (NotFound unless a supplier alliance)."""
    if alliance.alliance_type != "supplier":
        raise NotFound()
    today = today or date.today()
    rnd, report = _latest(alliance)
    found = facts.summary_for_alliance(alliance, today)
    joint = actions.of_alliance(alliance, joint_only=True)
    warnings = (report or {}).get("warnings", [])
    schedule = cadence.for_alliance(alliance, today)
    return {
        "today": today,
        "define": {"north_star": alliance.north_star, "period": found["period"]},
        "measure": {
            "delivery": found["delivery"],
            "totals": found["latest"]["blocks"]["delivery"],
            "round": rnd,
            "report": report,
        },
        "analyse": {
            "gaps": [d for d in (report or {}).get("dimensions", []) if d.get("gap_level") in GAP_LEVELS],
            "mismatches": [w for w in warnings if w["code"] in FACT_CODES],
            "warnings": [w for w in warnings if w["code"] not in FACT_CODES],
        },
        "improve": {"actions": joint},
        "control": {
            "checkins": checkins(alliance),
            "next_review": add_months(today, 12),
            "next_check": schedule.next_due
            or (schedule.next_round.opens_on if schedule.next_round else None),
        },
    }


def checkins(alliance: Alliance) -> list[dict]:
    """Answered check-ins of the alliance's joint actions, attributed to the organisation (side),
    never the person: action, side's organisation, score, comment; oldest first."""
    rows = db.session.execute(
        select(Action.title, ActionCheckin.side, ActionCheckin.score, ActionCheckin.comment)
        .join(Action, Action.id == ActionCheckin.action_id)
        .where(Action.alliance_id == alliance.id, ActionCheckin.answered_at.is_not(None))
        .order_by(ActionCheckin.answered_at, ActionCheckin.id)
    ).all()
    return [
        {"action": title, "organisation": alliance.side(side).name, "score": score, "comment": comment}
        for title, side, score, comment in rows
    ]


def export(
    alliance: Alliance, fmt: str, today: date | None = None, language: str | None = None
) -> tuple[bytes, str, str]:
    """(body, mimetype, download name) of the review as a self-contained HTML file or a PDF, in
    ``language`` (None: the current locale's, the staff page's)."""
    html = review.business_review({"alliance": alliance, **context(alliance, today)}, language)
    name = review.filename(alliance.name, "business-review", (today or date.today()).isoformat(), fmt)
    if fmt == "pdf":
        return pdf.html_to_pdf(html), "application/pdf", name
    return html.encode("utf-8"), "text/html; charset=utf-8", name
