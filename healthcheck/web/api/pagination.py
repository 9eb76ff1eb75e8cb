"""Cursor pagination: ``?limit=`` (1–100) and an opaque, signed ``?cursor=`` from ``next``.

A list ordered by id pages by the last id seen (keyset: an item added meanwhile neither
repeats nor hides another); a list in another order (the timeline, the portfolio by risk)
pages by position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from healthcheck.web.api.problems import Problem

DEFAULT_LIMIT, MAX_LIMIT = 50, 100


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def _decode(cursor: str | None) -> dict:
    if not cursor:
        return {}
    try:
        data = _serializer().loads(cursor)
    except BadSignature:
        data = None
    if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
        raise Problem(
            400,
            "cursor: not a cursor this API gave out; use the next link of the previous page",
            kind="invalid-input",
            title="Invalid input",
            errors=[{"field": "cursor", "detail": "cursor: not a cursor this API gave out"}],
        )
    return data


def _next(position: dict) -> str:
    args = {**request.view_args, **request.args.to_dict(), "cursor": _serializer().dumps(position)}
    return url_for(request.endpoint, _external=False, **args)


def by_id(items: Sequence, args: dict, key: Callable = lambda item: item.id) -> tuple[list, str | None]:
    """A page of ``items`` (ascending ``key``) after the cursor's id, and the next link."""
    limit = args.get("limit", DEFAULT_LIMIT)
    after = _decode(args.get("cursor")).get("after", 0)
    rest = [item for item in items if key(item) > after]
    page = rest[:limit]
    return page, (_next({"after": key(page[-1])}) if len(rest) > limit else None)


def by_position(items: Sequence, args: dict) -> tuple[list, str | None]:
    limit = args.get("limit", DEFAULT_LIMIT)
    start = max(0, _decode(args.get("cursor")).get("at", 0))
    page = list(items[start : start + limit])
    return page, (_next({"at": start + limit}) if start + limit < len(items) else None)
