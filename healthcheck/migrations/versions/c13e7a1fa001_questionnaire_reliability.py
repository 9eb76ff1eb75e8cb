"""Cronbach's alpha per questionnaire version: round parts and version totals

Revision ID: c13e7a1fa001
Revises: e4d1a2b3c901
Create Date: 2026-12-01 22:00:00

Both tables start empty; ``healthcheck rebuild-summaries`` fills them from the closed rounds
already there (closing or importing a round fills them from then on).
"""
import sqlalchemy as sa
from alembic import op

revision = "c13e7a1fa001"
down_revision = "e4d1a2b3c901"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reliability_parts",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["questionnaire_id"], ["questionnaires.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id"),
    )
    with op.batch_alter_table("reliability_parts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reliability_parts_questionnaire_id"), ["questionnaire_id"], unique=False
        )
    op.create_table(
        "questionnaire_reliability",
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["questionnaire_id"], ["questionnaires.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("questionnaire_id"),
    )


def downgrade():
    op.drop_table("questionnaire_reliability")
    with op.batch_alter_table("reliability_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reliability_parts_questionnaire_id"))
    op.drop_table("reliability_parts")
