"""Bearer-token authentication of API requests, the write scope and the per-token rate key.

Only ``Authorization: Bearer <token>`` authenticates the API; a cookie session never does.
The API blueprint is exempt from the CSRF check only for requests that carry a bearer
token: any other request that changes something is CSRF-checked as a page would be (it is
then refused for want of a token anyway).
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from healthcheck.database import writing
from healthcheck.extensions import csrf, db
from healthcheck.services import api_tokens
from healthcheck.web.api.problems import Problem, invalid

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
DEFAULT_LIMIT = "300 per minute"
CHALLENGE = 'Bearer realm="api"'


def bearer() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def current_token():
    """The request's usable token (looked up once per request), or None."""
    if "api_token" not in g:
        secret = bearer()
        g.api_token = api_tokens.authenticate(secret) if secret else None
    return g.api_token


def rate_key() -> str:
    """Requests count against their token's limit; without a (valid) token, the address's."""
    token = current_token()
    return f"api-token:{token.id}" if token is not None else f"api-anon:{get_remote_address()}"


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_LIMIT)


def authenticate() -> None:
    """Before every API view: the token's user becomes ``g.api_user``, or 401."""
    if bearer() is None:
        if request.method not in SAFE_METHODS:
            csrf.protect()  # a cookie-borne request is never exempt
        raise Problem(
            401,
            "Send a personal access token: Authorization: Bearer <token> (create one on your account page).",
            kind="unauthenticated",
            headers={"WWW-Authenticate": CHALLENGE},
        )
    token = current_token()
    if token is None:
        raise Problem(
            401,
            "The token is unknown, expired or revoked.",
            kind="invalid-token",
            headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'},
        )
    if api_tokens.needs_touch(token):
        token_id = token.id
        db.session.rollback()  # a short write of its own, then the request reads afresh
        with writing():
            api_tokens.touch(token_id)
            db.session.commit()
        token = g.api_token = db.session.get(type(token), token_id)
    g.api_user = token.user


def writes(view):
    """The view changes something: a read token is refused (403)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.api_token.scope != "write":
            raise Problem(
                403,
                "This token may only read; create a token with scope write to change anything.",
                kind="insufficient-scope",
                headers={"WWW-Authenticate": CHALLENGE + ', error="insufficient_scope"'},
            )
        return view(*args, **kwargs)

    return wrapper


def _nul_fields(value, path: str):
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in _nul_fields(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _nul_fields(v, f"{path}[{i}]")]
    return []


def refuse_nul(_=None) -> None:
    """No field needs a NUL byte and PostgreSQL text cannot hold one: 422, nothing written."""
    fields = [k for k, v in request.args.items(multi=True) if "\x00" in k or "\x00" in v]
    if request.is_json:
        fields += _nul_fields(request.get_json(silent=True), "")
    if fields:
        raise invalid([f"{f.replace(chr(0), '')}: contains a NUL byte, which is not allowed" for f in fields])
