"""The languages the respondent pages, emails and partner pages speak (issue 17 item 4).

Pure data, importable from every layer (analysis included): no Flask, no database.
"""

from __future__ import annotations

from healthcheck import problems
from healthcheck.problems import N_

LANGUAGES = ("en", "de", "fr", "es", "ja")
DEFAULT = "en"
NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "ja": "日本語"}


def valid(code) -> bool:
    return isinstance(code, str) and code in LANGUAGES


def allowed() -> str:
    return ", ".join(LANGUAGES)


def problem(value) -> str:
    """The message for a language code that is not one of ours, naming what is allowed."""
    return problems.problem(
        N_("language: one of %(allowed)s (got %(value)r)"), allowed=allowed(), value=value
    )


def parse(text: str | None, default: str | None = None) -> str | None:
    """A language code as typed (any case, blank → ``default``), None when not one of ours."""
    code = (text or "").strip().lower()
    if not code:
        return default
    return code if code in LANGUAGES else None
