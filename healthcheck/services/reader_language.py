"""Which language a person outside the respondent flow reads (issue 17 item 4).

A staff user (an account) reads their own preference (``users.language``); anyone else on
an alliance's side — a partner reviewer, a joint action's owner without an account — reads
that side's language (``alliance.side_a_language`` / ``side_b_language``). Used by the email
delivery and by the pages those people open with their personal links, so a page speaks the
language of the email that brought its reader there.
"""

from __future__ import annotations

from healthcheck import languages as codes
from healthcheck.services import users


def of_user_email(email: str | None) -> str | None:
    """The preference of the account with this email, None when no account or no preference."""
    user = users.by_email(email or "") if email else None
    code = getattr(user, "language", None)
    return code if codes.valid(code) else None


def of_side_person(email: str | None, alliance, side: str) -> str:
    """A side's person: their account's preference, else the side's language."""
    return of_user_email(email) or (alliance.side_language(side) if alliance is not None else codes.DEFAULT)
