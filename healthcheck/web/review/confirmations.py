"""What the confirmation pages say before a review is published or a reviewer's link revoked."""

from __future__ import annotations

from flask import url_for

from healthcheck.web.confirm import Confirmation


def _page(rnd) -> str:
    return url_for("review.owner_page", alliance_id=rnd.alliance_id, round_id=rnd.id)


def publish(rnd, review, disputed: int, proposed: int) -> Confirmation:
    again = review.status == "published"
    partner = rnd.alliance.side_b.name
    lines = [
        f"The report of {rnd.alliance.name} {rnd.label} as {partner} sees it, the review thread "
        "(attributed to the two organisations, never to persons) and the joint actions both sides "
        f"accepted are frozen as {'a new version' if again else 'version 1'} of the steering-committee pack.",
        f"{partner}'s partner link then shows this pack; the owners and the reviewers are emailed.",
        "A published version cannot be changed: later changes make a new version marked "
        "“changed after publication”.",
    ]
    warnings = []
    if disputed:
        warnings.append(f"{disputed} finding(s) are disputed; the pack shows them as disputed.")
    if proposed:
        warnings.append(
            f"{proposed} joint action(s) are not yet accepted by both sides and stay out of the pack."
        )
    return Confirmation(
        title="Re-publish the review?" if again else "Publish the joint review?",
        lines=lines,
        warnings=warnings,
        action=url_for("review.publish", alliance_id=rnd.alliance_id, round_id=rnd.id),
        button="Yes, publish",
        cancel=_page(rnd),
    )


def revoke_reviewer(rnd, reviewer) -> Confirmation:
    return Confirmation(
        title="Revoke this reviewer's link?",
        lines=[
            f"{reviewer.name}'s personal link to the review of {rnd.alliance.name} {rnd.label} stops working "
            "at once; what they wrote stays in the review.",
        ],
        action=url_for(
            "review.revoke_reviewer", alliance_id=rnd.alliance_id, round_id=rnd.id, reviewer_id=reviewer.id
        ),
        button="Yes, revoke the link",
        cancel=_page(rnd),
    )
