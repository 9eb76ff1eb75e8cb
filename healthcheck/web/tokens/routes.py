"""The user's own page of personal access tokens: create (shown once), list, revoke."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from healthcheck.models.base import utcnow
from healthcheck.services import api_tokens
from healthcheck.web.tokens.forms import RevokeForm, TokenForm
from healthcheck.web.views import attempt, flash_problems, form_status

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens", template_folder="templates")


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # the page may carry a new token
    return response


def _page(form=None, secret=None, problems=None):
    user = current_user._get_current_object()
    return render_template(
        "tokens/index.html",
        form=form or TokenForm(formdata=None),
        revoke=RevokeForm(),
        tokens=api_tokens.of_user(user),
        now=utcnow(),
        secret=secret,
        problems=problems or [],
    ), form_status() if problems or (form and form.errors) else 200


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form if form.is_submitted() else None)
    user = current_user._get_current_object()
    outcome = attempt(lambda: api_tokens.create(user, form.name.data, form.scope.data, form.days.data))
    if not outcome.ok:
        return _page(form, problems=outcome.problems)
    return _page(secret=outcome.value[1])


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    user = current_user._get_current_object()
    if RevokeForm().validate_on_submit():
        outcome = attempt(lambda: api_tokens.revoke(api_tokens.own(user, token_id), actor=user))
        flash(
            _("Token revoked.") if outcome.ok else "; ".join(outcome.problems),
            "success" if outcome.ok else "error",
        )
    else:
        flash_problems([_("The form expired; please try again.")])
    return redirect(url_for("tokens.index"))
