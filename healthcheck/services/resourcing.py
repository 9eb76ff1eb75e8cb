"""The front door (DESIGN §3.18): who carries which alliances, and does capacity cover it.

Reads alliances, owners and closed rounds, and hands them to ``analysis.resourcing``. The
service standards come from the ``RESOURCING_FTE`` setting (AM effort per segment), the
cadence from §3.11; a manager's capacity is ``users.capacity_fte`` (set on /admin/users).
Only administrators (who see the whole portfolio) may see resourcing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from healthcheck.analysis import resourcing as analysis
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, RoundSummary, User
from healthcheck.models.alliance import CADENCE_MONTHS, alliance_owners
from healthcheck.problems import N_, problem
from healthcheck.services.errors import InvalidInput, NotFound

OWNER_ROLES = ("manager", "admin")  # who may own an alliance (services.memory.handoff)


def may_see(user) -> bool:
    """Resourcing compares every manager's whole portfolio: administrators only."""
    return getattr(user, "role", None) == "admin"


def standards() -> dict[str, analysis.Standard]:
    return analysis.standards(current_app.config.get("RESOURCING_FTE"), CADENCE_MONTHS)


def _managers() -> list[analysis.Manager]:
    """Every manager and admin account, and anyone else who owns an alliance."""
    owners = select(alliance_owners.c.user_id)
    people = db.session.scalars(
        select(User).where((User.role.in_(OWNER_ROLES)) | (User.id.in_(owners))).order_by(User.id)
    )
    return [analysis.Manager(u.id, u.display_name, float(u.capacity_fte), bool(u.active)) for u in people]


def _closed_rounds(alliance_id: int | None = None) -> dict[int, list[analysis.ClosedRound]]:
    stmt = (
        select(Round.alliance_id, Round.label, RoundSummary.rag, RoundSummary.warnings)
        .outerjoin(RoundSummary, RoundSummary.round_id == Round.id)
        .where(Round.status == "closed")
        .order_by(Round.closes_on, Round.id)
    )
    if alliance_id is not None:
        stmt = stmt.where(Round.alliance_id == alliance_id)
    rows = db.session.execute(stmt)
    out: dict[int, list[analysis.ClosedRound]] = {}
    for alliance_id, label, rag, warnings in rows:
        out.setdefault(alliance_id, []).append(analysis.ClosedRound(label, rag, len(warnings or [])))
    return out


def _alliances() -> list[analysis.AllianceIn]:
    owners: dict[int, list[int]] = {}
    for alliance_id, user_id in db.session.execute(
        select(alliance_owners.c.alliance_id, alliance_owners.c.user_id)
    ):
        owners.setdefault(alliance_id, []).append(user_id)
    rounds = _closed_rounds()
    rows = db.session.execute(
        select(Alliance.id, Alliance.name, Alliance.segment)
        .where(Alliance.active.is_(True))
        .order_by(Alliance.name)
    )
    return [
        analysis.AllianceIn(
            aid, name, segment, tuple(sorted(owners.get(aid, []))), tuple(rounds.get(aid, []))
        )
        for aid, name, segment in rows
    ]


def review_of(alliance: Alliance) -> analysis.Review | None:
    """The §3.18 segment review suggestion for one alliance (the briefing's "segment and why")."""
    rounds = tuple(_closed_rounds(alliance.id).get(alliance.id, []))
    return analysis.segment_review(
        analysis.AllianceIn(alliance.id, alliance.name, alliance.segment, (), rounds)
    )


@dataclass
class Overview:
    standards: dict[str, analysis.Standard]
    loads: list[analysis.Load]
    unmanaged: list[analysis.AllianceIn]
    reviews: list[analysis.Review]
    alliances: list[analysis.AllianceIn]
    managers: list[analysis.Manager]

    @property
    def candidates(self) -> list[analysis.Manager]:
        """Who may take an alliance over: active manager and admin accounts."""
        return [x.manager for x in sorted(self.loads, key=lambda x: x.manager.name)]

    @property
    def over_capacity(self) -> list[analysis.Load]:
        return [x for x in self.loads if x.over_capacity]


def overview() -> Overview:
    std = standards()
    alliances, managers = _alliances(), _managers()
    owner_accounts = {
        u.id
        for u in db.session.scalars(select(User).where(User.role.in_(OWNER_ROLES), User.active.is_(True)))
    }
    loads = [
        x for x in analysis.workloads(alliances, managers, std) if x.manager.id in owner_accounts or x.shares
    ]
    return Overview(
        std,
        loads,
        analysis.unmanaged(alliances, managers),
        analysis.reviews(alliances),
        alliances,
        managers,
    )


@dataclass
class WhatIf:
    alliance: Alliance
    new_owner: User
    changes: list[analysis.Change]
    fte: float


def what_if(board: Overview, alliance_id: int | None, new_owner_id: int | None) -> WhatIf:
    """What handing the alliance over to the new owner would change; InvalidInput naming the
    field when the alliance or the person cannot be chosen."""
    alliance = db.session.get(Alliance, alliance_id) if alliance_id else None
    if alliance is None or all(a.id != alliance.id for a in board.alliances):
        raise InvalidInput(problem(N_("alliance: choose one of the active alliances listed")))
    person = db.session.get(User, new_owner_id) if new_owner_id else None
    if person is None or not person.active or person.role not in OWNER_ROLES:
        raise InvalidInput(problem(N_("new owner: choose an active manager or admin account")))
    if [o.id for o in alliance.owners] == [person.id]:
        raise InvalidInput(
            problem(
                N_("new owner: %(name)s already is the only owner of %(alliance)s"),
                name=person.display_name,
                alliance=alliance.name,
            )
        )
    changes = analysis.what_if(board.alliances, board.managers, board.standards, alliance.id, person.id)
    return WhatIf(alliance, person, changes, board.standards[alliance.segment].fte)


def alliance_or_404(alliance_id: int) -> Alliance:
    alliance = db.session.get(Alliance, alliance_id)
    if alliance is None:
        raise NotFound()
    return alliance
