"""Shared column helpers."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC timestamp (stored identically on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)
