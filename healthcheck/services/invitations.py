"""Invite respondents of both sides; revoke and reissue their links."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from healthcheck import languages as language_codes
from healthcheck.analysis import panel
from healthcheck.extensions import db
from healthcheck.models import SIDES, IllegalTransition, Invitation, Round
from healthcheck.problems import N_, problem
from healthcheck.services import audit, csvtools, languages, notifications
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import EMAIL_RE, short_text_problem

CSV_HEADER = ["name", "email", "side", "function"]
CSV_OPTIONAL = ["language"]  # issue 17: blank or missing → the side's default language
MAX_BATCH = 500  # invitations per request: their links are delivered in that one response


@dataclass
class Invitee:
    name: str
    email: str
    side: str
    function: str = panel.DEFAULT  # a key or label of analysis.panel.FUNCTIONS; blank is "other"
    language: str | None = None  # one of healthcheck.languages; None: the side's default


@dataclass
class Issued:
    invitation: Invitation
    token: str | None  # None when the service emails the link (the manager never sees it)


def _problems(invitee: Invitee, taken: set[str]) -> list[str]:
    problems = []
    if found := short_text_problem(problem(N_("name")), invitee.name, 200):
        problems.append(found)
    email = invitee.email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        problems.append(problem(N_("email: %(email)r is not an email address"), email=invitee.email))
    elif email in taken:
        problems.append(problem(N_("email: %(email)s is already invited to this round"), email=email))
    if invitee.side not in SIDES:
        problems.append(problem(N_("side: A or B (got %(value)r)"), value=invitee.side))
    if panel.parse(invitee.function) is None:
        problems.append(panel.problem(invitee.function))
    if invitee.language is not None and language_codes.parse(invitee.language) is None:
        problems.append(language_codes.problem(invitee.language))
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
        raise InvalidInput(problem(N_("round %(label)r is closed; no more invitations"), label=rnd.label))


def _check_batch(count: int) -> None:
    if count > MAX_BATCH:
        raise InvalidInput(
            problem(
                N_(
                    "at most %(n)s invitations per batch (this one has %(count)s): split the list and "
                    "invite the rest in a second batch"
                ),
                n=MAX_BATCH,
                count=count,
            )
        )


def invite(rnd: Round, invitees: list[Invitee], actor=None, hand_out: bool = False) -> list[Issued]:
    """Invite everyone or no one; problems are reported per invitee.

    By default the service emails each person their link (when the round is open) and nobody
    else ever sees it. ``hand_out``: the manager gives the links out; they are returned here,
    once, and no invitation email is sent."""
    _check_round(rnd)
    _check_batch(len(invitees))
    taken = _taken(rnd)
    problems = []
    for i, invitee in enumerate(invitees, start=1):
        found = _problems(invitee, taken)
        if len(invitees) > 1:
            found = [problem(N_("invitee %(n)s: %(problem)s"), n=i, problem=p) for p in found]
        problems += found
        taken.add(invitee.email.strip().lower())
    if problems:
        raise InvalidInput(problems)
    return _issue(rnd, invitees, actor, hand_out)


def invite_csv(rnd: Round, raw: bytes | str, actor=None, hand_out: bool = False) -> list[Issued]:
    """Bulk invitations from CSV ``name,email,side,function[,language]``; any bad line → nothing added."""
    _check_round(rnd)
    try:
        records = csvtools.rows(csvtools.decode(raw, "CSV"), CSV_HEADER, "CSV", CSV_OPTIONAL)
    except ValueError as exc:
        raise InvalidInput(csvtools.problem_of(exc)) from exc
    if not records:
        raise InvalidInput(problem(N_("CSV: no invitations below the header")))
    _check_batch(len(records))
    taken = _taken(rnd)
    problems, invitees = [], []
    for line, rec in records:
        if "__error__" in rec:
            problems.append(csvtools.line_problem(line, rec["__error__"]))
            continue
        invitee = Invitee(
            rec["name"], rec["email"], rec["side"].upper(), rec["function"], rec.get("language") or None
        )
        problems += [csvtools.line_problem(line, p) for p in _problems(invitee, taken)]
        taken.add(invitee.email.strip().lower())
        invitees.append(invitee)
    if problems:
        raise InvalidInput(problems)
    return _issue(rnd, invitees, actor, hand_out)


def _issue(rnd: Round, invitees: list[Invitee], actor, hand_out: bool) -> list[Issued]:
    issued = []
    for invitee in invitees:
        inv = Invitation(
            round_id=rnd.id,
            side=invitee.side,
            name=invitee.name.strip(),
            email=invitee.email.strip().lower(),
            function=panel.parse(invitee.function),
            link_via="manager" if hand_out else "email",
            language=language_codes.parse(invitee.language)
            or languages.default_for(rnd.alliance, invitee.side),
        )
        token = inv.issue_link() if hand_out else None  # emailed links are made at delivery
        db.session.add(inv)
        issued.append(Issued(inv, token))
    db.session.flush()
    if rnd.status == "open" and not hand_out:
        for item in issued:
            _email_link(item.invitation, f"invite:{item.invitation.id}")
    audit.record("invitation.add", actor, rnd, count=len(issued), links="manager" if hand_out else "email")
    return issued


def _email_link(inv: Invitation, key: str) -> None:
    notifications.enqueue("invitation", inv.email, key, invitation=inv)


def revoke(inv: Invitation, actor=None) -> None:
    try:
        inv.revoke()
    except IllegalTransition as exc:
        raise InvalidInput(exc.args[0]) from exc
    audit.record("invitation.revoke", actor, inv)


def _check_reissue(inv: Invitation) -> None:
    if inv.status == "submitted":
        raise InvalidInput(problem(N_("this person has already submitted; there is nothing to reissue")))
    _check_round(inv.round)
    inv.reinstate()


def reissue(inv: Invitation, actor=None) -> str:
    """A new link for the manager to hand out; the old link stops working. Draft answers are
    kept, so the respondent is told by email that their link was replaced, and by whom."""
    _check_reissue(inv)
    token = inv.issue_link()
    inv.link_via = "manager"
    db.session.flush()
    notifications.enqueue(
        "link_replaced",
        inv.email,
        f"replaced:{inv.id}:{len(inv.tokens)}",
        invitation=inv,
        by=getattr(actor, "display_name", None) or getattr(actor, "email", None) or "the alliance manager",
    )
    audit.record("invitation.reissue", actor, inv, via="manager")
    return token


def email_new_link(inv: Invitation, actor=None) -> None:
    """The service emails the respondent a new link; the old one stops working now (the
    manager never sees the new one). In a draft round it goes out when the round opens."""
    _check_reissue(inv)
    inv.revoke_tokens()
    inv.link_via = "email"
    db.session.flush()
    if inv.round.status == "open":
        _email_link(inv, f"invite:{inv.id}:{len(inv.tokens)}")
    audit.record("invitation.reissue", actor, inv, via="email")


def of_round(rnd: Round) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.round_id == rnd.id).order_by(Invitation.side, Invitation.name)
        )
    )
