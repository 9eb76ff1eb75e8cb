"""Personal access tokens: create (the secret is shown once), list, revoke, authenticate.

Only ``models.hash_token(secret)`` is stored. A token acts as its user with that user's
access rules; a ``read`` token may only read. Creation and revocation are audited; the last
use is recorded at most once a minute (a read must not write on every request).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import TOKEN_SCOPES, ApiToken, User, hash_token
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import audit
from healthcheck.services.errors import InvalidInput, NotFound

PREFIX = "hct_"
MAX_DAYS = 366
DEFAULT_DAYS = 90
TOUCH_EVERY = timedelta(minutes=1)


def _problems(name: str, scope: str, days) -> list[str]:
    problems = []
    if not name.strip():
        problems.append(problem(N_("name: required, e.g. reporting script")))
    elif len(name) > 100:
        problems.append(problem(N_("name: at most %(n)s characters"), n=100))
    elif any(ord(c) < 32 for c in name):
        problems.append(problem(N_("name: one line of text, without control characters")))
    if scope not in TOKEN_SCOPES:
        problems.append(
            problem(
                N_("scope: one of %(allowed)s (got %(value)r)"), allowed=", ".join(TOKEN_SCOPES), value=scope
            )
        )
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        problems.append(problem(N_("days: a whole number from 1 to %(n)s"), n=MAX_DAYS))
    return problems


def create(user: User, name: str, scope: str, days: int = DEFAULT_DAYS, actor=None, now=None):
    """A new token of ``user``: (the stored row, the secret). The secret is not kept anywhere."""
    name = (name or "").strip()
    problems = _problems(name, scope, days)
    if problems:
        raise InvalidInput(problems)
    now = now or utcnow()
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        token_hash=hash_token(secret),
        hint=secret[: len(PREFIX) + 4],
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.create", actor or user, token, scope=scope, days=days, user=user.email)
    return token, secret


def of_user(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def own(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    return token


def revoke(token: ApiToken, actor=None, now=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        audit.record("token.revoke", actor, token, user=token.user.email)


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token whose secret this is (not revoked, not expired, user active), else None."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not token.usable(now or utcnow()):
        return None
    return token


def needs_touch(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY


def touch(token_id: int, now: datetime | None = None) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = now or utcnow()
