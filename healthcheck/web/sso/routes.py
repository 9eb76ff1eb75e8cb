"""Single sign-on with OpenID Connect (Authlib's Flask client): start, and the provider's callback.

Authlib keeps ``state``, ``nonce`` and the PKCE ``code_verifier`` in the session between the
two requests and checks them at the callback (with the ID token's signature from the
provider's JWKS, issuer, audience and expiry); ``services.sso`` decides who the person is.
The session is cleared before the user is logged in (no fixation), as the password login does.
"""

from __future__ import annotations

import time

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user
from joserfc.errors import JoseError
from requests import RequestException

from healthcheck.config import public_base_url
from healthcheck.database import writing
from healthcheck.extensions import db, limiter
from healthcheck.problems import N_, problem
from healthcheck.services import audit, sso
from healthcheck.web.auth.routes import _safe_next, fresh_session
from healthcheck.web.i18n import translated

bp = Blueprint("sso", __name__, template_folder="templates")
EXTENSION = "healthcheck_oidc"


def init_app(app) -> None:
    """Register the provider's client when ``OIDC_ISSUER`` is set (one client per app)."""
    settings = sso.settings_from(app.config)
    if settings is None:
        if not app.config["LOCAL_PASSWORDS"]:
            raise RuntimeError(
                "Refusing to start: LOCAL_PASSWORDS is off but OIDC_ISSUER is not set: nobody could log in"
            )
        return
    problems = sso.configuration_problems(app.config)
    if problems:
        raise RuntimeError("Refusing to start: single sign-on settings: " + "; ".join(problems))
    oauth = OAuth(app)
    oauth.register(
        "oidc",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=settings.issuer + "/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256", "timeout": 10},
    )
    app.extensions[EXTENSION] = oauth


def _client():
    oauth = current_app.extensions.get(EXTENSION)
    if oauth is None:
        abort(404)
    return oauth.oidc


def _refuse(reason: str, claims: dict | None = None):
    """Back to the login page, saying why in its language (the audit keeps the English)."""
    db.session.rollback()
    sso.record_refusal(reason, claims)
    db.session.commit()
    flash(_("Single sign-on failed: %(reason)s.", reason=translated(reason)), "error")
    return redirect(url_for("auth.login"))


def redirect_uri() -> str:
    """Where the provider sends the browser back: under PUBLIC_BASE_URL when it is set (what
    the provider has registered), else this request's own address."""
    if current_app.config.get("PUBLIC_BASE_URL"):
        return public_base_url(current_app.config) + url_for("sso.callback")
    return url_for("sso.callback", _external=True)


@bp.get("/login/sso")
@limiter.limit("20 per minute")
def start():
    """Send the browser to the provider; ``next`` is kept for after the login."""
    client = _client()
    session["sso_next"] = request.args.get("next") or ""
    return client.authorize_redirect(redirect_uri())


@bp.get("/login/sso/callback")
@limiter.limit("20 per minute")
def callback():
    client = _client()
    try:
        token = client.authorize_access_token()
    except (AuthlibBaseError, JoseError, RequestException, ValueError) as exc:
        with writing():  # a GET that writes: take the write lock at once (SQLite)
            return _refuse(
                problem(
                    N_("the provider's answer was refused (%(error)s: %(detail)s)"),
                    error=type(exc).__name__,
                    detail=str(exc)[:200],
                )
            )
    with writing():
        return _log_in(dict(token.get("userinfo") or {}))


def _log_in(claims: dict):
    if not claims:
        return _refuse(problem(N_("the provider sent no ID token")))
    try:
        user = sso.login(claims, sso.settings_from(current_app.config))
    except sso.Refused as exc:
        return _refuse(exc.reason, claims)
    target = session.get("sso_next")
    fresh_session()  # a fresh session at login (the header's language kept)
    login_user(user)
    session["login_at"] = session["seen_at"] = time.time()
    audit.record("login", user, user, via="sso")
    db.session.commit()
    return redirect(_safe_next(target))
