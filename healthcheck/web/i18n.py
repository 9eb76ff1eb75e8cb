"""Flask-Babel for the pages and emails (issue 17 item 4).

Which language a page speaks:
- a respondent's pages: their invitation's language (``use_language``, set by the view
  once it has found the invitation; the respondent can switch, it is kept on the invitation);
- a partner's shared report: ``?lang=`` when given, else the partner side's default language;
- staff pages: ``?lang=`` remembered in the session, else the user's own preference
  (``users.language``, set on their tokens page), else the browser's Accept-Language;
- emails: ``force_locale`` with the invitation's (or the partner side's) language.
Catalogues: ``healthcheck/translations/<lang>/LC_MESSAGES/messages.po`` and the compiled
``.mo`` next to it (committed, shipped as package data).
"""

from __future__ import annotations

from datetime import date

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, format_date, get_locale, gettext, refresh

from healthcheck import languages as codes
from healthcheck.exports import sentences
from healthcheck.exports.wording import code_word
from healthcheck.problems import N_, Problem, listed

babel = Babel()
SESSION_KEY = "language"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", codes.DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["longdate"] = long_date
    app.jinja_env.filters["in_sentence"] = in_sentence
    app.jinja_env.globals["LANGUAGE_NAMES"] = codes.NAMES
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["action_status"] = action_status
    app.jinja_env.globals["link_lang"] = chosen_link_language
    app.jinja_env.globals["rag_word"] = rag_word
    app.jinja_env.globals.update(sentences.GLOBALS)  # the report's sentences in the reader's language
    app.before_request(_remember_choice)
    from healthcheck.web import words  # staff pages' words for stored codes

    words.register(app)


def select_locale() -> str:
    forced = g.get("hc_language")
    if forced:
        return forced
    if not has_request_context():
        return codes.DEFAULT
    chosen = session.get(SESSION_KEY)
    if codes.valid(chosen):
        return chosen
    preferred = user_language()
    if preferred:
        return preferred
    return request.accept_languages.best_match(codes.LANGUAGES, default=codes.DEFAULT)


def user_language() -> str | None:
    """The signed-in staff user's own language preference (their tokens page), if any."""
    from flask_login import current_user

    user = current_user._get_current_object() if current_user else None
    code = getattr(user, "language", None)
    return code if codes.valid(code) else None


def _remember_choice() -> None:
    """Staff pick a language with ``?lang=<code>``; it stays for their session."""
    chosen = codes.parse(request.args.get("lang"))
    # not on a respondent's pages, the partner's shared report nor a personal link's page
    # (their own language rules); the staff's own report and trend pages remember it like the rest
    partner = (
        request.blueprint == "respond"
        or request.endpoint == "reports.shared"
        or "token" in (request.view_args or {})
    )
    if chosen and not partner and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def use_language(code: str | None) -> None:
    """This request's pages speak ``code`` (a respondent's or partner's language)."""
    g.hc_language = code if codes.valid(code) else codes.DEFAULT
    refresh()


def link_language(default: str | None) -> str:
    """A page opened with a personal link (partner reviewer, action owner, panel check):
    ``?lang=`` when given, else ``default`` (the reader's side's language). Returns the code."""
    code = codes.parse(request.args.get("lang")) or (default if codes.valid(default) else codes.DEFAULT)
    use_language(code)
    return code


def chosen_link_language() -> str | None:
    """The ``?lang=`` of a personal link's page, to keep across its forms and redirects."""
    return codes.parse(request.args.get("lang")) if has_request_context() else None


def use_staff_side_language(side_default: str | None) -> None:
    """A signed-in side-A page (the owners' joint review): the user's ``?lang=`` choice or own
    preference when there is one, else the side's language."""
    if codes.valid(session.get(SESSION_KEY)) or user_language():
        return
    use_language(side_default)


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else codes.DEFAULT


def in_sentence(title: str) -> str:
    """A section title inside a sentence: lower case where the language writes it so
    (English, French, Spanish); German nouns keep their capitals, Japanese has no case."""
    return title.lower() if current_language() in ("en", "fr", "es") else title


def long_date(value: date) -> str:
    """``02 December 2026`` in English (as before), the locale's long date otherwise."""
    if value is None:
        return ""
    if current_language() == codes.DEFAULT:
        return value.strftime("%d %B %Y")
    return format_date(value, format="long")


# The subjects of the messages respondents and partners get (services.notifications.SUBJECTS,
# translated in jobs.delivery): marked here for the catalogues; a test keeps the two in step.
READER_SUBJECTS = {
    "invitation": N_("Health check of {alliance}: your view, by {deadline}"),
    "reminder": N_("Reminder: health check of {alliance} closes on {deadline}"),
    "link_replaced": N_("Your link to the health check of {alliance} was replaced"),
    "round_extended": N_("Health check of {alliance}: more time, now open until {deadline}"),
    "report_shared": N_("{side_a} shares the joint health-check report of {alliance}"),
}


# The subjects of every other message (staff, action owners, partner reviewers): marked
# here for the catalogues, translated in jobs.delivery into the reader's language.
OTHER_SUBJECTS = {
    "round_closed": N_("Health check {round} of {alliance} is closed — {outcome}"),
    "round_planned": N_("Next health check of {alliance} planned for {opens_on}: please confirm"),
    "digest": N_("Your alliances this week: {warnings} early warnings, {overdue} overdue"),
    "action_assigned": N_("Joint action agreed in {alliance}: you are an owner"),
    "action_reminder": N_("Reminder: a joint action of {alliance} is due soon"),
    "action_checkin": N_("One question about a joint action of {alliance}: did it help?"),
    "review_invited": N_("{side_a} asks you to review the health-check report {round} of {alliance}"),
    "review_published": N_("Health check {round} of {alliance}: the joint review is published"),
    "handoff": N_("{alliance} is handed over to you: the successor's briefing"),
}
ALL_SUBJECTS = {**READER_SUBJECTS, **OTHER_SUBJECTS}


def action_status(code: str) -> str:
    """An action's status in the page's (or message's) language."""
    return code_word(code)


def rag_word(code: str | None) -> str:
    """A RAG status (green, amber, red) in the message's language; n/a when there is none."""
    return code_word(code) if code in ("green", "amber", "red") else gettext("n/a")


def translated(text: str) -> str:
    """A service's problem in this request's language when it is translatable
    (``healthcheck.problems.Problem``), else as it is; a problem inside it (an argument, or
    an item of a list argument) is translated too."""
    if isinstance(text, Problem):
        return gettext(text.msgid, **{k: listed(translated(v), translated) for k, v in text.args.items()})
    return text
