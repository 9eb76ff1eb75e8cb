"""Webhooks: who may manage which, their signing secrets, and the events queued for them.

A webhook receives the events of one alliance, or of every alliance (portfolio-wide, admins
only). Admins manage every webhook; a manager manages the webhooks of the alliances they own
(``access.can_edit``); anyone else is told "not found".

``emit(event, subject)`` queues one delivery per matching webhook in the deciding
transaction, once per ``dedupe_key`` (event + object + webhook), exactly like the email
outbox; ``webhook_delivery`` sends them with retries.

The k rule: a payload carries ids, labels, dates, statuses and a link, and of the figures
only the alliance's health index and RAG, which the report already leaves null when a side
has fewer than k answers. No side figure, count, comment or warning sentence leaves.

The signing secret must be readable to sign each delivery, so it cannot be hashed: it is
stored encrypted (Fernet, key derived from SECRET_KEY with HKDF) and shown once, at creation.
"""

from __future__ import annotations

import base64
import secrets
from datetime import date, datetime
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from healthcheck.config import public_base_url
from healthcheck.extensions import db
from healthcheck.models import (
    WEBHOOK_EVENTS,
    WEBHOOK_FORMATS,
    Action,
    Alliance,
    Round,
    RoundSummary,
    Webhook,
    WebhookDelivery,
)
from healthcheck.models.alliance import alliance_owners
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import access, audit
from healthcheck.services.errors import InvalidInput, NotFound
from healthcheck.services.text import single_line_problem

TEST_EVENT = "test"
EVENT_WORDS = {
    "round.opened": "a round opens",
    "round.closed": "a round closes",
    "round.published": "a round's report is published",
    "warning.raised": "an early warning is raised at close",
    "action.overdue": "an action becomes overdue",
}


# -- secrets ------------------------------------------------------------------------------
def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"healthcheck webhook secrets").derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def signing_secret(hook: Webhook) -> str:
    """The webhook's secret in the clear, to sign a delivery."""
    try:
        return _fernet().decrypt(hook.secret_encrypted.encode()).decode()
    except InvalidToken as exc:  # SECRET_KEY changed since: the hook needs a new secret
        raise RuntimeError("the signing secret cannot be decrypted (SECRET_KEY changed?)") from exc


# -- access -------------------------------------------------------------------------------
def can_manage(user, hook: Webhook) -> bool:
    if user.role == "admin":
        return True
    return hook.alliance is not None and access.can_edit(user, hook.alliance)


def hook_for(user, hook_id: int) -> Webhook:
    """The webhook if the user may manage it, else NotFound (its existence stays unknown)."""
    hook = db.session.get(Webhook, hook_id)
    if hook is None or not can_manage(user, hook):
        raise NotFound()
    return hook


def manageable(user) -> list[Webhook]:
    """The webhooks the user manages: all for an admin, their alliances' for a manager."""
    stmt = select(Webhook).order_by(Webhook.name, Webhook.id)
    if user.role != "admin":
        owned = exists().where(
            alliance_owners.c.alliance_id == Webhook.alliance_id, alliance_owners.c.user_id == user.id
        )
        stmt = (
            stmt.where(Webhook.alliance_id.is_not(None), owned)
            if user.role == "manager"
            else stmt.where(False)
        )
    return list(db.session.scalars(stmt))


def alliances_to_choose(user) -> list[Alliance]:
    """The alliances the user may attach a webhook to."""
    if user.role not in ("admin", "manager"):
        return []
    return [
        a
        for a in db.session.scalars(access.visible_alliances(user).order_by(Alliance.name))
        if access.can_edit(user, a)
    ]


# -- create, change, delete -----------------------------------------------------------------
def url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks (syntax only; addresses are checked at delivery)."""
    if not url:
        return problem(N_("url: required, e.g. https://hooks.slack.com/services/…"))
    if len(url) > 500:
        return problem(N_("url: at most %(n)s characters"), n=500)
    try:
        parts = urlsplit(url)
    except ValueError:
        return problem(N_("url: not a valid URL"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return problem(N_("url: an http:// or https:// address with a host name"))
    if parts.username or parts.password:
        return problem(N_("url: no user name or password in the address (use the signing secret)"))
    if any(ch.isspace() for ch in url):
        return problem(N_("url: no spaces"))
    return None


def create(user, name: str, url: str, fmt: str, alliance_id: int | None, events=None) -> tuple[Webhook, str]:
    """A new webhook and its signing secret (returned once, stored encrypted). All or nothing."""
    name, url = (name or "").strip(), (url or "").strip()
    events = list(WEBHOOK_EVENTS) if events is None else list(events)
    problems = [] if events else [problem(N_("events: tick at least one event"))]
    if not name or len(name) > 100:
        problems.append(problem(N_("name: required, at most %(n)s characters"), n=100))
    elif found := single_line_problem("name", name):
        problems.append(found)
    if found := url_problem(url):
        problems.append(found)
    if fmt not in WEBHOOK_FORMATS:
        problems.append(
            problem(N_("format: one of %(choices)s (got %(got)r)"), choices=list(WEBHOOK_FORMATS), got=fmt)
        )
    if unknown := [e for e in events if e not in WEBHOOK_EVENTS]:
        problems.append(
            problem(
                N_("events: one of %(choices)s (got %(got)s)"),
                choices=list(WEBHOOK_EVENTS),
                got=[repr(e) for e in unknown],
            )
        )
    alliance = None
    if alliance_id is None:
        if user.role != "admin":
            problems.append(
                problem(
                    N_(
                        "alliance: only an admin can add a portfolio-wide webhook;"
                        " choose one of your alliances"
                    )
                )
            )
    else:
        alliance = db.session.get(Alliance, alliance_id)
        if alliance is None or not access.can_edit(user, alliance):
            problems.append(problem(N_("alliance: choose one of the alliances you own")))
    if problems:
        raise InvalidInput(problems)
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(
        alliance_id=alliance.id if alliance else None,
        name=name,
        url=url,
        format=fmt,
        events=events,
        secret_encrypted=_fernet().encrypt(secret.encode()).decode(),
        created_by_id=user.id,
    )
    db.session.add(hook)
    db.session.flush()
    audit.record("webhook.create", user, hook, url=url, format=fmt, alliance_id=hook.alliance_id)
    return hook, secret


def new_secret(user, hook: Webhook) -> str:
    """Replace the signing secret (the old one stops working at once); returned once."""
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook.secret_encrypted = _fernet().encrypt(secret.encode()).decode()
    audit.record("webhook.secret", user, hook)
    db.session.flush()
    return secret


def delete(user, hook: Webhook) -> None:
    audit.record("webhook.delete", user, hook, url=hook.url)
    db.session.delete(hook)
    db.session.flush()


def deliveries(hook: Webhook, limit: int = 50) -> list[WebhookDelivery]:
    """The latest deliveries of a webhook, newest first, with their attempts."""
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


# -- events -------------------------------------------------------------------------------
def _hooks_for(event: str, alliance_id: int) -> list[Webhook]:
    hooks = db.session.scalars(
        select(Webhook)
        .where(
            Webhook.active.is_(True), or_(Webhook.alliance_id.is_(None), Webhook.alliance_id == alliance_id)
        )
        .order_by(Webhook.id)
    )
    return [h for h in hooks if event in (h.events or ())]


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date | datetime) else None


def _link(path: str) -> str:
    return public_base_url(current_app.config) + path


def _alliance(alliance: Alliance) -> dict:
    return {"id": alliance.id, "name": alliance.name}


def _round(rnd: Round) -> dict:
    return {
        "id": rnd.id,
        "label": rnd.label,
        "status": rnd.status,
        "opens_on": _iso(rnd.opens_on),
        "closes_on": _iso(rnd.closes_on),
    }


def _headline(rnd: Round) -> dict:
    """Health index and RAG as the report publishes them (null when a side is under k)."""
    summary = db.session.get(RoundSummary, rnd.id)
    if summary is None or rnd.status in ("draft", "open"):  # an open round's figures are never published
        return {"health_index": None, "rag": None}
    return {"health_index": summary.health_index, "rag": summary.rag}


def payload(event: str, subject, now: datetime, **extra) -> tuple[int, str, dict]:
    """(alliance id, object key, plain JSON payload) of an event about a round or an action."""
    data = {"event": event, "occurred_at": now.replace(microsecond=0).isoformat() + "Z"}
    if isinstance(subject, Action):
        data |= {
            "alliance": _alliance(subject.alliance),
            "action": {
                "id": subject.id,
                "title": subject.title,
                "dimension": subject.dimension,
                "due_on": _iso(subject.due_on),
                "status": subject.status,
            },
            "link": _link(f"/alliances/{subject.alliance_id}"),
        }
        return subject.alliance_id, f"action:{subject.id}", data
    rnd: Round = subject
    data |= {"alliance": _alliance(rnd.alliance), "round": _round(rnd)}
    key = f"round:{rnd.id}"
    if event == "warning.raised":
        warning = extra["warning"]
        data["warning"] = {k: warning.get(k) for k in ("code", "side", "dimension")}
        key += ":" + ":".join(str(warning.get(k) or "-") for k in ("code", "side", "dimension"))
    elif event in ("round.closed", "round.published"):
        data |= _headline(rnd)
    data["link"] = _link(f"/alliances/{rnd.alliance_id}/rounds/{rnd.id}")
    return rnd.alliance_id, key, data


def _enqueue(hook: Webhook, event: str, key: str, data: dict, now: datetime) -> bool:
    dedupe_key = f"{event}:{key}:hook{hook.id}"[:160]
    if db.session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.dedupe_key == dedupe_key)):
        return False
    delivery = WebhookDelivery(
        webhook_id=hook.id,
        dedupe_key=dedupe_key,
        event=event,
        payload=data,
        next_attempt_at=now,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(delivery)
    except IntegrityError:
        return False  # a concurrent transaction queued it first
    return True


def emit(event: str, subject, now: datetime | None = None, **extra) -> int:
    """Queue ``event`` about a round or an action for every webhook that wants it, once per
    webhook (deciding twice queues once). Returns how many deliveries were newly queued.

    ``emit("round.published", rnd)`` is what publishing a round's report calls."""
    if event not in WEBHOOK_EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    now = now or utcnow()
    alliance_id, key, data = payload(event, subject, now, **extra)
    return sum(_enqueue(hook, event, key, data, now) for hook in _hooks_for(event, alliance_id))


def round_closed(rnd: Round, summary: RoundSummary, now: datetime | None = None) -> int:
    """``round.closed`` and one ``warning.raised`` per early warning of the closed round."""
    queued = emit("round.closed", rnd, now)
    for warning in summary.warnings or []:
        queued += emit("warning.raised", rnd, now, warning=warning)
    return queued


def overdue_actions(now: datetime) -> int:
    """``action.overdue`` once per overdue action (the daily job; later days find it queued)."""
    if not db.session.scalar(select(Webhook.id).where(Webhook.active.is_(True)).limit(1)):
        return 0
    today = now.date()
    actions = db.session.scalars(
        select(Action)
        .where(Action.status.in_(("open", "in_progress")), Action.due_on < today)
        .order_by(Action.id)
    )
    return sum(emit("action.overdue", action, now) for action in actions)


def send_test(user, hook: Webhook, now: datetime | None = None) -> WebhookDelivery:
    """Queue a test event for one webhook (each press is a new delivery)."""
    now = now or utcnow()
    data = {
        "event": TEST_EVENT,
        "occurred_at": now.replace(microsecond=0).isoformat() + "Z",
        "webhook": {"id": hook.id, "name": hook.name},
        "alliance": _alliance(hook.alliance) if hook.alliance else None,
        "link": _link(f"/webhooks/{hook.id}"),
    }
    delivery = WebhookDelivery(
        webhook_id=hook.id,
        dedupe_key=f"test:hook{hook.id}:{secrets.token_hex(8)}",
        event=TEST_EVENT,
        payload=data,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(delivery)
    db.session.flush()
    audit.record("webhook.test", user, hook)
    return delivery
