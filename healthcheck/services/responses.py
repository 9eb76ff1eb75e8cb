"""The respondent's side: find an invitation by its link, keep drafts, submit once."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, delete, exists, insert, select, update
from sqlalchemy.orm import joinedload

from healthcheck.extensions import db
from healthcheck.models import (
    Answer,
    DimensionComment,
    Invitation,
    InvitationToken,
    Prediction,
    Questionnaire,
    Response,
    Round,
    hash_token,
)
from healthcheck.models.base import utcnow
from healthcheck.models.response import USABLE_STATUSES
from healthcheck.services import questionnaires, summaries

MAX_COMMENT_CHARS = 5000
NA = "na"


class LinkProblem(Exception):
    """The link cannot be used; ``status`` is the HTTP status, ``reason`` a short code."""

    def __init__(self, status: int, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.status, self.reason, self.invitation = status, reason, invitation


@dataclass
class Answers:
    """What a respondent gave: scores (None = N/A) by question key, comments by dimension key,
    predictions (DESIGN §3.14, None = N/A) by dimension key; ``raw`` and ``errors`` name a
    prediction ``p-<dimension>``."""

    scores: dict[str, int | None] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    predictions: dict[str, int | None] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # what was sent, to re-render the form
    errors: dict[str, str] = field(default_factory=dict)


# One query: link, invitation, its round and questionnaire (a submission's hot path; built
# once, like the write statements below, so a request neither builds nor hashes them).
_LOOKUP = (
    select(Invitation, InvitationToken.revoked_at)
    .join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
    .where(InvitationToken.token_hash == bindparam("token_hash"))
    .options(joinedload(Invitation.round, innerjoin=True).joinedload(Round.questionnaire, innerjoin=True))
)


def invitation_by_token(token: str) -> Invitation:
    """The usable invitation behind a link, or LinkProblem. Never writes anything."""
    if not token or len(token) > 200:
        raise LinkProblem(404, "unknown")
    found = db.session.execute(_LOOKUP, {"token_hash": hash_token(token)}).first()
    if found is None:
        raise LinkProblem(404, "unknown")
    inv, revoked_at = found
    if inv.status == "revoked":
        raise LinkProblem(410, "revoked", inv)
    if revoked_at is not None:  # a newer link of this invitation is the one that works
        raise LinkProblem(410, "replaced", inv)
    if inv.status == "submitted":
        raise LinkProblem(410, "submitted", inv)
    if inv.round.status == "closed":
        raise LinkProblem(410, "closed", inv)
    if inv.round.status == "draft":
        raise LinkProblem(404, "not_open", inv)
    return inv


@dataclass(frozen=True)
class Target:
    """What writing a response needs of its invitation, read before the write transaction.

    Respondents' posts read (token, invitation, questionnaire) and check their form in a
    read transaction, then write in a short one: on SQLite the write lock is then held for
    a handful of statements, not for the whole request. The write re-checks, in its own
    UPDATE, everything ``invitation_by_token`` checked, so nothing that changed in between
    (a second submission, a revoked link, a closed round) slips through.
    """

    token_hash: str
    invitation_id: int
    round_id: int
    side: str
    shape: questionnaires.Shape


def target_of(token: str, inv: Invitation) -> Target:
    return Target(
        hash_token(token), inv.id, inv.round_id, inv.side, questionnaires.shape(inv.round.questionnaire)
    )


# The write path uses the tables and the session's connection directly: ORM-enabled
# execution cost ~40 % of a submission's CPU through gunicorn (py-spy), for nothing the
# write needs.
INVITATIONS, TOKENS, ROUNDS = Invitation.__table__, InvitationToken.__table__, Round.__table__
RESPONSES, ANSWERS, COMMENTS = Response.__table__, Answer.__table__, DimensionComment.__table__
PREDICTIONS = Prediction.__table__


# The link's rules of ``invitation_by_token`` as one condition on the invitation row.
_STILL_USABLE = and_(
    INVITATIONS.c.id == bindparam("invitation_id"),
    INVITATIONS.c.status.in_(USABLE_STATUSES),
    exists().where(
        TOKENS.c.invitation_id == INVITATIONS.c.id,
        TOKENS.c.token_hash == bindparam("token_hash"),
        TOKENS.c.revoked_at.is_(None),
    ),
    exists().where(ROUNDS.c.id == INVITATIONS.c.round_id, ROUNDS.c.status == "open"),
)
# The round row, locked FOR SHARE (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
# writers) at the start of every write of a response: closing a round UPDATEs this row, so a
# close waits for the submissions that hold it and a submission waits for a close under way,
# then reads the round as closed. Without it a submission could check the round open, and
# commit after the close had computed its report: acknowledged, yet left out of it.
_ROUND_STATUS_LOCKED = (
    select(ROUNDS.c.status).where(ROUNDS.c.id == bindparam("round_id")).with_for_update(read=True)
)
_CLAIM = update(INVITATIONS).where(_STILL_USABLE).values(status="submitted", submitted_at=bindparam("now"))
_START = (
    update(INVITATIONS)
    .where(_STILL_USABLE)
    .values(status=case((INVITATIONS.c.status == "pending", "started"), else_=INVITATIONS.c.status))
)
# The first time a browser showed the link (the welcome page's beacon): only a live link of a
# usable invitation of an open round, and only once.
_OPENED = (
    update(INVITATIONS)
    .where(
        INVITATIONS.c.opened_at.is_(None),
        INVITATIONS.c.status.in_(USABLE_STATUSES),
        INVITATIONS.c.id.in_(
            select(TOKENS.c.invitation_id).where(
                TOKENS.c.token_hash == bindparam("token_hash"), TOKENS.c.revoked_at.is_(None)
            )
        ),
        exists().where(ROUNDS.c.id == INVITATIONS.c.round_id, ROUNDS.c.status == "open"),
    )
    .values(opened_at=bindparam("now"))
)
_RESPONSE_ID = select(RESPONSES.c.id).where(RESPONSES.c.invitation_id == bindparam("invitation_id"))
_NEW_RESPONSE = insert(RESPONSES).returning(RESPONSES.c.id)
_TOUCH_RESPONSE = update(RESPONSES).where(RESPONSES.c.id == bindparam("response_id"))
_CLEAR_ANSWERS = delete(ANSWERS).where(ANSWERS.c.response_id == bindparam("response_id"))
_CLEAR_COMMENTS = delete(COMMENTS).where(COMMENTS.c.response_id == bindparam("response_id"))
_CLEAR_PREDICTIONS = delete(PREDICTIONS).where(PREDICTIONS.c.response_id == bindparam("response_id"))
_ADD_ANSWERS, _ADD_COMMENTS, _ADD_PREDICTIONS = insert(ANSWERS), insert(COMMENTS), insert(PREDICTIONS)


def _lock_open_round(target: Target) -> None:
    """Hold the round open for this transaction, or LinkProblem when it no longer is."""
    status = db.session.connection().scalar(_ROUND_STATUS_LOCKED, {"round_id": target.round_id})
    if status == "closed":
        raise LinkProblem(410, "closed")
    if status != "open":
        raise LinkProblem(404, "not_open")


def _claimed(statement, target: Target, **params) -> bool:
    _lock_open_round(target)
    found = db.session.connection().execute(
        statement, {"invitation_id": target.invitation_id, "token_hash": target.token_hash, **params}
    )
    return found.rowcount == 1


def mark_opened(token: str) -> bool:
    """Stamp the invitation behind a live link as opened (once); False when nothing changed."""
    if not token or len(token) > 200:
        return False
    found = db.session.connection().execute(_OPENED, {"token_hash": hash_token(token), "now": utcnow()})
    return found.rowcount == 1


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
    for p in response.predictions:
        key = dim_keys[p.dimension_id]
        result.predictions[key] = p.score
        result.raw[f"p-{key}"] = NA if p.score is None else str(p.score)
    return result


def _choice(value: str, allowed: range) -> tuple[bool, int | None]:
    """(valid, score) of a posted scale choice: a value on the scale, or N/A (None)."""
    if value.lower() == NA:
        return True, None
    if value in {str(v) for v in allowed}:  # not isdigit(): "²" is a digit to Python
        return True, int(value)
    return False, None


def parse(questionnaire: Questionnaire, form, require_all: bool) -> Answers:
    """Read ``q-<question>``, ``p-<dimension>`` (predictions) and ``c-<dimension>`` fields;
    mark every bad field. A submission needs every statement answered (or N/A); a prediction
    is a guess and may be left out, like a comment."""
    result = Answers()
    q = questionnaires.shape(questionnaire)
    allowed = range(q.scale_min, q.scale_max + 1)
    # (form field, name in raw/errors, key, where the score goes)
    fields = [(f"q-{key}", key, key, result.scores) for key in q.question_ids]
    fields += [(f"p-{dim}", f"p-{dim}", dim, result.predictions) for dim in q.prediction_dimensions]
    for field_name, name, key, into in fields:
        value = (form.get(field_name) or "").strip()
        if not value:
            if require_all and into is result.scores:
                result.errors[name] = _l("Please choose an answer (or N/A).")
            continue
        valid, score = _choice(value, allowed)
        if valid:
            into[key] = score
            result.raw[name] = NA if score is None else value
        else:
            result.errors[name] = _l(
                "Choose a value from %(lo)s to %(hi)s, or N/A.", lo=allowed.start, hi=allowed.stop - 1
            )
    for dim in q.dimension_ids:
        text = (form.get(f"c-{dim}") or "").replace("\x00", "").strip()
        if len(text) > MAX_COMMENT_CHARS:
            result.errors[f"c-{dim}"] = _l("Comments are limited to %(n)s characters.", n=MAX_COMMENT_CHARS)
            text = text[:MAX_COMMENT_CHARS]
        if text:
            result.comments[dim] = text
    return result


def _store(target: Target, answers: Answers, submitted_at=None) -> int:
    """Replace the invitation's saved answers."""
    conn, q = db.session.connection(), target.shape
    stamps = {"updated_at": utcnow()} | ({"submitted_at": submitted_at} if submitted_at else {})
    response_id = conn.scalar(_RESPONSE_ID, {"invitation_id": target.invitation_id})
    if response_id is None:
        response_id = conn.scalar(
            _NEW_RESPONSE,
            {
                "invitation_id": target.invitation_id,
                "round_id": target.round_id,
                "side": target.side,
                **stamps,
            },
        )
    else:
        conn.execute(_CLEAR_ANSWERS, {"response_id": response_id})
        conn.execute(_CLEAR_COMMENTS, {"response_id": response_id})
        if q.meta_perception:
            conn.execute(_CLEAR_PREDICTIONS, {"response_id": response_id})
        conn.execute(_TOUCH_RESPONSE.values(**stamps), {"response_id": response_id})
    if answers.scores:
        conn.execute(
            _ADD_ANSWERS,
            [
                {"response_id": response_id, "question_id": q.question_ids[k], "score": v}
                for k, v in answers.scores.items()
            ],
        )
    if answers.comments:
        conn.execute(
            _ADD_COMMENTS,
            [
                {"response_id": response_id, "dimension_id": q.dimension_ids[k], "text": t}
                for k, t in answers.comments.items()
            ],
        )
    if answers.predictions:
        conn.execute(
            _ADD_PREDICTIONS,
            [
                {"response_id": response_id, "dimension_id": q.dimension_ids[k], "score": v}
                for k, v in answers.predictions.items()
            ],
        )
    return response_id


def save_draft_for(target: Target, answers: Answers) -> None:
    """Keep a draft; the link must still be usable (LinkProblem 410 otherwise)."""
    if not _claimed(_START, target):
        raise LinkProblem(410, "submitted")
    _store(target, answers)


def submit_target(target: Target, answers: Answers) -> None:
    """Claim the invitation (if its link is still usable) and store the response."""
    now = utcnow()
    if not _claimed(_CLAIM, target, now=now):
        raise LinkProblem(410, "submitted")
    _store(target, answers, submitted_at=now)
    summaries.note_submission(target.round_id, target.side)


def record_submitted(
    inv: Invitation,
    scores: dict[int, int | None],
    comments: dict[int, str],
    stamp,
    predictions: dict[int, int | None] | None = None,
) -> Response:
    """Store a complete, already submitted response (history import, demo data).

    ``scores`` maps question ids to a score or None (N/A); ``comments`` dimension ids to text;
    ``predictions`` dimension ids to the expected partner rating or None (N/A).
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
    if predictions:
        db.session.execute(
            insert(Prediction),
            [{"response_id": response.id, "dimension_id": did, "score": v} for did, v in predictions.items()],
        )
    return response
