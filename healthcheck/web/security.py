"""Security headers, session timeouts and proxy awareness."""

from __future__ import annotations

import time

from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
NO_STORE_PREFIXES = ("respond.", "reports.", "rounds.", "webhooks.")  # pages that may carry a link


def init_app(app: Flask) -> None:
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if (request.endpoint or "").startswith(NO_STORE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.before_request
    def refuse_nul_bytes():
        # PostgreSQL text cannot hold NUL; no field needs one. The questionnaire cleans its own
        # fields instead, so a respondent never loses answers over it.
        if request.endpoint == "respond.answer" or request.path.startswith("/api/"):
            return None  # the API answers with a problem document (web/api)
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    return render_template(
                        "error.html",
                        status=400,
                        title="Invalid input",
                        message=f"Field {key.replace(chr(0), '')!r} contains a NUL byte, "
                        "which is not allowed. Nothing was saved.",
                    ), 400
        return None

    @app.before_request
    def session_timeouts():
        if not current_user.is_authenticated:
            return None
        now = time.time()
        started, seen = session.get("login_at", now), session.get("seen_at", now)
        if (
            now - seen > app.config["SESSION_IDLE_MINUTES"] * 60
            or now - started > app.config["SESSION_MAX_HOURS"] * 3600
        ):
            logout_user()
            session.clear()
            flash("Your session expired; please log in again.", "info")
            return redirect(url_for("auth.login", next=request.path if request.method == "GET" else None))
        session["seen_at"] = now
        session.setdefault("login_at", now)
        return None
