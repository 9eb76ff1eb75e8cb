"""The rules for short one-line texts (names, labels) that every service applies the same way."""

from healthcheck.problems import N_, problem
from healthcheck.services.text import short_text_problem, single_line_problem


def test_missing_text_names_the_field_and_what_is_wanted():
    assert short_text_problem("name", "   ", 200) == "name: required"
    # ``required`` is the whole sentence (one msgid a page can translate), not a fragment
    required = problem(N_("label: required, e.g. 2026-Q4"))
    assert short_text_problem("label", "", 100, required=required) == "label: required, e.g. 2026-Q4"


def test_length_limit_counts_characters_not_bytes():
    assert short_text_problem("name", "é" * 200, 200) is None
    assert short_text_problem("name", "é" * 201, 200) == "name: at most 200 characters"


def test_line_breaks_and_separators_are_refused_with_the_field_name():
    for value in ("Ann\nBob", "Ann\rBob", "Ann\u2028Bob", "Ann\x00Bob"):
        assert (
            short_text_problem("side A", value, 200)
            == "side A: line breaks and control characters are not allowed"
        )
    assert single_line_problem("name", "Zoë Müller-Ōta") is None


def test_the_first_problem_wins():
    assert short_text_problem("name", "a\n" * 150, 200) == "name: at most 200 characters"
