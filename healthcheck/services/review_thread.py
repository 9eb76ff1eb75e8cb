"""Acting in a joint review: mark a finding agree/disagree with a comment, reply, propose a joint
action and accept one. Every act is audited; an act after publication freezes a new version of
the pack (``review_publication.changed``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from healthcheck.extensions import db
from healthcheck.models import Action, Alliance, ReviewComment, Round
from healthcheck.models.base import utcnow
from healthcheck.models.review import STANCES
from healthcheck.problems import N_, problem
from healthcheck.services import action_followup, audit, review_findings, review_publication
from healthcheck.services.errors import InvalidInput
from healthcheck.services.review import Participant, check_participant, open_review
from healthcheck.services.text import EMAIL_RE

MAX_COMMENT = 2000


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
    review = open_review(rnd)
    now = now or utcnow()
    check_participant(rnd, who, now)
    stance = stance or None
    text = (text or "").strip()
    titles = dict(review_findings.findings(rnd))
    problems = []
    if finding not in titles:
        problems.append(problem(N_("finding: not a dimension or talking point of this report")))
    if stance is not None and stance not in STANCES:
        problems.append(problem(N_("stance: agree or disagree")))
    if len(text) > MAX_COMMENT:
        problems.append(problem(N_("comment: at most %(n)s characters"), n=MAX_COMMENT))
    parent = db.session.get(ReviewComment, reply_to) if reply_to else None
    if reply_to and (parent is None or parent.round_id != rnd.id or parent.finding != finding):
        problems.append(problem(N_("reply: not an entry of this finding's thread")))
    if reply_to is None and stance is None:
        problems.append(problem(N_("stance: choose agree or disagree")))
    if reply_to is not None and not text:
        problems.append(problem(N_("reply: write something")))
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
        review_publication.changed(
            rnd, f"changed after publication: {organisation} commented on “{titles[finding]}”", now
        )
    return entry


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
    open_review(rnd)
    now = now or utcnow()
    check_participant(rnd, who, now)
    problems = []
    title = (data.title or "").strip()
    if not title:
        problems.append(problem(N_("title: required")))
    elif len(title) > 200:
        problems.append(problem(N_("title: at most %(n)s characters"), n=200))
    keys = {d.key for d in rnd.questionnaire.dimensions}
    if data.dimension not in keys:
        problems.append(problem(N_("dimension: one of %(keys)s"), keys=", ".join(sorted(keys))))
    if data.due_on is None:
        problems.append(problem(N_("due date: required (YYYY-MM-DD)")))
    elif data.due_on < now.date():
        problems.append(problem(N_("due date: %(date)s is in the past"), date=data.due_on))
    chosen = (data.owner_a or "").strip().lower()
    owner = next((u for u in side_a_people(rnd.alliance) if chosen in (u.email.lower(), str(u.id))), None)
    if owner is None:
        problems.append(
            problem(
                N_("owner (%(side)s): choose an owner or member of the alliance"),
                side=rnd.alliance.side_a.name,
            )
        )
    b_name, b_email = (data.owner_b_name or "").strip(), (data.owner_b_email or "").strip().lower()
    if not b_name or len(b_name) > 200:
        problems.append(
            problem(N_("owner (%(side)s): a name, at most 200 characters"), side=rnd.alliance.side_b.name)
        )
    if not EMAIL_RE.match(b_email) or len(b_email) > 254:
        problems.append(
            problem(
                N_("owner's email (%(side)s): %(email)r is not an email address"),
                side=rnd.alliance.side_b.name,
                email=b_email,
            )
        )
    if len(data.description or "") > 5000:
        problems.append(problem(N_("description: at most %(n)s characters"), n=5000))
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


def accept(rnd: Round, action: Action, who: Participant, now: datetime | None = None) -> bool:
    """One side accepts a joint action; True when this made it accepted by both."""
    review = open_review(rnd)
    now = now or utcnow()
    check_participant(rnd, who, now)
    if action.round_id != rnd.id or action.visibility != "joint":
        raise InvalidInput(problem(N_("action: not a joint action of this round")))
    column = f"accepted_{who.side.lower()}_at"
    if getattr(action, column) is not None:
        return False
    setattr(action, column, now)
    audit.record("review.action_accept", who.user, action, round_id=rnd.id, **who.detail())
    if not action.accepted:
        return False
    _on_accepted(action)
    if review.status == "published":
        review_publication.changed(
            rnd, f"changed after publication: joint action “{action.title}” accepted by both sides", now
        )
    return True


def _on_accepted(action: Action) -> None:
    """A joint action is now accepted by both sides (its owners are told by the follow-up)."""
    audit.record("review.action_accepted", None, action, round_id=action.round_id)
    action_followup.assigned(action)  # both owners are told, exactly once
