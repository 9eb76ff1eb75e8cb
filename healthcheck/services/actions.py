"""Actions: findings turned into follow-ups, and whether they helped in the next round."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from healthcheck.extensions import db
from healthcheck.models import ACTION_STATUSES, VISIBILITIES, Action, Alliance, Dimension, Round
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import action_followup, audit, summaries
from healthcheck.services.errors import InvalidInput


@dataclass
class ActionData:
    title: str
    owner: str
    due_on: date | None
    dimension: str = ""
    description: str = ""
    visibility: str = "internal"
    status: str = "open"
    # a joint action's owners (issue 15): side A's as a user, side B's as a named contact;
    # ``accepted_by_both``: agreed with the partner already (both owners are emailed at once)
    owner_user_id: int | None = None
    partner_owner_name: str = ""
    partner_owner_email: str = ""
    accepted_by_both: bool = False


def _status_problem() -> str:
    return problem(N_("status: one of %(allowed)s"), allowed=", ".join(ACTION_STATUSES))


def _check(alliance: Alliance, data: ActionData, rnd: Round | None) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append(problem(N_("title: required")))
    elif len(data.title) > 200:
        problems.append(problem(N_("title: at most %(n)s characters"), n=200))
    problems += _check_owners(alliance, data)
    if not data.owner.strip() and data.owner_user_id is None:
        problems.append(problem(N_("owner: required (a name on either side)")))
    elif len(data.owner) > 200:
        problems.append(problem(N_("owner: at most %(n)s characters"), n=200))
    if data.due_on is None:
        problems.append(problem(N_("due date: required (YYYY-MM-DD)")))
    if data.visibility not in VISIBILITIES:
        problems.append(problem(N_("visibility: internal or joint (got %(value)r)"), value=data.visibility))
    if data.status not in ACTION_STATUSES:
        problems.append(_status_problem())
    if len(data.description) > 5000:
        problems.append(problem(N_("description: at most %(n)s characters"), n=5000))
    if data.dimension and rnd is not None:
        keys = {d.key for d in rnd.questionnaire.dimensions}
        if data.dimension not in keys:
            problems.append(problem(N_("dimension: one of %(keys)s"), keys=", ".join(sorted(keys))))
    if rnd is not None and rnd.alliance_id != alliance.id:
        problems.append(problem(N_("round: not a round of this alliance")))
    return problems


def _side_a_user(alliance: Alliance, user_id: int | None):
    return next((u for u in [*alliance.owners, *alliance.members] if u.id == user_id), None)


def _check_owners(alliance: Alliance, data: ActionData) -> list[str]:
    problems = []
    if data.owner_user_id is not None and _side_a_user(alliance, data.owner_user_id) is None:
        problems.append(
            problem(
                N_("owner at %(side)s: choose an owner or member of this alliance"), side=alliance.side_a.name
            )
        )
    if len(data.partner_owner_name) > 200:
        problems.append(problem(N_("partner owner name: at most %(n)s characters"), n=200))
    email = data.partner_owner_email.strip()
    if email and (len(email) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        problems.append(
            problem(
                N_("partner owner email: an address like name@example.com (got %(value)r)"), value=email[:60]
            )
        )
    if data.accepted_by_both:
        if data.visibility != "joint":
            problems.append(
                problem(N_("agreed by both sides: only a joint action is accepted by both sides"))
            )
        if data.owner_user_id is None:
            problems.append(
                problem(
                    N_("owner at %(side)s: required for an action both sides agreed"),
                    side=alliance.side_a.name,
                )
            )
        if not data.partner_owner_name.strip() or not email:
            problems.append(
                problem(
                    N_("owner at %(side)s: name and email required for an action both sides agreed"),
                    side=alliance.side_b.name,
                )
            )
    return problems


def create(alliance: Alliance, data: ActionData, actor, rnd: Round | None = None) -> Action:
    problems = _check(alliance, data, rnd)
    if problems:
        raise InvalidInput(problems)
    action = Action(
        alliance_id=alliance.id,
        round_id=rnd.id if rnd else None,
        dimension=data.dimension,
        title=data.title.strip(),
        description=data.description.strip(),
        owner=data.owner.strip() or _side_a_user(alliance, data.owner_user_id).display_name,
        due_on=data.due_on,
        visibility=data.visibility,
        status=data.status,
        created_by_id=getattr(actor, "id", None),
        owner_user_id=data.owner_user_id,
        partner_owner_name=data.partner_owner_name.strip(),
        partner_owner_email=data.partner_owner_email.strip(),
    )
    if data.accepted_by_both:
        action.accepted_a_at = action.accepted_b_at = utcnow()
    db.session.add(action)
    db.session.flush()
    audit.record("action.create", actor, action, visibility=data.visibility)
    action_followup.assigned(action)  # a joint action agreed by both: both owners are told
    return action


def set_status(action: Action, status: str, actor) -> None:
    if status not in ACTION_STATUSES:
        raise InvalidInput(_status_problem())
    action.status = status
    action.completed_at = utcnow() if status in ("done", "dropped") else None
    audit.record("action.status", actor, action, status=status)


def of_alliance(alliance: Alliance, joint_only: bool = False) -> list[Action]:
    stmt = select(Action).where(Action.alliance_id == alliance.id)
    if joint_only:
        stmt = stmt.where(Action.visibility == "joint")
    return list(db.session.scalars(stmt.order_by(Action.due_on, Action.id)))


def dimension_titles(alliance: Alliance) -> dict[str, str]:
    """{dimension key: title} over the questionnaires of the alliance's rounds (the latest
    round's title wins), so action tables name dimensions as reports do."""
    rows = db.session.execute(
        select(Dimension.key, Dimension.title)
        .join(Round, Round.questionnaire_id == Dimension.questionnaire_id)
        .where(Round.alliance_id == alliance.id)
        .order_by(Round.opens_on, Round.id)
    )
    return {key: title for key, title in rows}


def of_round(rnd: Round, joint_only: bool = False) -> list[Action]:
    stmt = select(Action).where(Action.round_id == rnd.id)
    if joint_only:
        stmt = stmt.where(Action.visibility == "joint")
    return list(db.session.scalars(stmt.order_by(Action.id)))


def counts_by_alliance(alliance_ids: list[int], today: date) -> dict[int, dict[str, int]]:
    """{alliance: {"open", "overdue"}} for the portfolio."""
    out = {aid: {"open": 0, "overdue": 0} for aid in alliance_ids}
    if not alliance_ids:
        return out
    # Open actions are few; counting all and keeping the asked-for alliances is cheaper than
    # sending 1,000 alliance ids as parameters (10–15 ms of the portfolio on PostgreSQL).
    rows = db.session.execute(
        select(Action.alliance_id, func.count(), func.count().filter(Action.due_on < today))
        .where(Action.status.in_(("open", "in_progress")))
        .group_by(Action.alliance_id)
    )
    for aid, open_count, overdue in rows:
        if aid in out:
            out[aid] = {"open": open_count, "overdue": overdue}
    return out


def _dimension_means(report: dict, key: str) -> dict | None:
    for d in report["dimensions"]:
        if d["key"] == key:
            return {s: (None if d[s].get("suppressed") else d[s]["mean"]) for s in ("A", "B")} | {
                "gap": d["gap"],
                "title": d["title"],
            }
    return None


def effects(rnd: Round, joint_only: bool = False) -> list[dict]:
    """Actions agreed after the previous closed round, with their dimension before and after."""
    earlier = db.session.scalars(
        select(Round)
        .where(
            Round.alliance_id == rnd.alliance_id,
            Round.status == "closed",
            or_(Round.closes_on < rnd.closes_on, and_(Round.closes_on == rnd.closes_on, Round.id < rnd.id)),
        )
        .order_by(Round.closes_on.desc(), Round.id.desc())
        .limit(1)
    ).first()
    if earlier is None:
        return []
    before_report, after_report = summaries.stored(earlier), summaries.stored(rnd)
    out = []
    for action in of_round(earlier, joint_only):
        before = _dimension_means(before_report, action.dimension) if action.dimension else None
        after = _dimension_means(after_report, action.dimension) if action.dimension else None
        out.append({"action": action, "before": before, "after": after, "previous": earlier.label})
    return out
