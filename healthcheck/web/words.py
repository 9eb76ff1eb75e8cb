"""The words staff pages show for stored codes (issue 17 item 4).

Statuses, kinds, roles and the like are stored and exported as English codes; the pages show
them in the reader's language with the ``word`` filter: ``{{ rnd.status | word }}``. Codes
without an entry are shown as they are (after a catalogue look-up, so a label that is itself
marked somewhere is translated too).
"""

from __future__ import annotations

from flask_babel import gettext

from healthcheck.web.i18n import N_

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
    # warnings on the portfolio (analysis codes)
    "overdue": N_("overdue"),
    "gap_widening": N_("gap widening"),
    "index_drop": N_("index drop"),
    "low_response_rate": N_("low response rate"),
    "dimension_drop": N_("dimension drop"),
    "internal_divergence": N_("internal divergence"),
    "panel_imbalance": N_("panel imbalance"),
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


def word(value, kind: str | None = None) -> str:
    """The shown word for a stored code (or label), in the page's language; ``kind="role"``
    gives the header's short role word, ``kind="fact"`` a facts table's column header."""
    if value is None:
        return ""
    text = str(value)
    words = KINDS.get(kind, WORDS)
    return gettext(words.get(text, text)) if text else ""


def register(app) -> None:
    app.jinja_env.filters["word"] = word
