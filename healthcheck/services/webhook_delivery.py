"""Deliver queued webhook events: signed HTTP POSTs with retries and recorded attempts.

Like the email outbox (``jobs.delivery``): each delivery is claimed with a guarded UPDATE (a
lease, the same ``services.outbox.claim``) before it is sent, so two runs of the job never
send one event twice; a failure (no answer, or a status other than 2xx) is recorded as an
attempt with its status code and retried after 2, 4, 8 … minutes, up to
``WEBHOOK_MAX_ATTEMPTS``. A receiver that answered 2xx but whose answer was lost (the
process died before the commit) gets the event again after the lease: receivers dedupe by
the ``X-Healthcheck-Delivery`` header.

Signature: ``X-Healthcheck-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`` with
the webhook's secret, ``X-Healthcheck-Timestamp: <unix seconds>``. A receiver recomputes it
and refuses a timestamp older than a few minutes (replay).

SSRF guard: only http(s); redirects are never followed (a 3xx is a failure); the host's
addresses are resolved at delivery and private, loopback, link-local, multicast and reserved
addresses are refused unless ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` is true.

Unlike other services this module commits (each claim, each outcome), as the mail delivery
job does: it is the job's body, and the "send test event" button runs it for one delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from flask import current_app

from healthcheck.extensions import db
from healthcheck.models import Webhook, WebhookAttempt, WebhookDelivery
from healthcheck.models.base import utcnow
from healthcheck.services import outbox, webhooks

log = logging.getLogger(__name__)
USER_AGENT = "AllianceHealthCheck-Webhook/1"
WARNING_WORDS = {
    "dimension_drop": "a side's score fell",
    "gap_widening": "the perception gap widened",
    "index_drop": "the health index fell",
    "low_response_rate": "low response rate",
    "internal_divergence": "a side disagrees with itself",
    "overdue": "the health check is overdue",
    "panel_imbalance": "the two panels differ",
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``"<timestamp>.<body>"``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


# -- formats ------------------------------------------------------------------------------
def _index_words(data: dict) -> str:
    if data.get("health_index") is None:
        return "Health index not shown (a side has fewer than k answers, or none yet)."
    return f"Health index {data['health_index']:.0f} ({data.get('rag') or '-'})."


def sentence(data: dict) -> tuple[str, str]:
    """(title, sentence) of an event, for chat formats: labels and statuses only."""
    alliance = (data.get("alliance") or {}).get("name", "")
    rnd = data.get("round") or {}
    label = rnd.get("label", "")
    event = data["event"]
    if event == "round.opened":
        return (
            f"{alliance}: health check open",
            f"Health check {label} of {alliance} is open until {rnd.get('closes_on')}.",
        )
    if event == "round.closed":
        return (
            f"{alliance}: health check closed",
            f"Health check {label} of {alliance} is closed. {_index_words(data)}",
        )
    if event == "round.published":
        return (
            f"{alliance}: report published",
            f"The report of health check {label} of {alliance} is published. {_index_words(data)}",
        )
    if event == "warning.raised":
        w = data.get("warning") or {}
        words = WARNING_WORDS.get(w.get("code"), w.get("code"))
        where = ", ".join(
            x for x in (f"side {w['side']}" if w.get("side") else "", w.get("dimension") or "") if x
        )
        return (
            f"{alliance}: early warning",
            f"Early warning on {alliance} ({label}): {words}{f' ({where})' if where else ''}.",
        )
    if event == "action.overdue":
        a = data.get("action") or {}
        return (
            f"{alliance}: action overdue",
            f"Action \u201c{a.get('title')}\u201d of {alliance} is overdue (due {a.get('due_on')}).",
        )
    name = (data.get("webhook") or {}).get("name", "")
    return "Test event", f"Test event from Alliance Health Check for webhook \u201c{name}\u201d."


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def body_of(delivery: WebhookDelivery, fmt: str) -> dict:
    """The JSON body in the webhook's format: plain, Slack or Microsoft Teams."""
    data = {**delivery.payload, "delivery_id": delivery.id}
    if fmt == "plain":
        return data
    title, text = sentence(data)
    link = data.get("link") or ""
    if fmt == "slack":
        return {
            "text": f"{title}: {text}",
            "blocks": [
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": f"*{_slack_escape(title)}*\n{_slack_escape(text)}"},
                },
                {
                    "type": "context",
                    "elements": [{"type": "mrkdwn", "text": f"<{link}|Open in Alliance Health Check>"}],
                },
            ],
        }
    return {  # Microsoft Teams incoming webhook (Workflows or connector): an Adaptive Card
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": title,
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": text, "wrap": True},
                    ],
                    "actions": [
                        {"type": "Action.OpenUrl", "title": "Open in Alliance Health Check", "url": link}
                    ],
                },
            }
        ],
    }


# -- the SSRF guard -----------------------------------------------------------------------
def address_problem(url: str, allow_private: bool) -> str | None:
    """Why the webhook's address may not be called now, or None."""
    found = webhooks.url_problem(url)
    if found:
        return found
    if allow_private:
        return None
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as exc:
        return f"cannot resolve {parts.hostname}: {exc}"
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if (
            ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_multicast
            or ip.is_reserved
            or ip.is_unspecified
        ):
            return (
                f"{parts.hostname} resolves to {ip}, a private or local address "
                "(WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off)"
            )
    return None


# -- delivery -----------------------------------------------------------------------------
def deliver_due(now: datetime | None = None, limit: int = 100) -> dict:
    """Send due deliveries one by one, each claimed and committed on its own. Returns counts."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    due = outbox.due_ids(WebhookDelivery, now, limit)
    for delivery_id in due:
        outcome = deliver_one(delivery_id, now)
        if outcome is not None:
            counts[outcome] += 1
    return counts


def deliver_one(delivery_id: int, now: datetime | None = None) -> str | None:
    """Claim and send one delivery; None when another run has it (or it is not due)."""
    now = now or utcnow()
    if not outbox.claim(WebhookDelivery, delivery_id, now):
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    hook = db.session.get(Webhook, delivery.webhook_id)
    if hook is None or not hook.active:
        delivery.status = "cancelled"
        db.session.commit()
        return "cancelled"
    status_code, error = _post(hook, delivery, now)
    return _record(delivery_id, now, status_code, error)


def _post(hook: Webhook, delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str | None]:
    config = current_app.config
    problem = address_problem(hook.url, bool(config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"]))
    if problem:
        return None, problem
    body = json.dumps(body_of(delivery, hook.format), separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))  # when it is sent, whatever the job's slot
    try:
        secret = webhooks.signing_secret(hook)
    except RuntimeError as exc:
        return None, str(exc)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Healthcheck-Event": delivery.event,
        "X-Healthcheck-Delivery": str(delivery.id),
        "X-Healthcheck-Timestamp": timestamp,
        "X-Healthcheck-Signature": sign(secret, timestamp, body),
    }
    try:
        response = requests.post(
            hook.url,
            data=body,
            headers=headers,
            timeout=config["WEBHOOK_TIMEOUT_SECONDS"],
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


def _record(delivery_id: int, now: datetime, status_code: int | None, error: str | None) -> str:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    db.session.add(WebhookAttempt(delivery_id=delivery.id, at=now, status_code=status_code, error=error))
    if error is None:
        delivery.status, delivery.delivered_at = "sent", now
    elif delivery.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status = "failed"
    else:
        delivery.status = "queued"
        delivery.next_attempt_at = now + timedelta(minutes=2**delivery.attempts)  # 2, 4, 8 … minutes
    db.session.commit()
    if error is not None:
        log.warning(
            "webhook %s delivery %s failed (attempt %s): %s",
            delivery.webhook_id,
            delivery.id,
            delivery.attempts,
            error,
        )
    return "sent" if error is None else ("failed" if delivery.status == "failed" else "retry")
