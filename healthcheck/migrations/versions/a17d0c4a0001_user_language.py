"""a staff user's language for pages and emails (issue 17 item 4)

Revision ID: a17d0c4a0001
Revises: a17a0c0a0001
Create Date: 2026-12-02 04:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a17d0c4a0001"
down_revision = "a17a0c0a0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
