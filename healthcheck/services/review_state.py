"""A round's review in the report JSON (DESIGN §4 ``review``): read by the one assembly path.

Kept apart from ``services.review`` (which reads reports) so that the assembly can import it
without a cycle.
"""

from __future__ import annotations

from healthcheck.extensions import db
from healthcheck.models import Review, Round


def block(rnd: Round) -> dict | None:
    """``{"status", "ends_on", "published_at"}`` of the round's review; None without one."""
    if rnd.id is None or rnd.status != "closed" or rnd.imported:
        return None  # only a round closed here is reviewed: no lookup for the others
    review = db.session.get(Review, rnd.id)
    if review is None:
        return None
    return {
        "status": review.status,
        "ends_on": review.ends_on.isoformat(),
        "published_at": review.published_at.isoformat() if review.published_at else None,
    }
