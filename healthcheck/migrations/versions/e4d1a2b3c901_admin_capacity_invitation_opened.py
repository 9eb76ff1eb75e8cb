"""managers' capacity in FTE; when an invitation's link was first opened

Revision ID: e4d1a2b3c901
Revises: a13c3e7a0001
Create Date: 2026-12-01 22:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4d1a2b3c901"
down_revision = "a13c3e7a0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capacity_fte", sa.Double(), server_default="1.0", nullable=False))
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("opened_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("capacity_fte")
