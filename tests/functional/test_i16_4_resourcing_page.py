"""Issue 16 item 4: the resourcing page (the front door), its what-if handoff and who may see it."""

import re

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Alliance, Note, OutgoingMail, User
from tests.conftest import csrf_token

PASSWORD = "correct-horse-battery"


def _log_in(client, email, password=PASSWORD):
    token = csrf_token(client)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def _section(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?</(table|ul|p)>', page, re.S)
    assert match, f"no {testid} on the page"
    return match.group(0)


def _row(table: str, name: str) -> str:
    match = re.search(rf"<tr[^>]*>\s*<th scope=\"row\">{re.escape(name)}</th>.*?</tr>", table, re.S)
    assert match, f"no row for {name}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_i16_4_done_when_resourcing_page_shows_the_demos_over_capacity_manager_and_unmanaged_alliance(
    app, client, runner
):
    assert runner.invoke(args=["demo"]).exit_code == 0
    _log_in(client, "admin@example.com", "demo-admin-2026")
    response = client.get("/resourcing")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    loads = _section(page, "workloads")
    # Maria: Helix, Meridian, Synapse (complex, 0.5 each) + Nordvik (typical, 0.2) = 1.70 of 1.00
    maria = _row(loads, "Maria Manager")
    assert "1.70 FTE" in maria and "1.00 FTE" in maria and "over capacity" in maria
    # Tom: DataWell (typical 0.2) + Kestrel (simple 0.05) = 0.25
    tom = _row(loads, "Tom Successor")
    assert "0.25 FTE" in tom and "over capacity" not in tom
    assert "Lena Leaver" not in loads  # a deactivated account carries no workload
    assert "Maria Manager (1.70 of 1.00 FTE)" in _section(page, "over-capacity-summary")
    unmanaged = _section(page, "unmanaged")
    assert "Lumen Dermatology Co-promotion" in unmanaged and "deactivated" in unmanaged
    assert 'href="/resourcing"' in page  # the navigation links it for an admin


def test_i16_4_plain_manager_and_viewer_cannot_see_resourcing(app, client, make_user):
    assert client.get("/resourcing").status_code == 302  # not logged in: to the login page
    make_user("manager@example.com", "manager")
    make_user("viewer@example.com", "viewer")
    _log_in(client, "manager@example.com")
    assert client.get("/resourcing").status_code == 403
    assert client.get("/resourcing?alliance=1&owner=1").status_code == 403
    assert "/resourcing" not in client.get("/portfolio").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(client, "/portfolio"),
        "alliance": "1",
        "owner": "1",
        "body": "x",
        "confirmed": "yes",
    }
    assert client.post("/resourcing/handoff", data=data).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/portfolio")})
    _log_in(client, "viewer@example.com")
    assert client.get("/resourcing").status_code == 403


def _portfolio(app, make_user, make_alliance):
    make_user("admin@example.com", "admin")
    make_user("ann@example.com", "manager")
    make_user("ben@example.com", "manager")
    gamma = make_alliance(owner="ann@example.com", name="Gamma", segment="complex")  # Ann 0.5
    make_alliance(owner="ann@example.com", name="Beta", segment="typical")  # Ann 0.2
    make_alliance(owner="ben@example.com", name="Delta", segment="simple")  # Ben 0.05
    with app.app_context():
        from healthcheck.services import users

        users.change(users.by_email("ben@example.com"), users.Change(capacity_fte=0.5))
        db.session.commit()
        ben = users.by_email("ben@example.com").id
    return gamma, ben


def test_i16_4_what_if_shows_both_workloads_then_hands_over_through_the_handoff_service(
    app, client, make_user, make_alliance
):
    gamma, ben = _portfolio(app, make_user, make_alliance)
    _log_in(client, "admin@example.com")
    page = client.get(f"/resourcing?alliance={gamma}&owner={ben}").get_data(as_text=True)
    table = _section(page, "what-if")
    # Ann 0.70 → 0.20 (of 1.00); Ben 0.05 → 0.55 (of 0.50: over capacity after)
    assert _row(table, "ann@example.com") == " ann@example.com 1.00 FTE 0.70 FTE 0.20 FTE "
    assert _row(table, "ben@example.com") == " ben@example.com 0.50 FTE 0.05 FTE 0.55 FTE (over capacity) "
    token = csrf_token(client, f"/resourcing?alliance={gamma}&owner={ben}")
    form = {
        "csrf_token": token,
        "alliance": str(gamma),
        "owner": str(ben),
        "body": "Gamma's CMC issue is the story.",
    }
    confirm = client.post("/resourcing/handoff", data=form | {"revoke_shares": "y"})
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Hand over Gamma to ben@example.com?" in text
    assert "ann@example.com: workload 0.70 → 0.20 FTE of a capacity of 1.00" in text
    assert (
        "ben@example.com: workload 0.05 → 0.55 FTE of a capacity of 0.50 — over capacity after the handoff"
        in text
    )
    with app.app_context():  # nothing changed before the confirmation
        assert [u.email for u in db.session.get(Alliance, gamma).owners] == ["ann@example.com"]
    done = client.post("/resourcing/handoff", data=form | {"confirmed": "yes"})
    assert done.status_code == 302
    with app.app_context():
        assert [u.email for u in db.session.get(Alliance, gamma).owners] == ["ben@example.com"]
        note = db.session.scalar(select(Note).where(Note.alliance_id == gamma, Note.kind == "handoff"))
        assert note.body == "Gamma's CMC issue is the story."
        mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.kind == "handoff"))
        assert mail.to == "ben@example.com" and mail.dedupe_key == f"handoff:{note.id}"
        assert mail.attachments == [{"kind": "briefing", "alliance_id": gamma}]
    after = _section(client.get("/resourcing").get_data(as_text=True), "workloads")
    assert "0.55 FTE" in _row(after, "ben@example.com") and "over capacity" in _row(after, "ben@example.com")


def test_i16_4_what_if_refuses_bad_choices_naming_the_field(app, client, make_user, make_alliance):
    gamma, ben = _portfolio(app, make_user, make_alliance)
    make_user("viewer@example.com", "viewer")
    with app.app_context():
        viewer = db.session.scalar(select(User.id).where(User.email == "viewer@example.com"))
    _log_in(client, "admin@example.com")
    bad = client.get("/resourcing?alliance=abc&owner=1")
    assert bad.status_code == 400 and "alliance: not a known alliance" in bad.get_data(as_text=True)
    nobody = client.get(f"/resourcing?alliance={gamma}&owner={viewer}")
    assert nobody.status_code == 400
    assert "new owner: choose an active manager or admin account" in nobody.get_data(as_text=True)
    token = csrf_token(client, "/resourcing")
    refused = client.post(
        "/resourcing/handoff",
        data={"csrf_token": token, "alliance": str(gamma), "owner": str(ben), "body": ""},
    )
    assert refused.status_code == 400 and "handoff note: required" in refused.get_data(as_text=True)
    with app.app_context():
        assert [u.email for u in db.session.get(Alliance, gamma).owners] == ["ann@example.com"]


def test_i16_4_service_standard_is_configurable(make_app, make_user, make_alliance):
    app = make_app(RESOURCING_FTE={"complex": 0.8})
    with app.app_context():
        from healthcheck.services import resourcing, users

        users.create("ann@example.com", "manager", PASSWORD)
        db.session.commit()
        std = resourcing.standards()
        assert (std["complex"].fte, std["typical"].fte, std["simple"].fte) == (0.8, 0.2, 0.05)


def test_i16_4_unusable_service_standard_stops_start_up(make_app, monkeypatch):
    import pytest

    with pytest.raises(RuntimeError, match=r"RESOURCING_FTE — typical: an effort in FTE between 0 and 2"):
        make_app(RESOURCING_FTE={"typical": 5})
    monkeypatch.setenv("HEALTHCHECK_RESOURCING_FTE", '{"simple": 0.1}')  # JSON in the environment
    app = make_app()
    assert app.config["RESOURCING_FTE"] == {"simple": 0.1}
    with app.app_context():
        from healthcheck.services import resourcing

        assert (resourcing.standards()["simple"].fte, resourcing.standards()["complex"].fte) == (0.1, 0.5)
