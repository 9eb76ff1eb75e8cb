"""Search every alliance a user may see: alliances, notes, actions and comments (k rule).

One set of queries over a set of alliance ids: the alliance's own timeline search is the same
search over one id. Comments are searched in closed rounds only, and only of the sides whose
comments the report shows (DESIGN §3.9), listed in an order that says nothing of who wrote when.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select

from healthcheck.analysis import anonymity
from healthcheck.extensions import db
from healthcheck.models import (
    Action,
    Alliance,
    Dimension,
    DimensionComment,
    Note,
    Organisation,
    Response,
    Round,
)
from healthcheck.services import access, summaries

MIN_CHARS = 2
LIMIT = 50  # per kind of result


def _like(column, needle: str):
    return func.lower(column).contains(needle, autoescape=True)


def needle_of(query: str) -> str | None:
    """The lower-cased text to look for, or None when it is too short to search."""
    needle = (query or "").strip().lower()
    return needle if len(needle) >= MIN_CHARS else None


def alliances(ids, needle: str, limit: int = LIMIT) -> list[Alliance]:
    orgs = select(Organisation.id).where(_like(Organisation.name, needle))
    return list(
        db.session.scalars(
            select(Alliance)
            .where(
                Alliance.id.in_(ids),
                or_(
                    _like(Alliance.name, needle),
                    _like(Alliance.north_star, needle),
                    Alliance.side_a_id.in_(orgs),
                    Alliance.side_b_id.in_(orgs),
                ),
            )
            .order_by(Alliance.name)
            .limit(limit)
        ).unique()
    )


def notes(ids, needle: str, limit: int = LIMIT) -> list[Note]:
    return list(
        db.session.scalars(
            select(Note)
            .where(Note.alliance_id.in_(ids), or_(_like(Note.title, needle), _like(Note.body, needle)))
            .order_by(Note.happened_on.desc(), Note.id.desc())
            .limit(limit)
        )
    )


def actions(ids, needle: str, limit: int = LIMIT) -> list[Action]:
    return list(
        db.session.scalars(
            select(Action)
            .where(
                Action.alliance_id.in_(ids),
                or_(
                    _like(Action.title, needle),
                    _like(Action.description, needle),
                    _like(Action.owner, needle),
                ),
            )
            .order_by(Action.due_on.desc(), Action.id.desc())
            .limit(limit)
        )
    )


def comments(ids, needle: str, limit: int = LIMIT) -> list[dict]:
    """Matching comments of closed rounds, of the sides the round's report shows comments of;
    by round (oldest first), dimension, side and text."""
    rows = db.session.execute(
        select(Round, Response.side, Dimension.title, DimensionComment.text)
        .join(Response, Response.round_id == Round.id)
        .join(DimensionComment, DimensionComment.response_id == Response.id)
        .join(Dimension, Dimension.id == DimensionComment.dimension_id)
        .where(
            Round.alliance_id.in_(ids),
            Round.status == "closed",
            Response.submitted_at.is_not(None),
            _like(DimensionComment.text, needle),
        )
    ).all()
    shown: dict[int, set[str]] = {}
    found = []
    for rnd, side, title, text in rows:
        if rnd.id not in shown:
            shown[rnd.id] = anonymity.comment_sides(summaries.stored(rnd))
        if side in shown[rnd.id]:
            found.append((rnd, side, title, text))
    found.sort(key=lambda r: (r[0].closes_on, r[0].id, r[2], r[1], anonymity.comment_order(r[3])))
    return [
        {
            "round": rnd.label,
            "round_id": rnd.id,
            "alliance_id": rnd.alliance_id,
            "alliance": rnd.alliance.name,
            "side": rnd.alliance.side(side).name,
            "dimension": title,
            "text": text,
        }
        for rnd, side, title, text in found[:limit]
    ]


@dataclass
class Found:
    query: str
    searched: bool = False
    alliances: list[Alliance] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.alliances) + len(self.notes) + len(self.actions) + len(self.comments)

    @property
    def truncated(self) -> bool:
        """True when some kind of result reached the limit (there may be more)."""
        return any(len(x) >= LIMIT for x in (self.alliances, self.notes, self.actions, self.comments))


def visible_ids(user) -> Select:
    return access.visible_alliances(user).with_only_columns(Alliance.id)


def everywhere(user, query: str) -> Found:
    """What ``query`` finds across every alliance ``user`` may see."""
    needle = needle_of(query)
    if needle is None:
        return Found(query)
    ids = visible_ids(user)
    return Found(
        query,
        True,
        alliances(ids, needle),
        notes(ids, needle),
        actions(ids, needle),
        comments(ids, needle),
    )
