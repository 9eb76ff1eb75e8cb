"""Web layer: blueprints per area, shared templates, error pages, security headers."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from healthcheck.exports import documents
from healthcheck.extensions import db, login_manager
from healthcheck.models import User
from healthcheck.models.base import MAX_ID
from healthcheck.services.errors import Forbidden, InvalidInput, NotFound
from healthcheck.web import api, assets, filters, i18n, security
from healthcheck.web.account.routes import bp as account_bp
from healthcheck.web.admin.routes import bp as admin_bp
from healthcheck.web.alliances.routes import bp as alliances_bp
from healthcheck.web.auth.routes import bp as auth_bp
from healthcheck.web.briefing.routes import bp as briefing_bp
from healthcheck.web.checkin.routes import bp as checkin_bp
from healthcheck.web.facts.routes import bp as facts_bp
from healthcheck.web.ids import IdConverter
from healthcheck.web.memory.routes import bp as memory_bp
from healthcheck.web.ops import bp as ops_bp
from healthcheck.web.portfolio.routes import bp as portfolio_bp
from healthcheck.web.reports.routes import bp as reports_bp
from healthcheck.web.resourcing.routes import bp as resourcing_bp
from healthcheck.web.respond.routes import bp as respond_bp
from healthcheck.web.review.routes import bp as review_bp
from healthcheck.web.rounds.routes import bp as rounds_bp
from healthcheck.web.search.routes import bp as search_bp
from healthcheck.web.sso import routes as sso_routes
from healthcheck.web.steering.routes import bp as steering_bp
from healthcheck.web.tokens.routes import bp as tokens_bp
from healthcheck.web.webhooks.routes import bp as webhooks_bp


def register(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before any rule is added
    # the report body and pack templates live with the packs; pages include them too
    app.register_blueprint(Blueprint("packs", __name__, template_folder=str(documents.TEMPLATES)))
    for bp in (
        auth_bp,
        portfolio_bp,
        alliances_bp,
        rounds_bp,
        respond_bp,
        reports_bp,
        memory_bp,
        facts_bp,
        search_bp,
        admin_bp,
        ops_bp,
        checkin_bp,
        sso_routes.bp,
        webhooks_bp,
        steering_bp,
        review_bp,
        resourcing_bp,
        briefing_bp,
        tokens_bp,
        account_bp,
    ):
        app.register_blueprint(bp)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.localize_callback = _  # its "Please log in" flash, in the page's language
    login_manager.user_loader(_load_user)
    api.init_app(app)
    _error_pages(app)
    security.init_app(app)
    sso_routes.init_app(app)
    assets.init_app(app)
    filters.register(app)
    i18n.init_app(app)


def _load_user(session_id: str) -> User | None:
    """The user of a session id ``"<user id>.<session version>"`` while that version is current."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id)) if int(user_id) <= MAX_ID else None
    return user if user is not None and user.holds_session(int(version)) else None


def _error_page(status: int, title: str, message: str):
    return render_template("error.html", status=status, title=title, message=message), status


def _error_pages(app: Flask) -> None:
    @app.errorhandler(NotFound)
    @app.errorhandler(404)
    def not_found(_exc):
        return _error_page(404, _("Not found"), _("There is nothing here, or you may not see it."))

    @app.errorhandler(Forbidden)
    @app.errorhandler(403)
    def forbidden(_exc):
        return _error_page(403, _("Not allowed"), _("You may see this alliance but not change it."))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _error_page(
            400,
            _("Form expired"),
            _(
                "The form was open too long or came from elsewhere. "
                "Go back, reload the page and send it again."
            ),
        )

    @app.errorhandler(413)
    def too_large(_exc):
        return _error_page(413, _("Too large"), _("The upload is larger than the 2 MB allowed."))

    @app.errorhandler(429)
    def too_many(exc):
        limit = getattr(exc, "limit", None)  # flask-limiter's RateLimitExceeded
        message = exc.description if limit is not None and limit.error_message else None
        return _error_page(
            429,
            _("Too many requests"),
            message or _("Too many attempts in a short time. Wait a minute and try again."),
        )

    @app.errorhandler(InvalidInput)
    def invalid(exc):
        return _error_page(400, _("Invalid input"), "; ".join(i18n.translated(p) for p in exc.problems))
