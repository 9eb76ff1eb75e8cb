"""What every view that changes something does with its one service call.

``attempt`` runs the call in the request's transaction and commits once when it succeeds;
when the service refuses the input (InvalidInput) it rolls back, so nothing of the refused
change is kept, and hands the problems back for the view to re-render its form with them
or to flash them, in the page's language where the service's message is translatable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import flash, request

from healthcheck.extensions import db
from healthcheck.services.errors import InvalidInput
from healthcheck.web.i18n import translated


@dataclass(frozen=True)
class Outcome:
    """The call's result when it was committed, else the problems it was refused for."""

    ok: bool
    value: Any = None
    problems: list[str] = field(default_factory=list)


def _message(exc: Exception) -> str:
    """The exception's message, still translatable when the model or service raised a Problem."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, str) else str(exc)


def attempt(call: Callable[[], Any], refused: tuple[type[Exception], ...] = (InvalidInput,)) -> Outcome:
    """Run ``call``; commit once on success, roll back and return the problems on ``refused``."""
    try:
        value = call()
    except refused as exc:
        db.session.rollback()
        found = getattr(exc, "problems", None) or [_message(exc)]
        return Outcome(False, problems=[translated(p) for p in found])  # the page's language
    db.session.commit()
    return Outcome(True, value)


def flash_problems(problems: list[str]) -> None:
    flash("; ".join(problems), "error")


def form_status() -> int:
    """A form page shown again after a POST was refused is a 400; a first GET is a 200."""
    return 400 if request.method == "POST" else 200
