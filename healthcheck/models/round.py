from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.alliance import Alliance
from healthcheck.models.base import utcnow
from healthcheck.models.questionnaire import Questionnaire
from healthcheck.problems import N_, problem

STATUSES = ("draft", "open", "closed")
MIN_OPEN_DAYS = 1  # a round closes at the end of its close date; it must close a day after it opens


class IllegalTransition(Exception):
    """A round was asked to move to a state it cannot reach from where it is."""


class Round(db.Model):
    """One health check of one alliance with one frozen questionnaire version."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("alliance_id", "label", name="uq_round_label"),
        CheckConstraint(f"status IN {STATUSES}", name="ck_rounds_status"),
        CheckConstraint("closes_on >= opens_on", name="ck_rounds_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    label: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    imported: Mapped[bool] = mapped_column(default=False)
    auto_open: Mapped[bool] = mapped_column(default=True, server_default="1")  # the scheduler opens it
    planned: Mapped[bool] = mapped_column(default=False, server_default="0")  # made from the cadence
    # The anonymity threshold promised to respondents, frozen when the round opens (or is
    # imported); a later change of the alliance's k may only raise it (DESIGN §3.9).
    k_anonymity: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    alliance: Mapped[Alliance] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship(lazy="joined")

    # The state machine, read by the model and by the service's guarded UPDATE alike:
    # target status -> (the only status it may come from, the column stamped, the refusal).
    TRANSITIONS = {
        "open": ("draft", "opened_at", N_("round %(label)r is %(status)s; only a draft opens")),
        "closed": ("open", "closed_at", N_("round %(label)r is %(status)s; only an open round closes")),
    }

    @classmethod
    def source_of(cls, target: str) -> str:
        return cls.TRANSITIONS[target][0]

    def check_transition(self, target: str) -> None:
        """IllegalTransition unless this round may move to ``target`` now."""
        source, _stamp, rule = self.TRANSITIONS[target]
        if self.status != source:
            raise IllegalTransition(problem(rule, label=self.label, status=problem(self.status)))

    def move(self, target: str, now: datetime | None = None) -> None:
        self.check_transition(target)
        self.status = target
        setattr(self, self.TRANSITIONS[target][1], now or utcnow())
        if target == "open":
            self.freeze_k()

    def open(self, now: datetime | None = None) -> None:
        self.move("open", now)

    def close(self, now: datetime | None = None) -> None:
        self.move("closed", now)

    @staticmethod
    def date_problems(opens_on: date, closes_on: date, today: date) -> list[str]:
        """Why these dates make no round (empty when they do): a close date in the past asks
        people to answer by a day gone and closes the round empty; a round must stay open at
        least a day."""
        problems = []
        if closes_on < today:
            problems.append(
                problem(
                    N_(
                        "closes on: %(closes_on)s is in the past (today is %(today)s); people would be asked "
                        "to answer by a day already gone"
                    ),
                    closes_on=closes_on,
                    today=today,
                )
            )
        earliest = opens_on + timedelta(days=MIN_OPEN_DAYS)
        if closes_on < earliest:
            problems.append(
                problem(
                    N_(
                        "closes on: the round would be open less than a day; close it on %(earliest)s "
                        "or later (it opens on %(opens_on)s)"
                    ),
                    earliest=earliest,
                    opens_on=opens_on,
                )
            )
        return problems

    def extension_problems(self, closes_on: date, today: date) -> list[str]:
        """Why the close date cannot move to ``closes_on``; IllegalTransition unless open."""
        if self.status != "open":
            raise IllegalTransition(
                problem(
                    N_("round %(label)r is %(status)s; only an open round's close date can be extended"),
                    label=self.label,
                    status=problem(self.status),
                )
            )
        if closes_on <= self.closes_on:
            return [
                problem(
                    N_("closes on: %(closes_on)s is not later than the current close date %(current)s"),
                    closes_on=closes_on,
                    current=self.closes_on,
                )
            ]
        return self.date_problems(self.opens_on, closes_on, today)

    def stamp_of(self, target: str, now: datetime) -> dict:
        """The columns a guarded UPDATE to ``target`` sets besides the status."""
        return {self.TRANSITIONS[target][1]: now}

    def freeze_k(self) -> None:
        """Fix k at the alliance's current value; respondents were promised it."""
        if self.k_anonymity is None:
            self.k_anonymity = self.alliance.k_anonymity

    def alliance_k_changed(self, new_k: int) -> None:
        """A new alliance k applies to rounds not yet opened, and only raises a frozen one."""
        if self.k_anonymity is not None:
            self.k_anonymity = max(self.k_anonymity, new_k)

    @property
    def k(self) -> int:
        """The k that applies to this round's figures (the alliance's until it opens)."""
        return self.k_anonymity if self.k_anonymity is not None else self.alliance.k_anonymity

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class RoundSummary(db.Model):
    """Stored report of a round (DESIGN §4 JSON) and its headline figures.

    Refreshed when a response is submitted, a round closes or history is imported, so
    report and portfolio pages never scan raw answers.
    """

    __tablename__ = "round_summaries"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    stale: Mapped[bool] = mapped_column(default=False, server_default="0")  # answers came in since
    health_index: Mapped[float | None]
    alignment_index: Mapped[float | None]
    rag: Mapped[str | None] = mapped_column(String(10))
    invited_a: Mapped[int] = mapped_column(default=0)
    submitted_a: Mapped[int] = mapped_column(default=0)
    invited_b: Mapped[int] = mapped_column(default=0)
    submitted_b: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    report: Mapped[dict] = mapped_column(JSON)
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoundLink:
    """The columns of an expiring, revocable link to one round whose token is shown once and
    stored as its SHA-256 (the partner's share link, the panel-check link)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    @declared_attr
    def round(cls) -> Mapped[Round]:  # noqa: N805 - SQLAlchemy's declared_attr takes the class
        return relationship(Round)

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ShareLink(RoundLink, db.Model):
    """A read-only, expiring, revocable link to a round's joint report for side B."""

    __tablename__ = "share_links"
