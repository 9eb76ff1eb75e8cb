"""Rules for short text that travels into email headers, file names and spreadsheets, and
for email addresses."""

from __future__ import annotations

import re
import unicodedata

EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}$")

# Line and paragraph separators besides CR/LF: mail headers and CSV readers treat them as breaks.
_BREAKS = {"\u0085", "\u2028", "\u2029"}


def single_line_problem(label: str, value: str) -> str | None:
    """A field-level message when ``value`` holds a line break or another control character."""
    if any(ch in _BREAKS or unicodedata.category(ch) == "Cc" for ch in value or ""):
        return f"{label}: line breaks and control characters are not allowed"
    return None


def short_text_problem(label: str, value: str, limit: int, required: str = "required") -> str | None:
    """The first field-level message for a short one-line text (a name, a label): missing,
    longer than ``limit`` characters, or holding a line break."""
    if not (value or "").strip():
        return f"{label}: {required}"
    if len(value) > limit:
        return f"{label}: at most {limit} characters"
    return single_line_problem(label, value)
