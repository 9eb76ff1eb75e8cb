"""joint review: the alliance's review window, reviews, reviewers, the thread, pack versions

Revision ID: a15e00000001
Revises: a15b0c0a0001
Create Date: 2026-12-02 01:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a15e00000001"
down_revision = "a15b0c0a0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("alliances") as batch:
        batch.add_column(sa.Column("review_days", sa.Integer(), nullable=False, server_default="10"))
    op.create_table(
        "reviews",
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column(
            "published_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.CheckConstraint("status IN ('in_review', 'published')", name="ck_reviews_status"),
    )
    op.create_table(
        "reviewers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "round_id", sa.Integer(), sa.ForeignKey("reviews.round_id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("link_issued_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column(
            "created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_reviewers_round_id", "reviewers", ["round_id"])
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "round_id", sa.Integer(), sa.ForeignKey("reviews.round_id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("finding", sa.String(120), nullable=False),
        sa.Column("side", sa.String(1), nullable=False),
        sa.Column("stance", sa.String(10), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "reply_to_id",
            sa.Integer(),
            sa.ForeignKey("review_comments.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column(
            "reviewer_id", sa.Integer(), sa.ForeignKey("reviewers.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("side IN ('A', 'B')", name="ck_review_comments_side"),
        sa.CheckConstraint(
            "stance IS NULL OR stance IN ('agree', 'disagree')", name="ck_review_comments_stance"
        ),
    )
    op.create_index("ix_review_comments_round_id", "review_comments", ["round_id"])
    op.create_table(
        "pack_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.UniqueConstraint("round_id", "number", name="uq_pack_version"),
    )
    op.create_index("ix_pack_versions_round_id", "pack_versions", ["round_id"])


def downgrade():
    op.drop_index("ix_pack_versions_round_id", "pack_versions")
    op.drop_table("pack_versions")
    op.drop_index("ix_review_comments_round_id", "review_comments")
    op.drop_table("review_comments")
    op.drop_index("ix_reviewers_round_id", "reviewers")
    op.drop_table("reviewers")
    op.drop_table("reviews")
    with op.batch_alter_table("alliances") as batch:
        batch.drop_column("review_days")
