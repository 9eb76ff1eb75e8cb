"""one valid link per invitation: who gives the link, link nonces

Revision ID: a1c5e7f90b12
Revises: b1a5e55e0001
Create Date: 2026-12-01 10:00:00

An invitation had several valid links (the one shown to the manager and one per invitation
or reminder email). From now on it has exactly one: the newest valid link of each invitation
is kept, the older ones stop working.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1c5e7f90b12'
down_revision = "b1a5e55e0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_via', sa.String(length=10), server_default='email', nullable=False))
        batch_op.create_check_constraint('ck_invitations_link_via', "link_via IN ('email', 'manager')")
    with op.batch_alter_table('invitation_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE invitation_tokens SET revoked_at = CURRENT_TIMESTAMP "
        "WHERE revoked_at IS NULL AND id < ("
        "  SELECT MAX(newer.id) FROM invitation_tokens AS newer"
        "  WHERE newer.invitation_id = invitation_tokens.invitation_id AND newer.revoked_at IS NULL)"
    )


def downgrade():
    with op.batch_alter_table('invitation_tokens', schema=None) as batch_op:
        batch_op.drop_column('nonce')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint('ck_invitations_link_via', type_='check')
        batch_op.drop_column('link_via')
