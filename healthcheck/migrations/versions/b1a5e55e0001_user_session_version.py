"""user session version (logout, password and role changes end sessions)

Revision ID: b1a5e55e0001
Revises: a1f0c3e5k001
Create Date: 2026-12-01 19:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b1a5e55e0001'
down_revision = "a1f0c3e5k001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
