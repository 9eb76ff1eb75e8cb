"""Actions: findings turned into follow-ups, and whether they helped in the next round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from healthcheck.extensions import db
from healthcheck.models import ACTION_STATUSES, VISIBILITIES, Action, Alliance, Dimension, Round
from healthcheck.models.base import utcnow
from healthcheck.services import audit, summaries
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


def _check(alliance: Alliance, data: ActionData, rnd: Round | None) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append("title: required")
    elif len(data.title) > 200:
        problems.append("title: at most 200 characters")
    if not data.owner.strip():
        problems.append("owner: required (a name on either side)")
    elif len(data.owner) > 200:
        problems.append("owner: at most 200 characters")
    if data.due_on is None:
        problems.append("due date: required (YYYY-MM-DD)")
    if data.visibility not in VISIBILITIES:
        problems.append(f"visibility: internal or joint (got {data.visibility!r})")
    if data.status not in ACTION_STATUSES:
        problems.append(f"status: one of {', '.join(ACTION_STATUSES)}")
    if len(data.description) > 5000:
        problems.append("description: at most 5000 characters")
    if data.dimension and rnd is not None:
        keys = {d.key for d in rnd.questionnaire.dimensions}
        if data.dimension not in keys:
            problems.append(f"dimension: one of {', '.join(sorted(keys))}")
    if rnd is not None and rnd.alliance_id != alliance.id:
        problems.append("round: not a round of this alliance")
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
        owner=data.owner.strip(),
        due_on=data.due_on,
        visibility=data.visibility,
        status=data.status,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(action)
    db.session.flush()
    audit.record("action.create", actor, action, visibility=data.visibility)
    return action


def set_status(action: Action, status: str, actor) -> None:
    if status not in ACTION_STATUSES:
        raise InvalidInput(f"status: one of {', '.join(ACTION_STATUSES)}")
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
