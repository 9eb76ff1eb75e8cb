"""A service's problem is its English sentence to every reader that is not a page, and can be
said again in the page's language."""

from flask_babel import force_locale

from healthcheck.problems import N_, Problem, problem
from healthcheck.web import i18n


def test_a_problem_is_the_english_sentence_with_its_arguments():
    found = problem(N_("comment: at most %(n)s characters (got %(got)s)"), n=2000, got=2013)
    assert found == "comment: at most 2000 characters (got 2013)"
    assert isinstance(found, str) and isinstance(found, Problem)
    assert "; ".join([found, "x"]) == "comment: at most 2000 characters (got 2013); x"
    assert found.msgid == "comment: at most %(n)s characters (got %(got)s)" and found.args == {
        "n": 2000,
        "got": 2013,
    }


def test_a_problem_without_arguments_keeps_a_percent_sign_as_written():
    assert problem(N_("title: required")) == "title: required"


def test_the_page_says_it_in_its_language_and_plain_text_passes_through(app):
    with app.test_request_context("/"):
        with force_locale("de"):
            assert i18n.translated(problem(N_("due date: %(date)s is in the past"), date="2026-01-05")) == (
                "Fälligkeitsdatum: 2026-01-05 liegt in der Vergangenheit"
            )
            assert i18n.translated("name: required") == "name: required"
        with force_locale("ja"):
            assert i18n.translated(problem(N_("title: required"))) == "タイトル：必須です"
