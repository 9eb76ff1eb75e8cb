"""facts beside perception: milestones, budget lines, delivery KPIs per alliance (DESIGN §3.17)

Revision ID: a16f0c7a0001
Revises: a15e00000001
Create Date: 2026-12-02 01:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a16f0c7a0001"
down_revision = "a15e00000001"
branch_labels = None
depends_on = None


def _alliance():
    return sa.Column(
        "alliance_id", sa.Integer(), sa.ForeignKey("alliances.id", ondelete="CASCADE"), nullable=False
    )


def upgrade():
    op.create_table(
        "fact_milestones",
        sa.Column("id", sa.Integer(), primary_key=True),
        _alliance(),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("dimension", sa.String(64), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("actual_on", sa.Date(), nullable=True),
        sa.Column("forecast_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("alliance_id", "key", name="uq_fact_milestones_key"),
        sa.CheckConstraint(
            "status IN ('planned', 'met', 'missed', 'dropped')", name="ck_fact_milestones_status"
        ),
    )
    op.create_index("ix_fact_milestones_alliance_id", "fact_milestones", ["alliance_id"])
    op.create_table(
        "fact_budget_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        _alliance(),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("line", sa.String(200), nullable=False),
        sa.Column("planned", sa.Float(), nullable=False),
        sa.Column("actual", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "alliance_id", "period_start", "period_end", "line", name="uq_fact_budget_lines_line"
        ),
        sa.CheckConstraint("period_start <= period_end", name="ck_fact_budget_lines_period"),
    )
    op.create_index("ix_fact_budget_lines_alliance_id", "fact_budget_lines", ["alliance_id"])
    op.create_table(
        "fact_delivery_kpis",
        sa.Column("id", sa.Integer(), primary_key=True),
        _alliance(),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("on_time_in_full", sa.Integer(), nullable=False),
        sa.Column("quality_deviations", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("alliance_id", "period_start", "period_end", name="uq_fact_delivery_kpis_period"),
        sa.CheckConstraint("period_start <= period_end", name="ck_fact_delivery_kpis_period"),
        sa.CheckConstraint(
            "deliveries >= 0 AND on_time_in_full >= 0 AND on_time_in_full <= deliveries "
            "AND quality_deviations >= 0",
            name="ck_fact_delivery_kpis_counts",
        ),
    )
    op.create_index("ix_fact_delivery_kpis_alliance_id", "fact_delivery_kpis", ["alliance_id"])


def downgrade():
    op.drop_table("fact_delivery_kpis")
    op.drop_table("fact_budget_lines")
    op.drop_table("fact_milestones")
