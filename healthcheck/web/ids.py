"""Ids from URLs and query strings: never larger than any id the database can hold.

A number beyond the 32-bit (PostgreSQL) or 64-bit (SQLite) range would reach the driver and
fail there with a 500; here it is "not found" (URL) or a field error (filter) instead.
"""

from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

from healthcheck.models.base import MAX_ID
from healthcheck.problems import N_, problem
from healthcheck.services.errors import InvalidInput


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: 0 .. MAX_ID, else the URL matches nothing (404)."""

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# what an id names, in the field error (said in the page's language)
KINDS = {"account": N_("account"), "alliance": N_("alliance"), "person": N_("person"), "round": N_("round")}


def id_arg(name: str, what: str) -> int | None:
    """An optional id from the query string; a clear field error when it is not a possible id."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise InvalidInput(
            problem(
                N_("%(name)s: not a known %(what)s (got %(value)r)"),
                name=name,
                what=problem(KINDS.get(what, what)),
                value=raw[:40],
            )
        )
    return int(raw)
