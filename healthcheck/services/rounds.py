"""Rounds: create, open, close, and the response rate per side."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from healthcheck.extensions import db
from healthcheck.models import Alliance, Questionnaire, Round
from healthcheck.models.base import utcnow
from healthcheck.services import audit, notifications, summaries
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import single_line_problem


def create(
    alliance: Alliance,
    questionnaire: Questionnaire | None,
    label: str,
    opens_on: date | None,
    closes_on: date | None,
    actor=None,
    open_days: int = 21,
    auto_open: bool = True,
) -> Round:
    label = (label or "").strip()
    problems = []
    if not label:
        problems.append("label: required, e.g. 2026-Q4")
    elif len(label) > 100:
        problems.append("label: at most 100 characters")
    elif found := single_line_problem("label", label):
        problems.append(found)
    elif db.session.scalar(select(Round.id).where(Round.alliance_id == alliance.id, Round.label == label)):
        problems.append(f"label: this alliance already has a round {label!r}")
    if questionnaire is None:
        problems.append("questionnaire: choose one from the library")
    opens_on = opens_on or date.today()
    closes_on = closes_on or opens_on + timedelta(days=open_days)
    if closes_on < opens_on:
        problems.append(f"closes on: {closes_on} is before the opening date {opens_on}")
    if problems:
        raise InvalidInput(problems)
    rnd = Round(
        alliance=alliance,
        questionnaire=questionnaire,
        label=label,
        opens_on=opens_on,
        closes_on=closes_on,
        auto_open=auto_open,
    )
    db.session.add(rnd)
    db.session.flush()
    audit.record("round.create", actor, rnd, label=label)
    return rnd


def _transition(rnd: Round, target: str, actor, now=None) -> bool:
    """Move ``rnd`` to ``target`` with a guarded UPDATE (the model's transition table says
    from where) so that two concurrent callers cannot both do it. Returns False when another
    caller got there first."""
    rnd.check_transition(target)
    now = now or utcnow()
    result = db.session.execute(
        update(Round)
        .where(Round.id == rnd.id, Round.status == Round.source_of(target))
        .values(status=target, **rnd.stamp_of(target, now))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(rnd)
        return False
    rnd.move(target, now)
    audit.record(f"round.{target}", actor, rnd)
    return True


def open_round(rnd: Round, actor=None, now=None) -> bool:
    """Open a draft round and queue the invitation message of everyone invited."""
    done = _transition(rnd, "open", actor, now)
    if done:
        notifications.invite_all(rnd, now=now)
        summaries.refresh_round(rnd)
    return done


def close_round(rnd: Round, actor=None, now=None) -> bool:
    """Close an open round and refresh its stored summary."""
    done = _transition(rnd, "closed", actor, now)
    if done:
        summaries.refresh_round(rnd)
    return done


def response_rate(counts: dict[str, int]) -> float | None:
    return counts["submitted"] / counts["invited"] if counts["invited"] else None


def rounds_of(alliance: Alliance) -> list[Round]:
    return list(
        db.session.scalars(
            select(Round).where(Round.alliance_id == alliance.id).order_by(Round.opens_on, Round.id)
        )
    )
