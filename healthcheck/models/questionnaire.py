from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.base import utcnow


class Questionnaire(db.Model):
    """One frozen version of a questionnaire; edits create a new version."""

    __tablename__ = "questionnaires"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_questionnaire_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    scale_labels: Mapped[list] = mapped_column(JSON, default=list)
    # DESIGN §3.14: each dimension also asks "How do you expect {partner} to rate it?"
    meta_perception: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    content_hash: Mapped[str] = mapped_column(String(64))
    # issue 17: the languages a version declares (None: English only) and its texts in each
    # language but English, {lang: {"title", "description", "scale_labels", "dimensions":
    # {key: {"title", "description"}}, "questions": {key: text}}}; frozen with the version
    languages: Mapped[list | None] = mapped_column(JSON, default=None)
    translations: Mapped[dict | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dimensions: Mapped[list[Dimension]] = relationship(
        back_populates="questionnaire", order_by="Dimension.position", cascade="all, delete-orphan"
    )

    @property
    def ref(self) -> str:
        return f"{self.key}@{self.version}"

    @property
    def questions(self) -> list[Question]:
        return [q for d in self.dimensions for q in d.questions]

    def label_for(self, score: int) -> str:
        index = score - self.scale_min
        if 0 <= index < len(self.scale_labels):
            return self.scale_labels[index]
        return str(score)


class Dimension(db.Model):
    __tablename__ = "dimensions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "key", name="uq_dimension_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(default=1.0)
    position: Mapped[int]

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="dimensions")
    questions: Mapped[list[Question]] = relationship(
        back_populates="dimension", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "key", name="uq_question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimensions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    dimension: Mapped[Dimension] = relationship(back_populates="questions")
