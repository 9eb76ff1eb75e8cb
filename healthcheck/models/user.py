from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from healthcheck.extensions import db
from healthcheck.models.base import utcnow

ROLES = ("admin", "manager", "viewer")
ROLE_WORDS = {"admin": "administrator", "manager": "alliance manager", "viewer": "reader (viewer)"}
MAX_CAPACITY_FTE = 2.0


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="ck_users_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the login cookie's user id: bumping it ends every session of this user
    # (Flask's signed cookie sessions cannot be revoked otherwise).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # How much alliance-management work a manager can carry, in full-time equivalents
    # (DESIGN §3.18); the resourcing view compares it with the owned alliances' workload.
    capacity_fte: Mapped[float] = mapped_column(default=1.0, server_default="1.0")
    # The language of this user's pages and emails (issue 17 item 4): one of
    # healthcheck.languages, None = the browser's (pages) or the default (emails).
    language: Mapped[str | None] = mapped_column(String(5), default=None)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login stores this in the session
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """Every session cookie issued so far stops working (logout, password or role change)."""
        self.session_version += 1

    def holds_session(self, version: int) -> bool:
        return self.active and version == self.session_version

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def display_name(self) -> str:
        return self.name or self.email
