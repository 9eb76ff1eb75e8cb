"""User accounts for alliance managers, viewers and admins."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from healthcheck.extensions import db
from healthcheck.models import ROLES, User
from healthcheck.services import audit
from healthcheck.services.errors import InvalidInput
from healthcheck.services.invitations import EMAIL_RE

MIN_PASSWORD = 10


def by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create(email: str, role: str, password: str, name: str = "", actor=None) -> User:
    email = email.strip().lower()
    problems = []
    if not EMAIL_RE.match(email):
        problems.append(f"email: {email!r} is not an email address")
    elif by_email(email) is not None:
        problems.append(f"email: a user {email} already exists")
    if role not in ROLES:
        problems.append(f"role: one of {', '.join(ROLES)} (got {role!r})")
    if len(password) < MIN_PASSWORD:
        problems.append(f"password: at least {MIN_PASSWORD} characters")
    if problems:
        raise InvalidInput(problems)
    user = User(email=email, role=role, name=name.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", actor, user, role=role)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, else None (same work either way)."""
    user = by_email(email or "")
    if user is None:
        generate_password_hash(password or "x")  # same cost as a real check
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    return user


def set_role(email: str, role: str, actor=None) -> User:
    user = by_email(email)
    if user is None:
        raise InvalidInput(f"email: no user {email!r}")
    if role not in ROLES:
        raise InvalidInput(f"role: one of {', '.join(ROLES)} (got {role!r})")
    old, user.role = user.role, role
    audit.record("user.role", actor, user, old=old, new=role)
    return user
