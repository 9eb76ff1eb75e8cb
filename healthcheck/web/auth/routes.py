import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from healthcheck.extensions import db, limiter
from healthcheck.services import audit, users
from healthcheck.web import i18n
from healthcheck.web.auth.forms import LoginForm

bp = Blueprint("auth", __name__, template_folder="templates")


ACCOUNT_LIMIT = "10 per 15 minutes"
ACCOUNT_LIMIT_MESSAGE = (
    "Too many failed logins for this account: it is locked for 15 minutes, whatever the "
    "password. Wait and try again, or ask an admin."
)


def _submitted_account() -> str:
    """Rate-limit key for failed logins of one account, whichever address they come from."""
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response) -> bool:
    return response.status_code != 302  # a successful login redirects


def fresh_session() -> None:
    """Clear the session (no fixation), keeping only the language chosen in the header."""
    language = session.get(i18n.SESSION_KEY)
    session.clear()
    if language:
        session[i18n.SESSION_KEY] = language


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("portfolio.index")


def _password_login_refused():
    """The answer to a password login when local passwords are off, else None."""
    if current_app.config["LOCAL_PASSWORDS"] or request.method != "POST":
        return None
    audit.record("login.refused", None, None, via="password", email=(request.form.get("email") or "")[:254])
    db.session.commit()
    message = _("Passwords are switched off here: sign in with single sign-on.")
    return render_template("error.html", status=403, title=_("Use single sign-on"), message=message), 403


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit(
    ACCOUNT_LIMIT,
    methods=["POST"],
    key_func=_submitted_account,
    deduct_when=_failed,
    error_message=ACCOUNT_LIMIT_MESSAGE,
)
def login():
    if (refused := _password_login_refused()) is not None:
        return refused
    form = LoginForm()
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is None:
            audit.record("login.failed", None, None, email=form.email.data[:254])
            db.session.commit()
            flash(_("Email or password is wrong."), "error")
        else:
            fresh_session()  # a fresh session at login
            login_user(user)
            session["login_at"] = session["seen_at"] = time.time()
            audit.record("login", user, user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    users.log_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    fresh_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
