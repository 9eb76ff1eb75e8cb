"""One confirmation page for every irreversible act (issue 14 item 2).

An irreversible act is reached in two steps, without script (the CSP allows none inline): a
GET (or a POST without ``confirmed=yes``, from an older page) renders ``_confirm.html``,
which says what will happen and cannot be undone; its form posts back, with the CSRF token,
the fields the act needs and ``confirmed=yes``. A required tick box is checked on the server
(``ticked``), never by the browser alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request


@dataclass
class Confirmation:
    title: str
    lines: list[str]  # what will happen, in the manager's words
    action: str  # where the form posts
    button: str  # e.g. "Yes, close the round"
    cancel: str  # back, without doing anything
    warnings: list[str] = field(default_factory=list)  # shown in a warning box
    tick: str | None = None  # label of a box that must be ticked
    hidden: dict[str, str] = field(default_factory=dict)  # fields the act needs, carried over
    problems: list[str] = field(default_factory=list)


def confirmed() -> bool:
    """True when the request comes from the confirmation page's form."""
    return request.method == "POST" and request.form.get("confirmed") == "yes"


def ticked() -> bool:
    return request.form.get("tick") == "yes"


def page(confirmation: Confirmation, status: int = 200):
    """The confirmation page (a 400 when it is shown again with problems)."""
    if confirmation.problems and status == 200:
        status = 400
    return render_template("_confirm.html", c=confirmation), status
