"""The successor's briefing (issue 16 item 5): an alliance's story in an hour, HTML and PDF.

North Star, partners and contacts, segment and why (the service standard), the last three
closed rounds' headline and trend, open and recent actions with their effect, disputed
findings (when a review module exists), notes, decisions and milestones of the last year,
and facts (when the facts module exists).

Anonymity: figures come from the stored round summaries, where the k rule has already been
applied (a suppressed index is null and reads "not shown"); contacts are people we invited
or shared with, never linked to answers (no submission status per person).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from healthcheck import numbers
from healthcheck.exports import briefing as document
from healthcheck.exports import documents, sentences, wording
from healthcheck.exports.pdf import html_to_pdf
from healthcheck.extensions import db
from healthcheck.models import (
    Action,
    ActionCheckin,
    Alliance,
    Invitation,
    Note,
    OutgoingMail,
    Round,
    RoundSummary,
)
from healthcheck.models.alliance import CADENCE_MONTHS
from healthcheck.services import actions, facts, memory, resourcing, review_publication

HEADLINE_ROUNDS = 3
YEAR = timedelta(days=365)
MEMORY_KINDS = ("note", "meeting", "decision", "milestone", "handoff")
LIVE = ("open", "in_progress")


def _facts(alliance: Alliance) -> dict | None:
    """Facts beside perception (§3.17) of the last year; None when the alliance has none."""
    found = facts.summary_for_alliance(alliance)
    return found if found["milestones"] or found["budget"] or found["delivery"] else None


def _disputed(alliance: Alliance) -> list:
    """Findings disputed in the joint reviews of the last year; a dimension's finding under the
    round questionnaire's title in the briefing's language (where it declares it)."""
    found = review_publication.disputed_for_alliance(alliance)
    for d in found:
        finding = d.get("finding") or ""
        rnd = db.session.get(Round, d["round_id"]) if finding.startswith("dimension:") else None
        if rnd is not None:
            titles = wording.questionnaire_texts(rnd.questionnaire)["dimensions"]
            d["title"] = titles.get(finding.removeprefix("dimension:")) or d["title"]
    return found


def _segment(alliance: Alliance) -> dict:
    std = resourcing.standards()[alliance.segment]
    return {
        "segment": alliance.segment,
        "fte": std.fte,
        "cadence_months": alliance.effective_cadence_months,
        "segment_cadence": CADENCE_MONTHS[alliance.segment],
        "own_cadence": alliance.cadence_months is not None,
        "review": resourcing.review_of(alliance),
    }


def _rounds(alliance: Alliance) -> list[dict]:
    """The last three closed rounds, oldest first, with the change of the health index."""
    rows = list(
        db.session.execute(
            select(Round, RoundSummary)
            .outerjoin(RoundSummary, RoundSummary.round_id == Round.id)
            .where(Round.alliance_id == alliance.id, Round.status == "closed")
            .order_by(Round.closes_on.desc(), Round.id.desc())
            .limit(HEADLINE_ROUNDS + 1)
        )
    )[::-1]
    out, previous = [], None
    for rnd, summary in rows:
        report = summary.report if summary else {}
        said = sentences.for_report(report, rnd.questionnaire)  # in the briefing's language
        health = summary.health_index if summary else None
        # changes of the whole points shown, so the table adds up as it reads
        delta = None if health is None or previous is None else round(health) - round(previous)
        out.append(
            {
                "label": rnd.label,
                "closes_on": rnd.closes_on,
                "health_index": health,
                "alignment_index": summary.alignment_index if summary else None,
                "rag": summary.rag if summary else None,
                "delta": delta,
                "warnings": [
                    said.warning(w) or w.get("code", "") for w in (summary.warnings if summary else [])
                ],
                "talking_points": [said.point(t) for t in report.get("talking_points", [])],
                "k": rnd.k_anonymity,
            }
        )
        previous = health
    return out[-HEADLINE_ROUNDS:]


def _trend(rounds: list[dict]) -> str:
    """The trend sentence in the current language (the briefing's)."""
    shown = [r for r in rounds if r["health_index"] is not None]
    if len(shown) < 2:
        return _("Not enough closed rounds with a shown health index for a trend.")
    first, last = shown[0], shown[-1]
    change = round(last["health_index"]) - round(first["health_index"])
    values = {
        "first": numbers.num(first["health_index"], 0),
        "first_round": first["label"],
        "last": numbers.num(last["health_index"], 0),
        "last_round": last["label"],
        "change": numbers.signed(change, 0),
    }
    if change > 0:
        return _(
            "The health index rose from %(first)s (%(first_round)s) to %(last)s (%(last_round)s), "
            "%(change)s points.",
            **values,
        )
    if change < 0:
        return _(
            "The health index fell from %(first)s (%(first_round)s) to %(last)s (%(last_round)s), "
            "%(change)s points.",
            **values,
        )
    return _("The health index held from %(first)s (%(first_round)s) to %(last)s (%(last_round)s).", **values)


def _checkins(alliance: Alliance) -> dict[int, dict[str, int]]:
    """{action id: {side: score}} of the answered "did this help?" check-ins (by side, never
    by person)."""
    rows = db.session.execute(
        select(ActionCheckin.action_id, ActionCheckin.side, ActionCheckin.score)
        .join(Action, Action.id == ActionCheckin.action_id)
        .where(Action.alliance_id == alliance.id, ActionCheckin.score.is_not(None))
    )
    out: dict[int, dict[str, int]] = {}
    for action_id, side, score in rows:
        out.setdefault(action_id, {})[side] = score
    return out


def _dimension_titles(alliance: Alliance) -> dict[str, str]:
    """{dimension key: title} as the action tables name them, in the briefing's language where
    the rounds' questionnaires declare it (the latest round's title wins, as in English)."""
    titles = actions.dimension_titles(alliance)
    rounds = db.session.scalars(
        select(Round).where(Round.alliance_id == alliance.id).order_by(Round.opens_on, Round.id)
    )
    for rnd in rounds:
        titles.update(wording.questionnaire_texts(rnd.questionnaire)["dimensions"])
    return titles


def _actions(alliance: Alliance, today: date) -> dict:
    effects = {}  # an action's dimension in its round and in the next closed round
    for rnd in db.session.scalars(
        select(Round).where(Round.alliance_id == alliance.id, Round.status == "closed")
    ):
        effects.update({e["action"].id: e for e in actions.effects(rnd)})
    titles = _dimension_titles(alliance)
    since = today - YEAR
    checkins = _checkins(alliance)
    rows = []
    for action in actions.of_alliance(alliance):
        recent = action.completed_at is not None and action.completed_at.date() >= since
        if action.status not in LIVE and not recent:
            continue
        rows.append(
            {
                "title": action.title,
                "dimension": titles.get(action.dimension, action.dimension),
                "owner": action.owner,
                "due_on": action.due_on,
                "status": action.status.replace("_", " "),
                "overdue": action.is_overdue(today),
                "visibility": action.visibility,
                "checkins": checkins.get(action.id, {}),
                "effect": effects.get(action.id),
            }
        )
    return {
        "open": [r for r in rows if r["status"] in ("open", "in progress")],
        "recent": [r for r in rows if r["status"] not in ("open", "in progress")],
    }


def _contacts(alliance: Alliance) -> dict:
    """People to know: our owners and members, side B's invitees of the last round that had
    invitations, and whom the reports were shared with. Never who answered what."""
    last_round_id = db.session.scalar(
        select(Invitation.round_id)
        .join(Round, Round.id == Invitation.round_id)
        .where(Round.alliance_id == alliance.id, Invitation.side == "B")
        .order_by(Round.opens_on.desc(), Round.id.desc())
        .limit(1)
    )
    partner = []
    if last_round_id is not None:
        rows = db.session.execute(
            select(Invitation.name, Invitation.email, Invitation.function)
            .where(
                Invitation.round_id == last_round_id, Invitation.side == "B", Invitation.status != "revoked"
            )
            .order_by(Invitation.name, Invitation.email)
        )
        partner = [{"name": n, "email": e, "function": f} for n, e, f in rows]
    round_ids = [r for (r,) in db.session.execute(select(Round.id).where(Round.alliance_id == alliance.id))]
    shared = set()
    for to, context in db.session.execute(
        select(OutgoingMail.to, OutgoingMail.context).where(OutgoingMail.kind == "report_shared")
    ):
        if (context or {}).get("round_id") in round_ids:
            shared.add(to)
    return {
        "owners": [{"name": u.display_name, "email": u.email, "active": u.active} for u in alliance.owners],
        "members": [{"name": u.display_name, "email": u.email} for u in alliance.members],
        "partner": partner,
        "shared_with": sorted(shared),
    }


def _memory(alliance: Alliance, today: date) -> list[Note]:
    since = today - YEAR
    notes = [n for n in memory.notes_of(alliance) if n.happened_on >= since and n.kind in MEMORY_KINDS]
    return sorted(notes, key=lambda n: (n.happened_on, n.id), reverse=True)


def gather(alliance: Alliance, today: date | None = None, contacts: bool = True) -> dict:
    """Everything the briefing shows, as plain data (``contacts=False`` leaves out the people:
    for readers who may see the alliance but not change it)."""
    today = today or date.today()
    rounds = _rounds(alliance)
    return {
        "alliance": alliance,
        "today": today,
        "segment": _segment(alliance),
        "rounds": rounds,
        "trend": _trend(rounds),
        "actions": _actions(alliance, today),
        "contacts": _contacts(alliance) if contacts else None,
        "memory": _memory(alliance, today),
        "disputed": _disputed(alliance),
        "facts": _facts(alliance),
    }


def render_html(alliance: Alliance, today: date | None = None, language: str | None = None) -> str:
    """The briefing as one self-contained HTML document (what the PDF is made of), in
    ``language`` (None: the current locale's — the staff page's, or the email reader's)."""
    with documents.in_language(language):
        return document.standalone(gather(alliance, today))


def pdf(context: dict) -> bytes:
    """The PDF of a gathered briefing (``gather``), in the language it was gathered in."""
    return html_to_pdf(document.standalone(context))


def render_pdf(alliance: Alliance, today: date | None = None, language: str | None = None) -> bytes:
    """The briefing as PDF bytes (attached to the handoff email), in ``language`` (None: the
    current locale's; the email delivery renders attachments in the reader's)."""
    with documents.in_language(language):
        return pdf(gather(alliance, today))


def attachment(ref: dict, language: str | None = None) -> tuple[str, str, bytes]:
    """(filename, MIME type, bytes) of ``{"kind": "briefing", "alliance_id": …}``, rendered when
    the email is delivered (``packs.render_attachment``, inside the reader's locale);
    ValueError for an unknown alliance."""
    alliance = (
        db.session.get(Alliance, ref.get("alliance_id")) if isinstance(ref.get("alliance_id"), int) else None
    )
    if alliance is None:
        raise ValueError(f"attachment: no alliance {ref.get('alliance_id')!r}")
    name = documents.filename(alliance.name, "briefing", "pdf")
    return name, "application/pdf", render_pdf(alliance, language=language)
