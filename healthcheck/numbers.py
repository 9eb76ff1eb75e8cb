"""Numbers as the reader writes them (issue 17 item 4): pages, emails, packs, sentences, charts.

Each function rounds exactly as the f-string it replaces (``num`` is ``f"{v:.2f}"``, ``pct``
``f"{v:.0%}"`` …) and then writes that text with the current locale's symbols (CLDR, from
Babel): the decimal sign, the group separator and the percent sign with its spacing, e.g.
German "3,40", "45 %" (no-break space). No second rounding: the digits are always the
English ones, so a German and an English reader see the same figure. English is the f-string
itself, byte for byte; outside a request or a forced locale the language is English.

Machine formats (the report JSON, CSV, XLSX cells, the API) never come here.
Pure apart from reading Flask-Babel's locale.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from flask_babel import get_locale

from healthcheck import languages as codes

MISSING = "–"


def language() -> str:
    """The current Flask-Babel language when it is one of ours, else English."""
    try:
        locale = get_locale()
    except RuntimeError:  # pragma: no cover - outside any app context
        locale = None
    code = getattr(locale, "language", None)
    return code if codes.valid(code) else codes.DEFAULT


@cache
def symbols(code: str) -> dict[str, str]:
    """The locale's decimal sign, group separator, minus sign and what stands before and
    after a percentage's digits (``"45 %"``: ``""`` and ``"\\u00a0%"``)."""
    locale = Locale.parse(code)
    before, after = format_percent(0, locale=locale).split("0", 1)
    return {
        "decimal": get_decimal_symbol(locale),
        "group": get_group_symbol(locale),
        "minus": get_minus_sign_symbol(locale),
        "percent_before": before,
        "percent_after": after,
    }


def localise(text: str, code: str | None = None) -> str:
    """``text``, a number as Python's format writes it (``"-1,234.50"``, ``"45%"``), with
    the symbols of ``code`` (the current language when None)."""
    code = code or language()
    if code == codes.DEFAULT:
        return text
    s = symbols(code)
    percent = text.endswith("%")
    digits = text[:-1] if percent else text
    sign = ""
    if digits[:1] in "+-" and digits:
        sign, digits = digits[0], digits[1:]
    table = str.maketrans({".": s["decimal"], ",": s["group"]})
    body = digits.translate(table)
    sign = s["minus"] if sign == "-" else sign
    if percent:
        return f"{sign}{s['percent_before']}{body}{s['percent_after']}"
    return sign + body


def num(value, digits: int = 2) -> str:
    return MISSING if value is None else localise(f"{value:.{digits}f}")


def signed(value, digits: int = 2) -> str:
    """With its sign always written: ``+0.50``, ``-0.25``."""
    return MISSING if value is None else localise(f"{value:+.{digits}f}")


def pct(value, digits: int = 0) -> str:
    """A share (0.45) as a percentage: ``45%``, German ``45 %``."""
    return MISSING if value is None else localise(f"{value:.{digits}%}")


def signed_pct(value, digits: int = 0) -> str:
    """A variance (-0.05) as a signed percentage: ``-5%``."""
    return MISSING if value is None else localise(f"{value:+.{digits}%}")


def grouped(value, digits: int = 0) -> str:
    """A large amount with the thousands grouped: ``1,234,567``."""
    return MISSING if value is None else localise(f"{value:,.{digits}f}")


def sig(value, digits: int = 2) -> str:
    """``digits`` significant figures (an FTE: ``0.25``, ``1.5``)."""
    return MISSING if value is None else localise(f"{value:.{digits}g}")


def separator() -> str:
    """What parts two figures in a list: ``", "``, ``"; "`` where the comma is the decimal
    sign ("p 0,072; q 0,072", as German, French and Spanish typesetting part them)."""
    code = language()
    return "; " if code != codes.DEFAULT and symbols(code)["decimal"] == "," else ", "


def parted(items) -> str:
    """``items`` (texts holding figures) joined by ``separator()``."""
    return separator().join(str(i) for i in items)


def interval(low, high=None, digits: int = 2) -> str:
    """``[+0.10, +0.90]``; ``[+0,10; +0,90]`` where the comma is the decimal sign. ``low``
    may be the pair itself (a report's ``gap_ci95``)."""
    if high is None and isinstance(low, (list, tuple)):
        low, high = low
    return f"[{parted((signed(low, digits), signed(high, digits)))}]"
