"""What the review page and the published pack show (issue 15).

The review page is the partner's view of the report (``report_pages.round_context(rnd,
joint_only=True)``: the same builder and k rule as the share link) with the review thread and
joint actions beside it. The published pack is rendered from a frozen version alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

from healthcheck.analysis import anonymity, frames
from healthcheck.charts import render, sets
from healthcheck.exports import wording
from healthcheck.models import PackVersion, Round
from healthcheck.services import reports, review, review_findings, review_publication, review_thread
from healthcheck.services.report_pages import inline_svg, round_context


@dataclass(frozen=True)
class FrozenAction:
    """An accepted joint action as the pack froze it (the actions table reads these fields)."""

    title: str
    dimension: str
    owner: str
    due_on: date
    status: str
    description: str = ""
    visibility: str = "joint"

    def is_overdue(self, today: date) -> bool:
        return self.status in ("open", "in_progress") and self.due_on < today


def _thread_rows(entries: list, organisation) -> dict[str, list[dict]]:
    """{finding: [{"entry", "depth", "organisation"}]} in reply order (each reply under its entry)."""
    children: dict[int | None, list] = {}
    for e in entries:
        children.setdefault(e.reply_to_id, []).append(e)
    out: dict[str, list[dict]] = {}

    def walk(entry, depth):
        out.setdefault(entry.finding, []).append(
            {"entry": entry, "depth": min(depth, 4), "organisation": organisation(entry.side)}
        )
        for child in children.get(entry.id, []):
            walk(child, depth + 1)

    known = {e.id for e in entries}
    for e in entries:
        if e.reply_to_id is None or e.reply_to_id not in known:
            walk(e, 0)
    return out


def page_context(rnd: Round, side: str) -> dict:
    """The review page of ``side`` ("A": an owner, "B": a reviewer)."""
    context = round_context(rnd, joint_only=True)
    entries = review_findings.thread(rnd)
    latest = review_findings.stances(entries)
    found = []
    for finding, title in review_findings.findings(rnd, context):
        a, b = latest.get(finding, {}).get("A"), latest.get(finding, {}).get("B")
        found.append(
            {
                "id": finding,
                "anchor": finding.replace(":", "-"),
                "title": title,
                "A": a,
                "B": b,
                "disputed": review_findings.disputed(a, b),
            }
        )
    people = review_thread.side_a_people(rnd.alliance)
    return {
        **context,
        "review": review.of_round(rnd),
        "side": side,
        "findings": found,
        "threads": _thread_rows(entries, lambda s: rnd.alliance.side(s).name),
        "proposals": review_findings.proposals(rnd),
        "owner_names": {u.email: u.display_name for u in people},
        "side_a_people": people,
        "versions": review_publication.versions(rnd),
        "dimension_choices": [(d["key"], d["title"]) for d in context["report"]["dimensions"]],
    }


def frozen_context(version: PackVersion) -> dict:
    """The report page context of a frozen pack version (no database read beyond it)."""
    content = version.content
    report = content["report"]
    digest = hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()
    outcome = content["review"]
    return {
        "report": report,
        "talking_points": content["talking_points"],
        "comments": content["comments"],
        "action_effects": content["action_effects"],
        "round_actions": [
            FrozenAction(
                a["title"],
                a["dimension"],
                f"{a['owner_a']} · {a['owner_b']}",
                date.fromisoformat(a["due_on"]),
                a["status"],
            )
            for a in outcome["actions"]
        ],
        "judgements": reports.judgements(report),
        "today": date.today(),
        "charts": {
            name: inline_svg(
                render.svg_for(
                    ("round", digest, name, wording.language()),
                    lambda name=name: sets.round_chart(report, name, gettext),
                )
            )
            for name in sets.round_charts(report)
        },
        "meta_rows": frames.meta_rows(report).to_dict("records"),
        "dimension_titles": {d["key"]: d["title"] for d in report["dimensions"]},
        "reliability": [],
        "hidden_reasons": anonymity.hidden_reasons(report),
        "outcome": outcome,
        "version": version,
    }


def published_context(rnd: Round) -> dict | None:
    """The latest published pack's context, or None while the round's report is not published."""
    found = review.of_round(rnd)
    if found is None or found.status != "published":
        return None
    version = review_publication.latest_version(rnd)
    return frozen_context(version) if version is not None else None
