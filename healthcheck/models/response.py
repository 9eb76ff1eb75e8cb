from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.base import utcnow
from healthcheck.models.round import Round

SIDES = ("A", "B")
INVITATION_STATUSES = ("pending", "started", "submitted", "revoked")
TOKEN_BYTES = 24  # 192 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Invitation(db.Model):
    """One respondent of one side in one round; reached by a link whose token is hashed."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(f"side IN {SIDES}", name="ck_invitations_side"),
        CheckConstraint(f"status IN {INVITATION_STATUSES}", name="ck_invitations_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    function: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    round: Mapped[Round] = relationship()
    tokens: Mapped[list[InvitationToken]] = relationship(cascade="all, delete-orphan")

    def issue_token(self, replace: bool = False) -> str:
        """A fresh link token; only its hash is kept. ``replace`` kills every older link,
        otherwise they keep working (a reminder adds a link, it does not break the first)."""
        now = utcnow()
        if replace:
            for old in self.tokens:
                if old.revoked_at is None:
                    old.revoked_at = now
        token = new_token()
        self.tokens.append(InvitationToken(token_hash=hash_token(token), created_at=now))
        return token

    def revoke_tokens(self) -> None:
        now = utcnow()
        for old in self.tokens:
            if old.revoked_at is None:
                old.revoked_at = now


class InvitationToken(db.Model):
    """One link of an invitation. Only the SHA-256 of the token is stored."""

    __tablename__ = "invitation_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
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
