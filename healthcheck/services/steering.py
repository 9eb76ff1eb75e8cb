"""The steering-committee pack of a round: ONE builder of its content, three renderers
(``exports.steering``: HTML, PDF through WeasyPrint, PPTX through python-pptx).

The content is plain data (strings, numbers, lists) plus the Altair charts it shows: the
renderers need no database and no Flask. It is a joint document, read by both organisations'
steering committee: joint actions only, comments under the k rule (``reports.comments``), the
review thread attributed to organisations, never persons.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext

from healthcheck import numbers
from healthcheck.analysis import anonymity
from healthcheck.charts import sets
from healthcheck.exports import sentences
from healthcheck.models import Round
from healthcheck.services import actions, reports, review_publication, summaries

FORMATS = ("pdf", "pptx", "html")
STANCES = {"agree": "agrees", "disagree": "disagrees", None: "—"}


def _review_content(rnd: Round) -> dict | None:
    """The joint review's outcome (``services.review_publication.pack_content``), None without one."""
    return review_publication.pack_content(rnd)


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _trend_up_to(rnd: Round) -> dict | None:
    """The trend of the alliance's closed rounds up to this one (None before a second round)."""
    closed = reports.closed_rounds(rnd.alliance)
    ids = [r.id for r in closed]
    if rnd.id not in ids or ids.index(rnd.id) < 1:
        return None
    upto = closed[: ids.index(rnd.id) + 1]
    info = {
        "name": rnd.alliance.name,
        "segment": rnd.alliance.segment,
        "sides": {"A": rnd.alliance.side_a.name, "B": rnd.alliance.side_b.name},
    }
    return {"alliance": info, "rounds": [summaries.stored(r) for r in upto]}


def _action_rows_from_table(rnd: Round) -> list[dict]:
    """Without a review: the round's joint actions from the actions table, in the review's shape."""
    return [
        {
            "title": a.title,
            "dimension": a.dimension,
            "owner_a": a.owner,
            "owner_b": a.partner_owner_name,
            "due_on": a.due_on,
            "status": a.status,
            "accepted": a.accepted,
        }
        for a in actions.of_round(rnd, joint_only=True)
    ]


def _side(block: dict) -> str:
    return "not shown (fewer than k)" if block.get("suppressed") else _num(block.get("mean"), 2)


def _num(value, places: int = 1) -> str:
    return numbers.num(value, places)  # the reader's locale


def _signed(value) -> str:
    return numbers.signed(value)


def _finding_rows(review: dict, names: dict) -> list[dict]:
    rows = []
    for f in review.get("findings") or []:
        thread = [
            {
                "organisation": t.get("organisation") or names.get(t.get("side"), t.get("side") or ""),
                "stance": t.get("stance"),
                "text": t.get("text") or "",
                "at": _day(t.get("at")),
                "reply": t.get("reply_to") is not None,
            }
            for t in f.get("thread") or []
        ]
        a, b = f.get("A"), f.get("B")
        if f.get("disputed"):
            outcome = "disputed"
        elif a == "agree" and b == "agree":
            outcome = "agreed"
        else:
            outcome = "open"
        rows.append(
            {
                "title": f.get("title") or f.get("finding") or "",
                "A": STANCES.get(a, str(a)),
                "B": STANCES.get(b, str(b)),
                "outcome": outcome,
                "thread": thread,
            }
        )
    return rows


def _action_rows(rows: list[dict], titles: dict) -> list[dict]:
    return [
        {
            "title": a.get("title") or "",
            "dimension": titles.get(a.get("dimension"), a.get("dimension") or "–") or "–",
            "owner_a": a.get("owner_a") or "–",
            "owner_b": a.get("owner_b") or "–",
            "due_on": _day(a.get("due_on")) or "–",
            "status": (a.get("status") or "").replace("_", " "),
            "accepted": bool(a.get("accepted")),
        }
        for a in rows
    ]


def _review_block(review: dict | None, names: dict) -> dict | None:
    if review is None:
        return None
    return {
        "status": review.get("status"),
        "ends_on": _day(review.get("ends_on")),
        "published_at": _day(review.get("published_at")),
        "version": review.get("version"),
        "changed_after_publication": bool(review.get("changed_after_publication")),
        "findings": _finding_rows(review, names),
    }


def pack_content(rnd: Round, review: dict | None = None, generated: datetime | None = None) -> dict:
    """What the pack says, for every renderer. ``review``: the ``services.review_publication.pack_content``
    dict (read through ``_review_content`` when not given; None without a review)."""
    report = reports.round_report(rnd)  # ReportNotReady for a round not closed
    review = review if review is not None else _review_content(rnd)
    alliance = rnd.alliance
    names = report["alliance"]["sides"]
    titles = {d["key"]: d["title"] for d in report["dimensions"]}
    effects = actions.effects(rnd, joint_only=True)
    comments = reports.comments(rnd, report)  # sides under k are left out here (the k rule)
    trend = _trend_up_to(rnd)
    rows = review["actions"] if review is not None else _action_rows_from_table(rnd)
    return {
        "alliance": {
            "name": alliance.name,
            "side_a": names["A"],
            "side_b": names["B"],
            "north_star": alliance.north_star or "",
        },
        "round": {
            "label": rnd.label,
            "questionnaire": report["round"].get("questionnaire", ""),
            "opened_on": _day(rnd.opened_at or rnd.opens_on),
            "closed_on": _day(rnd.closed_at or rnd.closes_on),
        },
        "generated": (generated or datetime.now()).strftime("%Y-%m-%d %H:%M"),
        "k": report["k_anonymity"],
        "scale": report["scale"],
        "talking_points": [
            {
                "kind": p["kind"],
                "message": p["message"],
                "dimension": p.get("dimension"),
                "side": p.get("side"),
            }
            for p in reports.talking_points(report, effects)
        ],
        # what the renderers need to say the report's sentences and titles in the pack's
        # language (issue 17; exports.sentences): the published report and the version's texts
        "report": report,
        "questionnaire": {
            "languages": rnd.questionnaire.languages,
            "translations": rnd.questionnaire.translations,
        },
        "hidden_reasons": anonymity.hidden_reasons(report),
        "headline": {
            "health_index": _num(report["health_index"], 0),
            "alignment_index": _num(report["alignment_index"], 0),
            "rag": (report["rag"] or "n/a").upper(),
            "sides": [
                {
                    "side": s,
                    "name": names[s],
                    "health_index": _num(report["sides"][s]["health_index"], 0),
                    "answered": report["sides"][s]["submitted"],
                    "invited": report["sides"][s].get("invited"),
                }
                for s in ("A", "B")
            ],
        },
        "dimensions": [
            {
                "key": d["key"],
                "title": d["title"],
                "A": _side(d["A"]),
                "B": _side(d["B"]),
                "gap": _signed(d["gap"]),
                "interval": numbers.interval(*d["gap_ci95"]) if d.get("gap_ci95") else "",
                "level": d.get("gap_level") or "",
            }
            for d in report["dimensions"]
        ],
        "charts": {
            # the charts' dimension titles in the pack's language (issue 17)
            "radar": sets.round_chart(sentences.localised(report, rnd.questionnaire), "radar", gettext),
            "gaps": sets.round_chart(sentences.localised(report, rnd.questionnaire), "gaps", gettext),
            "trend": sets.trend_chart(trend, "indices", gettext) if trend else None,
        },
        "trend_rounds": [r["round"]["label"] for r in trend["rounds"]] if trend else [rnd.label],
        "review": _review_block(review, names),
        "actions": _action_rows(rows, titles),
        "comments": [
            {
                "key": d["key"],
                "dimension": d["title"],
                "sides": [
                    {"name": names[s], "texts": comments[d["key"]][s]}
                    for s in ("A", "B")
                    if s in comments[d["key"]]
                ],
            }
            for d in report["dimensions"]
            if d["key"] in comments
        ],
    }


def published(rnd: Round) -> bool:
    """Whether the round's pack may be given to the partner: its review was published, or the
    round had no review (a round closed without one, or before reviews existed)."""
    review = _review_content(rnd)
    return review is None or review.get("status") == "published"
