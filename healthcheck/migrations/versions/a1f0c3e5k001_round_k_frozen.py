"""k frozen per round

The anonymity threshold a round's respondents were promised is kept on the round from the
moment it opens (DESIGN §3.9); rounds already open or closed take their alliance's k now.

Revision ID: a1f0c3e5k001
Revises: 5b1f0c2d9e7a
Create Date: 2026-12-01 19:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a1f0c3e5k001"
down_revision = "5b1f0c2d9e7a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("k_anonymity", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE rounds SET k_anonymity = "
        "(SELECT alliances.k_anonymity FROM alliances WHERE alliances.id = rounds.alliance_id) "
        "WHERE status IN ('open', 'closed')"
    )


def downgrade():
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("k_anonymity")
