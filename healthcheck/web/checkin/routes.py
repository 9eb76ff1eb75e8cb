"""A joint action's owner answers "Did this help?" through a personal link (no account).

GET shows the question (or says it was answered); POST saves once (CSRF checked by the
form). An unknown or expired link is the site's plain 404: a guess learns nothing.
"""

from flask import Blueprint, render_template

from healthcheck.database import read_only
from healthcheck.extensions import limiter
from healthcheck.services import action_followup, reader_language
from healthcheck.services.action_followup import AlreadyAnswered
from healthcheck.web.checkin.forms import SCORE_WORDS, CheckinForm
from healthcheck.web.i18n import link_language
from healthcheck.web.views import attempt

bp = Blueprint("checkin", __name__, url_prefix="/checkin", template_folder="templates")
limiter.limit("120 per minute")(bp)


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"  # the page belongs to a personal link
    return response


@bp.errorhandler(AlreadyAnswered)
def already(exc: AlreadyAnswered):
    _speak(exc.checkin)
    return render_template("checkin/answered.html", checkin=exc.checkin, again=True), 409


def _speak(checkin) -> None:
    """The owner's language (issue 17): as their email — their account's preference, else
    their side's language; ``?lang=`` switches."""
    alliance = checkin.action.alliance
    link_language(reader_language.of_side_person(checkin.email, alliance, checkin.side))


def _page(checkin, form, problems=(), status=200):
    _speak(checkin)
    if checkin.answered_at is not None:
        return render_template("checkin/answered.html", checkin=checkin, again=False), status
    action = checkin.action
    alliance = action.alliance
    return render_template(
        "checkin/form.html",
        checkin=checkin,
        action=action,
        alliance=alliance,
        side_name=alliance.side(checkin.side).name,
        form=form,
        words=SCORE_WORDS,
        problems=problems,
    ), status


@bp.route("/<token>", methods=["GET", "POST"])
def checkin(token: str):
    form = CheckinForm()
    if not form.is_submitted():
        with read_only():
            return _page(action_followup.checkin_by_token(token), form)
    checkin = action_followup.checkin_by_token(token)
    if checkin.answered_at is not None:
        raise AlreadyAnswered(checkin)
    if not form.validate():
        problems = [m for messages in form.errors.values() for m in messages]
        return _page(checkin, form, problems, 400)
    outcome = attempt(lambda: action_followup.answer(token, form.score.data, form.comment.data))
    if not outcome.ok:
        return _page(checkin, form, outcome.problems, 400)
    _speak(outcome.value)
    return render_template("checkin/thanks.html", checkin=outcome.value), 200
