"""The joint review of a closed round (DESIGN §2 Joint review, issue 15).

When a round closes its report is ``in_review`` for the alliance's review window: named
partner reviewers (side B, personal expiring links, no account) and side A's owners mark
each finding (each dimension, each talking point) ``agree`` / ``disagree`` with a comment,
reply to each other and propose joint actions, which both sides accept. Publishing (an
owner, or the scheduler when the window has ended, exactly once) freezes the report as the
partner sees it, the thread (attributed to organisations, never persons) and the accepted
joint actions as version 1 of the round's pack; every later change freezes version 2, 3…

Every act is audited. What a reviewer sees is what the partner's share link shows
(``report_pages.round_context(rnd, joint_only=True)``), under the same k rule.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from healthcheck.extensions import db
from healthcheck.models import (
    Action,
    Alliance,
    PackVersion,
    Review,
    ReviewComment,
    Reviewer,
    Round,
    hash_token,
)
from healthcheck.models.base import utcnow
from healthcheck.models.review import DEFAULT_REVIEW_DAYS, STANCES
from healthcheck.services import (
    action_followup,
    actions,
    audit,
    notifications,
    report_pages,
    summaries,
    users,
    webhooks,
)
from healthcheck.services.errors import InvalidInput
from healthcheck.services.text import EMAIL_RE, single_line_problem

LINK_GRACE_DAYS = 3  # a reviewer's link works this many days after the window ends
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Participant:
    """Who acts in a review: an owner of side A (``user``) or a partner reviewer (side B)."""

    side: str
    user: object | None = None
    reviewer: Reviewer | None = None

    @classmethod
    def owner(cls, user) -> Participant:
        return cls("A", user=user)

    @classmethod
    def partner(cls, reviewer: Reviewer) -> Participant:
        return cls("B", reviewer=reviewer)

    def detail(self) -> dict:
        """Audit detail naming the reviewer (a user is the audit row's actor)."""
        return {"side": self.side, **({"reviewer_id": self.reviewer.id} if self.reviewer else {})}


def of_round(rnd: Round) -> Review | None:
    return db.session.get(Review, rnd.id)


# --- the window -------------------------------------------------------------------------


def start(rnd: Round, now: datetime | None = None) -> Review | None:
    """Open the review of a round that has just closed (before its report is stored, so the
    report says ``in_review``). A window of 0 days publishes at once: see ``after_close``."""
    if of_round(rnd) is not None or rnd.imported:
        return None
    now = now or utcnow()
    days = rnd.alliance.review_days if rnd.alliance.review_days is not None else DEFAULT_REVIEW_DAYS
    review = Review(
        round_id=rnd.id, status="in_review", ends_on=now.date() + timedelta(days=days), started_at=now
    )
    if days == 0:
        review.status, review.published_at = "published", now
    db.session.add(review)
    db.session.flush()
    audit.record("review.start", None, rnd, ends_on=review.ends_on.isoformat(), days=days)
    return review


def after_close(rnd: Round, now: datetime | None = None) -> PackVersion | None:
    """With no review window the report was published at close: freeze its pack now."""
    review = of_round(rnd)
    if review is None or review.status != "published" or _latest(rnd) is not None:
        return None
    audit.record("review.publish", None, rnd, by="close", window=0)
    version = freeze(rnd, "published when the round closed (no review window)")
    publication_email(rnd, version, now)
    return version


def _open_review(rnd: Round) -> Review:
    review = of_round(rnd)
    if review is None:
        raise InvalidInput("review: this round has no joint review")
    return review


# --- reviewers and their links ----------------------------------------------------------


def _link_expiry(review: Review) -> datetime:
    return datetime.combine(review.ends_on + timedelta(days=LINK_GRACE_DAYS), time.max).replace(microsecond=0)


def reviewers_of(rnd: Round) -> list[Reviewer]:
    return list(db.session.scalars(select(Reviewer).where(Reviewer.round_id == rnd.id).order_by(Reviewer.id)))


def add_reviewer(rnd: Round, name: str, email: str, actor, now: datetime | None = None) -> Reviewer:
    """Name a partner reviewer; their personal link is emailed through the outbox."""
    review = _open_review(rnd)
    name, email = (name or "").strip(), (email or "").strip().lower()
    problems = []
    if not name:
        problems.append("reviewer name: required")
    elif len(name) > 200:
        problems.append("reviewer name: at most 200 characters")
    elif found := single_line_problem("reviewer name", name):
        problems.append(found)
    if not EMAIL_RE.match(email) or len(email) > 254:
        problems.append(f"reviewer email: {email!r} is not an email address")
    now = now or utcnow()
    if now >= _link_expiry(review):
        problems.append(f"reviewer: the review ended on {review.ends_on}; a new link would not work")
    if problems:
        raise InvalidInput(problems)
    reviewer = Reviewer(
        round_id=rnd.id,
        name=name,
        email=email,
        expires_at=_link_expiry(review),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(reviewer)
    db.session.flush()
    notifications.enqueue(
        "review_invited", email, f"review:{reviewer.id}", now=now, round_id=rnd.id, reviewer_id=reviewer.id
    )
    audit.record("review.reviewer_add", actor, rnd, reviewer_id=reviewer.id)
    return reviewer


def revoke_reviewer(reviewer: Reviewer, actor) -> None:
    if reviewer.revoked_at is None:
        reviewer.revoked_at = utcnow()
        audit.record("review.reviewer_revoke", actor, reviewer.review.round, reviewer_id=reviewer.id)


def issue_link(reviewer: Reviewer, now: datetime | None = None) -> str:
    """A new personal link (the older stops working); only its hash is stored."""
    token = secrets.token_urlsafe(24)
    reviewer.token_hash, reviewer.link_issued_at = hash_token(token), now or utcnow()
    return token


def invitation_context(mail, base_url: str) -> dict | None:
    """The ``review_invited`` message's context, its link made now (at delivery)."""
    reviewer = db.session.get(Reviewer, mail.context.get("reviewer_id"))
    if reviewer is None or not reviewer.usable(utcnow()):
        return None
    rnd = reviewer.review.round
    token = issue_link(reviewer)
    return {
        "rnd": rnd,
        "alliance": rnd.alliance,
        "reviewer": reviewer,
        "review": reviewer.review,
        "link": f"{base_url}/review/{token}",
        "expires": reviewer.expires_at,
    }


class ReviewLinkProblem(Exception):
    """A reviewer link that opens nothing: ``status`` 404 (unknown) or 410 (withdrawn, expired)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def reviewer_by_token(token: str, now: datetime | None = None) -> Reviewer:
    if not token or len(token) > 200:
        raise ReviewLinkProblem(404, "unknown")
    reviewer = db.session.scalar(select(Reviewer).where(Reviewer.token_hash == hash_token(token)))
    if reviewer is None:
        raise ReviewLinkProblem(404, "unknown")
    if reviewer.revoked_at is not None:
        raise ReviewLinkProblem(410, "withdrawn")
    if not reviewer.usable(now or utcnow()):
        raise ReviewLinkProblem(410, "expired")
    return reviewer


# --- findings and the thread ------------------------------------------------------------


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


def _check_participant(rnd: Round, who: Participant, now: datetime) -> None:
    if who.side == "B" and (
        who.reviewer is None or who.reviewer.round_id != rnd.id or not who.reviewer.usable(now)
    ):
        raise InvalidInput("review: this link does not open this round's review")


def comment(
    rnd: Round,
    who: Participant,
    finding: str,
    stance: str | None,
    text: str,
    reply_to: int | None = None,
    now: datetime | None = None,
) -> ReviewComment:
    """Mark a finding agree/disagree with a comment, or reply to an entry of its thread."""
    review = _open_review(rnd)
    now = now or utcnow()
    _check_participant(rnd, who, now)
    stance = stance or None
    text = (text or "").strip()
    titles = dict(findings(rnd))
    problems = []
    if finding not in titles:
        problems.append("finding: not a dimension or talking point of this report")
    if stance is not None and stance not in STANCES:
        problems.append("stance: agree or disagree")
    if len(text) > MAX_COMMENT:
        problems.append(f"comment: at most {MAX_COMMENT} characters")
    parent = db.session.get(ReviewComment, reply_to) if reply_to else None
    if reply_to and (parent is None or parent.round_id != rnd.id or parent.finding != finding):
        problems.append("reply: not an entry of this finding's thread")
    if reply_to is None and stance is None:
        problems.append("stance: choose agree or disagree")
    if reply_to is not None and not text:
        problems.append("reply: write something")
    if problems:
        raise InvalidInput(problems)
    entry = ReviewComment(
        round_id=rnd.id,
        finding=finding,
        side=who.side,
        stance=stance,
        text=text,
        reply_to_id=reply_to,
        user_id=getattr(who.user, "id", None),
        reviewer_id=getattr(who.reviewer, "id", None),
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "review.comment", who.user, rnd, comment_id=entry.id, finding=finding, stance=stance, **who.detail()
    )
    if review.status == "published":
        organisation = rnd.alliance.side(who.side).name
        changed(rnd, f"changed after publication: {organisation} commented on “{titles[finding]}”", now)
    return entry


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


# --- joint actions ----------------------------------------------------------------------


@dataclass
class Proposal:
    title: str
    dimension: str
    due_on: date | None
    owner_a: str  # id or email of a user who owns or is a member of the alliance
    owner_b_name: str
    owner_b_email: str
    description: str = ""


def side_a_people(alliance: Alliance) -> list:
    """Who may own a joint action on side A: the alliance's owners and members."""
    people = {u.id: u for u in [*alliance.owners, *alliance.members] if u.active}
    return sorted(people.values(), key=lambda u: u.email)


def propose(rnd: Round, who: Participant, data: Proposal, now: datetime | None = None) -> Action:
    """A joint action proposed in the review; the proposing side accepts it by proposing."""
    _open_review(rnd)
    now = now or utcnow()
    _check_participant(rnd, who, now)
    problems = []
    title = (data.title or "").strip()
    if not title:
        problems.append("title: required")
    elif len(title) > 200:
        problems.append("title: at most 200 characters")
    keys = {d.key for d in rnd.questionnaire.dimensions}
    if data.dimension not in keys:
        problems.append(f"dimension: one of {', '.join(sorted(keys))}")
    if data.due_on is None:
        problems.append("due date: required (YYYY-MM-DD)")
    elif data.due_on < now.date():
        problems.append(f"due date: {data.due_on} is in the past")
    chosen = (data.owner_a or "").strip().lower()
    owner = next((u for u in side_a_people(rnd.alliance) if chosen in (u.email.lower(), str(u.id))), None)
    if owner is None:
        problems.append(f"owner ({rnd.alliance.side_a.name}): choose an owner or member of the alliance")
    b_name, b_email = (data.owner_b_name or "").strip(), (data.owner_b_email or "").strip().lower()
    if not b_name or len(b_name) > 200:
        problems.append(f"owner ({rnd.alliance.side_b.name}): a name, at most 200 characters")
    if not EMAIL_RE.match(b_email) or len(b_email) > 254:
        problems.append(f"owner's email ({rnd.alliance.side_b.name}): {b_email!r} is not an email address")
    if len(data.description or "") > 5000:
        problems.append("description: at most 5000 characters")
    if problems:
        raise InvalidInput(problems)
    action = Action(
        alliance_id=rnd.alliance_id,
        round_id=rnd.id,
        dimension=data.dimension,
        title=title,
        description=(data.description or "").strip(),
        owner=owner.email,
        due_on=data.due_on,
        visibility="joint",
        partner_owner_name=b_name,
        partner_owner_email=b_email,
        proposed_by_side=who.side,
        created_by_id=getattr(who.user, "id", None),
        created_at=now,
        **{f"accepted_{who.side.lower()}_at": now},
    )
    db.session.add(action)
    db.session.flush()
    audit.record("review.action_propose", who.user, action, round_id=rnd.id, **who.detail())
    return action


def proposals(rnd: Round) -> list[Action]:
    """The round's joint actions (proposed in its review or agreed otherwise), oldest first."""
    return list(
        db.session.scalars(
            select(Action).where(Action.round_id == rnd.id, Action.visibility == "joint").order_by(Action.id)
        )
    )


def accept(rnd: Round, action: Action, who: Participant, now: datetime | None = None) -> bool:
    """One side accepts a joint action; True when this made it accepted by both."""
    review = _open_review(rnd)
    now = now or utcnow()
    _check_participant(rnd, who, now)
    if action.round_id != rnd.id or action.visibility != "joint":
        raise InvalidInput("action: not a joint action of this round")
    column = f"accepted_{who.side.lower()}_at"
    if getattr(action, column) is not None:
        return False
    setattr(action, column, now)
    audit.record("review.action_accept", who.user, action, round_id=rnd.id, **who.detail())
    if not action.accepted:
        return False
    _on_accepted(action)
    if review.status == "published":
        changed(rnd, f"changed after publication: joint action “{action.title}” accepted by both sides", now)
    return True


def _on_accepted(action: Action) -> None:
    """A joint action is now accepted by both sides (its owners are told by the follow-up)."""
    audit.record("review.action_accepted", None, action, round_id=action.round_id)
    action_followup.assigned(action)  # both owners are told, exactly once


# --- publication and the pack's versions ------------------------------------------------


def _latest(rnd: Round) -> PackVersion | None:
    return db.session.scalar(
        select(PackVersion).where(PackVersion.round_id == rnd.id).order_by(PackVersion.number.desc()).limit(1)
    )


def versions(rnd: Round) -> list[PackVersion]:
    return list(
        db.session.scalars(
            select(PackVersion).where(PackVersion.round_id == rnd.id).order_by(PackVersion.number)
        )
    )


def latest_version(rnd: Round) -> PackVersion | None:
    return _latest(rnd)


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
            {"round": rnd.label, "title": f["title"], "A": f["A"], "B": f["B"]} | names
            for f in content["findings"]
            if f["disputed"]
        ]
    return out


def _organisation(rnd: Round, side: str) -> str:
    return rnd.alliance.side(side).name


def _review_content(rnd: Round, review: Review, titles: list[tuple[str, str]], number: int | None) -> dict:
    entries = thread(rnd)
    latest = stances(entries)
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
                "disputed": disputed(a, b),
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
            for a in proposals(rnd)
            if a.accepted
        ],
    }


def owner_name(email: str) -> str:
    user = users.by_email(email) if email and "@" in email else None
    return user.display_name if user is not None else email


def pack_content(rnd: Round) -> dict | None:
    """The review outcome for the pack: the latest published version's once published, else
    the live review. ``reply_to`` is the index (in the finding's thread order of the whole
    review) of the entry replied to. None when the round has no review."""
    review = of_round(rnd)
    if review is None:
        return None
    if review.status == "published" and (latest := _latest(rnd)) is not None:
        return latest.content["review"]
    return _review_content(rnd, review, findings(rnd), None)


def _frozen(rnd: Round, review: Review, number: int, note: str) -> dict:
    """What the partner's view shows now, as plain JSON: the report, its talking points and
    comments under the k rule, the effects of the previous round's joint actions, the accepted
    joint actions and the review."""
    context = report_pages.round_context(rnd, joint_only=True)
    titles = findings(rnd, context)
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
    review = _open_review(rnd)
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
    db.session.refresh(_open_review(rnd))
    return won == 1


def publish(rnd: Round, actor, now: datetime | None = None) -> PackVersion | None:
    """Publish the review (version 1 of the pack), or re-publish a published one after changes
    (the next version). None when another caller published first or nothing changed."""
    review = _open_review(rnd)
    now = now or utcnow()
    if review.status == "published":
        if actor is None:  # the scheduler publishes once and never again
            return None
        latest = _latest(rnd)
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
        r.email for r in reviewers_of(rnd) if r.revoked_at is None
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


# --- the alliance's timeline ------------------------------------------------------------


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
