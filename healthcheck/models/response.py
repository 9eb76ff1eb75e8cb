from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.analysis.panel import DEFAULT as DEFAULT_FUNCTION
from healthcheck.analysis.panel import FUNCTIONS
from healthcheck.extensions import db
from healthcheck.models.base import utcnow
from healthcheck.models.round import IllegalTransition, Round
from healthcheck.problems import N_, problem

SIDES = ("A", "B")
INVITATION_STATUSES = ("pending", "started", "submitted", "revoked")
# An invitation in these states may save a draft and submit through its link. The hot path's
# Core statements (services.responses) read this tuple too: one rule, two ways to apply it.
USABLE_STATUSES = ("pending", "started")
# What the manager reads per invitation (``Invitation.progress``), in the order it moves.
PROGRESS_WORDS = ("pending", "opened", "draft saved", "submitted", "did not answer", "link withdrawn")
LINK_CHANNELS = ("email", "manager")  # who gives the respondent their link
TOKEN_BYTES = 24  # 192 bits
LINK_KEY_PURPOSE = b"healthcheck invitation links v1"


def link_token(nonce: str) -> str:
    """The link token of a stored nonce: HMAC of the nonce under a key derived from SECRET_KEY.

    The database keeps the nonce and the token's SHA-256, never the token: a copy of the
    database alone opens no link. The service can rebuild the current link (for a reminder)
    without issuing a second one."""
    secret = current_app.config["SECRET_KEY"]
    key = hmac.new(secret.encode() if isinstance(secret, str) else secret, LINK_KEY_PURPOSE, "sha256")
    mac = hmac.new(key.digest(), nonce.encode("ascii"), "sha256").digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Invitation(db.Model):
    """One respondent of one side in one round; reached by one valid link at a time, hashed.

    ``link_via`` says who gives the respondent that link: the service by email (the manager
    never sees it) or the manager, who was shown it once."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(f"side IN {SIDES}", name="ck_invitations_side"),
        CheckConstraint(f"status IN {INVITATION_STATUSES}", name="ck_invitations_status"),
        CheckConstraint(f"link_via IN {LINK_CHANNELS}", name="ck_invitations_link_via"),
        CheckConstraint(f"function IN {tuple(FUNCTIONS)}", name="ck_invitations_function"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    # one of analysis.panel.FUNCTIONS (DESIGN §3.15): the panel balance of a round counts them
    function: Mapped[str] = mapped_column(
        String(32), default=DEFAULT_FUNCTION, server_default=DEFAULT_FUNCTION
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # First time a browser showed the link's welcome page (a beacon its script posts: a GET
    # never writes, and mail scanners that fetch links do not run scripts).
    opened_at: Mapped[datetime | None]
    link_via: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    # the language of the respondent's pages and emails (issue 17): one of healthcheck.languages
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")

    round: Mapped[Round] = relationship()
    tokens: Mapped[list[InvitationToken]] = relationship(cascade="all, delete-orphan")

    @property
    def progress(self) -> str:
        """Where the respondent is, in words (one of ``PROGRESS_WORDS``)."""
        if self.status == "submitted":
            return "submitted"
        if self.status == "revoked":
            return "link withdrawn"
        if self.round.status == "closed":
            return "did not answer"
        if self.status == "started":
            return "draft saved"
        return "opened" if self.opened_at else "pending"

    def issue_link(self) -> str:
        """A fresh link token; every older link of this invitation stops working at once
        (one valid link at a time). Only the token's hash and its nonce are kept."""
        self.revoke_tokens()
        nonce = secrets.token_hex(16)
        token = link_token(nonce)
        self.tokens.append(InvitationToken(token_hash=hash_token(token), nonce=nonce, created_at=utcnow()))
        return token

    def has_live_link(self) -> bool:
        return any(t.revoked_at is None for t in self.tokens)

    def current_token(self) -> str | None:
        """The valid link's token rebuilt from its nonce, or None (no valid link, a link made
        before nonces were kept, or SECRET_KEY changed since)."""
        live = [t for t in self.tokens if t.revoked_at is None]
        if len(live) != 1 or not live[0].nonce:
            return None
        token = link_token(live[0].nonce)
        return token if hmac.compare_digest(hash_token(token), live[0].token_hash) else None

    def reinstate(self) -> None:
        if self.status == "submitted":
            raise IllegalTransition(
                problem(N_("this person has already submitted; there is nothing to reissue"))
            )
        if self.status == "revoked":
            self.status, self.revoked_at = "pending", None

    def revoke(self, now: datetime | None = None) -> None:
        if self.status == "submitted":
            raise IllegalTransition(
                problem(N_("this person has already submitted; their answers stay in the round"))
            )
        self.status, self.revoked_at = "revoked", now or utcnow()
        self.revoke_tokens()

    def start(self) -> None:
        """A draft was saved: pending becomes started (the hot path does this in one UPDATE)."""
        if self.status not in USABLE_STATUSES:
            raise IllegalTransition(f"an invitation that is {self.status} cannot save a draft")
        self.status = "started"  # (already started stays started)

    def submit(self, now: datetime | None = None) -> None:
        if self.status not in USABLE_STATUSES:
            raise IllegalTransition(f"an invitation that is {self.status} cannot submit")
        self.status, self.submitted_at = "submitted", now or utcnow()

    def revoke_tokens(self) -> None:
        now = utcnow()
        for old in self.tokens:
            if old.revoked_at is None:
                old.revoked_at = now


class InvitationToken(db.Model):
    """One link of an invitation. The SHA-256 of the token and the nonce it is derived from
    are stored, never the token."""

    __tablename__ = "invitation_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str | None] = mapped_column(String(32))  # the token is HMAC(key, nonce)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class Response(db.Model):
    """The answers of one invitation: a draft until ``submitted_at`` is set."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(1))
    respondent_code: Mapped[str] = mapped_column(String(16), default=lambda: secrets.token_hex(6))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)

    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")
    comments: Mapped[list[DimensionComment]] = relationship(cascade="all, delete-orphan")
    predictions: Mapped[list[Prediction]] = relationship(cascade="all, delete-orphan")


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id", name="uq_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    score: Mapped[int | None]  # None means N/A


class DimensionComment(db.Model):
    __tablename__ = "dimension_comments"
    __table_args__ = (UniqueConstraint("response_id", "dimension_id", name="uq_comment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimensions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)


class Prediction(db.Model):
    """A respondent's expectation of how the partner rates a dimension (DESIGN §3.14).

    Kept apart from answers: a prediction never enters the side's own dimension scores."""

    __tablename__ = "predictions"
    __table_args__ = (UniqueConstraint("response_id", "dimension_id", name="uq_prediction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimensions.id"), index=True)
    score: Mapped[int | None]  # None means N/A
