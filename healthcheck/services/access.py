"""Who may see and change which alliance. Every object lookup goes through here.

admin: sees and changes everything. manager: sees and changes the alliances they own.
viewer: reads the alliances they are a member of.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, select

from healthcheck.extensions import db
from healthcheck.models import Action, Alliance, Invitation, Round
from healthcheck.models.alliance import alliance_members, alliance_owners
from healthcheck.services.errors import Forbidden, NotFound


def visible_alliances(user) -> Select:
    stmt = select(Alliance)
    if user.role == "admin":
        return stmt
    table = alliance_owners if user.role == "manager" else alliance_members
    return stmt.where(exists().where(table.c.alliance_id == Alliance.id, table.c.user_id == user.id))


def can_view(user, alliance: Alliance) -> bool:
    if user.role == "admin":
        return True
    people = alliance.owners if user.role == "manager" else alliance.members
    return any(p.id == user.id for p in people)


def can_edit(user, alliance: Alliance) -> bool:
    return user.role == "admin" or (user.role == "manager" and any(p.id == user.id for p in alliance.owners))


def can_create(user) -> bool:
    return user.role in ("admin", "manager")


def alliance_for(user, alliance_id: int, edit: bool = False) -> Alliance:
    """The alliance if the user may see it (and change it when ``edit``), else raise."""
    alliance = db.session.get(Alliance, alliance_id)
    if alliance is None or not can_view(user, alliance):
        raise NotFound()
    if edit and not can_edit(user, alliance):
        raise Forbidden()
    return alliance


def round_for(user, alliance_id: int, round_id: int, edit: bool = False) -> Round:
    alliance = alliance_for(user, alliance_id, edit=edit)
    rnd = db.session.get(Round, round_id)
    if rnd is None or rnd.alliance_id != alliance.id:
        raise NotFound()
    return rnd


def action_for(user, alliance_id: int, action_id: int) -> Action:
    """An action of the alliance, to change: the user must be able to change the alliance."""
    alliance = alliance_for(user, alliance_id, edit=True)
    action = db.session.get(Action, action_id)
    if action is None or action.alliance_id != alliance.id:
        raise NotFound()
    return action


def invitation_for(user, alliance_id: int, round_id: int, invitation_id: int) -> Invitation:
    rnd = round_for(user, alliance_id, round_id, edit=True)
    inv = db.session.get(Invitation, invitation_id)
    if inv is None or inv.round_id != rnd.id:
        raise NotFound()
    return inv
