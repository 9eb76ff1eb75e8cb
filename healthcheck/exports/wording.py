"""The report's words in the reader's language (issue 17 item 4), render side: the current
language, the report's enumerated values (verdicts, levels, codes, statuses, functions …)
and a questionnaire version's own titles and statements where it declares the language.

Pure apart from gettext (Flask-Babel's locale; English outside an app context).
"""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import get_locale
from flask_babel import gettext as _

from healthcheck import languages as codes


def language() -> str:
    try:
        locale = get_locale()
    except RuntimeError:  # pragma: no cover - outside any app context
        locale = None
    return locale.language if locale is not None and codes.valid(locale.language) else codes.DEFAULT


# --- words: the report's enumerations ------------------------------------------------------


def words() -> dict[str, dict]:
    """The report's enumerated values in the current language, by field."""
    return {
        "verdict": {
            "real gap": _("real gap"),
            "possible gap": _("possible gap"),
            "aligned": _("aligned"),
            "possible gap — too few answers to tell": _("possible gap — too few answers to tell"),
        },
        "gap_level": {"aligned": _("aligned"), "watch": _("watch"), "gap": _("gap")},
        "magnitude": {
            "negligible": _("negligible"),
            "small": _("small"),
            "medium": _("medium"),
            "large": _("large"),
        },
        "evidence": {"clear": _("clear"), "weak": _("weak"), "none": _("none")},
        "classification": {
            "shared_strength": _("shared strength"),
            "shared_concern": _("shared concern"),
            "gap_a_higher": _("gap a higher"),
            "gap_b_higher": _("gap b higher"),
            "neutral": _("neutral"),
        },
        "reading": {
            "blind spot": _("blind spot"),
            "undervalued": _("undervalued"),
            "accurate": _("accurate"),
            "not shown: fewer than k answers": _("not shown: fewer than k answers"),
        },
        "rag": {"green": _("green"), "amber": _("amber"), "red": _("red")},
        "status": {
            "open": _("open"),
            "in_progress": _("in progress"),
            "done": _("done"),
            "dropped": _("dropped"),
        },
        "function": {  # analysis.panel.FUNCTIONS, by their English label
            "Executive": _("Executive"),
            "Alliance management": _("Alliance management"),
            "Research": _("Research"),
            "Development": _("Development"),
            "Manufacturing & quality": _("Manufacturing & quality"),
            "Commercial": _("Commercial"),
            "Finance": _("Finance"),
            "Legal & compliance": _("Legal & compliance"),
            "Digital": _("Digital"),
            "Other": _("Other"),
        },
        "code": {
            "low_response_rate": _("low response rate"),
            "internal_divergence": _("internal divergence"),
            "dimension_drop": _("dimension drop"),
            "gap_widening": _("gap widening"),
            "index_drop": _("index drop"),
            "overdue": _("overdue"),
            "panel_imbalance": _("panel imbalance"),
            "perception_fact_mismatch": _("perception fact mismatch"),
            "perception_below_facts": _("perception below facts"),
        },
    }


def word(field: str, value: str | None) -> str | None:
    """``value`` (an English word of the report) in the current language; itself when unknown."""
    if value is None:
        return None
    return (
        words()
        .get(field, {})
        .get(value, value.replace("_", " ") if field in ("code", "classification") else value)
    )


# --- the questionnaire's own texts in the reader's language ---------------------------------


def questionnaire_texts(questionnaire, lang: str | None = None) -> dict:
    """{"dimensions": {key: title}, "questions": {key: text}} of a questionnaire version in
    ``lang`` (the current language by default) — only where the version declares that
    language; empty otherwise (the report's English texts stand)."""
    lang = lang or language()
    if isinstance(questionnaire, dict):  # plain data: {"languages", "translations"}
        questionnaire = SimpleNamespace(**questionnaire)
    if (
        questionnaire is None
        or lang == codes.DEFAULT
        or lang not in (getattr(questionnaire, "languages", None) or [])
    ):
        return {"dimensions": {}, "questions": {}}
    found = (getattr(questionnaire, "translations", None) or {}).get(lang) or {}
    return {
        "dimensions": {
            k: v.get("title") for k, v in (found.get("dimensions") or {}).items() if v.get("title")
        },
        "questions": {k: v for k, v in (found.get("questions") or {}).items() if v},
    }
