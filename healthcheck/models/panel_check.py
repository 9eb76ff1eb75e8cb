"""A personal, expiring link for side B's contact to check side B's invitation list of a
round before it opens (issue 15: a safeguard against a padded panel)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from healthcheck.extensions import db
from healthcheck.models.round import RoundLink


class PanelCheckLink(RoundLink, db.Model):
    """Shows side B's names, emails and functions of one round, never side A's. The token is
    shown once to the manager who made the link; only its SHA-256 is stored."""

    __tablename__ = "panel_check_links"

    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
