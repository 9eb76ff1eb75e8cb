"""Deliver queued messages with retries: the scheduler's half of notifications.

Delivery claims each message with a guarded UPDATE (a lease, ``services.outbox``, shared
with the webhook deliveries), so two schedulers never send the same message. Respondent and
partner links are created at delivery, in the same transaction that marks the message sent:
no usable token is ever stored. An invitation has one valid link at a time: an invitation
email issues a new one (the older stops working), a reminder carries the current one again
(rebuilt from its nonce, see ``link_token``).

A message that cannot be built from its own content (a header with a line break, a template
error) fails at once and for good; the others are still delivered.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy.exc import SQLAlchemyError

from healthcheck import languages as codes
from healthcheck.config import public_base_url
from healthcheck.extensions import db
from healthcheck.mail import Message, backend_for, build
from healthcheck.models import Alliance, Invitation, OutgoingMail, Round
from healthcheck.models.base import utcnow
from healthcheck.services import (
    action_followup,
    outbox,
    packs,
    reader_language,
    review_links,
    sharing,
    summaries,
    users,
)
from healthcheck.services.notifications import SUBJECTS

log = logging.getLogger(__name__)
RESPONDENT_KINDS = ("invitation", "reminder", "link_replaced", "round_extended")


def _base_url() -> str:
    return public_base_url(current_app.config)


def _still_wanted(mail: OutgoingMail, inv: Invitation | None) -> bool:
    if inv is None or inv.status in ("submitted", "revoked") or inv.round.status == "closed":
        return False  # nothing to ask any more
    if mail.kind == "link_replaced":
        return True
    if mail.kind == "invitation" and inv.link_via != "email":
        return False  # the manager took the link over since: this email would kill theirs
    return inv.round.status == "open"


def _respondent_link(kind: str, inv: Invitation) -> tuple[str | None, bool]:
    """The link a respondent message carries and whether it replaces a valid one."""
    if kind == "link_replaced":
        return None, False
    if kind == "round_extended":
        return inv.current_token(), False  # the link they have, never a new one
    token = inv.current_token() if kind == "reminder" else None
    if token is not None:
        return token, False
    replaced = inv.has_live_link()
    return inv.issue_link(), replaced


def _respondent_context(mail: OutgoingMail) -> dict | None:
    inv = db.session.get(Invitation, mail.invitation_id)
    if not _still_wanted(mail, inv):
        return None
    token, replaced = _respondent_link(mail.kind, inv)
    alliance = inv.round.alliance
    return {
        "inv": inv,
        "rnd": inv.round,
        "alliance": alliance,
        "link": f"{_base_url()}/r/{token}" if token else None,
        "replaced": replaced,
        "by": mail.context.get("by", "the alliance manager"),
        "was": mail.context.get("was"),
        "side": alliance.side(inv.side).name,
    }


def _shared_context(mail: OutgoingMail) -> dict | None:
    rnd = db.session.get(Round, mail.context["round_id"])
    if rnd is None or rnd.status != "closed":
        return None
    link, token = sharing.create(
        rnd, None, days=mail.context.get("days", 30), created_by_id=mail.context.get("actor_id")
    )
    return {
        "rnd": rnd,
        "alliance": rnd.alliance,
        "link": f"{_base_url()}/shared/{token}",
        "expires": link.expires_at,
    }


def render(mail: OutgoingMail) -> Message | None:
    """The message to send, or None when it should not be sent any more."""
    if mail.kind in RESPONDENT_KINDS:
        context = _respondent_context(mail)
    elif mail.kind == "report_shared":
        context = _shared_context(mail)
    elif mail.kind in action_followup.KINDS:
        context = action_followup.mail_context(mail, _base_url())
    elif mail.kind == "review_invited":  # the reviewer's personal link, made now (issue 15)
        context = review_links.invitation_context(mail, _base_url())
    else:
        context = dict(mail.context)
        if "round_id" in context:
            rnd = db.session.get(Round, context["round_id"])
            context.update(rnd=rnd, alliance=rnd.alliance if rnd else None)
            if mail.kind == "round_closed" and rnd is not None:
                context.update(_report_of(rnd.id))
        if mail.kind == "digest":
            context["items"] = [
                {**item, **_report_of(item.get("round_id"))} for item in context.get("items", [])
            ]
        if "alliance_id" in context:  # e.g. the handoff email (its briefing)
            context["alliance"] = db.session.get(Alliance, context["alliance_id"])
            if context["alliance"] is None:
                return None
        context["base_url"] = _base_url()
    if context is None:
        return None
    with force_locale(_language(mail, context)):  # issue 17: the reader's language
        fields = {
            "alliance": getattr(context.get("alliance"), "name", ""),
            "deadline": getattr(context.get("rnd"), "closes_on", ""),
            "round": getattr(context.get("rnd"), "label", ""),
            "opens_on": getattr(context.get("rnd"), "opens_on", ""),
            "side_a": getattr(getattr(context.get("alliance"), "side_a", None), "name", ""),
            "warnings": context.get("warning_count", 0),
            "overdue": context.get("overdue_count", 0),
            "outcome": _closed_outcome(context),
        }
        subject = gettext(SUBJECTS[mail.kind]).format(**fields)
        return Message(
            mail.to,
            subject,
            render_template(f"mail/{mail.kind}.txt", **context),
            render_template(f"mail/{mail.kind}.html", **context),
            [packs.render_attachment(ref) for ref in mail.attachments or []],  # rendered now, by reference
        )


def _report_of(round_id: int | None) -> dict:
    """A round's published report and questionnaire, from which a message's template says its
    warnings and hidden-figure reasons in the reader's language (exports.sentences)."""
    rnd = db.session.get(Round, round_id) if round_id else None
    if rnd is None or rnd.status != "closed":
        return {"report": None, "questionnaire": None}
    return {"report": summaries.stored(rnd), "questionnaire": rnd.questionnaire}


def _language(mail: OutgoingMail, context: dict) -> str:
    """The language of the message's reader (issue 17 item 4): a respondent's message speaks
    their invitation's language; a staff user's (an alliance owner, the digest, a handoff) their
    own preference; a partner reviewer's the partner side's; an action owner's their side's
    unless they are a staff user with a preference; else the default language."""
    kind = mail.kind
    if kind in RESPONDENT_KINDS:
        return context["inv"].language or codes.DEFAULT
    alliance = context.get("alliance")
    if kind in ("report_shared", "review_invited"):  # read by the partner side (side B)
        return alliance.side_language("B") if alliance is not None else codes.DEFAULT
    if kind in action_followup.KINDS:
        return reader_language.of_side_person(mail.to, alliance, context.get("side", "A"))
    preferred = reader_language.of_user_email(mail.to)
    if preferred:
        return preferred
    if kind == "review_published" and alliance is not None and users.by_email(mail.to or "") is None:
        return alliance.side_language("B")  # a partner reviewer (the owners are users)
    return current_app.config.get("BABEL_DEFAULT_LOCALE", codes.DEFAULT)


def _closed_outcome(context: dict) -> str:
    """The end of a "round closed" subject: whether the owners will find figures hidden."""
    if context.get("hidden"):
        return gettext("some figures are hidden (fewer than k = {k} answered)").format(k=context.get("k", 3))
    return gettext("the report is ready")


def deliver_due(now: datetime | None = None, limit: int = 100) -> dict:
    """Send due messages one by one; each in its own transaction. Returns counts."""
    now = now or utcnow()
    backend = backend_for(current_app.config, current_app.instance_path)
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    due = outbox.due_ids(OutgoingMail, now, limit)
    for mail_id in due:
        if not outbox.claim(OutgoingMail, mail_id, now):
            continue
        counts[_deliver_one(mail_id, backend, now)] += 1
    return counts


class BadContent(Exception):
    """The message cannot be built from its own content: retrying cannot help."""


def _prepared(mail: OutgoingMail) -> Message | None:
    try:
        message = render(mail)
        if message is not None:
            build(message, current_app.config["MAIL_SENDER"])  # refuses e.g. a header with CR/LF
    except SQLAlchemyError:
        raise
    except Exception as exc:  # noqa: BLE001 - anything else here comes from the message itself
        raise BadContent(f"{type(exc).__name__}: {exc}") from exc
    return message


def _deliver_one(mail_id: int, backend, now: datetime) -> str:
    mail = db.session.get(OutgoingMail, mail_id)
    try:
        message = _prepared(mail)
        if message is None:
            outcome = mail.status = "cancelled"
        else:
            backend.send(message)
            mail.sent_at, mail.attempts = now, mail.attempts + 1
            outcome = mail.status = "sent"
        db.session.commit()
        return outcome
    except BadContent as exc:
        db.session.rollback()
        return _record_failure(mail_id, now, exc, permanent=True)
    except Exception as exc:  # noqa: BLE001 - any sending failure is recorded and retried
        db.session.rollback()
        return _record_failure(mail_id, now, exc)


def _record_failure(mail_id: int, now: datetime, exc: Exception, permanent: bool = False) -> str:
    mail = db.session.get(OutgoingMail, mail_id)
    mail.attempts += 1
    mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if permanent or mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = "failed"
    else:
        mail.status = "queued"
        mail.next_attempt_at = now + timedelta(minutes=2**mail.attempts)  # 2, 4, 8, 16 … minutes
    db.session.commit()
    log.warning("mail %s to %s failed (attempt %s): %s", mail.kind, mail.to, mail.attempts, mail.last_error)
    return "failed" if mail.status == "failed" else "retry"
