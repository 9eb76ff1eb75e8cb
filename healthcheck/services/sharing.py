"""Joint reports for the partner: expiring, revocable, read-only links (no account)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Round, ShareLink, hash_token
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import audit, notifications
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import EMAIL_RE


def create(rnd: Round, actor, days: int = 30, created_by_id: int | None = None) -> tuple[ShareLink, str]:
    if rnd.status != "closed":
        raise InvalidInput(problem(N_("only a closed round's report can be shared")))
    if not 1 <= days <= 365:
        raise InvalidInput(problem(N_("expiry: between 1 and %(n)s days"), n=365))
    token = secrets.token_urlsafe(24)
    link = ShareLink(
        round_id=rnd.id,
        token_hash=hash_token(token),
        created_by_id=getattr(actor, "id", created_by_id),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record("share.create", actor, rnd, share_id=link.id, days=days)
    return link, token


def share(rnd: Round, actor, days: int, recipients: list[str]) -> tuple[str, int]:
    """A new partner link (its token, shown once) and a personal link emailed to each of
    ``recipients`` (how many were queued); InvalidInput, and nothing of either, when one is wrong."""
    _link, token = create(rnd, actor, days=days)
    return token, email_partner(rnd, recipients, days, actor)


def revoke(link: ShareLink, actor, **details) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record("share.revoke", actor, link.round, share_id=link.id, **details)


def revoke_all_of(alliance_id: int, actor, **details) -> int:
    """Revoke every usable partner link of the alliance's rounds (e.g. at a handoff)."""
    now = utcnow()
    links = db.session.scalars(
        select(ShareLink)
        .join(Round, Round.id == ShareLink.round_id)
        .where(Round.alliance_id == alliance_id, ShareLink.revoked_at.is_(None), ShareLink.expires_at > now)
    )
    count = 0
    for link in links:
        revoke(link, actor, **details)
        count += 1
    return count


def of_round(rnd: Round) -> list[ShareLink]:
    return list(
        db.session.scalars(
            select(ShareLink).where(ShareLink.round_id == rnd.id).order_by(ShareLink.created_at.desc())
        )
    )


class ShareLinkProblem(Exception):
    """A partner link that opens nothing: ``status`` 404 (unknown) or 410 (withdrawn, expired)."""

    def __init__(self, status: int, reason: str, link: ShareLink | None = None):
        super().__init__(reason)
        self.status, self.reason, self.link = status, reason, link


def by_token(token: str) -> ShareLink:
    """The usable link behind ``token``; ShareLinkProblem for unknown, withdrawn or expired ones."""
    if not token or len(token) > 200:
        raise ShareLinkProblem(404, "unknown")
    link = db.session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    if link is None:
        raise ShareLinkProblem(404, "unknown")
    if link.revoked_at is not None:
        raise ShareLinkProblem(410, "withdrawn", link)
    if not link.usable(utcnow()):
        raise ShareLinkProblem(410, "expired", link)
    return link


def email_partner(rnd: Round, recipients: list[str], days: int, actor) -> int:
    """Queue a 'report shared' message per recipient; each gets its own link at delivery."""
    bad = [r for r in recipients if not EMAIL_RE.match(r)]
    if bad:
        raise InvalidInput(
            [problem(N_("recipients: %(email)r is not an email address"), email=r) for r in bad]
        )
    stamp = utcnow().isoformat()
    for email in recipients:
        notifications.enqueue(
            "report_shared",
            email.lower(),
            f"shared:{rnd.id}:{email.lower()}:{stamp}",
            round_id=rnd.id,
            days=days,
            actor_id=getattr(actor, "id", None),
        )
    if recipients:
        audit.record("share.email", actor, rnd, recipients=len(recipients))
    return len(recipients)
