"""Flask-Babel for the pages and emails (issue 17 item 4).

Which language a page speaks:
- a respondent's pages: their invitation's language (``use_language``, set by the view
  once it has found the invitation; the respondent can switch, it is kept on the invitation);
- a partner's shared report: ``?lang=`` when given, else the partner side's default language;
- staff pages: ``?lang=`` remembered in the session, else the browser's Accept-Language;
- emails: ``force_locale`` with the invitation's (or the partner side's) language.
Catalogues: ``healthcheck/translations/<lang>/LC_MESSAGES/messages.po`` and the compiled
``.mo`` next to it (committed, shipped as package data).
"""

from __future__ import annotations

from datetime import date

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, format_date, get_locale, refresh

from healthcheck import languages as codes

babel = Babel()
SESSION_KEY = "language"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", codes.DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["longdate"] = long_date
    app.jinja_env.filters["in_sentence"] = in_sentence
    app.jinja_env.globals["LANGUAGE_NAMES"] = codes.NAMES
    app.jinja_env.globals["current_language"] = current_language
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
    return request.accept_languages.best_match(codes.LANGUAGES, default=codes.DEFAULT)


def _remember_choice() -> None:
    """Staff pick a language with ``?lang=<code>``; it stays for their session."""
    chosen = codes.parse(request.args.get("lang"))
    # not on a respondent's pages nor the partner's shared report (their own language rules);
    # the staff's own report and trend pages (blueprint "reports") remember it like the rest
    partner = request.blueprint == "respond" or request.endpoint == "reports.shared"
    if chosen and not partner and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def use_language(code: str | None) -> None:
    """This request's pages speak ``code`` (a respondent's or partner's language)."""
    g.hc_language = code if codes.valid(code) else codes.DEFAULT
    refresh()


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


def N_(text: str) -> str:  # noqa: N802 - the marker pybabel extracts (``-k N_``)
    return text


# The subjects of the messages respondents and partners get (services.notifications.SUBJECTS,
# translated in jobs.delivery): marked here for the catalogues; a test keeps the two in step.
READER_SUBJECTS = {
    "invitation": N_("Health check of {alliance}: your view, by {deadline}"),
    "reminder": N_("Reminder: health check of {alliance} closes on {deadline}"),
    "link_replaced": N_("Your link to the health check of {alliance} was replaced"),
    "round_extended": N_("Health check of {alliance}: more time, now open until {deadline}"),
    "report_shared": N_("{side_a} shares the joint health-check report of {alliance}"),
}
