"""What the confirmation page says before a round is closed or an invitation's link changes."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from healthcheck.services import rounds
from healthcheck.web.confirm import Confirmation


def _round_url(rnd) -> str:
    return url_for("rounds.detail", alliance_id=rnd.alliance_id, round_id=rnd.id)


def close(rnd, problems=None) -> Confirmation:
    """Closing ends answering for everyone; a side under k asks for a tick that names it."""
    standing = rounds.standing(rnd)
    hidden = [s for s in standing if s["hidden"]]
    lines = [
        _(
            "Closing round %(label)s now (planned close %(date)s) stops every link: nobody can answer or "
            "change an answer afterwards, and the report is published to the owners.",
            label=rnd.label,
            date=rnd.closes_on,
        )
    ]
    tick = None
    if hidden:
        names = _(" and ").join(s["name"] for s in hidden)
        tick = _(
            "I understand that the figures and comments of %(names)s will be hidden in the report.",
            names=names,
        )
        lines.append(
            _("If you wait, you can extend the close date on the round page and invite more people.")
        )
    return Confirmation(
        title=_("Close round %(label)s?", label=rnd.label),
        lines=lines,
        action=url_for("rounds.transition", alliance_id=rnd.alliance_id, round_id=rnd.id, transition="close"),
        button=_("Yes, close the round"),
        cancel=_round_url(rnd),
        warnings=[s["message"] for s in standing],
        tick=tick,
        problems=problems or [],
    )


def invitation(inv, op: str) -> Confirmation:
    """Revoke an invitation, or replace its link (by email or for the manager to give)."""
    rnd = inv.round
    kept = (
        " " + _("Their saved answers are kept and open with the new link.") if inv.status == "started" else ""
    )
    if op == "revoke":
        title, button = _("Revoke the invitation of %(name)s?", name=inv.name), _("Yes, revoke")
        lines = [
            _(
                "The link of %(name)s (%(email)s, side %(side)s) stops working at once; "
                "they can no longer answer and no longer count as invited.",
                name=inv.name,
                email=inv.email or _("no email"),
                side=inv.side,
            )
        ]
        if inv.status == "started":
            lines.append(_("Their saved draft answers are never submitted."))
    elif op == "email":
        title, button = _("Email %(name)s a new link?", name=inv.name), _("Yes, replace the link")
        if rnd.status == "open":
            sends = _("The service emails the new link to %(email)s; you will not see it.", email=inv.email)
        else:
            sends = _(
                "The service emails the new link to %(email)s when the round opens; you will not see it.",
                email=inv.email,
            )
        lines = [_("The link %(name)s has now stops working at once.", name=inv.name) + kept, sends]
    else:
        title = _("Make a new link for you to give %(name)s?", name=inv.name)
        button = _("Yes, replace the link")
        lines = [
            _("The link %(name)s has now stops working at once.", name=inv.name) + kept,
            _(
                "The new link is shown to you once. %(name)s is told by email that their link was "
                "replaced by one given to you.",
                name=inv.name,
            ),
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
