"""Questionnaires in the respondent's language, and the language an invitation keeps (issue 17).

A questionnaire version stores its translations with it (``Questionnaire.translations``,
frozen with the content hash); ``localise`` shows a version in one language without
touching what is stored or how answers are read: answers are keyed by question, never by
wording, so a side's answers pool across languages.
"""

from __future__ import annotations

from sqlalchemy import update

from healthcheck import languages as codes
from healthcheck.extensions import db
from healthcheck.models import Invitation, Questionnaire
from healthcheck.problems import N_, problem

SWITCH = "lang-"  # a respondent's form button: save the draft, then show it in this language


def offered(questionnaire: Questionnaire) -> list[str]:
    """The languages a version is written in (English only unless it declares more)."""
    return list(questionnaire.languages or [codes.DEFAULT])


def choices(questionnaire: Questionnaire, current: str) -> list[str]:
    """The languages a respondent may switch between: the version's, and the one they have."""
    found = offered(questionnaire)
    return found if current in found else [*found, current]


class _Wrapped:
    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)


class LocalQuestion(_Wrapped):
    def __init__(self, question, texts: dict):
        super().__init__(question)
        self.text = texts.get(question.key) or question.text


class LocalDimension(_Wrapped):
    def __init__(self, dimension, found: dict):
        super().__init__(dimension)
        own = found.get("dimensions", {}).get(dimension.key, {})
        self.title = own.get("title") or dimension.title
        self.description = own.get("description") or dimension.description
        texts = found.get("questions", {})
        self.questions = [LocalQuestion(q, texts) for q in dimension.questions]


class LocalQuestionnaire(_Wrapped):
    """A questionnaire version as read in ``language`` (its English text where it has none)."""

    def __init__(self, questionnaire: Questionnaire, language: str):
        super().__init__(questionnaire)
        found = (questionnaire.translations or {}).get(language) or {}
        self.language = language if found or language == codes.DEFAULT else codes.DEFAULT
        self.title = found.get("title") or questionnaire.title
        self.description = found.get("description") or questionnaire.description
        self.scale_labels = found.get("scale_labels") or questionnaire.scale_labels
        self.dimensions = [LocalDimension(d, found) for d in questionnaire.dimensions]

    @property
    def questions(self) -> list:
        return [q for d in self.dimensions for q in d.questions]

    def label_for(self, score: int) -> str:
        index = score - self.scale_min
        if 0 <= index < len(self.scale_labels):
            return self.scale_labels[index]
        return str(score)


def localise(questionnaire: Questionnaire, language: str) -> LocalQuestionnaire:
    return LocalQuestionnaire(questionnaire, language)


def switch_of(action: str) -> str | None:
    """The language a ``lang-<code>`` button asks for; None for any other action."""
    return codes.parse(action.removeprefix(SWITCH)) if action.startswith(SWITCH) else None


def keep(invitation_id: int, language: str) -> None:
    """The respondent chose a language: their pages and emails use it from now on."""
    if not codes.valid(language):
        return
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.status.in_(("pending", "started")))
        .values(language=language)
        .execution_options(synchronize_session=False)
    )


def default_for(alliance, side: str) -> str:
    """The language of a new invitation of ``side`` when none is given: the side's default."""
    found = alliance.side_language(side) if alliance is not None else codes.DEFAULT
    return found if codes.valid(found) else codes.DEFAULT


def side_problems(data) -> list[str]:
    """An alliance's per-side default languages (``AllianceData``), each one of ours."""
    wrong = {
        N_("side A language: one of %(allowed)s (got %(value)r)"): data.side_a_language,
        N_("side B language: one of %(allowed)s (got %(value)r)"): data.side_b_language,
    }
    return [
        problem(msgid, allowed=codes.allowed(), value=v) for msgid, v in wrong.items() if not codes.valid(v)
    ]
