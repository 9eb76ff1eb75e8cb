"""What the confirmation page says before an alliance is handed over."""

from __future__ import annotations

from flask import url_for

from healthcheck.web.confirm import Confirmation


def handoff(alliance, form, you) -> Confirmation:
    """The typed values travel as hidden fields; the service checks them after the click."""
    owners = ", ".join(u.display_name for u in alliance.owners) or "nobody"
    lines = [
        f"{form.new_owner.data} becomes the only owner of {alliance.name}; its owners now "
        f"({owners}) stop being owners. The handoff note is kept in the alliance's memory.",
    ]
    if you in alliance.owners and you.role != "admin":
        lines.append("You lose the right to change this alliance unless the new owner adds you again.")
    if form.revoke_shares.data:
        lines.append("Every partner link shared so far stops working; the new owner can share anew.")
    hidden = {"new_owner": form.new_owner.data, "body": form.body.data}
    if form.revoke_shares.data:
        hidden["revoke_shares"] = "y"
    return Confirmation(
        title=f"Hand over {alliance.name} to {form.new_owner.data}?",
        lines=lines,
        action=url_for("memory.handoff", alliance_id=alliance.id),
        button="Yes, hand over",
        cancel=url_for("memory.timeline", alliance_id=alliance.id),
        hidden=hidden,
    )
