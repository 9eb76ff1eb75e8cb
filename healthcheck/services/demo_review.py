"""The demo's joint reviews (issue 15): Nordvik's latest round reviewed and published, the
round closed most recently in review."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Action, Alliance, Review, ReviewComment, Reviewer, Round, hash_token
from healthcheck.services import review, review_links, review_publication, summaries, users
from healthcheck.services.demo_memory import NORDVIK

IN_REVIEW_DAYS = 28  # the alliance reviewing now agreed a four-week window


def _reviewer(rnd: Round, name: str, email: str, at: datetime, ends_on: date) -> Reviewer:
    """A reviewer whose link was sent (its token is not kept: nobody can open it)."""
    reviewer = Reviewer(
        round_id=rnd.id,
        name=name,
        email=email,
        token_hash=hash_token(secrets.token_urlsafe(24)),
        link_issued_at=at,
        expires_at=datetime.combine(
            ends_on + timedelta(days=review_links.LINK_GRACE_DAYS), datetime.max.time()
        ).replace(microsecond=0),
        created_at=at,
    )
    db.session.add(reviewer)
    db.session.flush()
    return reviewer


def _say(rnd, finding, side, stance, text, at, reviewer=None, user=None, reply_to=None) -> ReviewComment:
    entry = ReviewComment(
        round_id=rnd.id,
        finding=finding,
        side=side,
        stance=stance,
        text=text,
        reply_to_id=reply_to.id if reply_to else None,
        reviewer_id=reviewer.id if reviewer else None,
        user_id=user.id if user else None,
        created_at=at,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _latest_closed(alliance_id: int | None = None) -> Round | None:
    stmt = select(Round).where(Round.status == "closed", Round.closed_at.is_not(None))
    if alliance_id is not None:
        stmt = stmt.where(Round.alliance_id == alliance_id)
    return db.session.scalar(stmt.order_by(Round.closed_at.desc(), Round.id.desc()).limit(1))


def _nordvik(rnd: Round) -> None:
    """Reviewed both ways: finance agreed, governance disputed, a joint budget review accepted."""
    maria = users.by_email("manager@example.com")
    closed = rnd.closed_at
    ends_on = closed.date() + timedelta(days=rnd.alliance.review_days)
    db.session.add(
        Review(
            round_id=rnd.id,
            status="published",
            ends_on=ends_on,
            started_at=closed,
            published_at=closed + timedelta(days=8),
            published_by_id=maria.id if maria else None,
        )
    )
    db.session.flush()
    sofie = _reviewer(rnd, "Sofie Lind", "sofie.lind@nordvik.example", closed + timedelta(hours=16), ends_on)
    day = timedelta(days=1)
    _say(
        rnd,
        "dimension:finance",
        "A",
        "agree",
        "The finance gap is real: two milestone payments were late.",
        closed + day,
        user=maria,
    )
    _say(
        rnd,
        "dimension:finance",
        "B",
        "agree",
        "Agreed — and the cost-sharing split still feels unfair to us.",
        closed + 2 * day,
        reviewer=sofie,
    )
    first = _say(
        rnd,
        "dimension:governance",
        "A",
        "agree",
        "Governance works: the committee meets every quarter.",
        closed + day,
        user=maria,
    )
    doubt = _say(
        rnd,
        "dimension:governance",
        "B",
        "disagree",
        "Decisions wait for the quarterly committee; we need a faster path between meetings.",
        closed + 3 * day,
        reviewer=sofie,
        reply_to=first,
    )
    _say(
        rnd,
        "dimension:governance",
        "A",
        None,
        "Fair point: we could trial a monthly decision call.",
        closed + 4 * day,
        user=maria,
        reply_to=doubt,
    )
    db.session.add(
        Action(
            alliance_id=rnd.alliance_id,
            round_id=rnd.id,
            dimension="finance",
            title="Joint budget review with both finance leads",
            owner=maria.email if maria else "manager@example.com",
            due_on=rnd.closes_on + timedelta(days=60),
            visibility="joint",
            partner_owner_name="Sofie Lind",
            partner_owner_email="sofie.lind@nordvik.example",
            proposed_by_side="A",
            accepted_a_at=closed + 2 * day,
            accepted_b_at=closed + 5 * day,
            created_at=closed + 2 * day,
            created_by_id=maria.id if maria else None,
        )
    )
    db.session.flush()
    summaries.refresh_round(rnd)  # the report says "published"
    review_publication.freeze(rnd, "published", now=closed + timedelta(days=8))


def _in_review(rnd: Round, today: date) -> None:
    """Reviewing now: side A has started, the partner's reviewer has a link."""
    alliance = db.session.get(Alliance, rnd.alliance_id)
    alliance.review_days = IN_REVIEW_DAYS
    closed = rnd.closed_at
    ends_on = closed.date() + timedelta(days=IN_REVIEW_DAYS)
    db.session.add(Review(round_id=rnd.id, status="in_review", ends_on=ends_on, started_at=closed))
    db.session.flush()
    partner = alliance.side_b.name
    domain = partner.lower().split()[0] + ".example"
    _reviewer(rnd, "Jonas Weber", f"jonas.weber@{domain}", closed + timedelta(hours=20), ends_on)
    owner = alliance.owners[0] if alliance.owners else None
    first = rnd.questionnaire.dimensions[0]
    _say(
        rnd,
        f"dimension:{first.key}",
        "A",
        "agree",
        "This matches what we hear in the project team.",
        min(closed + timedelta(days=2), datetime.combine(today, datetime.min.time())),
        user=owner,
    )
    summaries.refresh_round(rnd)


def seed(today: date | None = None) -> None:
    """Once: a round that already has a review is left as it is."""
    today = today or date.today()
    nordvik = db.session.scalar(select(Alliance).where(Alliance.name == NORDVIK))
    published = _latest_closed(nordvik.id) if nordvik else None
    if published is not None and review.of_round(published) is None:
        _nordvik(published)
    latest = _latest_closed()
    if latest is not None and latest is not published and review.of_round(latest) is None:
        _in_review(latest, today)
