"""joint actions: an owner on each side, acceptance by both, when reminder and check-in went out

Revision ID: f15a0c7a0001
Revises: d14c3a0c105e
Create Date: 2026-12-02 01:10:00

Existing joint actions were agreed before acceptance existed: they count as accepted by
both sides at their creation time.
"""
import sqlalchemy as sa
from alembic import op

revision = "f15a0c7a0001"
down_revision = "d14c3a0c105e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("partner_owner_name", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("partner_owner_email", sa.String(254), nullable=False, server_default=""))
        batch.add_column(sa.Column("proposed_by_side", sa.String(1), nullable=True))
        batch.add_column(sa.Column("accepted_a_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("accepted_b_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("reminder_sent_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("checkin_sent_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE actions SET accepted_a_at = created_at, accepted_b_at = created_at WHERE visibility = 'joint'"
    )


def downgrade():
    with op.batch_alter_table("actions") as batch:
        for name in (
            "checkin_sent_at", "reminder_sent_at", "accepted_b_at", "accepted_a_at", "proposed_by_side", "partner_owner_email",
            "partner_owner_name",
        ):
            batch.drop_column(name)
