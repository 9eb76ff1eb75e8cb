"""actual close time of every closed round

Revision ID: d14c3a0c105e
Revises: b7f3a9c2d415
Create Date: 2026-12-01 22:00:00

Pages now say when a round actually closed (``rounds.closed_at``), not its planned date.
``closed_at`` exists since the initial schema and every close stamps it; a closed round
without one (written by an older release or by hand) gets its planned close date, the best
that is known of it.
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd14c3a0c105e'
down_revision = "b7f3a9c2d415"
branch_labels = None
depends_on = None

rounds = sa.table(
    "rounds",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("closes_on", sa.Date),
    sa.column("closed_at", sa.DateTime),
)


def upgrade():
    bind = op.get_bind()
    missing = bind.execute(
        sa.select(rounds.c.id, rounds.c.closes_on).where(rounds.c.status == "closed", rounds.c.closed_at.is_(None))
    ).all()
    for round_id, closes_on in missing:
        bind.execute(
            rounds.update()
            .where(rounds.c.id == round_id)
            .values(closed_at=datetime.combine(closes_on, datetime.min.time()))
        )


def downgrade():
    pass  # a backfilled close time cannot be told from a recorded one; both stay
