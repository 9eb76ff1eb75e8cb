"""Single sign-on with OpenID Connect: the user an identity provider vouches for.

The web layer runs the protocol (Authlib's Flask client: discovery, state, nonce, PKCE, the
ID token's signature, issuer, audience and expiry); this module decides who that person is
here, from the ID token's claims:

1. a known identity (issuer + ``sub``) is that user, whatever the email claim says now;
2. else a user with the same email, but only when the provider says the email is verified
   (``email_verified: true``, or the claim ``OIDC_EMAIL_VERIFIED_CLAIM`` names;
   ``OIDC_REQUIRE_EMAIL_VERIFIED``): an unverified address would
   let anyone who can name themselves ``admin@company`` at the provider take that account;
3. else a new user, with the role the role claim maps to (``OIDC_ROLE_CLAIM`` and
   ``OIDC_ROLE_MAP``), or the default role (``OIDC_DEFAULT_ROLE``; empty: refused).

At each later login a mapped role replaces the user's role (the provider's groups are the
source of truth), except where that would take away the last active admin. A deactivated
user stays refused. Every login and refusal is audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import ROLES, User, UserIdentity
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import audit, users
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import EMAIL_RE

RANK = {"viewer": 0, "manager": 1, "admin": 2}
UNUSABLE_PASSWORD = "!sso-only:"  # not a werkzeug hash: no password ever matches it


class Refused(Exception):
    """The provider vouched for someone this app will not let in; ``reason`` says why (a
    ``Problem``: English in the audit, the login page's language on the page)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Settings:
    issuer: str
    default_role: str = "viewer"
    role_claim: str | None = None
    role_map: dict = field(default_factory=dict)
    require_email_verified: bool = True
    email_verified_claim: str = "email_verified"


def settings_from(config) -> Settings | None:
    """The single sign-on settings of an app's configuration, or None when it is off."""
    if not config.get("OIDC_ISSUER"):
        return None
    return Settings(
        issuer=config["OIDC_ISSUER"].rstrip("/"),
        default_role=config.get("OIDC_DEFAULT_ROLE") or "",
        role_claim=config.get("OIDC_ROLE_CLAIM") or None,
        role_map=dict(config.get("OIDC_ROLE_MAP") or {}),
        require_email_verified=bool(config.get("OIDC_REQUIRE_EMAIL_VERIFIED", True)),
        email_verified_claim=config.get("OIDC_EMAIL_VERIFIED_CLAIM") or "email_verified",
    )


def configuration_problems(config) -> list[str]:
    """What is wrong with the single sign-on settings (checked when the app starts)."""
    if not config.get("OIDC_ISSUER"):
        return []
    problems = []
    for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        if not config.get(name):
            problems.append(f"{name}: required when OIDC_ISSUER is set")
    default = config.get("OIDC_DEFAULT_ROLE") or ""
    if default and default not in ROLES:
        problems.append(f"OIDC_DEFAULT_ROLE: one of {', '.join(ROLES)} or empty (got {default!r})")
    mapping = config.get("OIDC_ROLE_MAP") or {}
    if not isinstance(mapping, dict):
        problems.append('OIDC_ROLE_MAP: a JSON object, e.g. {"hc-admins": "admin"}')
    else:
        problems += [
            f"OIDC_ROLE_MAP: {key!r} maps to {role!r}; a role is one of {', '.join(ROLES)}"
            for key, role in mapping.items()
            if role not in ROLES
        ]
    return problems


def mapped_role(claims: dict, settings: Settings) -> str | None:
    """The highest role any value of the role claim maps to, or None."""
    if not settings.role_claim:
        return None
    values = claims.get(settings.role_claim)
    values = [values] if isinstance(values, str) else list(values or [])
    roles = [settings.role_map[v] for v in values if isinstance(v, str) and v in settings.role_map]
    return max(roles, key=RANK.__getitem__) if roles else None


def _identity(issuer: str, subject: str) -> UserIdentity | None:
    return db.session.scalar(
        select(UserIdentity).where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)
    )


def _verified_email(claims: dict, settings: Settings) -> str:
    email = str(claims.get("email") or "").strip().lower()
    if not email or not EMAIL_RE.match(email) or len(email) > 254:
        raise Refused(problem(N_("the provider sent no usable email address (the email claim)")))
    verified = claims.get(settings.email_verified_claim)
    if settings.require_email_verified and verified is not True and verified != "true":
        raise Refused(
            problem(
                N_("the provider has not verified the email address %(email)s (%(claim)s)"),
                email=email,
                claim=settings.email_verified_claim,
            )
        )
    return email


def _new_user(email: str, claims: dict, settings: Settings) -> User:
    role = mapped_role(claims, settings) or settings.default_role
    if role not in ROLES:
        raise Refused(
            problem(N_("no role for this account: ask an admin to add you to a group that maps to one"))
        )
    name = " ".join(str(claims.get("name") or "").split())[:200]
    user = User(email=email, role=role, name=name, password_hash=UNUSABLE_PASSWORD + secrets.token_hex(8))
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", None, user, role=role, via="sso")
    return user


def _sync_role(user: User, claims: dict, settings: Settings) -> None:
    role = mapped_role(claims, settings)
    if role is None or role == user.role:
        return
    try:
        users.change(user, users.Change(role=role), actor=None)
    except InvalidInput as exc:  # e.g. the last active admin: keep the role, say why
        audit.record("sso.role_kept", None, user, wanted=role, why="; ".join(exc.problems))


def login(claims: dict, settings: Settings, now: datetime | None = None) -> User:
    """The user of a validated ID token's claims (found, matched or created); raises Refused.

    Flushes; the caller commits, then starts a fresh session for the user."""
    issuer, subject = str(claims.get("iss") or "").rstrip("/"), str(claims.get("sub") or "")
    if issuer != settings.issuer or not subject or len(subject) > 255:
        raise Refused(problem(N_("the ID token has no subject of the configured issuer")))
    identity = _identity(issuer, subject)
    if identity is None:
        email = _verified_email(claims, settings)
        user = users.by_email(email) or _new_user(email, claims, settings)
        identity = UserIdentity(user_id=user.id, issuer=issuer, subject=subject)
        db.session.add(identity)
        audit.record("sso.link", None, user, issuer=issuer)
    user = db.session.get(User, identity.user_id)
    if not user.active:
        raise Refused(problem(N_("this account is deactivated")))
    _sync_role(user, claims, settings)
    identity.last_login_at = now or utcnow()
    db.session.flush()
    return user


def record_refusal(reason: str, claims: dict | None = None) -> None:
    """Audit a refused single sign-on (the caller rolled back what the attempt wrote)."""
    email = str((claims or {}).get("email") or "")[:254]
    audit.record("login.failed", None, None, via="sso", reason=reason[:300], email=email)
