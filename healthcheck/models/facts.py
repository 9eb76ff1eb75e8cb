"""Facts beside perception (DESIGN §3.17): milestones, budget lines and delivery KPIs of an alliance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from healthcheck.extensions import db
from healthcheck.models.base import utcnow

MILESTONE_STATUSES = ("planned", "met", "missed", "dropped")
FACT_KINDS = ("milestones", "budget", "delivery")


class Milestone(db.Model):
    """A dated commitment of the alliance: planned, then met, missed or dropped."""

    __tablename__ = "fact_milestones"
    __table_args__ = (
        UniqueConstraint("alliance_id", "key", name="uq_fact_milestones_key"),
        CheckConstraint(f"status IN {MILESTONE_STATUSES}", name="ck_fact_milestones_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(64), default="milestones")
    planned_on: Mapped[date]
    actual_on: Mapped[date | None] = mapped_column(default=None)
    forecast_on: Mapped[date | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(10), default="planned")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BudgetLine(db.Model):
    """Planned and actual spend of one budget line over one period."""

    __tablename__ = "fact_budget_lines"
    __table_args__ = (
        UniqueConstraint(
            "alliance_id", "period_start", "period_end", "line", name="uq_fact_budget_lines_line"
        ),
        CheckConstraint("period_start <= period_end", name="ck_fact_budget_lines_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    line: Mapped[str] = mapped_column(String(200))
    planned: Mapped[float] = mapped_column(Float)
    actual: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryKpi(db.Model):
    """A supplier's deliveries over one period: how many, how many on time in full, quality deviations."""

    __tablename__ = "fact_delivery_kpis"
    __table_args__ = (
        UniqueConstraint("alliance_id", "period_start", "period_end", name="uq_fact_delivery_kpis_period"),
        CheckConstraint("period_start <= period_end", name="ck_fact_delivery_kpis_period"),
        CheckConstraint(
            "deliveries >= 0 AND on_time_in_full >= 0 AND on_time_in_full <= deliveries "
            "AND quality_deviations >= 0",
            name="ck_fact_delivery_kpis_counts",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    deliveries: Mapped[int]
    on_time_in_full: Mapped[int]
    quality_deviations: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
