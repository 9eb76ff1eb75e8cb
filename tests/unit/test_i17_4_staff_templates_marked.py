"""Issue 17 item 4: every visible text of every staff page goes through Flask-Babel.

Each staff template is read with Jinja's own lexer. What a reader sees is checked in two places:
- the literal text between tags (and the aria-label, title, placeholder and alt attributes):
  after the expressions and tags are taken out, no word may be left (brand names, codes,
  numbers and symbols aside: ``ALLOWED``);
- string literals inside ``{{ }}`` / ``{% %}``: a literal that reads as prose (a capitalised
  word, or two plain words) or one shown by a ternary (``'you' if … else 'email'``) must be
  the argument of ``_()`` / ``ngettext()``.
A text added to a staff page without marking fails here, naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2] / "healthcheck" / "web"
STAFF_AREAS = (
    "admin", "alliances", "portfolio", "rounds", "memory", "search", "resourcing",
    "facts", "tokens", "webhooks", "api", "auth", "briefing", "sso",
)  # fmt: skip
STAFF_TEMPLATES = sorted(
    [p for area in STAFF_AREAS for p in (ROOT / area).rglob("*.html")]
    + [p for p in (ROOT / "templates").glob("*.html")]
)
GETTEXT = {"_", "gettext", "ngettext", "lazy_gettext", "_l"}
# what may stand as it is: side letters, the anonymity threshold, unit and protocol names
ALLOWED = {"A", "B", "k", "REST", "API", "UTC", "α"}
VISIBLE_ATTRS = re.compile(r'\b(aria-label|title|placeholder|alt)="([^"]*)"')
# one-word literals a ternary puts into attributes and classes, not into text
CODE_WORDS = {"selected", "checked", "active", "disabled", "true", "false"}
CODE_WORDS |= {"danger", "warning", "success", "info", "secondary"}
HOLE = "\x00"  # where an expression or statement stood


def _env() -> Environment:
    return Environment(extensions=["jinja2.ext.i18n"])


def _text_and_strings(path: Path):
    """The template's literal text (expressions replaced by HOLE, with line numbers) and the
    string literals of its expressions that are shown unmarked."""
    source = path.read_text()
    text: list[tuple[int, str]] = []
    unmarked: list[tuple[int, str]] = []
    calls: list[bool] = []  # one entry per open "(": is it a gettext call?
    previous = None
    pending_string = None  # a string literal waiting to see whether "if" follows it
    for token in _env().lexer.tokenize(source):  # whitespace dropped, strings unquoted
        lineno, kind, value = token.lineno, token.type, token.value
        if kind == "data":
            text.append((lineno, value))
        elif kind in ("variable_begin", "block_begin"):
            text.append((lineno, HOLE))
            calls = []
        inside_gettext = any(calls)
        if pending_string is not None:
            if kind == "name" and value == "if":  # 'text' if …
                _check_shown(pending_string, unmarked)
            pending_string = None
        if kind == "lparen":
            calls.append(previous is not None and previous[0] == "name" and previous[1] in GETTEXT)
        elif kind == "rparen" and calls:
            calls.pop()
        elif kind == "string" and not inside_gettext:
            literal = value
            if _reads_as_prose(literal):
                unmarked.append((lineno, literal))
            elif previous is not None and previous == ("name", "else"):
                _check_shown((lineno, literal), unmarked)
            else:
                pending_string = (lineno, literal)
        previous = (kind, value)
    return text, unmarked


def _check_shown(item, unmarked) -> None:
    lineno, literal = item
    word = literal.strip()
    if re.fullmatch(r"[A-Za-z][a-z]+", word) and word.lower() not in CODE_WORDS:
        unmarked.append((lineno, literal))


def _reads_as_prose(literal: str) -> bool:
    if re.search(r"%\w|\{|\}|/|#|=|\.html$", literal):
        return False  # a format, a path or a template name
    words = re.findall(r"[^\s]+", literal)
    if re.search(r"\b[A-Z][a-z]{2,}\b", literal) and not re.fullmatch(r"[A-Za-z_.]+", literal):
        return True
    if re.fullmatch(r"[A-Z][a-z]+", literal):
        return True
    plain = [w for w in words if re.fullmatch(r"[A-Za-z]+[.,:;!?]?", w) and w not in ("btn", "badge")]
    return len(plain) >= 2


def _leftover_words(text: list[tuple[int, str]]):
    joined = "".join(value for _, value in text)
    starts, line = [], text[0][0] if text else 1
    position = 0
    for lineno, value in text:
        starts.append((position, lineno))
        position += len(value)

    def line_of(offset: int) -> int:
        found = 1
        for start, lineno in starts:
            if start <= offset:
                found = lineno
        return found

    problems = []
    for match in VISIBLE_ATTRS.finditer(joined):
        shown = match.group(2).replace(HOLE, " ")
        if re.search(r"[A-Za-z]{2,}", shown) and shown.strip() not in ALLOWED:
            problems.append((line_of(match.start()), f'{match.group(1)}="{match.group(2)}"'))
    body = re.sub(r"<code>.*?</code>", " ", joined, flags=re.S)  # commands and code stay as they are
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    for raw in re.split(r"<[^>]*>", body):
        chunk = raw.replace(HOLE, " ")
        for word in re.findall(r"[^\W\d_]{2,}|[^\W\d_]", chunk):
            if word not in ALLOWED:
                problems.append((line_of(max(0, joined.find(chunk.strip()[:20]))), chunk.strip()))
                break
    return problems, line


@pytest.mark.parametrize("path", STAFF_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_visible_text_of_a_staff_template_is_marked(path):
    text, unmarked = _text_and_strings(path)
    leftover, _ = _leftover_words(text)
    assert leftover == [], f"{path.relative_to(ROOT)}: unmarked text {leftover}"
    assert unmarked == [], f"{path.relative_to(ROOT)}: unmarked string literals {unmarked}"


def test_the_walk_covers_every_staff_area_and_the_shared_templates():
    names = {str(p.relative_to(ROOT)) for p in STAFF_TEMPLATES}
    assert len(names) >= 40
    for expected in ("templates/base.html", "templates/_confirm.html", "rounds/templates/rounds/detail.html"):
        assert expected in names
    assert not any("/mail/" in n or n.startswith(("respond", "review", "reports")) for n in names)


@pytest.mark.parametrize(
    "snippet",
    [
        "<h1>Portfolio</h1>",
        '<a aria-label="Main menu" href="#">{{ x }}</a>',
        "{{ button_form(url, 'Open round') }}",
        "{{ 'you' if mine else 'email' }}",
        "{{ field(form.x, \"A help text.\") }}",
        "<p>{{ n }} people invited</p>",
    ],
)
def test_the_walk_finds_unmarked_text(tmp_path, snippet):
    page = tmp_path / "page.html"
    page.write_text(snippet)
    text, unmarked = _text_and_strings(page)
    leftover, _ = _leftover_words(text)
    assert leftover or unmarked, snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "<h1>{{ _('Portfolio') }}</h1>",
        "<a aria-label=\"{{ _('Main menu') }}\" class=\"btn btn-sm\">{{ x }}</a>",
        "{{ button_form(url, _('Open round'), 'btn btn-sm btn-outline-danger') }}",
        "{{ _('you') if mine else _('email') }}<option {{ 'selected' if x }}>",
        "<td>{{ r.alpha }}</td><td>(A) × (B) · k = {{ k }}</td><code>healthcheck scheduler</code>",
        "{{ ngettext('%(num)s person', '%(num)s people', n) }}{{ d.strftime('%Y-%m-%d %H:%M') }}",
    ],
)
def test_the_walk_passes_marked_text(tmp_path, snippet):
    page = tmp_path / "page.html"
    page.write_text(snippet)
    text, unmarked = _text_and_strings(page)
    leftover, _ = _leftover_words(text)
    assert leftover == [] and unmarked == [], snippet
