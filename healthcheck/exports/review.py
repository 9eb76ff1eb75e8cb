"""The supplier business review as a self-contained HTML document (inline CSS, no links)."""

from __future__ import annotations

from healthcheck.exports import documents

filename = documents.filename


def business_review(context: dict, language: str | None = None) -> str:
    """``context``: ``services.business_review.context`` with ``alliance``; ``language``: the
    review's (None: the current locale's — the staff page's)."""
    return documents._render("facts/pack_business_review.html", context, language)  # noqa: SLF001
