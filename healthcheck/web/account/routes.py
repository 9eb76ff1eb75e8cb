"""The user's own language preference (issue 17 item 4): a form on their own page
(``templates/_language_preference.html``, included by the API tokens page)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from healthcheck.services import users
from healthcheck.web import i18n
from healthcheck.web.views import attempt, flash_problems

bp = Blueprint("account", __name__, url_prefix="/account")


class LanguageForm(FlaskForm):
    language = StringField()  # checked against healthcheck.languages by the service


@bp.route("/language", methods=["POST"])
@login_required
def language():
    form = LanguageForm()
    if not form.validate_on_submit():
        flash_problems([gettext("The form expired; please try again.")])
        return redirect(url_for("tokens.index"))
    user = current_user._get_current_object()
    outcome = attempt(lambda: users.set_language(user, form.language.data, actor=user))
    if outcome.ok:
        session.pop(i18n.SESSION_KEY, None)  # the preference now speaks, not an older ?lang=
        i18n.refresh()
        flash(gettext("Your language is saved."), "success")
    else:
        flash_problems(outcome.problems)
    return redirect(url_for("tokens.index"))
