"""Issue 12 item 6 (names and CLI): views stay thin, no view function over 30 lines.

A view validates, calls one service, commits and redirects or renders; anything longer has
logic that belongs in a service or a form. Parsed with ``ast`` so a new routes module is
checked the day it is added.
"""

import ast
from pathlib import Path

import healthcheck.web

MAX_VIEW_LINES = 30
WEB = Path(healthcheck.web.__file__).parent


def _is_route(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr in {"route", "get", "post"}


def _views(source: str):
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            _is_route(d) for d in node.decorator_list
        ):
            yield node


def _body_lines(view: ast.FunctionDef) -> int:
    """Lines from the first statement of the body to the last one (signature and decorators excluded)."""
    return view.body[-1].end_lineno - view.body[0].lineno + 1


def test_issue12_06_names_and_cli_no_view_over_30_lines():
    modules = sorted(WEB.rglob("routes.py"))
    assert len(modules) >= 8, "every blueprint's routes.py is found"
    too_long = [
        f"{path.relative_to(WEB.parent)}:{view.lineno} {view.name} ({_body_lines(view)} lines)"
        for path in modules
        for view in _views(path.read_text(encoding="utf-8"))
        if _body_lines(view) > MAX_VIEW_LINES
    ]
    assert not too_long, "views over 30 lines:\n" + "\n".join(too_long)


def test_issue12_06_names_and_cli_view_length_counts_the_body_only():
    source = "@bp.route('/x')\n@login_required\ndef view():\n" + "    a = 1\n" * 31
    (view,) = _views(source)
    assert _body_lines(view) == 31
