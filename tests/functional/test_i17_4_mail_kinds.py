"""Issue 17 item 4: every kind of email, in every language, has its subject and body
translated — no English sentence of the English message is left in the others — and keeps
its placeholders filled (the names, dates and links of the message)."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, datetime
from types import SimpleNamespace as NS

import pytest
from flask import render_template
from flask_babel import force_locale, gettext

from healthcheck import languages
from healthcheck.jobs import delivery
from healthcheck.services.notifications import SUBJECTS

ALLIANCE = NS(id=7, name="Zeta Alliance", side_a=NS(name="Orion Bio"), side_b=NS(name="Lyra Labs"))
RND = NS(id=9, label="2026-Q4", closes_on=date(2026, 12, 24), opens_on=date(2027, 3, 1), k=3)
LINK = "https://hc.example/x/Tok3n"
ACTION = NS(
    owner="Ada Lovelace",
    partner_owner_name="Kenji Sato",
    title="Reduce handover delays",
    due_on=date(2027, 1, 15),
    description="",
    status="in_progress",
)
OWNERS = {"side": "B", "side_name": "Lyra Labs", "partner_name": "Orion Bio", "co_owner": "Ada Lovelace"}
FIGURES = {
    "health_index": 61.0,
    "rag": "amber",
    "alignment_index": 72.0,
    "warnings": [],
    "invited_a": 4,
    "submitted_a": 3,
    "invited_b": 5,
    "submitted_b": 2,
    "k": 3,
    "base_url": "https://hc.example",
}
INVITED = NS(name="Ines Ito", status="started")
CONTEXTS = {
    "invitation": {"inv": INVITED, "side": "Lyra Labs", "link": LINK, "replaced": True},
    "reminder": {"inv": INVITED, "side": "Lyra Labs", "link": LINK, "replaced": True},
    "link_replaced": {"inv": INVITED, "by": "Max Mustermann"},
    "round_extended": {"inv": INVITED, "side": "Lyra Labs", "link": LINK, "was": "2026-12-10"},
    "report_shared": {"link": LINK, "expires": datetime(2027, 1, 30, 12, 0)},
    "round_closed": {**FIGURES, "hidden": []},
    "round_closed_hidden": {**FIGURES, "hidden": ["Lyra Labs 2/5"]},
    "round_planned": {"base_url": "https://hc.example"},
    "digest": {
        "week": "2026-W49",
        "items": [
            {"name": "Zeta Alliance", "health_index": 61.0, "rag": "amber", "overdue": True, "warnings": []}
        ],
        "warning_count": 2,
        "overdue_count": 1,
        "base_url": "https://hc.example",
    },
    "action_assigned": {"action": ACTION, **OWNERS, "link": LINK},
    "action_assigned_no_round": {"action": ACTION, **OWNERS, "link": None, "rnd": None},
    "action_reminder": {"action": ACTION, **OWNERS, "link": LINK},
    "action_reminder_no_link": {"action": ACTION, **OWNERS, "link": None},
    "action_checkin": {"action": ACTION, **OWNERS, "link": LINK, "expires": date(2027, 3, 1)},
    "review_invited": {
        "reviewer": NS(name="Pia Partner"),
        "review": NS(ends_on=date(2027, 1, 10)),
        "link": LINK,
        "expires": datetime(2027, 1, 13, 0, 0),
    },
    "review_published": {"version": 2, "note": "owner corrected"},
    "review_published_first": {"version": 1, "note": ""},
    "handoff": {"to_name": "Noor Nasser", "by": "Max Mustermann", "base_url": "https://hc.example"},
}
# the message's own data: what a line may hold without being a sentence to translate
DATA = [
    "Zeta Alliance", "Orion Bio", "Lyra Labs", "2026-Q4", LINK, "https://hc.example", "Ada Lovelace",
    "Kenji Sato", "Reduce handover delays", "Ines Ito", "Pia Partner", "Max Mustermann", "Noor Nasser",
    "2026-W49", "owner corrected", "2026-12-10", "2027-03-01", "2026-12-24", "PDF",
    "Alliance Health Check",  # the product's name
]  # fmt: skip
# lines a language rightly writes as English does (the same word), checked by hand
SAME = {"de": {"Portfolio: https://hc.example/portfolio"}}


def _kind(case: str) -> str:
    return next(k for k in SUBJECTS if case == k or case.startswith(k + "_"))


def _render(app, case: str, code: str) -> tuple[str, str, str]:
    kind = _kind(case)
    context = {"alliance": ALLIANCE, "rnd": RND, **CONTEXTS[case]}
    with app.test_request_context(), force_locale(code):
        fields = {
            "alliance": ALLIANCE.name,
            "deadline": RND.closes_on,
            "round": RND.label,
            "opens_on": RND.opens_on,
            "side_a": ALLIANCE.side_a.name,
            "warnings": context.get("warning_count", 0),
            "overdue": context.get("overdue_count", 0),
            "outcome": delivery._closed_outcome(context),
        }
        subject = gettext(SUBJECTS[kind]).format(**fields)
        text = render_template(f"mail/{kind}.txt", **context)
        body = render_template(f"mail/{kind}.html", **context)
    return subject, text, body


def _sentences(text: str) -> set[str]:
    """The lines of a message that say something, not only its data."""
    found = set()
    for line in text.splitlines():
        rest = re.sub(r"https?://\S+", "", line)
        for value in DATA:
            rest = rest.replace(value, "")
        if re.search(r"[A-Za-z]{3,}", rest):
            found.add(line.strip())
    return found


def _visible(html: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "\n", html))


def test_every_mail_template_has_a_case():
    kinds = {_kind(case) for case in CONTEXTS}
    assert kinds == set(SUBJECTS)


@pytest.mark.parametrize("code", [c for c in languages.LANGUAGES if c != "en"])
@pytest.mark.parametrize("case", sorted(CONTEXTS))
def test_each_mail_kind_speaks_each_language(app, case, code):
    en_subject, en_text, en_html = _render(app, case, "en")
    subject, text, body = _render(app, case, code)
    assert subject != en_subject
    for rendered in (subject, text, body):
        assert "%(" not in rendered and not re.search(r"\{\w+\}", rendered), rendered  # all filled
    assert ALLIANCE.name in text or ALLIANCE.name in subject
    if LINK in en_text:
        assert LINK in text and LINK in body  # the link survives the translation
    same = SAME.get(code, set())
    left_text = sorted(_sentences(en_text) & {line.strip() for line in text.splitlines()} - same)
    assert left_text == [], f"{case}/{code}: English left in the text body: {left_text}"
    en_visible, visible = _sentences(_visible(en_html)), {x.strip() for x in _visible(body).splitlines()}
    left_html = sorted(en_visible & visible - same)
    assert left_html == [], f"{case}/{code}: English left in the HTML body: {left_html}"
