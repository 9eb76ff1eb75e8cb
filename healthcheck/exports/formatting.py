"""Numbers as alliance managers read them, in their locale (Jinja filters of pages and
packs; ``healthcheck.numbers``)."""

from __future__ import annotations

from flask_babel import gettext

from healthcheck.analysis import panel
from healthcheck.numbers import (  # the reader's locale
    grouped,
    interval,
    num,
    parted,
    pct,
    sig,
    signed,
    signed_pct,
)


def count(value, k: int) -> str:
    """A published count: the number, or "fewer than k" for the report's ``"<k"``."""
    return gettext("fewer than %(k)s", k=k) if value == panel.HIDDEN else str(value)


FILTERS = {
    "pct": pct,
    "num": num,
    "signed": signed,
    "signed_pct": signed_pct,
    "grouped": grouped,
    "sig": sig,
    "interval": interval,
    "parted": parted,
    "function_label": panel.label,
    "count": count,
    "panel_rows": panel.shown_rows,
}
