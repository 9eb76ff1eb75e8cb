"""Issue 17 item 4: the problems a service raises to staff pages are said in the reader's language.

The msgids are extracted from the service and web modules themselves (not read from the
catalogues), so a new problem without a translation fails here; and a problem written as a
plain English string (or f-string) straight into ``InvalidInput``/``problems.append`` fails
the guard below, so the next message added cannot silently stay English.
"""

from __future__ import annotations

import ast

import pytest
from flask_babel import force_locale

from healthcheck import languages
from healthcheck.problems import N_, problem
from healthcheck.services import csvtools, text
from healthcheck.web import i18n
from tests.unit.test_i17_4_catalogues import ROOT, _catalogue, _msgids

STAFF_FILES = [
    ROOT / "services" / f"{name}.py"
    for name in (
        "alliances",
        "rounds",
        "invitations",
        "users",
        "actions",
        "cadence",
        "reminders",
        "sharing",
        "review",
        "review_links",
        "panel_check",
        "api_tokens",
        "resourcing",
        "memory",
        "passwords",
        "text",
        "csvtools",
        "languages",
        "facts",
        "facts_csv",
        "webhooks",
        "sso",
    )
] + [
    ROOT / "models/round.py",
    ROOT / "models/response.py",
    ROOT / "languages.py",
    ROOT / "analysis/panel.py",
    ROOT / "web/review/routes.py",
    ROOT / "web/ids.py",
    ROOT / "web/validators.py",
    ROOT / "web/sso/routes.py",
]


def staff_msgids() -> set[str]:
    found: set[str] = set()
    for path in STAFF_FILES:
        found |= _msgids(path)
    return found


def test_the_staff_problems_are_marked():
    ids = staff_msgids()
    assert len(ids) > 100
    assert (
        "closes on: %(closes_on)s is in the past (today is %(today)s); "
        "people would be asked to answer by a day already gone"
    ) in ids
    assert "line %(line)s: %(problem)s" in ids  # the CSV's line-numbered composition
    assert "name: an alliance called %(name)r already exists" in ids


@pytest.mark.parametrize("code", [c for c in languages.LANGUAGES if c != "en"])
def test_every_staff_problem_is_translated(code):
    catalogue = _catalogue(code)
    missing = sorted(i for i in staff_msgids() if not (catalogue.get(i) and catalogue.get(i).string))
    assert missing == [], f"{code}: no translation for {missing}"


def _english_literal(node) -> bool:
    """A str constant or f-string (or a list/comprehension of them): English that no page can translate."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.List | ast.Tuple):
        return any(_english_literal(e) for e in node.elts)
    if isinstance(node, ast.ListComp):
        return _english_literal(node.elt)
    if isinstance(node, ast.BoolOp):
        return any(_english_literal(v) for v in node.values)
    return False


# English on purpose, per function: no page shows these (the command line, the app's start,
# a programming error), so they are not problems a staff reader could be given.
ENGLISH_ON_PURPOSE = {
    "facts.py:check_kind": "the CLI's --kind option",
    "facts_csv.py:import_csv": "the CLI's --alliance option",
    "webhooks.py:emit": "a programming error (an unknown event name)",
    "sso.py:configuration_problems": "checked when the app starts; it refuses to start",
}


def _hits(path):
    """(function, line) of every problem in ``path`` written as plain English."""
    found = []
    tree = ast.parse(path.read_text())
    for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            raising = isinstance(func, ast.Name) and func.id in ("InvalidInput", "ValueError")
            appending = (
                isinstance(func, ast.Attribute)
                and func.attr == "append"
                and isinstance(func.value, ast.Name)
                and func.value.id in ("problems", "errors")
            )
            if (raising or appending) and _english_literal(node.args[0]):
                found.append((function.name, node.lineno))
        if "problem" in function.name:  # what a ``*_problem(s)`` helper returns
            for ret in ast.walk(function):
                if isinstance(ret, ast.Return) and ret.value is not None and _english_literal(ret.value):
                    found.append((function.name, ret.lineno))
    return found


def _untranslatable(path) -> list[str]:
    return sorted(
        {
            f"{path.name}:{line}"
            for name, line in _hits(path)
            if f"{path.name}:{name}" not in ENGLISH_ON_PURPOSE
        }
    )


def test_no_staff_problem_is_a_plain_english_string():
    offenders = [hit for path in STAFF_FILES for hit in _untranslatable(path)]
    assert offenders == []


def test_the_guard_finds_a_plain_english_problem(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "def check(value):\n"
        "    problems = []\n"
        "    problems.append(f'name: {value!r} is taken')\n"
        "    raise InvalidInput(problem(N_('name: required')))\n"
    )
    assert _untranslatable(module) == ["sample.py:3"]


def test_the_english_sentences_are_as_before():
    assert text.short_text_problem("name", "", 200) == "name: required"
    assert text.short_text_problem("name", "x" * 201, 200) == "name: at most 200 characters"
    found = text.single_line_problem("name", "a\nb")
    assert found == "name: line breaks and control characters are not allowed"
    with pytest.raises(ValueError) as caught:
        csvtools.rows("a,b\n", ["name", "email"], "CSV")
    assert str(caught.value) == "CSV: line 1: header must be name,email (got a,b)"
    rows = csvtools.rows("name,email\nx\n", ["name", "email"], "CSV")
    assert rows == [(2, {"__error__": "expected 2 fields, got 1"})]


def test_a_composed_problem_says_every_part_in_the_page_language(app):
    detail = problem(N_("email: %(email)r is not an email address"), email="nope")
    composed = problem(N_("line %(line)s: %(problem)s"), line=3, problem=detail)
    assert composed == "line 3: email: 'nope' is not an email address"
    label = text.short_text_problem(problem(N_("side B")), "", 200)
    with app.test_request_context("/"), force_locale("de"):
        assert i18n.translated(composed) == "Zeile 3: E-Mail: 'nope' ist keine E-Mail-Adresse"
        assert i18n.translated(label) == "Seite B: erforderlich"
