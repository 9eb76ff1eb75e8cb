"""RFC 9457 problem details: every error of the API as ``application/problem+json``.

``type`` names the kind of problem (``about:blank`` for a plain HTTP status); validation
problems list each invalid field with the service's own message, word for word.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import Response

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:healthcheck:problem:"
# The services name fields as people read them; the API's field names are these.
FIELD_NAMES = {
    "side A": "side_a",
    "side B": "side_b",
    "anonymity threshold": "k_anonymity",
    "cadence": "cadence_months",
    "North Star": "north_star",
    "owners": "owner_emails",
    "members": "member_emails",
    "closes on": "closes_on",
    "opens on": "opens_on",
    "due date": "due_on",
    "date": "happened_on",
    "text": "body",
    "alliance type": "alliance_type",
    "review window": "review_days",
    "side A language": "side_a_language",
    "side B language": "side_b_language",
}


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        kind: str | None = None,
        title: str | None = None,
        errors: list[dict] | None = None,
        headers: dict | None = None,
    ):
        super().__init__(detail)
        self.status, self.detail, self.kind = status, detail, kind
        self.title = title or HTTPStatus(status).phrase
        self.errors, self.headers = errors, headers or {}


def field_error(message: str) -> dict:
    """``"name: required"`` → {"field": "name", "detail": "name: required"}; an invitee's
    ``"invitee 2: email: …"`` → field ``invitees[1].email``."""
    label, sep, rest = message.partition(":")
    label = label.strip()
    if not sep:
        return {"field": "", "detail": message}
    number = label.removeprefix("invitee ")
    if number != label and number.isdigit():
        inner = field_error(rest.strip())["field"]
        return {"field": f"invitees[{int(number) - 1}].{inner}".rstrip("."), "detail": message}
    return {"field": FIELD_NAMES.get(label, label.replace(" ", "_")), "detail": message}


def invalid(problems: list[str]) -> Problem:
    return Problem(
        422,
        "; ".join(problems),
        kind="invalid-input",
        title="Invalid input",
        errors=[field_error(p) for p in problems],
    )


def response(problem: Problem) -> Response:
    body = {
        "type": TYPE_BASE + problem.kind if problem.kind else "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    out = Response(json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=CONTENT_TYPE)
    out.headers.update(problem.headers)
    out.headers["Cache-Control"] = "no-store"
    return out
