"""The questionnaire in steps: one dimension per step, and every answer in every step's form.

Each step's page carries the whole form (the other dimensions' fields sit in ``hidden``
fieldsets), so saving a step stores exactly what a one-page form would: nothing typed in an
earlier step is lost, and whatever a dimension adds (comments, further questions) travels
with it. Moving to another step is a submit button that saves the draft first.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = 0  # every dimension on one page
GOTO = "goto-"


@dataclass(frozen=True)
class Section:
    number: int
    key: str
    title: str
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def sections(questionnaire, given) -> list[Section]:
    """One per dimension, in order, with how many of its statements have an answer (or N/A)."""
    return [
        Section(n, d.key, d.title, sum(q.key in given.raw for q in d.questions), len(d.questions))
        for n, d in enumerate(questionnaire.dimensions, start=1)
    ]


def parse_step(value: str | None, count: int) -> int | None:
    """``"3"`` → 3, ``"all"`` → ALL; anything else (missing, out of range) → None."""
    if value == "all":
        return ALL
    if value and value.isascii() and value.isdigit() and 1 <= int(value) <= count:
        return int(value)
    return None


def destination(action: str, count: int) -> int | None:
    """The step a ``goto-<step>`` button leads to, None for any other action."""
    return parse_step(action.removeprefix(GOTO), count) if action.startswith(GOTO) else None


def url_value(step: int) -> str:
    return "all" if step == ALL else str(step)


def _step_of(questionnaire) -> dict[str, int]:
    """Which step each field's error belongs to: question keys, and ``<prefix>-<dimension>``
    fields (the comment ``c-<dimension>``, anything else a dimension adds)."""
    owner = {}
    for n, d in enumerate(questionnaire.dimensions, start=1):
        owner[d.key] = n
        owner.update({q.key: n for q in d.questions})
    return owner


def current(questionnaire, requested: str | None, found: list[Section], errors: dict[str, str]) -> int:
    """The step to show: the first one with a problem, else the one asked for, else the first
    one not yet complete (a respondent coming back lands where they stopped)."""
    owner = _step_of(questionnaire)
    with_errors = [owner.get(key, owner.get(key.partition("-")[2])) for key in errors]
    if any(with_errors):
        return min(n for n in with_errors if n)
    step = parse_step(requested, len(found))
    if step is not None:
        return step
    return next((s.number for s in found if not s.complete), len(found))
