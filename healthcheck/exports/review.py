"""The supplier business review as a self-contained HTML document (inline CSS, no links)."""

from __future__ import annotations

from healthcheck.exports import documents

filename = documents.filename


def business_review(context: dict) -> str:
    """``context``: ``services.business_review.context`` with ``alliance``."""
    return documents._render("facts/pack_business_review.html", context)
