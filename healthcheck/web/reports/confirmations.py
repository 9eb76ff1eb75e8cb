"""What the confirmation page says before a partner link is revoked."""

from __future__ import annotations

from flask import url_for

from healthcheck.web.confirm import Confirmation


def revoke_share(rnd, link) -> Confirmation:
    return Confirmation(
        title="Revoke this partner link?",
        lines=[
            f"The partner link to the joint report of {rnd.alliance.name} {rnd.label}, created "
            f"{link.created_at.strftime('%Y-%m-%d %H:%M')} and valid until "
            f"{link.expires_at.strftime('%Y-%m-%d')}, stops working at once: whoever holds it "
            f"at {rnd.alliance.side_b.name} sees a “link withdrawn” page.",
            "To share again, create a new link.",
        ],
        action=url_for(
            "reports.revoke_share", alliance_id=rnd.alliance_id, round_id=rnd.id, share_id=link.id
        ),
        button="Yes, revoke the link",
        cancel=url_for("reports.round_report", alliance_id=rnd.alliance_id, round_id=rnd.id),
    )
