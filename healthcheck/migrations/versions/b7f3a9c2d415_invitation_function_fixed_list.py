"""an invitation's function is one of a fixed list (DESIGN §3.15, panel balance)

Revision ID: b7f3a9c2d415
Revises: c13e7a1fa001
Create Date: 2026-12-01 22:00:00

Existing free text becomes a list value when it matches one — ignoring case, spaces,
underscores, hyphens, "/", "&" and "and", on the key or its label ("Alliance management",
"manufacturing_quality", "Legal & Compliance") or on an obvious synonym below ("R&D",
"Clinical", "Quality", "Sales", "IT" …) — and ``other`` otherwise (blank included).

The list, labels and synonyms are a frozen copy, on purpose: a migration must do tomorrow
what it does today, whatever ``healthcheck.analysis.panel`` later becomes. The downgrade
keeps the list values (the free text is gone).
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "b7f3a9c2d415"
down_revision = "c13e7a1fa001"
branch_labels = None
depends_on = None

LABELS = {
    "executive": "Executive",
    "alliance_management": "Alliance management",
    "research": "Research",
    "development": "Development",
    "manufacturing_quality": "Manufacturing & quality",
    "commercial": "Commercial",
    "finance": "Finance",
    "legal_compliance": "Legal & compliance",
    "digital": "Digital",
    "other": "Other",
}
SYNONYMS = {
    "executive": [
        "exec", "executives", "leadership", "executive leadership", "senior leadership",
        "senior management", "c suite", "c level", "ceo", "general management", "board",
        "steering committee",
    ],
    "alliance_management": [
        "alliance manager", "alliance managers", "alliances", "alliance", "alliance lead",
        "partnership management", "partner management", "alliance partnering",
    ],
    "research": [
        "r d", "rd", "research development", "discovery", "drug discovery", "science",
        "preclinical", "translational research",
    ],
    "development": [
        "clinical", "clinical development", "clinical operations", "drug development",
        "product development",
    ],
    "manufacturing_quality": [
        "manufacturing", "quality", "quality assurance", "quality control", "qa", "qc", "cmc",
        "production", "supply", "supply chain", "technical operations",
    ],
    "commercial": [
        "sales", "marketing", "sales marketing", "market access", "commercialisation",
        "commercialization",
    ],
    "finance": ["financial", "controlling", "accounting", "treasury", "fp a"],
    "legal_compliance": [
        "legal", "compliance", "law", "ip", "intellectual property", "patents", "contracts",
        "regulatory compliance",
    ],
    "digital": [
        "it", "information technology", "data science", "analytics", "informatics",
        "technology", "digital health",
    ],
}


def _normal(text: str) -> str:
    words = re.sub(r"[\s_\-/&]+|\band\b", " ", (text or "").strip().lower())
    return " ".join(words.split())


MATCHES = {
    _normal(name): key
    for key in LABELS
    for name in (key, LABELS[key], *SYNONYMS.get(key, []))
}


def to_key(text: str) -> str:
    """The list value free text maps to (``other`` when nothing matches)."""
    return MATCHES.get(_normal(text), "other")


def upgrade():
    conn = op.get_bind()
    for (old,) in conn.execute(sa.text("SELECT DISTINCT function FROM invitations")).all():
        new = to_key(old)
        if new != old:
            conn.execute(
                sa.text("UPDATE invitations SET function = :new WHERE function = :old"),
                {"new": new, "old": old},
            )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column(
            "function",
            existing_type=sa.String(length=200),
            type_=sa.String(length=32),
            server_default="other",
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            "ck_invitations_function", f"function IN {tuple(LABELS)}"
        )


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint("ck_invitations_function", type_="check")
        batch_op.alter_column(
            "function",
            existing_type=sa.String(length=32),
            type_=sa.String(length=200),
            server_default=None,
            existing_nullable=False,
        )
