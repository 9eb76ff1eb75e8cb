"""Alliance Health Check: bilateral health checks for biopharma alliances."""

from __future__ import annotations

import logging
import os

from flask import Flask, request

from healthcheck import redaction
from healthcheck.config import default_instance_path, load_config
from healthcheck.database import JSON_OPTIONS, configure_engine, reset_read_only, set_read_only
from healthcheck.extensions import bootstrap, csrf, db, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the application: config → extensions → blueprints → CLI. Starts nothing."""
    instance_path = (config or {}).get("INSTANCE_PATH") or default_instance_path()
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="web/templates",
        static_folder="web/static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**JSON_OPTIONS, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db)
    limiter.init_app(app)  # before CSRF: requests with a bad token count against the limit too
    csrf.init_app(app)
    login_manager.init_app(app)
    bootstrap.init_app(app)
    _read_only_for_safe_methods(app)

    # Imported here, not at the top: ``import healthcheck.analysis`` (or a forked worker's
    # first import) must not pull in every blueprint, and ``healthcheck.cli`` imports
    # ``create_app`` from this module for its command group.
    from healthcheck import cli, web

    web.register(app)
    redaction.install(app.logger, logging.getLogger("werkzeug"))
    cli.register(app)
    return app


def _read_only_for_safe_methods(app: Flask) -> None:
    """GET/HEAD requests open deferred SQLite transactions; others take the write lock."""

    @app.before_request
    def _mark():
        request.environ["healthcheck.ro"] = set_read_only(request.method in ("GET", "HEAD"))

    @app.teardown_request
    def _unmark(_exc):
        token = request.environ.pop("healthcheck.ro", None)
        if token is not None:
            reset_read_only(token)
