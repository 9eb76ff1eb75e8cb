"""The state machines on the models (issue 12, item 5): one table, illegal moves refused."""

from __future__ import annotations

from datetime import datetime

import pytest

from healthcheck.models import IllegalTransition, Invitation, Round


def test_round_moves_only_along_its_table():
    rnd = Round(label="R1", status="draft", k_anonymity=3)
    with pytest.raises(IllegalTransition, match="only an open round closes"):
        rnd.close()
    rnd.open(datetime(2026, 1, 5))
    assert (rnd.status, rnd.opened_at) == ("open", datetime(2026, 1, 5))
    with pytest.raises(IllegalTransition, match="only a draft opens"):
        rnd.open()
    rnd.close(datetime(2026, 1, 26))
    assert (rnd.status, rnd.closed_at) == ("closed", datetime(2026, 1, 26))
    assert Round.source_of("closed") == "open" and rnd.stamp_of("open", rnd.closed_at) == {
        "opened_at": rnd.closed_at
    }


def test_invitation_transitions():
    inv = Invitation(status="pending", tokens=[])
    inv.start()
    inv.start()  # saving again keeps it started
    assert inv.status == "started"
    inv.revoke(datetime(2026, 1, 6))
    assert (inv.status, inv.revoked_at) == ("revoked", datetime(2026, 1, 6))
    with pytest.raises(IllegalTransition):
        inv.submit()
    inv.reinstate()
    assert (inv.status, inv.revoked_at) == ("pending", None)
    inv.submit(datetime(2026, 1, 7))
    assert (inv.status, inv.submitted_at) == ("submitted", datetime(2026, 1, 7))
    for move in (inv.revoke, inv.reinstate, inv.start, inv.submit):
        with pytest.raises(IllegalTransition):
            move()
