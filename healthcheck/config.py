"""Configuration: defaults, then ``instance/config.py``, then ``HEALTHCHECK_*`` environment.

Environment values are parsed as JSON when they look like JSON (numbers, booleans,
lists), otherwise taken as strings: ``HEALTHCHECK_K_ANONYMITY_DEFAULT=4``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = "secret_key"
WEAK_KEYS = {"dev", "secret", "changeme", "change-me", "development", "test", "key"}
MIN_KEY_LENGTH = 32


class Defaults:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SURVEYS_DIR = str(PROJECT_ROOT / "surveys")
    REPORTS_DIR = str(PROJECT_ROOT / "reports")
    DEMO = False
    K_ANONYMITY_DEFAULT = 3
    ROUND_OPEN_DAYS = 21
    SQLITE_BUSY_TIMEOUT_MS = 15000
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # WTForms' own messages ("This field is required.") in the page's language (Flask-Babel)
    WTF_I18N_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set true behind HTTPS
    SESSION_IDLE_MINUTES = 60
    SESSION_MAX_HOURS = 12
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    TRUSTED_PROXIES = 0  # number of reverse proxies in front (X-Forwarded-For/Proto)
    BOOTSTRAP_SERVE_LOCAL = True
    SLIM_BOOTSTRAP = True  # serve Bootstrap less the rules no template uses (web/slimcss.py)
    COMPRESS_RESPONSES = True  # gzip text responses (off behind nginx, which compresses)
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    MAIL_BACKEND = "outbox"  # or "smtp"
    MAIL_SENDER = "Alliance Health Check <healthcheck@localhost>"
    MAIL_HOST = "localhost"
    MAIL_PORT = 587
    MAIL_SECURITY = "starttls"  # starttls, ssl or none
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_OUTBOX_DIR: str | None = None  # default: instance/outbox
    MAIL_MAX_ATTEMPTS = 6
    AUTO_OPEN_PLANNED = False  # planned rounds wait for the manager's confirmation
    PLANNING_LEAD_DAYS = 21  # plan the next round this many days before it is due
    SCHEDULER_TIMEZONE = "UTC"
    PUBLIC_BASE_URL: str | None = None  # None: where ``serve`` listens, else DEFAULT_PUBLIC_BASE_URL
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SHARE_LINK_DAYS = 30
    ACTION_REMINDER_DAYS = 7  # remind a joint action's owners this many days before it is due
    ACTION_CHECKIN_DAYS = 30  # ask "Did this help?" this many days after it is done
    ACTION_CHECKIN_LINK_DAYS = 60  # a check-in link works this many days after it is sent
    # Single sign-on with OpenID Connect (issue 17): on when OIDC_ISSUER is set.
    OIDC_ISSUER: str | None = None  # e.g. https://login.microsoftonline.com/<tenant id>/v2.0
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_PROVIDER_NAME = "single sign-on"  # the button says "Sign in with <this>"
    OIDC_SCOPES = "openid email profile"
    OIDC_DEFAULT_ROLE = "viewer"  # role of a new user no mapping matches; "" refuses them
    OIDC_ROLE_CLAIM: str | None = None  # e.g. "groups" or "roles"
    OIDC_ROLE_MAP: dict = {}  # claim value -> role, e.g. {"hc-admins": "admin"}
    OIDC_REQUIRE_EMAIL_VERIFIED = True  # the claim below must be true to create or match a user
    OIDC_EMAIL_VERIFIED_CLAIM = "email_verified"  # Entra ID: "xms_edov" (an optional claim)
    LOCAL_PASSWORDS = True  # false: staff log in only through single sign-on
    # Webhooks (issue 17): deliveries refuse private, loopback and link-local addresses
    # unless this is true (tests and a receiver inside the company network need it).
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    WEBHOOK_TIMEOUT_SECONDS = 10
    WEBHOOK_MAX_ATTEMPTS = 6
    # AM effort per segment in FTE (DESIGN §3.18, the resourcing page); partial overrides allowed
    RESOURCING_FTE = {"complex": 0.5, "typical": 0.2, "simple": 0.05}


DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"


def public_base_url(config) -> str:
    """How links in emails start: ``PUBLIC_BASE_URL`` when configured, else the default."""
    return (config.get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def serving_base_url(host: str, port: int) -> str:
    """The address a development server on ``host``:``port`` is reached at (a wildcard host
    becomes this machine's name; an IPv6 address gets its brackets)."""
    if host in ("", "0.0.0.0", "::"):
        import socket

        host = socket.gethostname()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def default_instance_path() -> str:
    """``HEALTHCHECK_INSTANCE`` or ``instance/`` beside the package."""
    return os.environ.get("HEALTHCHECK_INSTANCE") or str(PROJECT_ROOT / "instance")


def load_config(app, overrides: dict | None = None) -> None:
    """Apply defaults → instance/config.py → HEALTHCHECK_* env → explicit overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("HEALTHCHECK", loads=_loads)
    if overrides:
        app.config.update(overrides)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_path = Path(app.instance_path) / "healthcheck.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    _apply_secret_key(app)
    _check_resourcing(app.config)


def _check_resourcing(config) -> None:
    """Refuse to start with an unusable ``RESOURCING_FTE`` (the message names the segment)."""
    from healthcheck.analysis.resourcing import standards

    try:
        standards(config.get("RESOURCING_FTE"))
    except ValueError as exc:
        raise RuntimeError(f"Refusing to start: {exc}") from exc


def _loads(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def key_problem(key: str | None) -> str | None:
    """Why a secret key is unusable, or None when it is fine."""
    if not key:
        return "no SECRET_KEY is configured"
    if len(key) < MIN_KEY_LENGTH or key.lower() in WEAK_KEYS:
        return f"SECRET_KEY is weak (use at least {MIN_KEY_LENGTH} random characters)"
    return None


def ensure_secret_key_file(instance_path: str) -> Path:
    """Create ``instance/secret_key`` once (mode 0600) so every worker shares one key."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path  # another process created it first: use theirs
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path


def _apply_secret_key(app) -> None:
    if not app.config.get("SECRET_KEY"):
        path = Path(app.instance_path) / SECRET_KEY_FILE
        if not path.exists() and (app.debug or app.config["DEMO"]):
            ensure_secret_key_file(app.instance_path)
        if path.exists():
            app.config["SECRET_KEY"] = path.read_text().strip()
    problem = key_problem(app.config.get("SECRET_KEY"))
    if problem and not (app.debug or app.config["DEMO"] or app.testing):
        raise RuntimeError(
            f"Refusing to start: {problem}. Run `healthcheck init` to generate "
            f"{Path(app.instance_path) / SECRET_KEY_FILE}, or set HEALTHCHECK_SECRET_KEY."
        )
