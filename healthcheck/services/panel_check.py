"""Panel check (issue 15 item 5): side B's contact sees side B's invitation list of a draft
round before it opens, through a personal expiring link the manager sends them (no account).

A safeguard against a padded panel: the partner can check that the people invited for their
organisation are theirs. The link shows side B's names, emails and functions only, never side
A's; it works while the round is a draft and until it expires (default 14 days) or is
withdrawn. The token is shown once to the manager; only its SHA-256 is stored. Creating,
withdrawing and every view are audited.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from healthcheck.analysis.panel import FUNCTIONS
from healthcheck.extensions import db
from healthcheck.models import Invitation, PanelCheckLink, Round, hash_token
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import audit
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import EMAIL_RE

MAX_DAYS = 60


class PanelCheckProblem(Exception):
    """A panel-check link that opens nothing: 404 (unknown) or 410 (withdrawn, expired, opened)."""

    def __init__(self, status: int, reason: str, link: PanelCheckLink | None = None):
        super().__init__(reason)
        self.status, self.reason, self.link = status, reason, link


def create(
    rnd: Round, actor, contact_name: str, contact_email: str, days: int = 14
) -> tuple[PanelCheckLink, str]:
    """A new link for side B's contact (its token, shown once); InvalidInput, nothing written."""
    name, email = (contact_name or "").strip(), (contact_email or "").strip().lower()
    problems = []
    if rnd.status != "draft":
        problems.append(
            problem(
                N_("round: %(label)r is %(status)s; a panel check is for a round not yet open"),
                label=rnd.label,
                status=problem(rnd.status),
            )
        )
    if not name or len(name) > 200:
        problems.append(problem(N_("contact name: required, at most %(n)s characters"), n=200))
    if not EMAIL_RE.match(email) or len(email) > 254:
        problems.append(problem(N_("contact email: %(email)r is not an email address"), email=contact_email))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        problems.append(problem(N_("expiry: a whole number of days between 1 and %(n)s"), n=MAX_DAYS))
    if problems:
        raise InvalidInput(problems)
    token = secrets.token_urlsafe(24)
    link = PanelCheckLink(
        round_id=rnd.id,
        token_hash=hash_token(token),
        contact_name=name,
        contact_email=email,
        created_by_id=getattr(actor, "id", None),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record("panel_check.create", actor, rnd, panel_check_id=link.id, contact=email, days=days)
    return link, token


def of_round(rnd: Round) -> list[PanelCheckLink]:
    return list(
        db.session.scalars(
            select(PanelCheckLink)
            .where(PanelCheckLink.round_id == rnd.id)
            .order_by(PanelCheckLink.created_at.desc())
        )
    )


def revoke(link: PanelCheckLink, actor) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record("panel_check.revoke", actor, link.round, panel_check_id=link.id)


def by_token(token: str) -> PanelCheckLink:
    if not token or len(token) > 200:
        raise PanelCheckProblem(404, "unknown")
    link = db.session.scalar(select(PanelCheckLink).where(PanelCheckLink.token_hash == hash_token(token)))
    if link is None:
        raise PanelCheckProblem(404, "unknown")
    if link.revoked_at is not None:
        raise PanelCheckProblem(410, "withdrawn", link)
    if not link.usable(utcnow()):
        raise PanelCheckProblem(410, "expired", link)
    if link.round.status != "draft":
        raise PanelCheckProblem(410, "opened", link)
    return link


def side_b_panel(link: PanelCheckLink) -> list[dict]:
    """Side B's invitations of the link's round (never side A's): name, email, function."""
    rows = db.session.scalars(
        select(Invitation)
        .where(Invitation.round_id == link.round_id, Invitation.side == "B", Invitation.status != "revoked")
        .order_by(Invitation.name, Invitation.id)
    )
    return [
        {"name": i.name, "email": i.email, "function": FUNCTIONS.get(i.function, i.function)} for i in rows
    ]


def view_event(link: PanelCheckLink):
    """The audit event of one view (the view writes it in a short transaction of its own)."""
    return audit.event(
        "panel_check.view", None, link.round, panel_check_id=link.id, contact=link.contact_email
    )
