"""User accounts for alliance managers, viewers and admins."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from healthcheck.extensions import db
from healthcheck.models import ROLES, User
from healthcheck.services import audit, passwords
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import EMAIL_RE


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
    else:
        problems += passwords.problems(password, role)
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


def _existing(email: str) -> User:
    user = by_email(email)
    if user is None:
        raise InvalidInput(f"email: no user {email!r}")
    return user


def set_role(email: str, role: str, actor=None) -> User:
    """Change a user's role; their open sessions end (they log in again with the new rights)."""
    user = _existing(email)
    if role not in ROLES:
        raise InvalidInput(f"role: one of {', '.join(ROLES)} (got {role!r})")
    old, user.role = user.role, role
    user.end_sessions()
    audit.record("user.role", actor, user, old=old, new=role)
    return user


def set_password(email: str, password: str, actor=None) -> User:
    """Give a user a new password; every session they had ends."""
    user = _existing(email)
    problems = passwords.problems(password, user.role)
    if problems:
        raise InvalidInput(problems)
    user.set_password(password)
    user.end_sessions()
    audit.record("user.password", actor, user)
    return user


def log_out(user: User) -> None:
    """End this user's sessions server-side: the cookie they held stops working everywhere."""
    user.end_sessions()
    audit.record("logout", user, user)
