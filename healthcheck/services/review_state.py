"""A round's review in the report JSON (DESIGN §4 ``review``): read by the one assembly path.

Kept apart from ``services.review`` (which reads reports) so that the assembly can import it
without a cycle.
"""

from __future__ import annotations

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Review, Round


def block(rnd: Round) -> dict | None:
    """``{"status", "ends_on", "published_at"}`` of the round's review; None without one."""
    if not _reviewed(rnd):
        return None  # only a round closed here is reviewed: no lookup for the others
    review = db.session.get(Review, rnd.id)
    return None if review is None else _block(review)


def blocks(rounds: list[Round]) -> dict[int, dict]:
    """``block`` of many rounds in one query (the set-based rebuild): {round id: block}."""
    ids = [rnd.id for rnd in rounds if _reviewed(rnd)]
    reviews = db.session.scalars(select(Review).where(Review.round_id.in_(ids))) if ids else []
    return {review.round_id: _block(review) for review in reviews}


def _reviewed(rnd: Round) -> bool:
    return rnd.id is not None and rnd.status == "closed" and not rnd.imported


def _block(review: Review) -> dict:
    return {
        "status": review.status,
        "ends_on": review.ends_on.isoformat(),
        "published_at": review.published_at.isoformat() if review.published_at else None,
    }
