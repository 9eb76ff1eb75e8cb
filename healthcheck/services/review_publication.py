"""Publishing a joint review (an owner, or the scheduler when the window has ended, exactly once)
and the round's pack versions: each freezes the report as the partner sees it, the thread
(attributed to organisations) and the accepted joint actions; the publication email."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from healthcheck.extensions import db
from healthcheck.models import Alliance, PackVersion, Review, Round
from healthcheck.models.base import utcnow
from healthcheck.services import (
    audit,
    notifications,
    report_pages,
    review_findings,
    review_links,
    summaries,
    users,
    webhooks,
)
from healthcheck.services.review import of_round, open_review


def after_close(rnd: Round, now: datetime | None = None) -> PackVersion | None:
    """With no review window the report was published at close: freeze its pack now."""
    review = of_round(rnd)
    if review is None or review.status != "published" or latest_version(rnd) is not None:
        return None
    audit.record("review.publish", None, rnd, by="close", window=0)
    version = freeze(rnd, "published when the round closed (no review window)")
    publication_email(rnd, version, now)
    return version


def latest_version(rnd: Round) -> PackVersion | None:
    return db.session.scalar(
        select(PackVersion).where(PackVersion.round_id == rnd.id).order_by(PackVersion.number.desc()).limit(1)
    )


def versions(rnd: Round) -> list[PackVersion]:
    return list(
        db.session.scalars(
            select(PackVersion).where(PackVersion.round_id == rnd.id).order_by(PackVersion.number)
        )
    )


def pack_content(rnd: Round) -> dict | None:
    """The review outcome for the pack: the latest published version's once published, else
    the live review. ``reply_to`` is the index (in the finding's thread order of the whole
    review) of the entry replied to. None when the round has no review."""
    review = of_round(rnd)
    if review is None:
        return None
    if review.status == "published" and (latest := latest_version(rnd)) is not None:
        return latest.content["review"]
    return _review_content(rnd, review, review_findings.findings(rnd), None)


def owner_name(email: str) -> str:
    user = users.by_email(email) if email and "@" in email else None
    return user.display_name if user is not None else email


def _organisation(rnd: Round, side: str) -> str:
    return rnd.alliance.side(side).name


def _review_content(rnd: Round, review: Review, titles: list[tuple[str, str]], number: int | None) -> dict:
    entries = review_findings.thread(rnd)
    latest = review_findings.stances(entries)
    found = []
    for finding, title in titles:
        a, b = latest.get(finding, {}).get("A"), latest.get(finding, {}).get("B")
        here = [e for e in entries if e.finding == finding]
        order = {e.id: i for i, e in enumerate(here)}  # ``reply_to``: an index into this thread
        found.append(
            {
                "finding": finding,
                "title": title,
                "A": a,
                "B": b,
                "disputed": review_findings.disputed(a, b),
                "thread": [
                    {
                        "side": e.side,
                        "organisation": _organisation(rnd, e.side),
                        "stance": e.stance,
                        "text": e.text,
                        "at": e.created_at.isoformat(),
                        "reply_to": order.get(e.reply_to_id) if e.reply_to_id else None,
                    }
                    for e in here
                ],
            }
        )
    return {
        "status": review.status,
        "ends_on": review.ends_on.isoformat(),
        "published_at": review.published_at.isoformat() if review.published_at else None,
        "version": number,
        "changed_after_publication": bool(number and number > 1),
        "findings": found,
        "actions": [
            {
                "title": a.title,
                "dimension": a.dimension,
                "owner_a": owner_name(a.owner),
                "owner_b": a.partner_owner_name,
                "due_on": a.due_on.isoformat(),
                "status": a.status,
                "accepted": a.accepted,
            }
            for a in review_findings.proposals(rnd)
            if a.accepted
        ],
    }


def _frozen(rnd: Round, review: Review, number: int, note: str) -> dict:
    """What the partner's view shows now, as plain JSON: the report, its talking points and
    comments under the k rule, the effects of the previous round's joint actions, the accepted
    joint actions and the review."""
    context = report_pages.round_context(rnd, joint_only=True)
    titles = review_findings.findings(rnd, context)
    effects = [
        {
            "action": {"title": e["action"].title, "status": e["action"].status},
            "before": e["before"],
            "after": e["after"],
            "previous": e["previous"],
        }
        for e in context["action_effects"]
    ]
    return {
        "number": number,
        "note": note,
        "report": context["report"],
        "talking_points": context["talking_points"],
        "comments": context["comments"],
        "action_effects": effects,
        "review": _review_content(rnd, review, titles, number),
    }


def freeze(rnd: Round, note: str, now: datetime | None = None) -> PackVersion:
    """Freeze the next version of the round's pack."""
    review = open_review(rnd)
    number = (
        db.session.scalar(select(func.max(PackVersion.number)).where(PackVersion.round_id == rnd.id)) or 0
    ) + 1
    version = PackVersion(
        round_id=rnd.id,
        number=number,
        content=_frozen(rnd, review, number, note),
        note=note,
        created_at=now or utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    audit.record("review.pack_version", None, rnd, number=number, note=note)
    return version


def changed(rnd: Round, note: str, now: datetime | None = None) -> PackVersion:
    """A change after publication: the pack gets a new version that says so."""
    return freeze(rnd, note, now)


def _claim(rnd: Round, now: datetime, actor) -> bool:
    """Move the review to ``published`` with a guarded UPDATE: one caller wins."""
    won = db.session.execute(
        update(Review)
        .where(Review.round_id == rnd.id, Review.status == "in_review")
        .values(status="published", published_at=now, published_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(open_review(rnd))
    return won == 1


def publish(rnd: Round, actor, now: datetime | None = None) -> PackVersion | None:
    """Publish the review (version 1 of the pack), or re-publish a published one after changes
    (the next version). None when another caller published first or nothing changed."""
    review = open_review(rnd)
    now = now or utcnow()
    if review.status == "published":
        if actor is None:  # the scheduler publishes once and never again
            return None
        latest = latest_version(rnd)
        fresh = _frozen(rnd, review, latest.number if latest else 1, "")
        if latest is not None and _same(latest.content, fresh):
            return None
        audit.record("review.republish", actor, rnd)
        version = freeze(rnd, "changed after publication: re-published with the changes since", now)
        publication_email(rnd, version, now)
        return version
    if not _claim(rnd, now, actor):
        return None
    summaries.refresh_round(rnd)  # the stored report now says "published"
    audit.record("review.publish", actor, rnd, by="scheduler" if actor is None else "owner")
    version = freeze(rnd, "published" if actor is not None else "published when the review window ended", now)
    publication_email(rnd, version, now)
    webhooks.emit("round.published", rnd, now)
    return version


def _same(old: dict, new: dict) -> bool:
    keys = ("report", "talking_points", "comments", "action_effects")
    if any(old.get(k) != new.get(k) for k in keys):
        return False
    strip = ("version", "changed_after_publication", "status", "published_at")
    return {k: v for k, v in old["review"].items() if k not in strip} == {
        k: v for k, v in new["review"].items() if k not in strip
    }


def publish_due(now: datetime) -> list[int]:
    """Publish every review whose window has ended (the scheduler's job); each in a savepoint,
    each exactly once however many schedulers run. Returns the rounds published now."""
    published = []
    due = db.session.scalars(
        select(Review.round_id).where(Review.status == "in_review", Review.ends_on < now.date())
    ).all()
    for round_id in due:
        with db.session.begin_nested():
            if publish(db.session.get(Round, round_id), None, now) is not None:
                published.append(round_id)
    return published


def publication_email(rnd: Round, version: PackVersion, now: datetime | None = None) -> int:
    """Queue "the pack is published" to the owners and the (not revoked) reviewers, once per
    version and person, with the pack's PDF and PPTX attached (rendered at delivery)."""
    people = [u.email for u in rnd.alliance.owners] + [
        r.email for r in review_links.reviewers_of(rnd) if r.revoked_at is None
    ]
    queued = 0
    for email in dict.fromkeys(e.lower() for e in people):
        queued += notifications.enqueue(
            "review_published",
            email,
            f"published:{rnd.id}:v{version.number}:{email}"[:120],
            now=now,
            attachments=notifications.pack_attachments(rnd),
            round_id=rnd.id,
            version=version.number,
            note=version.note,
        )
    return queued


def disputed_for_alliance(alliance: Alliance, today: date | None = None) -> list[dict]:
    """The findings disputed in the alliance's joint reviews of the last year (a successor's
    briefing): round label, finding title, each side's latest stance and organisation."""
    since = (today or utcnow().date()) - timedelta(days=365)
    rounds = db.session.scalars(
        select(Round)
        .join(Review, Review.round_id == Round.id)
        .where(Round.alliance_id == alliance.id, Round.closes_on > since)
        .order_by(Round.closes_on, Round.id)
    ).all()
    out = []
    for rnd in rounds:
        content = pack_content(rnd) or {"findings": []}
        names = {"organisation_a": alliance.side_a.name, "organisation_b": alliance.side_b.name}
        out += [
            {"round": rnd.label, "title": f["title"], "A": f["A"], "B": f["B"]}
            | names
            | {"finding": f.get("finding"), "round_id": rnd.id}
            for f in content["findings"]
            if f["disputed"]
        ]
    return out
