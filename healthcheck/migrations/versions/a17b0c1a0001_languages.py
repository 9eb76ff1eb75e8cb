"""languages: an invitation's language, each side's default, a questionnaire's translations

Revision ID: a17b0c1a0001
Revises: a16f0c7a0001
Create Date: 2026-12-02 01:15:00

Existing invitations and alliances are English; existing questionnaire versions declare no
languages (English only) and keep their content hash.
"""
import sqlalchemy as sa
from alembic import op

revision = "a17b0c1a0001"
down_revision = "a16f0c7a0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("language", sa.String(5), nullable=False, server_default="en"))
    with op.batch_alter_table("alliances") as batch:
        batch.add_column(sa.Column("side_a_language", sa.String(5), nullable=False, server_default="en"))
        batch.add_column(sa.Column("side_b_language", sa.String(5), nullable=False, server_default="en"))
    with op.batch_alter_table("questionnaires") as batch:
        batch.add_column(sa.Column("languages", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("translations", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("questionnaires") as batch:
        batch.drop_column("translations")
        batch.drop_column("languages")
    with op.batch_alter_table("alliances") as batch:
        batch.drop_column("side_b_language")
        batch.drop_column("side_a_language")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("language")
