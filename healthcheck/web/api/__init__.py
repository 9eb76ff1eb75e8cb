"""The REST API under /api/v1, its OpenAPI 3.1 document and its browsable page.

flask-smorest (apispec + marshmallow) makes the OpenAPI document from the views and their
schemas; every error is an RFC 9457 problem document (problems.py).
"""

from __future__ import annotations

import http

from flask import Blueprint, Flask, current_app, render_template, request
from flask_smorest import Api as SmorestApi
from flask_smorest.spec import prepare_response
from werkzeug.exceptions import HTTPException

from healthcheck.extensions import csrf, db, limiter
from healthcheck.models import IllegalTransition
from healthcheck.models.base import MAX_ID
from healthcheck.services.errors import Forbidden, InvalidInput, NotFound
from healthcheck.services.reports import ReportNotReady
from healthcheck.web.api import auth, problems
from healthcheck.web.api.links import Links
from healthcheck.web.api.routes import bp
from healthcheck.web.api.schemas import ProblemSchema
from healthcheck.web.ids import IdConverter

PREFIX = "/api/v1"
HTTP_CODES = (400, 401, 403, 404, 405, 406, 409, 410, 412, 413, 415, 422, 428, 429, 500)
DETAILS = {
    404: "There is nothing here, or you may not see it.",
    405: "This method is not allowed here; the OpenAPI document lists the operations.",
    413: "The request is larger than the 2 MB allowed.",
    429: "Too many requests for this token; wait a minute and try again.",
    500: "Something went wrong on our side; nothing was changed.",
}


class Api(SmorestApi):
    """flask-smorest, answering errors as problem documents (the app's pages keep theirs)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):  # the blueprint's own handlers below, not app-wide
        return None

    def _register_responses(self):
        """Every status's component response, and the default one, as problem documents."""
        named = [(status.name, status.phrase) for status in http.HTTPStatus if status >= 400]
        for name, description in [*named, ("DEFAULT_ERROR", "A problem (RFC 9457)")]:
            response = {"description": description, "schema": ProblemSchema}
            prepare_response(response, self.spec, problems.CONTENT_TYPE)
            self.spec.components.response(name, response, lazy=True)


docs = Blueprint("api_page", __name__, url_prefix=PREFIX, template_folder="templates")


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Alliance Health Check")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "info": {"description": "Personal access tokens in `Authorization: Bearer`; see /api/v1/docs."},
        },
    )
    api = Api(spec_kwargs={"extra_plugins": [Links()]})
    api.init_app(app)
    api.register_converter(
        IdConverter, lambda _c: {"type": "integer", "minimum": 0, "maximum": MAX_ID, "examples": [1]}
    )
    api.register_blueprint(bp)
    app.extensions["healthcheck-api"] = api
    app.register_error_handler(problems.Problem, problems.response)
    app.before_request(_unrouted)
    app.register_blueprint(docs)


def _unrouted():
    """A URL under /api/v1 that no operation has (or not with this method): a problem, not a page.
    Flask runs this before it raises the routing error."""
    exc = request.routing_exception
    if (
        exc is None
        or not request.path.startswith(PREFIX + "/")
        or getattr(exc, "code", None) not in (404, 405)
    ):
        return None
    code = exc.code
    if code == 405 and _oversized_id(request.path):
        # werkzeug checks the method before the id converter: an id no object can have is 404
        code = 404
    headers = {"Allow": ", ".join(exc.valid_methods)} if code == 405 and exc.valid_methods else {}
    raise problems.Problem(code, DETAILS[code], headers=headers)


def _oversized_id(path: str) -> bool:
    return any(part.isdigit() and int(part) > MAX_ID for part in path.split("/"))


@docs.route("/docs")
def page():
    """A browsable page of the operations, made from the same OpenAPI document (no scripts)."""
    spec = current_app.extensions["healthcheck-api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, json_url=f"{PREFIX}/openapi.json")


def _handlers(blueprint) -> None:
    blueprint.register_error_handler(problems.Problem, problems.response)

    @blueprint.errorhandler(InvalidInput)
    def _invalid(exc):
        db.session.rollback()
        return problems.response(problems.invalid(exc.problems))

    @blueprint.errorhandler(NotFound)
    def _not_found(_exc):
        db.session.rollback()
        return problems.response(problems.Problem(404, DETAILS[404]))

    @blueprint.errorhandler(Forbidden)
    def _forbidden(_exc):
        db.session.rollback()
        return problems.response(
            problems.Problem(403, "You may see this but not change it.", kind="not-allowed")
        )

    @blueprint.errorhandler(IllegalTransition)
    def _illegal(exc):
        db.session.rollback()
        return problems.response(problems.Problem(409, str(exc), kind="illegal-transition"))

    @blueprint.errorhandler(ReportNotReady)
    def _not_ready(exc):
        db.session.rollback()
        detail = f"round {exc}: the report is published when the round closes"
        return problems.response(problems.Problem(409, detail, kind="report-not-ready"))

    for code in HTTP_CODES:
        blueprint.register_error_handler(code, _http_problem)


def _http_problem(exc):
    db.session.rollback()
    code = exc.code if isinstance(exc, HTTPException) else 500
    if code == 500:
        current_app.logger.exception("API request %s %s failed", request.method, request.path)
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if code == 422 and messages:
        return problems.response(problems.invalid(list(_flatten(messages))))
    if code == 400 and messages:  # a body that is not JSON
        return problems.response(problems.Problem(400, "body: not valid JSON", kind="invalid-input"))
    detail = DETAILS.get(code) or getattr(exc, "description", None) or "Request refused."
    if code == 429 and getattr(exc, "description", None):
        detail = f"Too many requests for this token ({exc.description}); wait and try again."
    headers = dict(exc.get_response().headers) if code in (405, 429) else {}
    headers = {k: v for k, v in headers.items() if k in ("Allow", "Retry-After")}
    return problems.response(problems.Problem(code, detail, headers=headers))


def _flatten(messages, path: str = ""):
    """webargs' {"json": {"name": ["…"]}} as the services word it: ``name: …``."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            inner = path if key in ("json", "query", "path") and not path else _join(path, key)
            yield from _flatten(value, inner)
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        yield f"{path or 'body'}: {' '.join(messages)}"
    elif isinstance(messages, list):
        for item in messages:
            yield from _flatten(item, path)
    else:
        yield f"{path or 'body'}: {messages}"


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


_handlers(bp)
csrf.exempt(bp)  # auth.authenticate CSRF-checks every request that has no bearer token
limiter.limit(auth.rate_limit, key_func=auth.rate_key)(bp)
