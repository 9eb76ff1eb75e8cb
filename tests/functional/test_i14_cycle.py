"""Issue 14 items 1 and 2: no blank report by surprise; a confirmation for every irreversible act."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Invitation, Round
from tests.conftest import csrf_token

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=", re.IGNORECASE)


def _outbox(app) -> list:
    parser = BytesParser(policy=policy.default)
    return [
        parser.parsebytes(p.read_bytes()) for p in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    ]


@pytest.fixture
def two_b(app, login, make_alliance, make_round, invite, answer_all):
    """k = 3; side A: 3 invited, all answered; side B: 2 invited, both answered. Open."""
    login()
    alliance = make_alliance(owner="manager@example.com", k=3)
    rnd = make_round(alliance)
    tokens = invite(rnd, "AAABB")
    for token in tokens:
        answer_all(token, 4)
    return alliance, rnd, tokens


def test_i14_1_round_page_counts_each_side_against_k(app, client, login, make_alliance, make_round, invite):
    login()
    alliance = make_alliance(owner="manager@example.com", k=3)
    rnd = make_round(alliance, status="draft")
    invite(rnd, "AAABB")
    page = client.get(f"/alliances/{alliance}/rounds/{rnd}").get_data(as_text=True)
    hidden = "Side B · Partner 1: 2 invited — fewer than k = 3, its figures will be hidden."
    assert hidden + " Invite at least 1 more." in page
    assert (
        "Side A · Aurora Pharma: 3 invited (k = 3): its figures are shown if at least 3 of them answer."
        in page
    )


def test_i14_1_open_round_says_what_closing_now_would_hide(app, client, two_b):
    alliance, rnd, _ = two_b
    page = client.get(f"/alliances/{alliance}/rounds/{rnd}").get_data(as_text=True)
    assert "Side A · Aurora Pharma: 3 of 3 submitted (k = 3): its figures will be shown." in page
    assert "Side B · Partner 1: 2 invited — fewer than k = 3, its figures will be hidden." in page


def test_i14_2_close_is_a_confirmation_page_first(app, client, two_b):
    alliance, rnd, _ = two_b
    url = f"/alliances/{alliance}/rounds/{rnd}"
    detail = client.get(url).get_data(as_text=True)
    assert f'href="{url}/close/confirm"' in detail  # a link to the confirmation page, not a POST button
    page = client.get(f"{url}/close/confirm")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Close round 2026-Q4?" in text and "This cannot be undone." in text
    assert 'name="confirmed" value="yes"' in text and 'name="csrf_token"' in text
    assert not INLINE_SCRIPT.search(text.split("<body>", 1)[1])
    # an old-style POST without the confirmation shows the page again and closes nothing
    again = client.post(f"{url}/close", data={"csrf_token": csrf_token(client, url)})
    assert again.status_code == 200 and "Close round 2026-Q4?" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, rnd).status == "open"


def test_i14_1_close_with_a_side_under_k_needs_the_tick_that_names_it(app, client, two_b):
    alliance, rnd, _ = two_b
    url = f"/alliances/{alliance}/rounds/{rnd}"
    page = client.get(f"{url}/close/confirm").get_data(as_text=True)
    assert "I understand that the figures and comments of Side B · Partner 1 will be hidden" in page
    assert 'name="tick"' in page
    refused = client.post(f"{url}/close", data={"csrf_token": csrf_token(client, url), "confirmed": "yes"})
    assert refused.status_code == 400
    assert "tick the box to close anyway" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, rnd).status == "open"
    closed = client.post(
        f"{url}/close", data={"csrf_token": csrf_token(client, url), "confirmed": "yes", "tick": "yes"}
    )
    assert closed.status_code == 302
    with app.app_context():
        assert db.session.get(Round, rnd).status == "closed"


def test_i14_1_close_counts_submissions_not_invitations(
    app, client, login, make_alliance, make_round, invite
):
    login()
    alliance = make_alliance(owner="manager@example.com", k=3)
    rnd = make_round(alliance)
    invite(rnd, "AAABBB")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    page = client.get(f"{url}/close/confirm").get_data(as_text=True)
    # invited enough, but nobody answered yet: closing now would hide both sides
    assert (
        "Side B · Partner 1: 0 of 3 submitted — fewer than k = 3: closed now, its figures would be hidden."
        in page
    )
    assert "figures and comments of Side A · Aurora Pharma and Side B · Partner 1 will be hidden" in page


def test_i14_1_service_refuses_a_hand_close_that_was_not_accepted(app, two_b):
    from healthcheck.services import rounds
    from healthcheck.services.errors import InvalidInput

    _, rnd, _ = two_b
    with app.app_context():
        r = db.session.get(Round, rnd)
        with pytest.raises(InvalidInput, match="Side B · Partner 1 has fewer than k = 3 responses"):
            rounds.close_round(r, accept_hidden=False)
        assert r.status == "open"


def test_i14_1_owner_email_and_report_say_what_is_hidden_and_why(app, client, two_b):
    from healthcheck.jobs import delivery

    alliance, rnd, _ = two_b
    url = f"/alliances/{alliance}/rounds/{rnd}"
    client.post(
        f"{url}/close", data={"csrf_token": csrf_token(client, url), "confirmed": "yes", "tick": "yes"}
    )
    with app.app_context():
        delivery.deliver_due()
    (mail,) = [m for m in _outbox(app) if m["To"] == "manager@example.com"]
    assert mail["Subject"] == (
        "Health check 2026-Q4 of Alliance 1 is closed — some figures are hidden (fewer than k = 3 answered)"
    )
    body = mail.get_body(("plain",)).get_content()
    assert "Partner 1 (B): 2 answered, fewer than k = 3 — its figures and comments are hidden" in body
    assert "the report is ready" not in body
    report = client.get(f"{url}/report").get_data(as_text=True)
    assert "Why some figures are hidden" in report
    assert "Partner 1 (B): 2 answered, fewer than k = 3 — its figures and comments are hidden" in report


def test_i14_1_owner_email_of_a_full_round_says_the_report_is_ready(
    app, client, login, make_alliance, make_round, invite, answer_all
):
    from healthcheck.jobs import delivery

    login()
    alliance = make_alliance(owner="manager@example.com", k=3)
    rnd = make_round(alliance)
    for token in invite(rnd, "AAABBB"):
        answer_all(token, 4)
    url = f"/alliances/{alliance}/rounds/{rnd}"
    client.post(f"{url}/close", data={"csrf_token": csrf_token(client, url), "confirmed": "yes"})
    with app.app_context():
        delivery.deliver_due()
    (mail,) = [m for m in _outbox(app) if m["To"] == "manager@example.com"]
    assert mail["Subject"].endswith("is closed — the report is ready")
    assert "Why some figures are hidden" not in client.get(f"{url}/report").get_data(as_text=True)


def test_i14_2_revoking_an_invitation_asks_first(app, client, login, make_alliance, make_round, invite):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance)
    (token,) = invite(rnd, "A")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    with app.app_context():
        inv_id = db.session.scalar(select(Invitation.id))
    respondent = app.test_client()
    for asked in (
        client.get(f"{url}/invitations/{inv_id}/revoke"),
        client.post(f"{url}/invitations/{inv_id}/revoke", data={"csrf_token": csrf_token(client, url)}),
    ):
        text = asked.get_data(as_text=True)
        assert asked.status_code == 200 and "Revoke the invitation of Person 0?" in text
        assert not INLINE_SCRIPT.search(text.split("<body>", 1)[1])
    assert respondent.get(f"/r/{token}").status_code == 200  # nothing happened yet
    no_csrf = client.post(f"{url}/invitations/{inv_id}/revoke", data={"confirmed": "yes"})
    assert no_csrf.status_code in (302, 400)
    assert respondent.get(f"/r/{token}").status_code == 200
    client.post(
        f"{url}/invitations/{inv_id}/revoke", data={"csrf_token": csrf_token(client, url), "confirmed": "yes"}
    )
    assert respondent.get(f"/r/{token}").status_code == 410


def test_i14_2_revoking_a_partner_link_asks_first(app, client, login, make_alliance, make_round):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="closed")
    report = f"/alliances/{alliance}/rounds/{rnd}/report"
    client.post(
        f"/alliances/{alliance}/rounds/{rnd}/share",
        data={"csrf_token": csrf_token(client, report), "days": "30"},
    )
    page = client.get(report).get_data(as_text=True)
    link = re.search(r'value="http://localhost(/shared/[^"]+)"', page).group(1)
    revoke = re.search(r'href="([^"]+/share/\d+/revoke)"', page).group(1)
    asked = client.get(revoke)
    assert asked.status_code == 200 and "Revoke this partner link?" in asked.get_data(as_text=True)
    partner = app.test_client()
    assert partner.get(link).status_code == 200
    client.post(revoke, data={"csrf_token": csrf_token(client, report)})  # not confirmed: the page again
    assert partner.get(link).status_code == 200
    client.post(revoke, data={"csrf_token": csrf_token(client, report), "confirmed": "yes"})
    assert partner.get(link).status_code != 200


def test_i14_2_handing_over_asks_first_and_carries_the_note(app, client, login, make_user, make_alliance):
    from healthcheck.models import Alliance

    login()
    make_user("next@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com")
    timeline = f"/alliances/{alliance}/timeline"
    form = {"new_owner": "next@example.com", "body": "Finance is open.\nSee the budget note."}
    asked = client.post(
        f"/alliances/{alliance}/handoff", data={**form, "csrf_token": csrf_token(client, timeline)}
    )
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Hand over Alliance 1 to next@example.com?" in text
    assert "You lose the right to change this alliance" in text
    assert not INLINE_SCRIPT.search(text.split("<body>", 1)[1])
    with app.app_context():
        assert [u.email for u in db.session.get(Alliance, alliance).owners] == ["manager@example.com"]
    carried = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', text))
    assert carried["new_owner"] == "next@example.com" and carried["confirmed"] == "yes"
    done = client.post(f"/alliances/{alliance}/handoff", data={**carried, "body": form["body"]})
    assert done.status_code == 302
    with app.app_context():
        assert [u.email for u in db.session.get(Alliance, alliance).owners] == ["next@example.com"]


def test_i14_1_a_blank_report_does_not_say_nothing_stands_out(app, client, two_b):
    alliance, rnd, _ = two_b
    url = f"/alliances/{alliance}/rounds/{rnd}"
    client.post(
        f"{url}/close", data={"csrf_token": csrf_token(client, url), "confirmed": "yes", "tick": "yes"}
    )
    report = client.get(f"{url}/report").get_data(as_text=True)
    assert "Nothing stands out in this round" not in report
    assert "some are hidden: see" in report
