"""Create, change and list alliances and their organisations."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from sqlalchemy import func, or_, select, union

from healthcheck.extensions import db
from healthcheck.models import MIN_K, PHASES, SEGMENTS, Alliance, Organisation, Round, User
from healthcheck.models.alliance import alliance_members, alliance_owners
from healthcheck.models.review import MAX_REVIEW_DAYS
from healthcheck.problems import N_, problem
from healthcheck.services import audit, languages, summaries
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import short_text_problem


def review_window_problem(days) -> str | None:
    """Why ``days`` is no joint review window (None when it is one)."""
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_REVIEW_DAYS:
        return problem(
            N_("review window: a whole number of days from 0 (publish at once) to %(days)s"),
            days=MAX_REVIEW_DAYS,
        )
    return None


@dataclass
class AllianceData:
    name: str
    side_a: str
    side_b: str
    segment: str
    phase: str = "development"
    alliance_type: str = "R&D"
    north_star: str = ""
    k_anonymity: int = MIN_K
    cadence_months: int | None = None
    owner_emails: list[str] | None = field(default_factory=list)  # empty or None keeps the owners
    member_emails: list[str] | None = field(default_factory=list)  # None keeps the members
    review_days: int | None = None  # joint review window (issue 15); None keeps it (10 when new)
    side_a_language: str = "en"  # issue 17: the default language of each side's invitations
    side_b_language: str = "en"


def organisation(name: str) -> Organisation:
    """The organisation called ``name`` (case-insensitive), created when new."""
    name = name.strip()
    org = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if org is None:
        org = Organisation(name=name)
        db.session.add(org)
        db.session.flush()
    return org


def by_name(name: str) -> Alliance | None:
    return db.session.scalar(select(Alliance).where(func.lower(Alliance.name) == name.strip().lower()))


def _check(data: AllianceData, existing: Alliance | None) -> list[str]:
    problems = []
    if found := short_text_problem(problem(N_("name")), data.name, 200):
        problems.append(found)
    else:
        clash = by_name(data.name)
        if clash is not None and clash is not existing:
            problems.append(problem(N_("name: an alliance called %(name)r already exists"), name=data.name))
    for label, value in ((problem(N_("side A")), data.side_a), (problem(N_("side B")), data.side_b)):
        required = problem(N_("%(label)s: organisation name required"), label=label)
        if found := short_text_problem(label, value, 200, required=required):
            problems.append(found)
    if data.side_a.strip() and data.side_a.strip().lower() == data.side_b.strip().lower():
        problems.append(problem(N_("side B: must be a different organisation from side A")))
    if data.segment not in SEGMENTS:
        problems.append(
            problem(
                N_("segment: one of %(allowed)s (got %(value)r)"),
                allowed=", ".join(SEGMENTS),
                value=data.segment,
            )
        )
    if data.phase not in PHASES:
        problems.append(
            problem(
                N_("phase: one of %(allowed)s (got %(value)r)"), allowed=", ".join(PHASES), value=data.phase
            )
        )
    if not isinstance(data.k_anonymity, int) or data.k_anonymity < MIN_K:
        problems.append(problem(N_("anonymity threshold: a whole number of at least %(k)s"), k=MIN_K))
    if data.cadence_months is not None and not 1 <= data.cadence_months <= 36:
        problems.append(problem(N_("cadence: between 1 and 36 months, or empty for the segment default")))
    if data.review_days is not None and (found := review_window_problem(data.review_days)):
        problems.append(found)
    if len(data.north_star) > 1000:
        problems.append(problem(N_("North Star: at most %(n)s characters"), n=1000))
    problems += languages.side_problems(data)
    return problems


# what a manager is told about an email they may not name, per list (no account's role leaks)
NOT_YOURS = {
    "owners": N_(
        "owners: %(email)s is not a manager account on your alliances (ask an admin if it should be)"
    ),
    "members": N_(
        "members: %(email)s is not an account that may read reports on your alliances "
        "(ask an admin if it should be)"
    ),
}
LIST_LABELS = {"owners": N_("owners"), "members": N_("members")}
OWNER_ROLES, MEMBER_ROLES = ("manager", "admin"), ("viewer", "manager", "admin")


def people_for(actor: User) -> list[User]:
    """The accounts ``actor`` may name as owners or members: an admin any active account; a
    manager only the people already on an alliance they own (themselves included). A manager
    never learns of other accounts: the picker lists these and the service accepts no others."""
    stmt = select(User).where(User.active.is_(True))
    if actor.role != "admin":
        mine = select(alliance_owners.c.alliance_id).where(alliance_owners.c.user_id == actor.id)
        on_mine = union(
            select(alliance_owners.c.user_id).where(alliance_owners.c.alliance_id.in_(mine)),
            select(alliance_members.c.user_id).where(alliance_members.c.alliance_id.in_(mine)),
        )
        stmt = stmt.where(or_(User.id == actor.id, User.id.in_(on_mine)))
    return list(db.session.scalars(stmt.order_by(User.name, User.email)))


def _users(
    emails: list[str], roles: tuple[str, ...], label: str, problems: list[str], actor: User | None
) -> list[User]:
    """The accounts named by email. Only admins (and the CLI) learn whether an account exists or
    which role it has; a manager may name only people on their alliances and gets the same
    message for an unknown account, one outside their alliances and one of the wrong role."""
    found = []
    detailed = actor is None or actor.role == "admin"
    allowed = None if detailed else {u.id for u in people_for(actor)}
    for email in emails:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if user is not None and user.role in roles and (allowed is None or user.id in allowed):
            found.append(user)
        elif not detailed:
            problems.append(problem(NOT_YOURS[label], email=email))
        elif user is None:
            problems.append(
                problem(
                    N_("%(label)s: no user with email %(email)r"),
                    label=problem(LIST_LABELS[label]),
                    email=email,
                )
            )
        else:
            problems.append(
                problem(
                    N_("%(label)s: %(email)s is a %(role)s; needs role %(roles)s"),
                    label=problem(LIST_LABELS[label]),
                    email=email,
                    role=problem(user.role),
                    roles=" or ".join(roles),
                )
            )
    return found


EDITABLE = tuple(f.name for f in fields(AllianceData))


def data_of(alliance: Alliance) -> AllianceData:
    """The alliance as its edit page shows it; owners and members kept as they are (None)."""
    return AllianceData(
        name=alliance.name,
        side_a=alliance.side_a.name,
        side_b=alliance.side_b.name,
        segment=alliance.segment,
        phase=alliance.phase,
        alliance_type=alliance.alliance_type,
        north_star=alliance.north_star,
        k_anonymity=alliance.k_anonymity,
        cadence_months=alliance.cadence_months,
        owner_emails=None,
        member_emails=None,
        review_days=alliance.review_days,
        side_a_language=alliance.side_a_language,
        side_b_language=alliance.side_b_language,
    )


def update(alliance: Alliance, changes: dict, actor: User | None) -> Alliance:
    """Change only the fields named in ``changes`` (the API's PATCH); every other field keeps
    its value. The same checks, all-or-nothing, and the same audit as the edit page (``save``)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(
            [problem(N_("%(name)s: not a field of an alliance"), name=name) for name in unknown]
        )
    return save(replace(data_of(alliance), **changes), actor, alliance)


def save(data: AllianceData, actor: User | None, alliance: Alliance | None = None) -> Alliance:
    """Create (``alliance`` None) or update an alliance; all-or-nothing validation."""
    problems = _check(data, alliance)
    owners = _users(data.owner_emails or [], OWNER_ROLES, "owners", problems, actor)
    members = None
    if data.member_emails is not None:
        members = _users(data.member_emails, MEMBER_ROLES, "members", problems, actor)
    if problems:
        raise InvalidInput(problems)
    side_a, side_b = organisation(data.side_a), organisation(data.side_b)
    creating = alliance is None
    if creating:
        alliance = Alliance(side_a=side_a, side_b=side_b)
        db.session.add(alliance)
    old_k = alliance.k_anonymity
    alliance.name = data.name.strip()
    alliance.side_a, alliance.side_b = side_a, side_b
    alliance.segment = data.segment
    alliance.phase = data.phase
    alliance.alliance_type = data.alliance_type
    alliance.north_star = data.north_star.strip()
    alliance.k_anonymity = data.k_anonymity
    alliance.cadence_months = data.cadence_months
    if data.review_days is not None:
        alliance.review_days = data.review_days
    alliance.side_a_language, alliance.side_b_language = data.side_a_language, data.side_b_language
    if creating and actor is not None and actor.role == "manager" and actor not in owners:
        owners.append(actor)
    if data.owner_emails or creating:
        if set(owners) != set(alliance.owners or []):
            audit.record("alliance.owners", actor, alliance, owners=[u.email for u in owners])
        alliance.owners = owners
    if members is not None:
        alliance.members = members
    db.session.flush()
    audit.record("alliance.create" if creating else "alliance.update", actor, alliance)
    if not creating and old_k != alliance.k_anonymity:
        for rnd in db.session.scalars(select(Round).where(Round.alliance_id == alliance.id)):
            rnd.alliance_k_changed(alliance.k_anonymity)
        summaries.refresh_alliance(alliance)
    return alliance
