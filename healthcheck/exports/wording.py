"""The report's words in the reader's language (issue 17 item 4), render side: the current
language, the report's enumerated values (verdicts, levels, codes, statuses, functions …)
and a questionnaire version's own titles and statements where it declares the language.

Pure apart from gettext (Flask-Babel's locale; English outside an app context).
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from flask_babel import get_locale
from flask_babel import gettext as _

from healthcheck import languages as codes
from healthcheck.problems import N_

# the early warnings' codes (analysis.warnings, analysis.facts) as words: one list for the
# report's sentences and the staff pages' badges
WARNINGS = {
    "low_response_rate": N_("low response rate"),
    "internal_divergence": N_("internal divergence"),
    "dimension_drop": N_("dimension drop"),
    "gap_widening": N_("gap widening"),
    "index_drop": N_("index drop"),
    "overdue": N_("overdue"),
    "panel_imbalance": N_("panel imbalance"),
    "perception_fact_mismatch": N_("perception fact mismatch"),
    "perception_below_facts": N_("perception below facts"),
}


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
        "rag": {code: code_word(code) for code in ("green", "amber", "red")},
        "status": {code: code_word(code) for code in ("open", "in_progress", "done", "dropped")},
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
        "code": {code: _(text) for code, text in WARNINGS.items()},
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


# --- the segment review's reason (analysis.resourcing.segment_review), rebuilt ----------------

_TROUBLE = re.compile(
    r"^The latest closed round \((?P<round>.+?)\) "
    r"(?P<why>is red|is red and carries (?P<n>\d+) early warnings \(≥ (?P<limit>\d+)\)"
    r"|carries (?P<n2>\d+) early warnings \(≥ (?P<limit2>\d+)\)): a \w+ alliance in trouble"
)
_CALM = re.compile(
    r"^Its last (?P<n>\d+) closed rounds \((?P<rounds>.+?)\) were all green with no early warning:"
)


def segment_reason(review) -> str:
    """The reason of a segment review suggestion (``analysis.resourcing.Review``) in the
    current language; its English sentence in English or when it does not read as expected."""
    reason = getattr(review, "reason", "") or ""
    if language() == codes.DEFAULT:
        return reason
    values = {"segment": code_word(review.segment), "up": code_word(review.suggested)}
    if found := _TROUBLE.match(reason):
        values["round"] = found["round"]
        if found["why"] == "is red":
            return _(
                "The latest closed round (%(round)s) is red: a %(segment)s alliance in trouble may need "
                "the %(up)s segment's service.",
                **values,
            )
        values.update(n=found["n"] or found["n2"], limit=found["limit"] or found["limit2"])
        if found["n"]:
            return _(
                "The latest closed round (%(round)s) is red and carries %(n)s early warnings (≥ %(limit)s): "
                "a %(segment)s alliance in trouble may need the %(up)s segment's service.",
                **values,
            )
        return _(
            "The latest closed round (%(round)s) carries %(n)s early warnings (≥ %(limit)s): a %(segment)s "
            "alliance in trouble may need the %(up)s segment's service.",
            **values,
        )
    if found := _CALM.match(reason):
        return _(
            "Its last %(n)s closed rounds (%(rounds)s) were all green with no early warning: a %(segment)s "
            "alliance this calm may do with the %(up)s segment's service.",
            n=found["n"],
            rounds=found["rounds"],
            **values,
        )
    return reason


# --- stored codes: statuses, kinds, segments, phases … (staff pages and documents) ---------
# Statuses, kinds, roles and the like are stored and exported as English codes; pages
# (``web.words``, the ``word`` filter) and documents (the packs' ``word`` filter) show them in
# the reader's language with ``code_word``.

WORDS = {
    # round status
    "draft": N_("draft"),
    "open": N_("open"),
    "closed": N_("closed"),
    # invitation progress (models.response.PROGRESS_WORDS)
    "pending": N_("pending"),
    "opened": N_("opened"),
    "draft saved": N_("draft saved"),
    "submitted": N_("submitted"),
    "did not answer": N_("did not answer"),
    "link withdrawn": N_("link withdrawn"),
    # action status
    "in_progress": N_("in progress"),
    "in progress": N_("in progress"),
    "done": N_("done"),
    "dropped": N_("dropped"),
    # action visibility
    "joint": N_("joint"),
    "internal": N_("internal"),
    # milestone status
    "planned": N_("planned"),
    "met": N_("met"),
    "missed": N_("missed"),
    # note kinds
    "note": N_("note"),
    "meeting": N_("meeting"),
    "decision": N_("decision"),
    "milestone": N_("milestone"),
    "handoff": N_("handoff"),
    "round": N_("round"),
    "action": N_("action"),
    "review": N_("joint review"),
    "share": N_("partner link"),
    # segments, phases, types
    "complex": N_("complex"),
    "typical": N_("typical"),
    "simple": N_("simple"),
    "discovery": N_("discovery"),
    "development": N_("development"),
    "commercial": N_("commercial"),
    "sunset": N_("sunset"),
    "co-commercial": N_("co-commercial"),
    "digital": N_("digital"),
    "supplier": N_("supplier"),
    "licensing": N_("licensing"),
    # roles (models.user.ROLE_WORDS) and token states/scopes
    "admin": N_("administrator"),
    "manager": N_("alliance manager"),
    "viewer": N_("reader (viewer)"),
    "active": N_("active"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
    "read": N_("read"),
    "write": N_("write"),
    # job runs (services.operations.RUN_WORDS) and webhook deliveries
    "running": N_("running"),
    "failed": N_("failed"),
    "sent": N_("sent"),
    "retry": N_("retry"),
    "queued": N_("queued"),
    **WARNINGS,  # warnings on the portfolio (analysis codes)
    "red": N_("red"),
    "amber": N_("amber"),
    "green": N_("green"),
}

# the short role words of the header ("Ann Smith (manager)")
ROLE_SHORT = {"admin": N_("admin"), "manager": N_("manager"), "viewer": N_("viewer")}

# the facts tables' column headers (services.facts.HEADERS, the CSV import's header names)
FACT_HEADERS = {
    "key": N_("key"),
    "title": N_("title"),
    "dimension": N_("dimension"),
    "planned_on": N_("planned on"),
    "actual_on": N_("actual on"),
    "forecast_on": N_("forecast on"),
    "status": N_("status"),
    "period_start": N_("period start"),
    "period_end": N_("period end"),
    "line": N_("line"),
    "planned": N_("planned"),
    "actual": N_("actual"),
    "currency": N_("currency"),
    "deliveries": N_("deliveries"),
    "on_time_in_full": N_("on time in full"),
    "quality_deviations": N_("quality deviations"),
}
KINDS = {"role": ROLE_SHORT, "fact": FACT_HEADERS}

# labels that are shown as they are stored elsewhere (analysis.panel.FUNCTIONS, the webhook
# event words): marked here so the catalogues hold them; ``word`` looks them up
LABELS = (
    N_("Executive"),
    N_("Alliance management"),
    N_("Research"),
    N_("Development"),
    N_("Manufacturing & quality"),
    N_("Commercial"),
    N_("Finance"),
    N_("Legal & compliance"),
    N_("Digital"),
    N_("Other"),
    N_("a round opens"),
    N_("a round closes"),
    N_("a round's report is published"),
    N_("an early warning is raised at close"),
    N_("an action becomes overdue"),
    N_("every alliance (portfolio-wide)"),
    N_("administrator"),
    N_("alliance manager"),
    N_("finished"),
    N_("Please log in to access this page."),  # Flask-Login's message (web.create_app)
)


def code_word(value, kind: str | None = None) -> str:
    """The shown word for a stored code (or label), in the page's language; ``kind="role"``
    gives the header's short role word, ``kind="fact"`` a facts table's column header."""
    if value is None:
        return ""
    text = str(value)
    words = KINDS.get(kind, WORDS)
    return _(words.get(text, text)) if text else ""
