"""Shared column helpers."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC timestamp (stored identically on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)

# Integer primary keys are 32-bit on PostgreSQL (64-bit on SQLite): no id is ever larger, so a
# larger number from a URL or a filter can be answered "not found" without asking the database.
MAX_ID = 2**31 - 1
