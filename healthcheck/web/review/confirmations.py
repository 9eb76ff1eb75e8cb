"""What the confirmation pages say before a review is published or a reviewer's link revoked."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext

from healthcheck.web.confirm import Confirmation


def _page(rnd) -> str:
    return url_for("review.owner_page", alliance_id=rnd.alliance_id, round_id=rnd.id)


def publish(rnd, review, disputed: int, proposed: int) -> Confirmation:
    again = review.status == "published"
    partner = rnd.alliance.side_b.name
    what = gettext("a new version") if again else gettext("version 1")
    lines = [
        gettext(
            "The report of %(alliance)s %(round)s as %(partner)s sees it, the review thread "
            "(attributed to the two organisations, never to persons) and the joint actions both sides "
            "accepted are frozen as %(what)s of the steering-committee pack.",
            alliance=rnd.alliance.name,
            round=rnd.label,
            partner=partner,
            what=what,
        ),
        gettext(
            "%(partner)s's partner link then shows this pack; the owners and the reviewers are emailed.",
            partner=partner,
        ),
        gettext(
            "A published version cannot be changed: later changes make a new version marked "
            "“changed after publication”."
        ),
    ]
    warnings = []
    if disputed:
        warnings.append(gettext("Disputed findings: %(num)s; the pack shows them as disputed.", num=disputed))
    if proposed:
        warnings.append(
            gettext(
                "Joint actions not yet accepted by both sides: %(num)s; they stay out of the pack.",
                num=proposed,
            )
        )
    return Confirmation(
        title=gettext("Re-publish the review?") if again else gettext("Publish the joint review?"),
        lines=lines,
        warnings=warnings,
        action=url_for("review.publish", alliance_id=rnd.alliance_id, round_id=rnd.id),
        button=gettext("Yes, publish"),
        cancel=_page(rnd),
    )


def revoke_reviewer(rnd, reviewer) -> Confirmation:
    return Confirmation(
        title=gettext("Revoke this reviewer's link?"),
        lines=[
            gettext(
                "%(name)s's personal link to the review of %(alliance)s %(round)s stops working "
                "at once; what they wrote stays in the review.",
                name=reviewer.name,
                alliance=rnd.alliance.name,
                round=rnd.label,
            ),
        ],
        action=url_for(
            "review.revoke_reviewer", alliance_id=rnd.alliance_id, round_id=rnd.id, reviewer_id=reviewer.id
        ),
        button=gettext("Yes, revoke the link"),
        cancel=_page(rnd),
    )
