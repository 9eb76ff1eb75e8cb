"""What the confirmation page says before an alliance is handed over."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from healthcheck.web.confirm import Confirmation


def handoff(alliance, form, you) -> Confirmation:
    """The typed values travel as hidden fields; the service checks them after the click."""
    owners = ", ".join(u.display_name for u in alliance.owners) or _("nobody")
    lines = [
        _(
            "%(new)s becomes the only owner of %(alliance)s; its owners now (%(owners)s) stop being "
            "owners. The handoff note is kept in the alliance's memory.",
            new=form.new_owner.data,
            alliance=alliance.name,
            owners=owners,
        ),
    ]
    if you in alliance.owners and you.role != "admin":
        lines.append(_("You lose the right to change this alliance unless the new owner adds you again."))
    if form.revoke_shares.data:
        lines.append(_("Every partner link shared so far stops working; the new owner can share anew."))
    hidden = {"new_owner": form.new_owner.data, "body": form.body.data}
    if form.revoke_shares.data:
        hidden["revoke_shares"] = "y"
    return Confirmation(
        title=_("Hand over %(alliance)s to %(owner)s?", alliance=alliance.name, owner=form.new_owner.data),
        lines=lines,
        action=url_for("memory.handoff", alliance_id=alliance.id),
        button=_("Yes, hand over"),
        cancel=url_for("memory.timeline", alliance_id=alliance.id),
        hidden=hidden,
    )
