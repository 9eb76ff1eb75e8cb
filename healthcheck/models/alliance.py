from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthcheck.extensions import db
from healthcheck.models.base import utcnow
from healthcheck.models.user import User

SEGMENTS = ("complex", "typical", "simple")
PHASES = ("discovery", "development", "commercial", "sunset")
ALLIANCE_TYPES = ("R&D", "co-commercial", "digital", "supplier", "licensing")
CADENCE_MONTHS = {"complex": 3, "typical": 6, "simple": 12}


def effective_cadence(segment: str, cadence_months: int | None) -> int:
    """Months between health checks: the alliance's own cadence, else its segment's."""
    return cadence_months or CADENCE_MONTHS[segment]


MIN_K = 3

alliance_owners = Table(
    "alliance_owners",
    db.metadata,
    Column("alliance_id", ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
alliance_members = Table(
    "alliance_members",
    db.metadata,
    Column("alliance_id", ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alliance(db.Model):
    __tablename__ = "alliances"
    __table_args__ = (
        CheckConstraint(f"segment IN {SEGMENTS}", name="ck_alliances_segment"),
        CheckConstraint(f"k_anonymity >= {MIN_K}", name="ck_alliances_k"),
        CheckConstraint("side_a_id <> side_b_id", name="ck_alliances_two_sides"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    side_a_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    side_b_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    segment: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(40), default="development")
    alliance_type: Mapped[str] = mapped_column(String(40), default="R&D")
    north_star: Mapped[str] = mapped_column(Text, default="")
    k_anonymity: Mapped[int] = mapped_column(default=MIN_K)
    cadence_months: Mapped[int | None] = mapped_column(default=None)
    # days a closed round's report stays in joint review before it is published; 0: at once
    review_days: Mapped[int] = mapped_column(default=10, server_default="10")
    active: Mapped[bool] = mapped_column(default=True)
    # default language of each side's invitations (issue 17): one of healthcheck.languages
    side_a_language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    side_b_language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    side_a: Mapped[Organisation] = relationship(foreign_keys=[side_a_id], lazy="joined")
    side_b: Mapped[Organisation] = relationship(foreign_keys=[side_b_id], lazy="joined")
    owners: Mapped[list[User]] = relationship(secondary=alliance_owners, order_by=User.email)
    members: Mapped[list[User]] = relationship(secondary=alliance_members, order_by=User.email)

    def side(self, code: str) -> Organisation:
        return self.side_a if code == "A" else self.side_b

    def side_language(self, code: str) -> str:
        return (self.side_a_language if code == "A" else self.side_b_language) or "en"

    @property
    def effective_cadence_months(self) -> int:
        return effective_cadence(self.segment, self.cadence_months)
