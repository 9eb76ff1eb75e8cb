"""joint action follow-up: side A's owner as a user, one check-in per owner

Revision ID: a15f0c4e0001
Revises: f15a0c7a0001
Create Date: 2026-12-02 01:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a15f0c4e0001"
down_revision = "f15a0c7a0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_actions_owner_user_id_users", "users", ["owner_user_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "action_checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action_id", sa.Integer(), sa.ForeignKey("actions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("side", sa.String(1), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("action_id", "side", name="uq_action_checkins_action_side"),
        sa.UniqueConstraint("token_hash", name="uq_action_checkins_token_hash"),
        sa.CheckConstraint("side IN ('A', 'B')", name="ck_action_checkins_side"),
        sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="ck_action_checkins_score"),
    )
    op.create_index("ix_action_checkins_action_id", "action_checkins", ["action_id"])


def downgrade():
    op.drop_index("ix_action_checkins_action_id", table_name="action_checkins")
    op.drop_table("action_checkins")
    with op.batch_alter_table("actions") as batch:
        batch.drop_constraint("fk_actions_owner_user_id_users", type_="foreignkey")
        batch.drop_column("owner_user_id")
