"""Issue 17 item 1: PATCH /api/v1/alliances/{id} changes the fields of the alliance's edit page.

Partial (a field left out keeps its value), the same service, access rules and audit as the
edit page, refusals as problem documents naming the field and what is allowed, nothing
written on a refusal, 404 for an alliance the token's user may not see.
"""

from __future__ import annotations

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Alliance, AuditEvent
from healthcheck.services import api_tokens, users

PROBLEM = "application/problem+json"


def _token(app, email="manager@example.com", role="manager", scope="write"):
    with app.app_context():
        user = users.by_email(email) or users.create(email, role, "correct-horse-battery")
        secret = api_tokens.create(user, "test", scope, 30)[1]
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}


def _state(app, aid):
    with app.app_context():
        a = db.session.get(Alliance, aid)
        return {
            "name": a.name,
            "side_a": a.side_a.name,
            "side_b": a.side_b.name,
            "segment": a.segment,
            "phase": a.phase,
            "alliance_type": a.alliance_type,
            "k": a.k_anonymity,
            "cadence": a.cadence_months,
            "review_days": a.review_days,
            "languages": (a.side_a_language, a.side_b_language),
            "owners": sorted(u.email for u in a.owners),
            "members": sorted(u.email for u in a.members),
        }


def _updates(app, aid):
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "alliance.update", AuditEvent.object_id == aid)
            )
        )


def test_patch_changes_only_the_named_fields_and_is_audited(app, client, make_user, make_alliance):
    headers = _token(app)
    make_user("viewer@example.com", "viewer")
    aid = make_alliance(owner="manager@example.com", name="Osprey", members=["viewer@example.com"])
    before = _state(app, aid)
    assert before["k"] == 3 and before["review_days"] == 10 and before["languages"] == ("en", "en")

    body = {"k_anonymity": 5, "review_days": 14, "side_b_language": "de", "phase": "commercial"}
    response = client.patch(f"/api/v1/alliances/{aid}", json=body, headers=headers)

    assert response.status_code == 200, response.json
    assert response.json["k_anonymity"] == 5 and response.json["review_days"] == 14
    assert response.json["side_a_language"] == "en" and response.json["side_b_language"] == "de"
    assert response.json["name"] == "Osprey" and response.json["sides"] == {
        "A": "Aurora Pharma",
        "B": "Partner 1",
    }
    after = _state(app, aid)
    expected = {**before, "k": 5, "review_days": 14, "languages": ("en", "de"), "phase": "commercial"}
    assert after == expected  # owners and the member kept, every other field as it was
    assert after["members"] == ["viewer@example.com"] and after["owners"] == ["manager@example.com"]
    with app.app_context():
        manager_id = users.by_email("manager@example.com").id
    assert [e.actor_id for e in _updates(app, aid)] == [manager_id]  # audited as the edit page does


def test_patch_members_and_a_null_cadence(app, client, make_user, make_alliance):
    headers = _token(app)
    make_user("viewer@example.com", "viewer")
    aid = make_alliance(owner="manager@example.com", members=["viewer@example.com"])
    set_cadence = client.patch(f"/api/v1/alliances/{aid}", json={"cadence_months": 6}, headers=headers)
    assert set_cadence.json["cadence_months"] == 6
    cleared = client.patch(
        f"/api/v1/alliances/{aid}", json={"cadence_months": None, "member_emails": []}, headers=headers
    )
    assert cleared.status_code == 200 and cleared.json["cadence_months"] is None
    assert _state(app, aid)["members"] == [] and _state(app, aid)["owners"] == ["manager@example.com"]


def test_a_bad_field_is_a_problem_naming_it_and_nothing_changes(app, client, make_alliance):
    headers = _token(app)
    aid = make_alliance(owner="manager@example.com", name="Osprey")
    before = _state(app, aid)
    url = f"/api/v1/alliances/{aid}"

    # the service's checks: one bad field refuses the whole change, the good one included
    response = client.patch(
        url, json={"name": "Renamed", "k_anonymity": 2, "review_days": 61}, headers=headers
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.json["type"] == "urn:healthcheck:problem:invalid-input"
    errors = {e["field"]: e["detail"] for e in response.json["errors"]}
    assert errors == {
        "k_anonymity": "anonymity threshold: a whole number of at least 3",
        "review_days": "review window: a whole number of days from 0 (publish at once) to 60",
    }
    # the schema's checks name what is allowed
    language = client.patch(url, json={"side_a_language": "nl"}, headers=headers)
    assert language.status_code == 422
    assert language.json["errors"] == [
        {"field": "side_a_language", "detail": "side_a_language: one of en, de, fr, es, ja"}
    ]
    unknown = client.patch(url, json={"colour": "red"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "colour"
    assert "the fields are name, side_a, side_b," in unknown.json["errors"][0]["detail"]
    null = client.patch(url, json={"name": None}, headers=headers)
    assert null.status_code == 422 and null.json["errors"] == [
        {"field": "name", "detail": "name: text, not null"}
    ]
    assert _state(app, aid) == before and _updates(app, aid) == []


def test_another_managers_alliance_is_404_and_a_member_is_403(app, client, make_user, make_alliance):
    make_user("manager@example.com", "manager")
    make_user("viewer@example.com", "viewer")
    aid = make_alliance(owner="manager@example.com", members=["viewer@example.com"])
    before = _state(app, aid)
    other = _token(app, "other@example.com", "manager")
    hidden = client.patch(f"/api/v1/alliances/{aid}", json={"name": "Mine now"}, headers=other)
    missing = client.patch("/api/v1/alliances/999999", json={"name": "Mine now"}, headers=other)
    assert hidden.status_code == 404 and hidden.mimetype == PROBLEM
    assert hidden.json == missing.json  # an alliance one may not see reads as one that does not exist
    member = _token(app, "viewer@example.com", "viewer")
    seen = client.patch(f"/api/v1/alliances/{aid}", json={"name": "Mine now"}, headers=member)
    assert seen.status_code == 403 and seen.json["type"] == "urn:healthcheck:problem:not-allowed"
    assert _state(app, aid) == before


def test_a_read_token_cannot_patch(app, client, make_alliance):
    read = _token(app, scope="read")
    aid = make_alliance(owner="manager@example.com", name="Osprey")
    response = client.patch(f"/api/v1/alliances/{aid}", json={"name": "Renamed"}, headers=read)
    assert response.status_code == 403 and response.mimetype == PROBLEM
    assert response.json["type"] == "urn:healthcheck:problem:insufficient-scope"
    assert _state(app, aid)["name"] == "Osprey"


def test_an_admin_patches_any_alliance_and_the_document_lists_the_operation(
    app, client, make_user, make_alliance
):
    make_user("manager@example.com", "manager")
    aid = make_alliance(owner="manager@example.com", name="Osprey")
    admin = _token(app, "admin@example.com", "admin")
    response = client.patch(f"/api/v1/alliances/{aid}", json={"alliance_type": "supplier"}, headers=admin)
    assert response.status_code == 200 and response.json["alliance_type"] == "supplier"
    spec = client.get("/api/v1/openapi.json").json
    patch = spec["paths"]["/api/v1/alliances/{alliance_id}"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/AlliancePatch"
    assert spec["components"]["schemas"]["AlliancePatch"].get("required") in (None, [])


def test_create_takes_the_review_window_and_the_side_languages(app, client):
    headers = _token(app)
    body = {
        "name": "Kite",
        "side_a": "Aurora Pharma",
        "side_b": "Kite Bio",
        "segment": "typical",
        "north_star": "x",
        "review_days": 4,
        "side_b_language": "ja",
    }
    created = client.post("/api/v1/alliances", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    got = _state(app, created.get_json()["id"])
    assert got["review_days"] == 4 and got["languages"] == ("en", "ja")
    plain = client.post(
        "/api/v1/alliances",
        json={**body, "name": "Kite 2", "review_days": None, "side_b_language": "en"},
        headers=headers,
    )
    assert _state(app, plain.get_json()["id"])["review_days"] == 10  # null: the default window
    bad = client.post(
        "/api/v1/alliances", json={**body, "name": "Kite 3", "side_a_language": "it"}, headers=headers
    )
    assert bad.status_code == 422 and bad.content_type == PROBLEM
    assert "side_a_language" in bad.get_data(as_text=True) and "en, de, fr, es, ja" in bad.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(Alliance).where(Alliance.name == "Kite 3")) is None
