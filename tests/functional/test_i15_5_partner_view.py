"""Issue 15 item 5: the partner's own view. Through the share link side B downloads the
published steering-committee pack (PDF, PPTX, HTML) and the joint action list as CSV (formula
safe); side B's contact checks side B's invitation list of a draft round through a personal,
expiring, audited panel-check link that never shows side A's list."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from healthcheck.extensions import db
from healthcheck.models import Action, AuditEvent, PanelCheckLink, Review, Round
from healthcheck.models.base import utcnow
from healthcheck.services import steering
from tests.conftest import csrf_token
from tests.functional.test_i15_4_steering_pack import REVIEW, login_as, pack_round  # noqa: F401 - fixture


def _share_token(app, rnd_id) -> str:
    from healthcheck.services import sharing

    with app.app_context():
        _link, token = sharing.create(db.session.get(Round, rnd_id), None, days=30)
        db.session.commit()
    return token


def _audits(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_share_page_offers_the_pack_and_the_action_csv(app, client, pack_round):  # noqa: F811
    _alliance, rnd, *_ = pack_round
    with app.app_context():
        # a round closed before joint reviews existed: its pack is the partner's at once
        db.session.execute(delete(Review).where(Review.round_id == rnd))
        db.session.add(
            Action(
                alliance_id=_alliance,
                round_id=rnd,
                title="=cmd|' /C calc'!A0",
                owner="+owner",
                partner_owner_name="@partner",
                due_on=date(2026, 12, 2),
                visibility="joint",
            )
        )
        db.session.commit()
    token = _share_token(app, rnd)
    page = client.get(f"/shared/{token}").get_data(as_text=True)
    for fmt in ("pdf", "pptx", "html"):
        assert f"/shared/{token}/pack.{fmt}" in page
        response = client.get(f"/shared/{token}/pack.{fmt}")
        assert response.status_code == 200, fmt
        assert "steering-pack" in response.headers["Content-Disposition"]
    assert client.get(f"/shared/{token}/pack.pdf").data.startswith(b"%PDF")
    assert len(_audits(app, "share.pack")) == 4
    assert f"/shared/{token}/actions.csv" in page
    response = client.get(f"/shared/{token}/actions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "action",
        "dimension",
        "owner_side_a",
        "owner_side_b",
        "due_on",
        "status",
        "accepted_by_both",
    ]
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {"Joint quarterly data review", "'=cmd|' /C calc'!A0"}  # joint only, no formula
    assert body["'=cmd|' /C calc'!A0"][2:4] == ["'+owner", "'@partner"]
    assert "INTERNALONLY" not in response.get_data(as_text=True)
    assert _audits(app, "share.actions_csv")


def test_while_in_review_the_partner_cannot_download_the_pack_yet(app, client, pack_round, monkeypatch):  # noqa: F811
    _alliance, rnd, *_ = pack_round
    token = _share_token(app, rnd)
    monkeypatch.setattr(steering, "_review_content", lambda r: {**REVIEW, "status": "in_review"})
    page = client.get(f"/shared/{token}").get_data(as_text=True)
    assert f"/shared/{token}/pack.pdf" not in page and "once the joint review is published" in page
    assert client.get(f"/shared/{token}/pack.pdf").status_code == 409
    monkeypatch.setattr(steering, "_review_content", lambda r: REVIEW)
    response = client.get(f"/shared/{token}/pack.html")
    assert response.status_code == 200 and "Quarterly forecasts were shared late" in response.get_data(
        as_text=True
    )


def test_bad_or_withdrawn_share_links_open_no_pack(app, client, pack_round):  # noqa: F811
    from healthcheck.services import sharing

    _alliance, rnd, *_ = pack_round
    token = _share_token(app, rnd)
    assert client.get("/shared/not-a-token/pack.pdf").status_code == 404
    assert client.get("/shared/not-a-token/actions.csv").status_code == 404
    with app.app_context():
        for link in sharing.of_round(db.session.get(Round, rnd)):
            sharing.revoke(link, None)
        db.session.commit()
    assert client.get(f"/shared/{token}/pack.pptx").status_code == 410
    assert client.get(f"/shared/{token}/actions.csv").status_code == 410


@pytest.fixture
def draft_round(app, make_user, make_alliance, make_round):
    from healthcheck.services import invitations

    make_user("manager@example.com", "manager")
    make_user("other@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com", name="Kestrel CMC")
    other = make_alliance(owner="other@example.com", name="Other Alliance")
    rnd = make_round(alliance, "2027-Q1", status="draft")
    other_rnd = make_round(other, "2027-Q1", status="draft")
    with app.app_context():
        people = [
            invitations.Invitee("Alice Aurora", "alice@aurora.example", "A"),
            invitations.Invitee("Arne Aurora", "arne@aurora.example", "A"),
            invitations.Invitee("Bea Partner", "bea@partner.example", "B"),
            invitations.Invitee("Bo Partner", "bo@partner.example", "B"),
        ]
        invitations.invite(db.session.get(Round, rnd), people, hand_out=True)
        db.session.commit()
    return alliance, rnd, other, other_rnd


def _create_panel_check(client, alliance, rnd, **form):
    data = {"name": "Pat Contact", "email": "pat@partner.example", "days": "14", **form}
    data["csrf_token"] = csrf_token(client, f"/alliances/{alliance}/rounds/{rnd}")
    response = client.post(f"/alliances/{alliance}/rounds/{rnd}/panel-check", data=data)
    page = client.get(f"/alliances/{alliance}/rounds/{rnd}").get_data(as_text=True)
    return response, page


def test_panel_check_link_shows_side_b_only_and_is_audited(app, client, draft_round):
    alliance, rnd, *_ = draft_round
    login_as(client)
    response, page = _create_panel_check(client, alliance, rnd)
    assert response.status_code == 302
    link = re.search(r'value="(http[^"]+/panel/[^"]+)"', page).group(1)
    path = link[link.index("/panel/") :]
    again = client.get(f"/alliances/{alliance}/rounds/{rnd}").get_data(as_text=True)
    assert path not in again  # shown once
    with app.app_context():
        stored = db.session.scalar(select(PanelCheckLink))
        assert path.rsplit("/", 1)[1] not in (stored.token_hash, stored.contact_email)  # hashed
    client.get("/logout")
    outsider = app.test_client()  # no account, no session
    page = outsider.get(path).get_data(as_text=True)
    assert "Bea Partner" in page and "bea@partner.example" in page and "Bo Partner" in page
    assert "Alice Aurora" not in page and "alice@aurora.example" not in page and "Arne" not in page
    assert "Alliance management" in page or "Function" in page
    # asking for side A's data through the link gives side B's list, never A's
    for sneaky in (f"{path}?side=A", f"{path}/A", f"{path}?side=a&round={rnd}"):
        response = outsider.get(sneaky)
        assert "alice@aurora.example" not in response.get_data(as_text=True)
    assert _audits(app, "panel_check.create") and len(_audits(app, "panel_check.view")) >= 2


def test_panel_check_link_expires_is_withdrawn_and_stops_when_the_round_opens(app, client, draft_round):
    from healthcheck.services import panel_check, rounds

    alliance, rnd, *_ = draft_round
    with app.app_context():
        r = db.session.get(Round, rnd)
        expired, t1 = panel_check.create(r, None, "Pat", "pat@partner.example", 1)
        withdrawn, t2 = panel_check.create(r, None, "Pat", "pat@partner.example", 1)
        _live, t3 = panel_check.create(r, None, "Pat", "pat@partner.example", 5)
        expired.expires_at = utcnow() - timedelta(seconds=1)
        panel_check.revoke(withdrawn, None)
        db.session.commit()
    assert client.get(f"/panel/{t1}").status_code == 410
    assert "expired" in client.get(f"/panel/{t1}").get_data(as_text=True)
    assert client.get(f"/panel/{t2}").status_code == 410
    assert client.get("/panel/nonsense").status_code == 404
    assert client.get(f"/panel/{t3}").status_code == 200
    with app.app_context():
        rounds.open_round(db.session.get(Round, rnd))
        db.session.commit()
    response = client.get(f"/panel/{t3}")
    assert response.status_code == 410 and "bea@partner.example" not in response.get_data(as_text=True)


def test_panel_check_is_for_owners_of_a_draft_round_and_input_is_checked(
    app, client, draft_round, make_round
):
    alliance, rnd, other, other_rnd = draft_round
    login_as(client)
    # another alliance's round: 404, nothing written
    data = {
        "name": "Pat",
        "email": "pat@partner.example",
        "days": "14",
        "csrf_token": csrf_token(client, f"/alliances/{alliance}/rounds/{rnd}"),
    }
    assert client.post(f"/alliances/{other}/rounds/{other_rnd}/panel-check", data=data).status_code == 404
    assert client.post(f"/alliances/{alliance}/rounds/{other_rnd}/panel-check", data=data).status_code == 404
    _response, page = _create_panel_check(client, alliance, rnd, email="not-an-email", days="400")
    assert "contact email" in page and "expiry" in page
    with app.app_context():
        assert db.session.scalar(select(PanelCheckLink)) is None
    open_rnd = make_round(alliance, "2027-Q2", status="open")
    data["csrf_token"] = csrf_token(client, f"/alliances/{alliance}/rounds/{rnd}")
    client.post(f"/alliances/{alliance}/rounds/{open_rnd}/panel-check", data=data)
    with app.app_context():
        assert db.session.scalar(select(PanelCheckLink)) is None
