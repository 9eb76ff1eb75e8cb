"""What the confirmation page says before a round is closed or an invitation's link changes."""

from __future__ import annotations

from flask import url_for

from healthcheck.services import rounds
from healthcheck.web.confirm import Confirmation


def _round_url(rnd) -> str:
    return url_for("rounds.detail", alliance_id=rnd.alliance_id, round_id=rnd.id)


def close(rnd, problems=None) -> Confirmation:
    """Closing ends answering for everyone; a side under k asks for a tick that names it."""
    standing = rounds.standing(rnd)
    hidden = [s for s in standing if s["hidden"]]
    lines = [
        f"Closing round {rnd.label} now (planned close {rnd.closes_on}) stops every link: "
        "nobody can answer or change an answer afterwards, and the report is published to the owners."
    ]
    tick = None
    if hidden:
        names = " and ".join(s["name"] for s in hidden)
        tick = f"I understand that the figures and comments of {names} will be hidden in the report."
        lines.append(
            "If you wait, you can extend the close date on the round page and invite more people."
        )
    return Confirmation(
        title=f"Close round {rnd.label}?",
        lines=lines,
        action=url_for("rounds.transition", alliance_id=rnd.alliance_id, round_id=rnd.id, transition="close"),
        button="Yes, close the round",
        cancel=_round_url(rnd),
        warnings=[s["message"] for s in standing],
        tick=tick,
        problems=problems or [],
    )


def invitation(inv, op: str) -> Confirmation:
    """Revoke an invitation, or replace its link (by email or for the manager to give)."""
    rnd = inv.round
    kept = " Their saved answers are kept and open with the new link." if inv.status == "started" else ""
    if op == "revoke":
        title, button = f"Revoke the invitation of {inv.name}?", "Yes, revoke"
        lines = [
            f"The link of {inv.name} ({inv.email or 'no email'}, side {inv.side}) stops working at once; "
            "they can no longer answer and no longer count as invited."
        ]
        if inv.status == "started":
            lines.append("Their saved draft answers are never submitted.")
    elif op == "email":
        title, button = f"Email {inv.name} a new link?", "Yes, replace the link"
        when = "" if rnd.status == "open" else " when the round opens"
        lines = [
            f"The link {inv.name} has now stops working at once.{kept}",
            f"The service emails the new link to {inv.email}{when}; you will not see it.",
        ]
    else:
        title, button = f"Make a new link for you to give {inv.name}?", "Yes, replace the link"
        lines = [
            f"The link {inv.name} has now stops working at once.{kept}",
            f"The new link is shown to you once. {inv.name} is told by email that their link was "
            "replaced by one given to you.",
        ]
    return Confirmation(
        title=title,
        lines=lines,
        action=url_for(
            "rounds.invitation_op",
            alliance_id=rnd.alliance_id,
            round_id=rnd.id,
            invitation_id=inv.id,
            op=op,
        ),
        button=button,
        cancel=_round_url(rnd),
    )
