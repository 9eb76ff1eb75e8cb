"""Numbers as alliance managers read them (Jinja filters of pages and packs)."""

from __future__ import annotations

from flask_babel import gettext

from healthcheck.analysis import panel


def pct(value) -> str:
    return "–" if value is None else f"{value:.0%}"


def num(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def signed(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def count(value, k: int) -> str:
    """A published count: the number, or "fewer than k" for the report's ``"<k"``."""
    return gettext("fewer than %(k)s", k=k) if value == panel.HIDDEN else str(value)


FILTERS = {
    "pct": pct,
    "num": num,
    "signed": signed,
    "function_label": panel.label,
    "count": count,
    "panel_rows": panel.shown_rows,
}
