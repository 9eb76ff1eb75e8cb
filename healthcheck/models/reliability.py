"""What Cronbach's α of a questionnaire version is computed from (DESIGN §3.13)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from healthcheck.extensions import db
from healthcheck.models.base import utcnow


class ReliabilityPart(db.Model):
    """A closed round's contribution to its version's α: per dimension the summed answers
    of the responses that count (``analysis.reliability``). Never leaves the server."""

    __tablename__ = "reliability_parts"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    parts: Mapped[dict] = mapped_column(JSON, default=dict)


class QuestionnaireReliability(db.Model):
    """The sum of a version's round parts, kept up to date as its rounds close, so a page
    reads α with one primary-key lookup."""

    __tablename__ = "questionnaire_reliability"

    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), primary_key=True
    )
    totals: Mapped[dict] = mapped_column(JSON, default=dict)
    rounds: Mapped[int] = mapped_column(default=0)  # closed rounds with a part
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)
