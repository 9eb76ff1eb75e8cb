"""Invite respondents of both sides; revoke and reissue their links."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import SIDES, Invitation, Round
from healthcheck.models.base import utcnow
from healthcheck.services import audit, csvtools
from healthcheck.services.errors import InvalidInput

EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}$")
CSV_HEADER = ["name", "email", "side", "function"]


@dataclass
class Invitee:
    name: str
    email: str
    side: str
    function: str = ""


@dataclass
class Issued:
    invitation: Invitation
    token: str


def _problems(invitee: Invitee, taken: set[str]) -> list[str]:
    problems = []
    if not invitee.name.strip():
        problems.append("name: required")
    elif len(invitee.name) > 200:
        problems.append("name: at most 200 characters")
    email = invitee.email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        problems.append(f"email: {invitee.email!r} is not an email address")
    elif email in taken:
        problems.append(f"email: {email} is already invited to this round")
    if invitee.side not in SIDES:
        problems.append(f"side: A or B (got {invitee.side!r})")
    if len(invitee.function) > 200:
        problems.append("function: at most 200 characters")
    return problems


def _taken(rnd: Round) -> set[str]:
    return set(
        db.session.scalars(
            select(func.lower(Invitation.email)).where(
                Invitation.round_id == rnd.id, Invitation.status != "revoked"
            )
        )
    )


def _check_round(rnd: Round) -> None:
    if rnd.status == "closed":
        raise InvalidInput(f"round {rnd.label!r} is closed; no more invitations")


def invite(rnd: Round, invitees: list[Invitee], actor=None) -> list[Issued]:
    """Invite everyone or no one; problems are reported per invitee."""
    _check_round(rnd)
    taken = _taken(rnd)
    problems = []
    for i, invitee in enumerate(invitees, start=1):
        found = _problems(invitee, taken)
        problems += [f"invitee {i}: {p}" if len(invitees) > 1 else p for p in found]
        taken.add(invitee.email.strip().lower())
    if problems:
        raise InvalidInput(problems)
    return _issue(rnd, invitees, actor)


def invite_csv(rnd: Round, raw: bytes | str, actor=None) -> list[Issued]:
    """Bulk invitations from CSV ``name,email,side,function``; any bad line → nothing added."""
    _check_round(rnd)
    try:
        records = csvtools.rows(csvtools.decode(raw, "CSV"), CSV_HEADER, "CSV")
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    if not records:
        raise InvalidInput("CSV: no invitations below the header")
    taken = _taken(rnd)
    problems, invitees = [], []
    for line, rec in records:
        if "__error__" in rec:
            problems.append(f"line {line}: {rec['__error__']}")
            continue
        invitee = Invitee(rec["name"], rec["email"], rec["side"].upper(), rec["function"])
        problems += [f"line {line}: {p}" for p in _problems(invitee, taken)]
        taken.add(invitee.email.strip().lower())
        invitees.append(invitee)
    if problems:
        raise InvalidInput(problems)
    return _issue(rnd, invitees, actor)


def _issue(rnd: Round, invitees: list[Invitee], actor) -> list[Issued]:
    issued = []
    for invitee in invitees:
        inv = Invitation(
            round_id=rnd.id,
            side=invitee.side,
            name=invitee.name.strip(),
            email=invitee.email.strip().lower(),
            function=invitee.function.strip(),
        )
        token = inv.issue_token()
        db.session.add(inv)
        issued.append(Issued(inv, token))
    db.session.flush()
    if rnd.status == "open":
        from healthcheck.services import notifications

        for item in issued:
            notifications.enqueue(
                "invitation",
                item.invitation.email,
                f"invite:{item.invitation.id}",
                invitation=item.invitation,
            )
    audit.record("invitation.add", actor, rnd, count=len(issued))
    return issued


def revoke(inv: Invitation, actor=None) -> None:
    if inv.status == "submitted":
        raise InvalidInput("this person has already submitted; their answers stay in the round")
    inv.status = "revoked"
    inv.revoked_at = utcnow()
    inv.revoke_tokens()
    audit.record("invitation.revoke", actor, inv)


def reissue(inv: Invitation, actor=None) -> str:
    """A new link for the invitation; the old link stops working. Draft answers are kept."""
    if inv.status == "submitted":
        raise InvalidInput("this person has already submitted; there is nothing to reissue")
    _check_round(inv.round)
    token = inv.issue_token(replace=True)
    if inv.status == "revoked":
        inv.status = "pending"
        inv.revoked_at = None
    audit.record("invitation.reissue", actor, inv)
    return token


def of_round(rnd: Round) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.round_id == rnd.id).order_by(Invitation.side, Invitation.name)
        )
    )
