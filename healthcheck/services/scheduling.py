"""What the scheduled jobs do. Every function derives its work from database state and is
safe to run twice: rounds move by guarded transitions, reminders and messages are unique."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from healthcheck.analysis.dates import next_check
from healthcheck.extensions import db
from healthcheck.models import Alliance, Invitation, Round, User
from healthcheck.models.alliance import alliance_owners
from healthcheck.services import notifications, packs, portfolio, questionnaires, reminders, rounds

log = logging.getLogger(__name__)


def open_due_rounds(now: datetime) -> int:
    due = db.session.scalars(
        select(Round).where(Round.status == "draft", Round.auto_open.is_(True), Round.opens_on <= now.date())
    )
    opened = 0
    for rnd in due:
        if rounds.open_round(rnd, now=now):
            opened += 1
    return opened


def close_due_rounds(now: datetime) -> dict:
    """Close open rounds whose close date has passed (``rounds.close_round`` tells the owners).

    Each round closes in a savepoint of its own: one whose report cannot be computed stays
    open (listed in ``failed``, retried next hour) and never stops the others.
    """
    closed, failed = [], []
    due = db.session.scalars(select(Round).where(Round.status == "open", Round.closes_on < now.date())).all()
    for rnd in due:
        round_id = rnd.id
        try:
            with db.session.begin_nested():
                if rounds.close_round(rnd, now=now):  # its owners are told what it shows and hides
                    closed.append(round_id)
        except Exception:  # noqa: BLE001 - logged; the round stays open and is retried
            log.exception("round %s could not be closed", round_id)
            failed.append(round_id)
    return {"round_ids": closed, "failed": failed}


def write_packs(round_ids: list[int]) -> list[str]:
    """HTML report packs of closed rounds into reports/; a failure never undoes a close."""
    written = []
    for rid in round_ids:
        try:
            written.append(str(packs.write_round_pack(db.session.get(Round, rid))))
        except Exception:  # noqa: BLE001 - one round's pack never stops the others'
            log.exception("report pack of round %s not written", rid)
            db.session.rollback()
    return written


def _label(alliance: Alliance, opens_on) -> str:
    base = f"{opens_on.year}-Q{(opens_on.month - 1) // 3 + 1}"
    taken = set(db.session.scalars(select(Round.label).where(Round.alliance_id == alliance.id)))
    label, n = base, 2
    while label in taken:
        label, n = f"{base} ({n})", n + 1
    return label


def plan_next_rounds(now: datetime) -> list[int]:
    """For each active alliance with no draft or open round, plan the next one from its
    cadence once it is due within the planning lead, copying the last invitation list."""
    lead = timedelta(days=current_app.config["PLANNING_LEAD_DAYS"])
    planned = []
    busy = select(Round.alliance_id).where(Round.status.in_(("draft", "open")))
    for alliance in db.session.scalars(
        select(Alliance).where(Alliance.active.is_(True), Alliance.id.not_in(busy))
    ):
        last = db.session.scalar(
            select(Round)
            .where(Round.alliance_id == alliance.id)
            .order_by(Round.closes_on.desc(), Round.id.desc())
            .limit(1)
        )
        if last is None:
            continue  # the first round is the manager's decision
        open_days = current_app.config["ROUND_OPEN_DAYS"]
        cadence = alliance.effective_cadence_months
        # the rule the alliance page and the portfolio show
        due = next_check(last.closes_on, alliance.created_at.date(), cadence, now.date(), open_days)
        if due.opens_on - lead > now.date():
            continue
        opens_on = max(due.opens_on, now.date())
        questionnaire = questionnaires.latest(last.questionnaire.key)
        rnd = Round(
            alliance=alliance,
            questionnaire=questionnaire,
            label=_label(alliance, opens_on),
            opens_on=opens_on,
            closes_on=opens_on + timedelta(days=open_days),
            planned=True,
            auto_open=current_app.config["AUTO_OPEN_PLANNED"],
        )
        db.session.add(rnd)
        db.session.flush()
        for inv in db.session.scalars(
            select(Invitation).where(
                Invitation.round_id == last.id, Invitation.status != "revoked", Invitation.email != ""
            )
        ):
            db.session.add(
                Invitation(
                    round_id=rnd.id,
                    side=inv.side,
                    name=inv.name,
                    email=inv.email,
                    function=inv.function,
                    language=inv.language,  # issue 17: a person keeps the language they chose
                )
            )
        for owner in alliance.owners:
            notifications.enqueue(
                "round_planned", owner.email, f"planned:{rnd.id}:{owner.id}", now=now, round_id=rnd.id
            )
        planned.append(rnd.id)
    return planned


def queue_reminders(now: datetime) -> int:
    """Reminders 7 and 14 days after opening to whoever has not submitted (at most two)."""
    return sum(
        reminders.queue_scheduled(rnd, now)
        for rnd in db.session.scalars(
            select(Round).where(Round.status == "open", Round.closes_on >= now.date())
        )
    )


def _latest_closed(alliance_id: int) -> int | None:
    """The round whose warnings the portfolio shows for an alliance: its latest closed one."""
    return db.session.scalar(
        select(Round.id)
        .where(Round.alliance_id == alliance_id, Round.status == "closed")
        .order_by(Round.closes_on.desc(), Round.id.desc())
        .limit(1)
    )


def queue_digests(now: datetime) -> int:
    """A weekly digest to every manager or admin who owns alliances."""
    year, week, _ = now.isocalendar()
    label = f"{year}-W{week:02d}"
    owners = db.session.scalars(
        select(User).where(User.active.is_(True), User.id.in_(select(alliance_owners.c.user_id)))
    )
    queued = 0
    for user in owners:
        board = portfolio.dashboard(user, today=now.date(), filters=portfolio.Filters(owner=user.id))
        items = [
            {
                "name": x.name,
                "health_index": x.health_index,
                "rag": x.rag,
                "overdue": x.overdue,
                "warnings": [dict(w) for w in x.warnings],  # code, side, dimension, message
                "round_id": _latest_closed(x.key) if x.warnings else None,  # its sentences, translated
            }
            for x in board.lines
        ]
        warning_count = sum(len(i["warnings"]) for i in items)
        queued += notifications.enqueue(
            "digest",
            user.email,
            f"digest:{user.id}:{label}",
            now=now,
            week=label,
            items=items,
            warning_count=warning_count,
            overdue_count=sum(i["overdue"] for i in items),
        )
    return queued
