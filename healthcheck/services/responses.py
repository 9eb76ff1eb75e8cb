"""The respondent's side: find an invitation by its link, keep drafts, submit once."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from healthcheck.extensions import db
from healthcheck.models import (
    Answer,
    DimensionComment,
    Invitation,
    InvitationToken,
    Questionnaire,
    Response,
    Round,
    hash_token,
)
from healthcheck.models.base import utcnow
from healthcheck.services import questionnaires

MAX_COMMENT_CHARS = 5000
NA = "na"


class LinkProblem(Exception):
    """The link cannot be used; ``status`` is the HTTP status, ``reason`` a short code."""

    def __init__(self, status: int, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.status, self.reason, self.invitation = status, reason, invitation


@dataclass
class Answers:
    """What a respondent gave: scores (None = N/A) by question key, comments by dimension key."""

    scores: dict[str, int | None] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # what was sent, to re-render the form
    errors: dict[str, str] = field(default_factory=dict)


def invitation_by_token(token: str, for_update: bool = False) -> Invitation:
    """The usable invitation behind a link, or LinkProblem. Never writes anything."""
    if not token or len(token) > 200:
        raise LinkProblem(404, "unknown")
    # One query: link, invitation, its round and questionnaire (a submission's hot path).
    stmt = (
        select(Invitation, InvitationToken.revoked_at)
        .join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
        .where(InvitationToken.token_hash == hash_token(token))
        .options(joinedload(Invitation.round, innerjoin=True).joinedload(Round.questionnaire, innerjoin=True))
    )
    if for_update:
        stmt = stmt.with_for_update(of=Invitation)
    found = db.session.execute(stmt).first()
    if found is None:
        raise LinkProblem(404, "unknown")
    inv, revoked_at = found
    if inv.status == "revoked" or revoked_at is not None:
        raise LinkProblem(410, "revoked", inv)
    if inv.status == "submitted":
        raise LinkProblem(410, "submitted", inv)
    if inv.round.status == "closed":
        raise LinkProblem(410, "closed", inv)
    if inv.round.status == "draft":
        raise LinkProblem(404, "not_open", inv)
    return inv


def invitation_for_thanks(token: str) -> Invitation | None:
    """The invitation behind any link it ever had (for the thank-you page only)."""
    if not token or len(token) > 200:
        return None
    link = db.session.scalar(select(InvitationToken).where(InvitationToken.token_hash == hash_token(token)))
    return db.session.get(Invitation, link.invitation_id) if link else None


def draft_of(inv: Invitation) -> Answers:
    """The answers saved so far for this invitation (empty when none)."""
    response = db.session.scalar(select(Response).where(Response.invitation_id == inv.id))
    result = Answers()
    if response is None:
        return result
    q = inv.round.questionnaire
    keys = {question.id: question.key for question in q.questions}
    dim_keys = {d.id: d.key for d in q.dimensions}
    for a in response.answers:
        result.scores[keys[a.question_id]] = a.score
        result.raw[keys[a.question_id]] = NA if a.score is None else str(a.score)
    for c in response.comments:
        result.comments[dim_keys[c.dimension_id]] = c.text
    return result


def parse(questionnaire: Questionnaire, form, require_all: bool) -> Answers:
    """Read ``q-<question>`` and ``c-<dimension>`` fields; mark every bad field."""
    result = Answers()
    q = questionnaires.shape(questionnaire)
    allowed = range(q.scale_min, q.scale_max + 1)
    for key in q.question_ids:
        value = (form.get(f"q-{key}") or "").strip()
        if not value:
            if require_all:
                result.errors[key] = "Please choose an answer (or N/A)."
            continue
        if value.lower() == NA:
            result.scores[key] = None
            result.raw[key] = NA
        elif value in {str(v) for v in allowed}:  # not isdigit(): "²" is a digit to Python
            result.scores[key] = int(value)
            result.raw[key] = value
        else:
            result.errors[key] = f"Choose a value from {allowed.start} to {allowed.stop - 1}, or N/A."
    for dim in q.dimension_ids:
        text = (form.get(f"c-{dim}") or "").replace("\x00", "").strip()
        if len(text) > MAX_COMMENT_CHARS:
            result.errors[f"c-{dim}"] = f"Comments are limited to {MAX_COMMENT_CHARS} characters."
            text = text[:MAX_COMMENT_CHARS]
        if text:
            result.comments[dim] = text
    return result


def _store(inv: Invitation, answers: Answers, submitted_at=None) -> int:
    """Replace the invitation's saved answers (Core statements: this is the submission hot path)."""
    now = utcnow()
    stamps = {"updated_at": now} | ({"submitted_at": submitted_at} if submitted_at else {})
    response_id = db.session.scalar(select(Response.id).where(Response.invitation_id == inv.id))
    if response_id is None:
        response_id = db.session.scalar(
            insert(Response)
            .values(invitation_id=inv.id, round_id=inv.round_id, side=inv.side, **stamps)
            .returning(Response.id)
        )
    else:
        db.session.execute(delete(Answer).where(Answer.response_id == response_id))
        db.session.execute(delete(DimensionComment).where(DimensionComment.response_id == response_id))
        db.session.execute(update(Response).where(Response.id == response_id).values(**stamps))
    q = questionnaires.shape(inv.round.questionnaire)
    if answers.scores:
        db.session.execute(
            insert(Answer),
            [
                {"response_id": response_id, "question_id": q.question_ids[k], "score": v}
                for k, v in answers.scores.items()
            ],
        )
    if answers.comments:
        db.session.execute(
            insert(DimensionComment),
            [
                {"response_id": response_id, "dimension_id": q.dimension_ids[k], "text": t}
                for k, t in answers.comments.items()
            ],
        )
    return response_id


def save_draft(token: str, answers: Answers) -> Invitation:
    return save_draft_for(invitation_by_token(token, for_update=True), answers)


def save_draft_for(inv: Invitation, answers: Answers) -> Invitation:
    _store(inv, answers)
    if inv.status == "pending":
        inv.status = "started"
    db.session.flush()
    return inv


def submit(token: str, answers: Answers) -> Invitation:
    """Store and submit in one transaction; a second submission gets LinkProblem(410)."""
    return submit_invitation(invitation_by_token(token, for_update=True), answers)


def submit_invitation(inv: Invitation, answers: Answers) -> Invitation:
    """Submit for an invitation already looked up (and locked) in this transaction."""
    now = utcnow()
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == inv.id, Invitation.status.in_(("pending", "started")))
        .values(status="submitted", submitted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise LinkProblem(410, "submitted", inv)
    set_committed_value(inv, "status", "submitted")  # what the UPDATE wrote; no second UPDATE
    set_committed_value(inv, "submitted_at", now)
    _store(inv, answers, submitted_at=now)
    from healthcheck.services import summaries

    summaries.note_submission(inv.round, inv.side)
    return inv


def record_submitted(
    inv: Invitation, scores: dict[int, int | None], comments: dict[int, str], stamp
) -> Response:
    """Store a complete, already submitted response (history import, demo data).

    ``scores`` maps question ids to a score or None (N/A); ``comments`` dimension ids to text.
    The respondent gets a fresh random code: an id given elsewhere is never stored.
    """
    response = Response(invitation_id=inv.id, round_id=inv.round_id, side=inv.side, submitted_at=stamp)
    db.session.add(response)
    db.session.flush()
    if scores:
        db.session.execute(
            insert(Answer),
            [{"response_id": response.id, "question_id": qid, "score": v} for qid, v in scores.items()],
        )
    if comments:
        db.session.execute(
            insert(DimensionComment),
            [{"response_id": response.id, "dimension_id": did, "text": t} for did, t in comments.items()],
        )
    return response
