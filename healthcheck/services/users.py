"""User accounts for alliance managers, viewers and admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from healthcheck.extensions import db
from healthcheck.models import MAX_CAPACITY_FTE, ROLES, User
from healthcheck.problems import N_, problem
from healthcheck.services import audit, passwords
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import EMAIL_RE, single_line_problem


def _role_problem(role) -> str:
    return problem(N_("role: one of %(allowed)s (got %(value)r)"), allowed=", ".join(ROLES), value=role)


def by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create(email: str, role: str, password: str, name: str = "", actor=None) -> User:
    email = email.strip().lower()
    problems = []
    if not EMAIL_RE.match(email):
        problems.append(problem(N_("email: %(email)r is not an email address"), email=email))
    elif by_email(email) is not None:
        problems.append(problem(N_("email: a user %(email)s already exists"), email=email))
    if role not in ROLES:
        problems.append(_role_problem(role))
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
        raise InvalidInput(problem(N_("email: no user %(email)r"), email=email))
    return user


def set_role(email: str, role: str, actor=None) -> User:
    """Change a user's role; their open sessions end (they log in again with the new rights)."""
    user = _existing(email)
    change(user, Change(role=role), actor)
    return user


@dataclass
class Change:
    """What an admin changes of an account; None leaves that part as it is."""

    name: str | None = None
    role: str | None = None
    active: bool | None = None
    capacity_fte: float | None = None


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
    )


def _change_problems(user: User, wanted: Change, actor) -> list[str]:
    problems = []
    name = problem(N_("name"))
    if wanted.name is not None and (len(wanted.name) > 200 or single_line_problem(name, wanted.name)):
        problems.append(
            single_line_problem(name, wanted.name) or problem(N_("name: at most %(n)s characters"), n=200)
        )
    if wanted.role is not None and wanted.role not in ROLES:
        problems.append(_role_problem(wanted.role))
    fte = wanted.capacity_fte
    if fte is not None and not (isinstance(fte, int | float) and 0 < fte <= MAX_CAPACITY_FTE):
        problems.append(
            problem(
                N_("capacity: a number of FTE above 0 and at most %(max)s (e.g. 0.5)"),
                max=f"{MAX_CAPACITY_FTE:g}",
            )
        )
    loses_admin = (
        user.role == "admin"
        and user.active
        and ((wanted.role not in (None, "admin")) or wanted.active is False)
    )
    if loses_admin and getattr(actor, "id", None) == user.id:
        problems.append(
            problem(
                N_("you cannot take away your own admin rights or deactivate yourself: ask another admin")
            )
        )
    elif loses_admin and _active_admins() <= 1:
        problems.append(problem(N_("this is the last active admin: make another admin first")))
    return problems


def change(user: User, wanted: Change, actor=None) -> User:
    """Rename, change the role of, (de)activate or set the capacity of an account, all or nothing.
    A new role or a deactivation ends the user's open sessions; each change is audited."""
    problems = _change_problems(user, wanted, actor)
    if problems:
        raise InvalidInput(problems)
    if wanted.name is not None and wanted.name.strip() != user.name:
        user.name = wanted.name.strip()
        audit.record("user.name", actor, user)
    if wanted.role is not None and wanted.role != user.role:
        old, user.role = user.role, wanted.role
        user.end_sessions()
        audit.record("user.role", actor, user, old=old, new=wanted.role)
    if wanted.active is not None and wanted.active != user.active:
        user.active = wanted.active
        user.end_sessions()
        audit.record("user.activate" if wanted.active else "user.deactivate", actor, user)
    if wanted.capacity_fte is not None and wanted.capacity_fte != user.capacity_fte:
        old_fte, user.capacity_fte = user.capacity_fte, float(wanted.capacity_fte)
        audit.record("user.capacity", actor, user, old=old_fte, new=user.capacity_fte)
    db.session.flush()
    return user


def directory() -> list[User]:
    """Every account, for the admins' user page: active first, then by name."""
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name, User.email)))


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


def set_language(user: User, code: str | None, actor=None) -> None:
    """The language of the user's pages and emails (issue 17 item 4); blank: the browser's.
    Audited like the other profile changes."""
    from healthcheck import languages

    wanted = languages.parse(code)
    if code and code.strip() and wanted is None:
        raise InvalidInput([languages.problem(code)])
    if wanted == user.language:
        return
    old, user.language = user.language, wanted
    audit.record("user.language", actor or user, user, old=old, new=wanted)
