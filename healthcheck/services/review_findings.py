"""What a joint review discusses (each dimension, each talking point of the partner's view) and
what its thread says: the entries, each side's latest stance, whether a finding is disputed, and
the round's joint actions."""

from __future__ import annotations

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Action, ReviewComment, Round
from healthcheck.services import report_pages


def findings(rnd: Round, context: dict | None = None) -> list[tuple[str, str]]:
    """(finding id, title) of what may be discussed: each dimension, each talking point as the
    partner's view shows them (``context``: ``report_pages.round_context(rnd, joint_only=True)``)."""
    context = context or report_pages.round_context(rnd, joint_only=True)
    out = [(f"dimension:{d['key']}", d["title"]) for d in context["report"]["dimensions"]]
    out += [(f"talking:{n}", p["message"]) for n, p in enumerate(context["talking_points"], start=1)]
    return out


def thread(rnd: Round) -> list[ReviewComment]:
    return list(
        db.session.scalars(
            select(ReviewComment).where(ReviewComment.round_id == rnd.id).order_by(ReviewComment.id)
        )
    )


def stances(entries: list[ReviewComment]) -> dict[str, dict[str, str | None]]:
    """{finding: {"A": latest stance, "B": latest stance}} (replies without one keep the last)."""
    out: dict[str, dict[str, str | None]] = {}
    for e in entries:
        side = out.setdefault(e.finding, {"A": None, "B": None})
        if e.stance is not None:
            side[e.side] = e.stance
    return out


def disputed(a: str | None, b: str | None) -> bool:
    """A finding is disputed when either side disagrees or the two latest stances differ."""
    return "disagree" in (a, b) or (a is not None and b is not None and a != b)


def proposals(rnd: Round) -> list[Action]:
    """The round's joint actions (proposed in its review or agreed otherwise), oldest first."""
    return list(
        db.session.scalars(
            select(Action).where(Action.round_id == rnd.id, Action.visibility == "joint").order_by(Action.id)
        )
    )
