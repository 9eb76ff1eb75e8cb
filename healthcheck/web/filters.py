"""Jinja filters for numbers as alliance managers read them."""

from __future__ import annotations


def pct(value) -> str:
    return "–" if value is None else f"{value:.0%}"


def num(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def signed(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def register(app) -> None:
    app.jinja_env.filters.update(pct=pct, num=num, signed=signed)
