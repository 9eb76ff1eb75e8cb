"""Jinja filters of the pages: the same as the packs' (``exports.formatting``)."""

from __future__ import annotations

from healthcheck.exports.formatting import FILTERS


def register(app) -> None:
    app.jinja_env.filters.update(FILTERS)
