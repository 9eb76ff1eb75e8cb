"""Actions, the timeline, handoffs, search, audit log and the portfolio by segment."""

import re

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Action, Round
from tests.conftest import csrf_token


@pytest.fixture
def two_rounds(app, make_user, make_alliance, make_round, invite, answer_all):
    """Two closed rounds; finance improves on side B from 2 to 4 between them."""
    make_user("manager@example.com", "manager")
    make_user("next@example.com", "manager")
    make_user("admin@example.com", "admin")
    make_user("member@example.com", "viewer")
    alliance = make_alliance(owner="manager@example.com", members=["member@example.com"], name="Nordvik")
    ids = []
    for label, finance_b in (("R1", 2), ("R2", 4)):
        rnd = make_round(alliance, label)
        for i, token in enumerate(invite(rnd, "AAABBB")):
            b_side = i >= 3

            def score(q, b_side=b_side, finance_b=finance_b):
                return finance_b if (b_side and q.dimension.key == "finance") else 4

            answer_all(
                token, score, comments={"finance": f"budget talk {label} {i}"} if i in (0, 3) else None
            )
        with app.app_context():
            from healthcheck.services import rounds

            rounds.close_round(db.session.get(Round, rnd))
            db.session.commit()
        ids.append(rnd)
    return alliance, ids


def _login(client, email):
    client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": csrf_token(client)}
    )


def _new_action(client, alliance, rnd, **fields):
    url = f"/alliances/{alliance}/actions/new?round={rnd}"
    data = {
        "title": "Joint budget review",
        "dimension": "finance",
        "owner": "Maria & Nordvik CFO",
        "due_on": "2027-01-31",
        "visibility": "joint",
        "description": "",
    }
    data.update(fields)
    data["csrf_token"] = csrf_token(client, url)
    return client.post(url, data=data)


def test_action_from_a_finding_shows_its_effect_in_the_next_round(client, two_rounds):
    alliance, (r1, r2) = two_rounds
    _login(client, "manager@example.com")
    report = client.get(f"/alliances/{alliance}/rounds/{r1}/report").get_data(as_text=True)
    assert f"/alliances/{alliance}/actions/new?round={r1}&amp;dimension=finance" in report  # from the finding
    assert _new_action(client, alliance, r1).status_code == 302
    assert "Joint budget review" in client.get(f"/alliances/{alliance}/rounds/{r1}/report").get_data(
        as_text=True
    )
    after = client.get(f"/alliances/{alliance}/rounds/{r2}/report").get_data(as_text=True)
    assert "Actions agreed after R1" in after
    assert re.search(r"2\.00 → 4\.00", after)  # side B finance before → after
    assert re.search(r"\+2\.00 → \+0\.00", after)  # the gap closed
    assert "Joint budget review" in client.get(f"/alliances/{alliance}").get_data(as_text=True)
    portfolio = client.get("/portfolio").get_data(as_text=True)
    assert re.search(r"<td>1 / <span", portfolio)


def test_bad_action_input_changes_nothing(app, client, two_rounds):
    alliance, (r1, _) = two_rounds
    _login(client, "manager@example.com")
    response = _new_action(client, alliance, r1, title="", visibility="public", due_on="31/01/2027")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Not a valid choice" in text and "This field is required" in text
    with app.app_context():
        assert db.session.scalars(select(Action)).all() == []


def test_status_changes_and_overdue(app, client, two_rounds):
    alliance, (r1, _) = two_rounds
    _login(client, "manager@example.com")
    _new_action(client, alliance, r1, due_on="2020-01-01")
    page = client.get(f"/alliances/{alliance}/timeline").get_data(as_text=True)
    assert "(overdue)" in page
    with app.app_context():
        action_id = db.session.scalar(select(Action.id))
    client.post(
        f"/alliances/{alliance}/actions/{action_id}/status",
        data={"status": "done", "csrf_token": csrf_token(client, f"/alliances/{alliance}/timeline")},
    )
    page = client.get(f"/alliances/{alliance}/timeline").get_data(as_text=True)
    assert "Action done: Joint budget review" in page and "(overdue)" not in page


def test_partner_sees_joint_actions_but_never_internal_ones_or_notes(app, client, two_rounds):
    alliance, (r1, _) = two_rounds
    _login(client, "manager@example.com")
    _new_action(client, alliance, r1, title="Joint budget review", visibility="joint")
    _new_action(client, alliance, r1, title="Escalate to our CFO", visibility="internal")
    timeline = f"/alliances/{alliance}/timeline"
    client.post(
        f"/alliances/{alliance}/notes",
        data={
            "kind": "decision",
            "title": "Secret negotiation stance",
            "happened_on": "2026-10-01",
            "body": "We accept 55/45 at most.",
            "csrf_token": csrf_token(client, timeline),
        },
    )
    base = f"/alliances/{alliance}/rounds/{r1}"
    client.post(f"{base}/share", data={"days": "7", "csrf_token": csrf_token(client, f"{base}/report")})
    link = re.search(
        r'value="http://localhost(/shared/[^"]+)"', client.get(f"{base}/report").get_data(as_text=True)
    )
    shared = app.test_client().get(link.group(1)).get_data(as_text=True)
    assert "Joint budget review" in shared
    assert (
        "Escalate to our CFO" not in shared and "Secret negotiation" not in shared and "55/45" not in shared
    )
    assert "Set</button>" not in shared  # read-only


def test_timeline_handoff_and_search(app, client, two_rounds):
    alliance, (r1, _) = two_rounds
    _login(client, "manager@example.com")
    _new_action(client, alliance, r1)
    timeline = f"/alliances/{alliance}/timeline"
    client.post(
        f"/alliances/{alliance}/notes",
        data={
            "kind": "meeting",
            "title": "Steering committee",
            "happened_on": "2026-06-01",
            "body": "Agreed to revisit cost-sharing.",
            "csrf_token": csrf_token(client, timeline),
        },
    )
    page = client.get(timeline).get_data(as_text=True)
    for text in (
        "Round R1 opened",
        "Round R1 closed",
        "Round R2 closed",
        "Action agreed: Joint budget review",
        "Steering committee",
    ):
        assert text in page
    assert page.index("Round R2 closed") < page.index("Round R1 closed")  # newest first (issue 14 item 8)
    found = client.get(f"{timeline}?q=cost-sharing").get_data(as_text=True)
    assert "Agreed to revisit cost-sharing." in found
    comments = client.get(f"{timeline}?q=budget+talk").get_data(as_text=True)
    assert "budget talk R1 0" in comments and "budget talk R2 3" in comments
    bad = client.post(
        f"/alliances/{alliance}/handoff",
        data={
            "new_owner": "member@example.com",
            "body": "x",
            "csrf_token": csrf_token(client, timeline),
            "confirmed": "yes",
        },
    )
    assert bad.status_code == 400 and "is not a manager or admin account" in bad.get_data(as_text=True)
    done = client.post(
        f"/alliances/{alliance}/handoff",
        data={
            "new_owner": "next@example.com",
            "body": "Finance is the open issue.",
            "csrf_token": csrf_token(client, timeline),
            "confirmed": "yes",
        },
    )
    assert done.status_code == 302
    assert client.get(timeline).status_code == 404  # the old owner no longer sees it
    _login(client, "next@example.com")
    page = client.get(timeline).get_data(as_text=True)
    assert (
        "Handoff from manager@example.com to next@example.com" in page
        and "Finance is the open issue." in page
    )


def test_comment_search_respects_k(app, client, make_user, make_alliance, make_round, invite, answer_all):
    make_user("manager@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance)
    tokens = invite(rnd, "AAABB")
    for i, token in enumerate(tokens):
        answer_all(token, 3, comments={"trust": f"needle {i}"})
    with app.app_context():
        from healthcheck.services import rounds

        rounds.close_round(db.session.get(Round, rnd))
        db.session.commit()
    _login(client, "manager@example.com")
    page = client.get(f"/alliances/{alliance}/timeline?q=needle").get_data(as_text=True)
    assert "needle 0" in page and "needle 3" not in page and "needle 4" not in page  # side B has 2 < k


def test_audit_log_for_admins_only(client, two_rounds):
    alliance, (r1, _) = two_rounds
    _login(client, "manager@example.com")
    client.get(f"/alliances/{alliance}/rounds/{r1}/report.csv")
    assert client.get("/admin/audit").status_code == 403
    _login(client, "admin@example.com")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "report.export" in page and "login" in page and "manager@example.com" in page
    only = client.get("/admin/audit?action=report.export&actor=manager@example.com").get_data(as_text=True)
    assert "format=csv" in only and "<td>login</td>" not in only
    assert "No events." in client.get("/admin/audit?since=2999-01-01").get_data(as_text=True)


def test_portfolio_by_segment(client, two_rounds, make_alliance):
    make_alliance(owner="manager@example.com", name="Supply", segment="simple")
    _login(client, "manager@example.com")
    page = client.get("/portfolio/segments").get_data(as_text=True)
    assert 'id="table-segment"' in page and 'id="table-phase"' in page and 'id="table-owner"' in page
    assert re.search(r"<th scope=\"row\">simple</th><td>1</td>", page)
    assert re.search(r"<th scope=\"row\">manager@example.com</th><td>2</td>", page)
