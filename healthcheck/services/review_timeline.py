"""The review acts of an alliance's rounds, as events of its timeline (``memory.timeline``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Action, Alliance, PackVersion, Review, ReviewComment, Reviewer, Round
from healthcheck.services import actions


def timeline_events(alliance: Alliance) -> list[tuple[datetime, str, str, str]]:
    """(when, "review", title, detail) of every review act of the alliance's rounds."""
    events = []
    rounds = {
        r.id: r
        for r in db.session.scalars(
            select(Round).join(Review, Review.round_id == Round.id).where(Round.alliance_id == alliance.id)
        )
    }
    if not rounds:
        return events
    titles = {}
    for review in db.session.scalars(select(Review).where(Review.round_id.in_(rounds))):
        label = rounds[review.round_id].label
        events.append(
            (review.started_at, "review", f"Joint review of {label} opened", f"until {review.ends_on}")
        )
    for r in db.session.scalars(select(Reviewer).where(Reviewer.round_id.in_(rounds))):
        label = rounds[r.round_id].label
        events.append(
            (r.created_at, "review", f"Reviewer named for {label}", f"{r.name} ({alliance.side_b.name})")
        )
        if r.revoked_at:
            events.append((r.revoked_at, "review", f"Reviewer link to {label} revoked", r.name))
    titles = actions.dimension_titles(alliance)
    for e in db.session.scalars(select(ReviewComment).where(ReviewComment.round_id.in_(rounds))):
        kind, _, key = e.finding.partition(":")
        what = titles.get(key, key) if kind == "dimension" else f"talking point {key}"
        verb = f"{e.stance}s" if e.stance else "replies"
        events.append(
            (
                e.created_at,
                "review",
                f"{alliance.side(e.side).name} {verb} on {what} ({rounds[e.round_id].label})",
                e.text,
            )
        )
    for a in db.session.scalars(
        select(Action).where(Action.round_id.in_(rounds), Action.proposed_by_side.is_not(None))
    ):
        events.append(
            (
                a.created_at,
                "review",
                f"Joint action proposed by {alliance.side(a.proposed_by_side).name}: {a.title}",
                f"due {a.due_on}",
            )
        )
        if a.accepted:
            events.append(
                (
                    max(a.accepted_a_at, a.accepted_b_at),
                    "review",
                    f"Joint action accepted by both sides: {a.title}",
                    "",
                )
            )
    for v in db.session.scalars(select(PackVersion).where(PackVersion.round_id.in_(rounds))):
        events.append((v.created_at, "review", f"Pack {rounds[v.round_id].label} version {v.number}", v.note))
    return events
