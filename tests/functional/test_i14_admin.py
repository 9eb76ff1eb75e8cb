"""Issue 14 item 9: administration in the app — accounts, roles, deactivation, a manager's
capacity — and the owners/members picker that shows a manager only their alliances' people."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import AuditEvent, User
from tests.conftest import csrf_token

ADMIN = "admin@example.com"
ADMIN_PASSWORD = "correct-horse-battery-admin"


@pytest.fixture
def admin(login):
    return login(ADMIN, "admin", ADMIN_PASSWORD)


def _user(app, email) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def _audited(app, action) -> list[dict]:
    with app.app_context():
        return [e.detail for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_i14_9_admin_creates_an_account_with_a_capacity(app, client, admin):
    page = client.get("/admin/users").get_data(as_text=True)
    assert "administrator" in page and "New account" in page
    created = client.post(
        "/admin/users",
        data={
            "email": "Nina@Example.com",
            "name": "Nina Novak",
            "role": "manager",
            "password": "a long pass phrase",
            "capacity_fte": "0.5",
            "csrf_token": csrf_token(client, "/admin/users"),
        },
    )
    assert created.status_code == 302
    nina = _user(app, "nina@example.com")
    assert (nina.role, nina.name, nina.capacity_fte, nina.active) == ("manager", "Nina Novak", 0.5, True)
    assert _audited(app, "user.create")[-1] == {"role": "manager"}
    assert _audited(app, "user.capacity") == [{"old": 1.0, "new": 0.5}]
    listed = client.get("/admin/users").get_data(as_text=True)
    assert "nina@example.com" in listed and "0.5 FTE" in listed and "alliance manager" in listed
    other = app.test_client()
    token = csrf_token(other)
    login = other.post(
        "/login", data={"email": "nina@example.com", "password": "a long pass phrase", "csrf_token": token}
    )
    assert login.status_code == 302


def test_i14_9_bad_new_account_names_each_field_and_adds_nobody(app, client, admin):
    before = len(_all(app))
    refused = client.post(
        "/admin/users",
        data={
            "email": ADMIN,
            "role": "admin",
            "password": "short",
            "capacity_fte": "1",
            "csrf_token": csrf_token(client, "/admin/users"),
        },
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert f"a user {ADMIN} already exists" in page and "at least 12 characters" in page
    too_much = client.post(
        "/admin/users",
        data={
            "email": "x@example.com",
            "role": "manager",
            "password": "a long pass phrase",
            "capacity_fte": "3",
            "csrf_token": csrf_token(client, "/admin/users"),
        },
    )
    assert too_much.status_code == 400
    assert len(_all(app)) == before


def _all(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(User.email)))


def _change(client, user_id, **fields):
    data = {
        "name": "",
        "role": "manager",
        "capacity_fte": "1",
        "csrf_token": csrf_token(client, "/admin/users"),
    }
    data.update(fields)
    if data.get("active") is False:
        del data["active"]
    return client.post(f"/admin/users/{user_id}", data=data)


def test_i14_9_admin_changes_role_capacity_and_deactivates(app, client, admin, make_user):
    uid = make_user("m@example.com", "manager")
    them = app.test_client()
    token = csrf_token(them)
    them.post(
        "/login", data={"email": "m@example.com", "password": "correct-horse-battery", "csrf_token": token}
    )
    assert them.get("/portfolio").status_code == 200
    assert _change(client, uid, name="Max", role="viewer", capacity_fte="0.25", active="y").status_code == 302
    changed = _user(app, "m@example.com")
    assert (changed.name, changed.role, changed.capacity_fte, changed.active) == ("Max", "viewer", 0.25, True)
    assert _audited(app, "user.role") == [{"old": "manager", "new": "viewer"}]
    assert them.get("/portfolio").status_code == 302  # a new role ends the sessions
    assert (
        _change(client, uid, name="Max", role="viewer", capacity_fte="0.25", active=False).status_code == 302
    )
    assert _user(app, "m@example.com").active is False
    assert len(_audited(app, "user.deactivate")) == 1
    again = app.test_client()
    token = csrf_token(again)
    refused = again.post(
        "/login", data={"email": "m@example.com", "password": "correct-horse-battery", "csrf_token": token}
    )
    assert refused.status_code != 302
    assert "deactivated" in client.get("/admin/users").get_data(as_text=True)


def test_i14_9_admin_cannot_lock_themselves_or_everyone_out(app, client, admin):
    me = _user(app, ADMIN)
    refused = _change(client, me.id, role="manager", active="y")
    assert refused.status_code == 400
    assert "your own admin rights" in refused.get_data(as_text=True)
    assert _user(app, ADMIN).role == "admin"
    from healthcheck.services import users
    from healthcheck.services.errors import InvalidInput

    with app.app_context(), pytest.raises(InvalidInput, match="last active admin"):
        users.change(db.session.get(User, me.id), users.Change(active=False), actor=None)


def test_i14_9_a_manager_cannot_reach_the_admin_pages(app, client, login, make_user):
    uid = make_user("other@example.com", "manager")
    login()
    for url in ("/admin/users", f"/admin/users/{uid}", "/admin/jobs", "/admin/audit"):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/portfolio")
    posted = client.post(
        "/admin/users",
        data={
            "email": "new@example.com",
            "role": "admin",
            "password": "a long pass phrase!",
            "capacity_fte": "1",
            "csrf_token": token,
        },
    )
    assert posted.status_code == 403
    assert client.post(f"/admin/users/{uid}", data={"role": "admin", "csrf_token": token}).status_code == 403
    assert _user(app, "other@example.com").role == "manager" and "new@example.com" not in _all(app)
    assert "/admin/" not in client.get("/portfolio").get_data(as_text=True)


def test_i14_9_admin_forms_need_csrf(app, client, admin, make_user):
    uid = make_user("m@example.com", "manager")
    assert client.post(f"/admin/users/{uid}", data={"role": "viewer", "capacity_fte": "1"}).status_code == 400
    assert _user(app, "m@example.com").role == "manager"


# --- the owners and members picker ---------------------------------------------------------


def _alliance_form(**overrides) -> dict:
    data = {
        "name": "Picked",
        "side_a": "Aurora",
        "side_b": "Helix",
        "segment": "typical",
        "phase": "development",
        "alliance_type": "R&D",
        "k_anonymity": "3",
    }
    data.update(overrides)
    return data


def test_i14_9_picker_lists_only_the_people_on_the_managers_alliances(
    app, client, login, make_user, make_alliance
):
    make_user("colleague@example.com", "manager")
    make_user("reader@example.com", "viewer")
    make_user("stranger@example.com", "manager")
    make_user("strangers-reader@example.com", "viewer")
    login()
    make_alliance(owner="manager@example.com", members=["reader@example.com", "colleague@example.com"])
    make_alliance(owner="stranger@example.com", members=["strangers-reader@example.com"])
    page = client.get("/alliances/new").get_data(as_text=True)
    assert "stranger" not in page  # no other account appears
    owners = re.findall(r'name="owners_pick"[^>]*value="(\d+)"', page) or re.findall(
        r'value="(\d+)"[^>]*name="owners_pick"', page
    )
    members = re.findall(r'name="members_pick"[^>]*value="(\d+)"', page) or re.findall(
        r'value="(\d+)"[^>]*name="members_pick"', page
    )
    ids = {
        e: _user(app, e).id for e in ("manager@example.com", "colleague@example.com", "reader@example.com")
    }
    assert sorted(map(int, owners)) == sorted([ids["manager@example.com"], ids["colleague@example.com"]])
    assert sorted(map(int, members)) == sorted(ids.values())
    made = client.post(
        "/alliances/new",
        data=_alliance_form(
            owners_pick=[ids["manager@example.com"], ids["colleague@example.com"]],
            members_pick=[ids["reader@example.com"]],
            csrf_token=csrf_token(client, "/alliances/new"),
        ),
    )
    assert made.status_code == 302
    with app.app_context():
        from healthcheck.services import alliances

        a = alliances.by_name("Picked")
        assert [u.email for u in a.owners] == ["colleague@example.com", "manager@example.com"]
        assert [u.email for u in a.members] == ["reader@example.com"]


def test_i14_9_a_manager_cannot_name_an_account_outside_their_alliances(
    app, client, login, make_user, make_alliance
):
    """Typed or forged: an existing manager elsewhere gets the same answer as no account at all."""
    stranger = make_user("stranger@example.com", "manager")
    login()
    make_alliance(owner="manager@example.com")
    pages = {}
    for email in ("stranger@example.com", "nobody@example.com"):
        refused = client.post(
            "/alliances/new",
            data=_alliance_form(owners=email, csrf_token=csrf_token(client, "/alliances/new")),
        )
        assert refused.status_code == 400
        page = refused.get_data(as_text=True).replace(email, "EMAIL")
        pages[email] = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", page)  # time-stamped token
    assert pages["stranger@example.com"] == pages["nobody@example.com"]
    forged = client.post(
        "/alliances/new",
        data=_alliance_form(owners_pick=[stranger], csrf_token=csrf_token(client, "/alliances/new")),
    )
    assert forged.status_code == 400
    with app.app_context():
        from healthcheck.services import alliances

        assert alliances.by_name("Picked") is None


def test_i14_9_admins_still_name_any_account(app, client, admin, make_user):
    make_user("anyone@example.com", "manager")
    made = client.post(
        "/alliances/new",
        data=_alliance_form(owners="anyone@example.com", csrf_token=csrf_token(client, "/alliances/new")),
    )
    assert made.status_code == 302
