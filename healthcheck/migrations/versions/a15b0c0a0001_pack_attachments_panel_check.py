"""outbox attachments by reference; panel-check links of side B's invitation list

Revision ID: a15b0c0a0001
Revises: a17c5e0b0001
Create Date: 2026-12-02 01:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a15b0c0a0001"
down_revision = "a17c5e0b0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_mails") as batch:
        batch.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
    op.create_table(
        "panel_check_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column(
            "created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_panel_check_links_round_id", "panel_check_links", ["round_id"])


def downgrade():
    op.drop_index("ix_panel_check_links_round_id", table_name="panel_check_links")
    op.drop_table("panel_check_links")
    with op.batch_alter_table("outgoing_mails") as batch:
        batch.drop_column("attachments")
