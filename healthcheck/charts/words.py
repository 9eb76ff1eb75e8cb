"""The words a chart draws, in the reader's language (issue 17 item 4).

Charts stay pure: a builder takes ``words``, a gettext-like callable (``flask_babel.gettext``
from the web layer and the packs, ``english`` by default). Each builder binds it as ``_``
through ``formatter`` so ``pybabel extract`` finds its texts; a text is always %-formatted
(``%%`` for a percent sign, ``%(name)s`` for a value), as in the rest of the catalogue.
A figure a chart draws as text (a bar's "+0.50") is written by ``healthcheck.numbers`` in the
current locale; axes and tooltips are formatted by vl-convert in it (``charts.render``).
"""

from __future__ import annotations

from collections.abc import Callable

Words = Callable[[str], str]


def english(text: str) -> str:
    return text


def translate(text: str, words: Words | None) -> str:
    """``text`` (a value, not a format: no %%-formatting) in the reader's language."""
    return (words or english)(text)


def formatter(words: Words | None) -> Callable[..., str]:
    """``_(text, **values)``: ``text`` in the reader's language with ``values`` put in."""
    translate = words or english

    def _(text: str, **values) -> str:
        return translate(text) % values

    return _
