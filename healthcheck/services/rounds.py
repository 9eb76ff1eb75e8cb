"""Rounds: create, open, close, extend; where each side stands against k; the owners' close message."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from healthcheck.analysis import anonymity
from healthcheck.extensions import db
from healthcheck.models import Alliance, IllegalTransition, Questionnaire, Round
from healthcheck.models.base import utcnow
from healthcheck.problems import N_, problem
from healthcheck.services import (
    audit,
    dataset,
    notifications,
    review,
    review_publication,
    summaries,
    webhooks,
)
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import short_text_problem


def create(
    alliance: Alliance,
    questionnaire: Questionnaire | None,
    label: str,
    opens_on: date | None,
    closes_on: date | None,
    actor=None,
    open_days: int = 21,
    auto_open: bool = True,
    today: date | None = None,
) -> Round:
    label = (label or "").strip()
    problems = []
    required = problem(N_("label: required, e.g. 2026-Q4"))
    if found := short_text_problem(problem(N_("label")), label, 100, required=required):
        problems.append(found)
    elif db.session.scalar(select(Round.id).where(Round.alliance_id == alliance.id, Round.label == label)):
        problems.append(problem(N_("label: this alliance already has a round %(label)r"), label=label))
    if questionnaire is None:
        problems.append(problem(N_("questionnaire: choose one from the library")))
    today = today or date.today()
    opens_on = opens_on or today
    closes_on = closes_on or opens_on + timedelta(days=open_days)
    problems.extend(Round.date_problems(opens_on, closes_on, today))
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
        webhooks.emit("round.opened", rnd, now)
    return done


def standing(rnd: Round, counts: dict | None = None) -> list[dict]:
    """Each side's invitations and submissions against the round's k, in words (side A first)."""
    counts = counts or dataset.response_counts([rnd.id])[rnd.id]
    return [
        anonymity.side_standing(
            f"Side {s} · {rnd.alliance.side(s).name}",
            counts[s]["invited"],
            counts[s]["submitted"],
            rnd.k,
            rnd.status,
        )
        for s in ("A", "B")
    ]


def hidden_at_close(rnd: Round) -> list[dict]:
    """The sides whose figures closing the round now would hide (fewer than k submitted)."""
    return [s for s in standing(rnd) if not anonymity.side_shown(s["submitted"], s["k"])]


def close_round(rnd: Round, actor=None, now=None, accept_hidden: bool = True) -> bool:
    """Close an open round, refresh its stored summary and tell its owners what the report
    shows and hides.

    A person closing by hand must have seen what will be hidden: the round page passes
    ``accept_hidden`` from its tick box and a side under k without it is refused. The
    scheduler closes on the date the owners set (the default).
    """
    if not accept_hidden and rnd.status == "open" and (hidden := hidden_at_close(rnd)):
        names = ", ".join(s["name"] for s in hidden)
        raise InvalidInput(
            [
                problem(
                    N_("confirm: %(names)s has fewer than k = %(k)s responses; tick the box to close anyway"),
                    names=names,
                    k=rnd.k,
                )
            ]
        )
    done = _transition(rnd, "closed", actor, now)
    if done:
        review.start(rnd, now)  # the joint review window (issue 15), before the report is stored
        summary = summaries.refresh_round(rnd)
        review_publication.after_close(rnd, now)  # no window: published at once
        notify_closed(rnd, summary, now)
        webhooks.round_closed(rnd, summary, now)
    return done


def notify_closed(rnd: Round, summary, now=None) -> None:
    """The owners' message: headline figures and, when some are hidden, what and why."""
    hidden = anonymity.hidden_reasons(summary.report)
    context = {
        "round_id": rnd.id,
        "health_index": summary.health_index,
        "rag": summary.rag,
        "alignment_index": summary.alignment_index,
        "warnings": summary.warnings,
        "invited_a": summary.invited_a,
        "submitted_a": summary.submitted_a,
        "invited_b": summary.invited_b,
        "submitted_b": summary.submitted_b,
        "hidden": hidden,
        "k": rnd.k,
    }
    for owner in rnd.alliance.owners:
        notifications.enqueue("round_closed", owner.email, f"closed:{rnd.id}:{owner.id}", now=now, **context)


def extend(rnd: Round, closes_on: date | None, actor=None, today: date | None = None, now=None) -> int:
    """Move an open round's close date later; everyone invited who has not submitted is told
    by email. Returns how many were told. A closed round cannot be extended."""
    if closes_on is None:
        raise InvalidInput([problem(N_("closes on: required, e.g. 2026-12-24"))])
    problems = rnd.extension_problems(closes_on, today or date.today())
    if problems:
        raise InvalidInput(problems)
    previous = rnd.closes_on
    moved = db.session.execute(
        update(Round)
        .where(Round.id == rnd.id, Round.status == "open")
        .values(closes_on=closes_on)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(rnd)
    if moved != 1:  # the scheduler closed it meanwhile
        raise IllegalTransition(
            problem(
                N_("round %(label)r is %(status)s; only an open round can be extended"),
                label=rnd.label,
                status=problem(rnd.status),
            )
        )
    audit.record("round.extend", actor, rnd, closes_on=closes_on.isoformat(), was=previous.isoformat())
    return notifications.tell_extended(rnd, previous, now=now)


def response_rate(counts: dict[str, int]) -> float | None:
    return counts["submitted"] / counts["invited"] if counts["invited"] else None


def rounds_of(alliance: Alliance) -> list[Round]:
    return list(
        db.session.scalars(
            select(Round).where(Round.alliance_id == alliance.id).order_by(Round.opens_on, Round.id)
        )
    )
