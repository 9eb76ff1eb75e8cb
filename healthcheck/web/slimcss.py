"""Bootstrap without the rules no page can use: the manager pages' one stylesheet, slimmed.

Bootstrap's minified CSS is 232 KB (31 KB gzipped), almost all of it classes no template
names. ``slim`` keeps a rule when every class in one of its selectors may appear in a page:
any word of any template or web module counts as a class that may appear, and ``prefix-{{``
in a template keeps every class starting with ``prefix-`` (``alert-{{ category }}``).
Rules without classes (the reboot, ``:root`` variables), ``@keyframes`` and ``@font-face``
are kept as they are. Over-keeping costs a few bytes; a missing rule would cost a page its
look, so when in doubt a rule stays. Pure text in, text out: the web layer decides which
files count (``assets.py``), once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"[A-Za-z_][\w-]*")
PREFIX = re.compile(r"([A-Za-z][\w-]*-)\{\{")
CLASS = re.compile(r"\.(-?[_A-Za-z][\w-]*)")
GROUPING = ("@media", "@supports", "@container", "@layer")


def vocabulary(texts: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Every word that may be a class name, and the prefixes of classes built in templates."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for text in texts:
        words.update(WORD.findall(text))
        prefixes.update(PREFIX.findall(text))
    return frozenset(words), tuple(sorted(prefixes))


def _block_end(css: str, start: int) -> int:
    """Index just past the ``}`` matching the ``{`` at ``start`` (quotes respected)."""
    depth, i, quote = 0, start, ""
    while i < len(css):
        c = css[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces in CSS")


def _selectors(text: str) -> list[str]:
    """A selector list split on its top-level commas (not those inside ``:not(...)``)."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def slim(css: str, words: frozenset[str], prefixes: tuple[str, ...] = ()) -> str:
    """``css`` with the rules whose every selector names a class outside ``words``."""

    def usable(selector: str) -> bool:
        return all(c in words or c.startswith(prefixes) for c in CLASS.findall(selector))

    out: list[str] = []
    i = 0
    while i < len(css):
        if css[i].isspace():
            i += 1
        elif css.startswith("/*", i):
            end = css.index("*/", i) + 2
            if css.startswith("/*!", i):  # the licence banner stays
                out.append(css[i:end])
            i = end
        elif css[i] == "@":
            brace, semi = css.find("{", i), css.find(";", i)
            if semi != -1 and (brace == -1 or semi < brace):  # @charset, @import
                out.append(css[i : semi + 1])
                i = semi + 1
                continue
            end = _block_end(css, brace)
            head = css[i:brace].strip()
            if head.startswith(GROUPING):
                inner = slim(css[brace + 1 : end - 1], words, prefixes)
                if inner:
                    out.append(f"{head}{{{inner}}}")
            else:  # @keyframes, @font-face, @page: whole
                out.append(css[i:end])
            i = end
        else:
            brace = css.index("{", i)
            end = _block_end(css, brace)
            kept = [s for s in _selectors(css[i:brace]) if usable(s)]
            if kept:
                out.append(",".join(kept) + css[brace:end])
            i = end
    return "".join(out)
