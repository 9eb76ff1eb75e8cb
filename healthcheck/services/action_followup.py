"""The life of a joint action after both sides accepted it (issue 15, item 3).

- ``assigned``: both owners (side A's user, side B's named contact) are told once.
- ``queue_reminders``: a reminder ``ACTION_REMINDER_DAYS`` (7) before the due date, once per
  action, to both owners; not for done or dropped actions.
- ``queue_checkins``: ``ACTION_CHECKIN_DAYS`` (30) after an action is done, each owner gets a
  personal link to one question, "Did this help?" (1–5 and a comment). One check-in row per
  owner (``ActionCheckin``); its token is made when the email is delivered (the outbox holds
  no usable token) and only its hash is stored; each owner answers once.
- ``effects``: the next round's report shows each action of the previous round with its
  dimension before and after per side (Welch 95 % interval, k rule) and the check-in answers,
  attributed to the side, never the person.

Exactly once: each step first claims the action with a guarded UPDATE (``reminder_sent_at`` /
``checkin_sent_at`` still empty), and every message has a dedupe key in the outbox, so two
schedulers running at once queue each message once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from healthcheck.analysis import followup
from healthcheck.extensions import db
from healthcheck.models import Action, ActionCheckin, OutgoingMail, Round, User, hash_token
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import audit, notifications, summaries
from healthcheck.services.errors import InvalidInput, NotFound

KINDS = ("action_assigned", "action_reminder", "action_checkin")
LIVE = ("open", "in_progress")
MAX_COMMENT = 2000


class AlreadyAnswered(Exception):
    """This owner's check-in was answered before; a second answer is refused."""

    def __init__(self, checkin: ActionCheckin):
        self.checkin = checkin
        super().__init__("This check-in was already answered.")


# --- who gets what ---------------------------------------------------------------------------


def owner_emails(action: Action) -> dict[str, str]:
    """{side: email} of the owners that can be reached: side A's user, side B's contact."""
    out = {}
    user = action.owner_user
    if user is None and "@" in (action.owner or ""):
        # an action agreed before owners were users: its owner text may be a user's email
        user = db.session.scalar(select(User).where(User.email == action.owner.strip().lower()))
    if user is not None and user.active and user.email:
        out["A"] = user.email
    if (action.partner_owner_email or "").strip():
        out["B"] = action.partner_owner_email.strip()
    return out


def _is_agreed(action: Action) -> bool:
    return (
        action.visibility == "joint" and action.accepted_a_at is not None and action.accepted_b_at is not None
    )


def _enqueue_both(action: Action, kind: str, key: str, now: datetime) -> int:
    count = 0
    for side, email in owner_emails(action).items():
        count += notifications.enqueue(
            kind, email, f"{key}:{action.id}:{side}", now=now, action_id=action.id, side=side
        )
    return count


def assigned(action: Action, now: datetime | None = None) -> int:
    """Tell both owners of a joint action accepted by both that they own it (once each).

    Call it where an action becomes accepted by both sides; it does nothing for an action
    that is internal, not yet accepted by both, or dropped. Returns the messages queued."""
    if not _is_agreed(action) or action.status == "dropped":
        return 0
    return _enqueue_both(action, "action_assigned", "action-assigned", now or utcnow())


def _claim(action_id: int, column, now: datetime) -> bool:
    """Set ``column`` (still empty) on the action; False when another run set it first."""
    return (
        db.session.execute(
            update(Action)
            .where(Action.id == action_id, column.is_(None))
            .values({column.key: now})
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _agreed_joint():
    return select(Action).where(
        Action.visibility == "joint", Action.accepted_a_at.is_not(None), Action.accepted_b_at.is_not(None)
    )


def queue_reminders(now: datetime) -> int:
    """Remind both owners of each open joint action due within ``ACTION_REMINDER_DAYS``."""
    days = int(current_app.config.get("ACTION_REMINDER_DAYS", 7))
    today = now.date()
    due = db.session.scalars(
        _agreed_joint()
        .where(
            Action.status.in_(LIVE),
            Action.reminder_sent_at.is_(None),
            Action.due_on >= today,
            Action.due_on <= today + timedelta(days=days),
        )
        .order_by(Action.id)
    ).all()
    count = 0
    for action in due:
        if _claim(action.id, Action.reminder_sent_at, now):
            count += _enqueue_both(action, "action_reminder", "action-reminder", now)
    return count


def queue_checkins(now: datetime) -> int:
    """Ask both owners "Did this help?" ``ACTION_CHECKIN_DAYS`` after a joint action is done."""
    days = int(current_app.config.get("ACTION_CHECKIN_DAYS", 30))
    due = db.session.scalars(
        _agreed_joint()
        .where(
            Action.status == "done",
            Action.completed_at.is_not(None),
            Action.completed_at <= now - timedelta(days=days),
            Action.checkin_sent_at.is_(None),
        )
        .order_by(Action.id)
    ).all()
    count = 0
    for action in due:
        if not _claim(action.id, Action.checkin_sent_at, now):
            continue
        for side, email in owner_emails(action).items():
            checkin = ActionCheckin(action_id=action.id, side=side, email=email, created_at=now)
            db.session.add(checkin)
            db.session.flush()
            count += notifications.enqueue(
                "action_checkin", email, f"action-checkin:{action.id}:{side}", now=now, checkin_id=checkin.id
            )
    return count


def run_due(now: datetime) -> dict:
    """The scheduled job: reminders before due dates, check-ins after completion."""
    return {"action_reminders": queue_reminders(now), "action_checkins": queue_checkins(now)}


# --- the messages (rendered at delivery) ---------------------------------------------------


def _other(side: str) -> str:
    return "B" if side == "A" else "A"


def _owner_name(action: Action, side: str) -> str:
    if side == "A":
        user = action.owner_user
        return (user.display_name if user is not None else "") or action.owner
    return action.partner_owner_name or action.partner_owner_email


def mail_context(mail: OutgoingMail, base_url: str, now: datetime | None = None) -> dict | None:
    """The template context of a follow-up message, or None when it is not wanted any more.

    A check-in message issues the owner's personal link here, in the transaction that marks
    the message sent (a failed send rolls the token back; the retry issues a new one)."""
    if mail.kind == "action_checkin":
        checkin = db.session.get(ActionCheckin, mail.context.get("checkin_id"))
        if checkin is None or checkin.answered_at is not None or checkin.action.status != "done":
            return None
        action, side = checkin.action, checkin.side
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        checkin.token_hash = hash_token(token)
        checkin.issued_at = now
        checkin.expires_at = now + timedelta(days=int(current_app.config.get("ACTION_CHECKIN_LINK_DAYS", 60)))
        extra = {"link": f"{base_url}/checkin/{token}", "expires": checkin.expires_at.date()}
    else:
        action = db.session.get(Action, mail.context.get("action_id"))
        side = mail.context.get("side", "A")
        if action is None or not _is_agreed(action):
            return None
        if mail.kind == "action_assigned" and action.status == "dropped":
            return None
        if mail.kind == "action_reminder" and action.status not in LIVE:
            return None
        link = f"{base_url}/alliances/{action.alliance_id}/timeline" if side == "A" else None
        extra = {"link": link}
    alliance = action.alliance
    return {
        "action": action,
        "alliance": alliance,
        "rnd": action.round,
        "side": side,
        "side_name": alliance.side(side).name,
        "partner_name": alliance.side(_other(side)).name,
        "co_owner": _owner_name(action, _other(side)),
        "base_url": base_url,
        **extra,
    }


# --- the check-in page ---------------------------------------------------------------------


def checkin_by_token(token: str, now: datetime | None = None) -> ActionCheckin:
    """The check-in of a personal link; NotFound for an unknown or expired one (the page
    says the same for both, so a guess learns nothing)."""
    now = now or utcnow()
    if not token or len(token) > 200:
        raise NotFound()
    checkin = db.session.scalar(select(ActionCheckin).where(ActionCheckin.token_hash == hash_token(token)))
    if checkin is None or checkin.expires_at is None or checkin.expires_at <= now:
        raise NotFound()
    return checkin


def answer(token: str, score, comment: str, now: datetime | None = None) -> ActionCheckin:
    """Save an owner's answer once. InvalidInput names the field; AlreadyAnswered on a second
    answer (also when two submissions race: the guarded UPDATE lets one through)."""
    now = now or utcnow()
    checkin = checkin_by_token(token, now)
    if checkin.answered_at is not None:
        raise AlreadyAnswered(checkin)
    problems = []
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = None
    if value not in followup.SCORES:
        problems.append(problem(N_("Did this help?: choose a score from 1 (not at all) to 5 (very much)")))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        problems.append(
            problem(N_("comment: at most %(n)s characters (got %(got)s)"), n=MAX_COMMENT, got=len(comment))
        )
    if problems:
        raise InvalidInput(problems)
    saved = db.session.execute(
        update(ActionCheckin)
        .where(ActionCheckin.id == checkin.id, ActionCheckin.answered_at.is_(None))
        .values(score=value, comment=comment, answered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if saved != 1:
        raise AlreadyAnswered(checkin)
    db.session.refresh(checkin)
    audit.record("action.checkin", None, checkin.action, side=checkin.side, score=value)
    return checkin


# --- the next round's report ---------------------------------------------------------------


def previous_closed(rnd: Round) -> Round | None:
    """The alliance's closed round that closed last before ``rnd``."""
    return db.session.scalars(
        select(Round)
        .where(Round.alliance_id == rnd.alliance_id, Round.status == "closed", Round.id != rnd.id)
        .where((Round.closes_on < rnd.closes_on) | ((Round.closes_on == rnd.closes_on) & (Round.id < rnd.id)))
        .order_by(Round.closes_on.desc(), Round.id.desc())
        .limit(1)
    ).first()


def _dimension(report: dict, key: str) -> dict | None:
    return next((d for d in report["dimensions"] if d["key"] == key), None)


def _answers(action_ids: list[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    if not action_ids:
        return out
    for c in db.session.scalars(
        select(ActionCheckin).where(
            ActionCheckin.action_id.in_(action_ids), ActionCheckin.answered_at.is_not(None)
        )
    ):
        out.setdefault(c.action_id, []).append({"side": c.side, "score": c.score, "comment": c.comment})
    return out


def in_report(action: Action) -> bool:
    """An action the next report follows up: internal ones, joint ones accepted by both, and
    joint ones side A's manager entered directly (no proposal, agreed in the meeting). A joint
    action proposed in the review and not yet accepted by both is not agreed, so not shown."""
    return action.accepted or action.proposed_by_side is None


def effects(rnd: Round, joint_only: bool = False) -> list[dict]:
    """For each action agreed after the previous closed round (``in_report``; ``joint_only``
    for the partner): its dimension before and after per side, the change with
    its Welch 95 % interval (k rule: a side under k in either round shows no figure), and the
    check-in answers by side. Plain data (no model objects), for pages and packs."""
    earlier = previous_closed(rnd)
    if earlier is None:
        return []
    stmt = select(Action).where(Action.round_id == earlier.id)
    if joint_only:
        stmt = stmt.where(Action.visibility == "joint")
    agreed = [a for a in db.session.scalars(stmt.order_by(Action.id)) if in_report(a)]
    if not agreed:
        return []
    before_report, after_report = summaries.stored(earlier), summaries.stored(rnd)
    answers = _answers([a.id for a in agreed])
    alliance = rnd.alliance
    names = {s: alliance.side(s).name for s in followup.SIDE_ORDER}
    out = []
    for action in agreed:
        before = _dimension(before_report, action.dimension) if action.dimension else None
        after = _dimension(after_report, action.dimension) if action.dimension else None
        sides = {
            s: {
                "name": names[s],
                **followup.side_change(
                    before[s] if before else None, after[s] if after else None, earlier.k, rnd.k
                ),
            }
            for s in followup.SIDE_ORDER
        }
        rows = followup.checkin_rows(answers.get(action.id, []))
        out.append(
            {
                "action_id": action.id,
                "title": action.title,
                "status": action.status,
                "visibility": action.visibility,
                "due_on": action.due_on.isoformat(),
                "dimension": action.dimension,
                "dimension_title": (after or before or {}).get("title", action.dimension),
                "previous_round": earlier.label,
                "round": rnd.label,
                "sides": sides,
                # the published gaps (null when a side is under k in that round)
                "gap_before": before["gap"] if before else None,
                "gap_after": after["gap"] if after else None,
                "checkins": [r | {"side_name": names[r["side"]]} for r in rows],
                "checkin_mean": followup.mean_score(rows),
            }
        )
    return out
