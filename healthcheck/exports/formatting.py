"""Numbers as alliance managers read them (Jinja filters of pages and packs)."""

from __future__ import annotations


def pct(value) -> str:
    return "–" if value is None else f"{value:.0%}"


def num(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def signed(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


FILTERS = {"pct": pct, "num": num, "signed": signed}
