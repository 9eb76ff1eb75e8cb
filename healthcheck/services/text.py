"""Rules for short text that travels into email headers, file names and spreadsheets, and
for email addresses."""

from __future__ import annotations

import re
import unicodedata

from healthcheck.problems import N_, problem

EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}$")

# Line and paragraph separators besides CR/LF: mail headers and CSV readers treat them as breaks.
_BREAKS = {"\u0085", "\u2028", "\u2029"}


def single_line_problem(label: str, value: str) -> str | None:
    """A field-level message when ``value`` holds a line break or another control character.
    ``label`` names the field: ``problem(N_("side A"))`` says it in the page's language too."""
    if any(ch in _BREAKS or unicodedata.category(ch) == "Cc" for ch in value or ""):
        return problem(N_("%(label)s: line breaks and control characters are not allowed"), label=label)
    return None


def short_text_problem(label: str, value: str, limit: int, required: str | None = None) -> str | None:
    """The first field-level message for a short one-line text (a name, a label): missing
    (``required``, the whole message, or "<label>: required"), longer than ``limit``
    characters, or holding a line break."""
    if not (value or "").strip():
        return required or problem(N_("%(label)s: required"), label=label)
    if len(value) > limit:
        return problem(N_("%(label)s: at most %(limit)s characters"), label=label, limit=limit)
    return single_line_problem(label, value)
