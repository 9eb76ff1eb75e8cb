"""meta-perception: questionnaires may ask predictions; predictions per response and dimension

DESIGN §3.14: a questionnaire version with ``meta_perception`` asks each respondent, per
dimension, how they expect the partner to rate it. Existing versions ask none.

Revision ID: a13c3e7a0001
Revises: a1c5e7f90b12
Create Date: 2026-12-01 22:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a13c3e7a0001"
down_revision = "a1c5e7f90b12"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("meta_perception", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "predictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["dimension_id"], ["dimensions.id"]),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response_id", "dimension_id", name="uq_prediction"),
    )
    with op.batch_alter_table("predictions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_predictions_dimension_id"), ["dimension_id"], unique=False)


def downgrade():
    with op.batch_alter_table("predictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_predictions_dimension_id"))
    op.drop_table("predictions")
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.drop_column("meta_perception")
