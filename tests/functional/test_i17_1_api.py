"""Issue 17 item 1: the REST API and personal access tokens.

Tokens (hashed at rest, shown once, expiry, revocation, scope), access (another user's
alliance is 404), the k rule as on the report page, problem details, cursor pagination,
ETag, the per-token rate limit and CSRF only for cookie sessions.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Alliance, ApiToken, AuditEvent, Invitation, hash_token
from healthcheck.models.base import utcnow
from healthcheck.services import api_tokens, users

PROBLEM = "application/problem+json"
TOKEN_RE = re.compile(r'<code id="new-token">([^<]+)</code>')


@pytest.fixture
def token_for(app):
    """A token of the user (created when missing) with ``scope``; returns its secret."""

    def make(email="manager@example.com", role="manager", scope="write", days=30, now=None):
        with app.app_context():
            user = users.by_email(email) or users.create(email, role, "correct-horse-battery")
            _token, secret = api_tokens.create(user, "test", scope, days, now=now)
            db.session.commit()
            return secret

    return make


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def closed_round(app, make_alliance, make_round, invite, answer_all):
    """Alliance (k = 3) owned by manager@example.com with a closed round: 3 answers on side A
    (all 5), 2 on side B (all 2) — side B is under k and must be hidden everywhere."""

    def make(owner="manager@example.com"):
        with app.app_context():
            if users.by_email(owner) is None:
                users.create(owner, "manager", "correct-horse-battery")
                db.session.commit()
        aid = make_alliance(owner=owner, name="Kestrel alliance")
        rid = make_round(aid, status="open")
        tokens = invite(rid, sides="AAABB")
        for t in tokens[:3]:
            answer_all(t, score=5)
        for t in tokens[3:]:
            answer_all(t, score=2)
        with app.app_context():
            from healthcheck.models import Round
            from healthcheck.services import rounds

            rounds.close_round(db.session.get(Round, rid))
            db.session.commit()
        return aid, rid

    return make


# --- tokens ------------------------------------------------------------------------------


def test_token_made_on_own_page_is_shown_once_and_stored_hashed(app, client, login, post):
    login()
    page = post(
        "/account/tokens", {"name": "nightly export", "scope": "read", "days": "30"}, "/account/tokens"
    )
    assert page.status_code == 200
    secret = TOKEN_RE.search(page.get_data(as_text=True)).group(1)
    assert page.headers["Cache-Control"] == "no-store"
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash == hash_token(secret)
        assert secret not in json.dumps([row.name, row.hint, row.token_hash, row.scope])
        assert row.scope == "read" and (row.expires_at - row.created_at) == timedelta(days=30)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "token.create")) is not None
    again = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in again and "nightly export" in again and row.hint in again
    assert client.get("/api/v1/alliances", headers=bearer(secret)).status_code == 200


def test_token_page_refuses_a_post_without_csrf(app, client, login):
    login()
    response = client.post("/account/tokens", data={"name": "x", "scope": "write", "days": "5"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_cli_prints_the_token_once_and_it_works(app, runner, make_user, client):
    make_user("viewer@example.com", "viewer")
    result = runner.invoke(
        args=["token", "create", "--email", "viewer@example.com", "--scope", "read", "--days", "7"]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("hct_")
    assert client.get("/api/v1/portfolio", headers=bearer(secret)).status_code == 200
    bad = runner.invoke(
        args=["token", "create", "--email", "viewer@example.com", "--scope", "read", "--days", "0"]
    )
    assert bad.exit_code == 2 and "days: a whole number from 1 to 366" in bad.output


def test_expired_and_revoked_tokens_are_refused(app, client, token_for, login, post):
    login()
    old = token_for(days=1, now=utcnow() - timedelta(days=2))
    response = client.get("/api/v1/alliances", headers=bearer(old))
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.json["type"] == "urn:healthcheck:problem:invalid-token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")

    fresh = token_for()
    assert client.get("/api/v1/alliances", headers=bearer(fresh)).status_code == 200
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(fresh)))
        token_id = row.id
        assert row.last_used_at is not None
    assert post(f"/account/tokens/{token_id}/revoke", {}, "/account/tokens").status_code == 302
    assert client.get("/api/v1/alliances", headers=bearer(fresh)).status_code == 401
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "token.revoke")) is not None


def test_someone_elses_token_cannot_be_revoked(app, client, token_for, login, post):
    theirs = token_for("other@example.com", "manager")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    login()
    post(f"/account/tokens/{token_id}/revoke", {}, "/account/tokens")
    assert client.get("/api/v1/alliances", headers=bearer(theirs)).status_code == 200


def test_a_read_token_cannot_write(app, client, token_for):
    body = {"name": "Heron", "side_a": "Aurora Pharma", "side_b": "Heron Bio", "segment": "typical"}
    read = token_for(scope="read")
    refused = client.post("/api/v1/alliances", json=body, headers=bearer(read))
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert refused.json["type"] == "urn:healthcheck:problem:insufficient-scope"
    with app.app_context():
        assert db.session.scalar(select(Alliance)) is None
    write = token_for(scope="write")
    made = client.post("/api/v1/alliances", json=body, headers=bearer(write))
    assert made.status_code == 201, made.json
    assert made.json["name"] == "Heron" and made.json["sides"] == {"A": "Aurora Pharma", "B": "Heron Bio"}


def test_no_token_is_401_and_a_cookie_session_never_skips_csrf(app, client, login):
    assert client.get("/api/v1/alliances").status_code == 401
    login()  # a logged-in browser session, no bearer token
    body = {"name": "Heron", "side_a": "Aurora Pharma", "side_b": "Heron Bio", "segment": "typical"}
    response = client.post("/api/v1/alliances", json=body)
    assert response.status_code == 400  # CSRF refused it before anything else
    assert client.get("/api/v1/alliances").status_code == 401  # cookies do not authenticate the API
    with app.app_context():
        assert db.session.scalar(select(Alliance)) is None


# --- access and the k rule ---------------------------------------------------------------


def test_objects_of_an_alliance_without_access_are_404(app, client, token_for, closed_round):
    aid, rid = closed_round()
    outsider = token_for("viewer@example.com", "viewer", scope="read")
    other_manager = token_for("other@example.com", "manager", scope="write")
    for secret in (outsider, other_manager):
        for path in (
            "",
            "/rounds",
            f"/rounds/{rid}",
            f"/rounds/{rid}/report",
            "/trend",
            "/actions",
            "/timeline",
        ):
            response = client.get(f"/api/v1/alliances/{aid}{path}", headers=bearer(secret))
            assert response.status_code == 404, path
            assert response.mimetype == PROBLEM and response.json["status"] == 404
        assert client.get("/api/v1/alliances", headers=bearer(secret)).json["items"] == []
    note = {"kind": "note", "title": "x", "happened_on": "2026-11-01"}
    response = client.post(f"/api/v1/alliances/{aid}/notes", json=note, headers=bearer(other_manager))
    assert response.status_code == 404


def test_suppressed_side_is_suppressed_in_the_api_as_on_the_page(
    app, client, token_for, closed_round, runner
):
    aid, rid = closed_round()
    secret = token_for()
    report = client.get(f"/api/v1/alliances/{aid}/rounds/{rid}/report", headers=bearer(secret))
    assert report.status_code == 200
    data = report.json
    assert data["k_anonymity"] == 3
    for dim in data["dimensions"]:
        assert dim["B"]["suppressed"] is True and set(dim["B"]) == {"n", "suppressed"}  # no mean, …
        assert dim["A"]["n"] == 3 and dim["A"]["mean"] == 5.0
    for question in data["questions"]:
        assert question["B"].get("suppressed") is True and "mean" not in question["B"]
    # the page: the same figure is "not shown"
    client.post(
        "/login",
        data={
            "email": "manager@example.com",
            "password": "correct-horse-battery",
            "csrf_token": _csrf(client),
        },
    )
    page = client.get(f"/alliances/{aid}/rounds/{rid}/report").get_data(as_text=True)
    assert f"n={data['dimensions'][0]['B']['n']} · not shown" in page
    assert data["sides"]["B"]["submitted"] == 2 and data["sides"]["B"]["health_index"] is None
    # the same builder as `healthcheck report --format json`, byte for byte
    cli = runner.invoke(args=["report", "--alliance", "Kestrel alliance", "--round", "2026-Q4"])
    assert cli.exit_code == 0
    assert cli.stdout == report.get_data(as_text=True) + "\n"


def _csrf(client):
    from tests.conftest import csrf_token

    return csrf_token(client)


def test_report_of_an_open_round_is_a_409_problem(app, client, token_for, make_alliance, make_round):
    secret = token_for()
    aid = make_alliance(owner="manager@example.com")
    rid = make_round(aid, status="open")
    response = client.get(f"/api/v1/alliances/{aid}/rounds/{rid}/report", headers=bearer(secret))
    assert response.status_code == 409 and response.mimetype == PROBLEM
    assert response.json["type"] == "urn:healthcheck:problem:report-not-ready"


# --- problems, pages, ETag, rate limit ----------------------------------------------------


def test_invalid_input_is_a_problem_listing_each_field_in_the_services_words(app, client, token_for):
    body = {"name": "", "side_a": "Aurora", "side_b": "aurora", "segment": "huge", "k_anonymity": 1}
    response = client.post("/api/v1/alliances", json=body, headers=bearer(token_for()))
    assert response.status_code == 422 and response.mimetype == PROBLEM
    problem = response.json
    assert problem["type"] == "urn:healthcheck:problem:invalid-input"
    assert problem["title"] == "Invalid input" and problem["status"] == 422
    errors = {e["field"]: e["detail"] for e in problem["errors"]}
    assert errors["name"] == "name: required"
    assert errors["side_b"] == "side B: must be a different organisation from side A"
    assert errors["segment"].startswith("segment: one of ") and "(got 'huge')" in errors["segment"]
    assert errors["k_anonymity"] == "anonymity threshold: a whole number of at least 3"
    with app.app_context():
        assert db.session.scalar(select(Alliance)) is None


def test_schema_errors_name_the_field_and_unknown_paths_are_problems(app, client, token_for):
    secret = token_for()
    response = client.post("/api/v1/alliances", json={"k_anonymity": "three"}, headers=bearer(secret))
    assert response.status_code == 422
    assert {"field": "k_anonymity", "detail": "k_anonymity: a whole number"} in response.json["errors"]
    missing = client.get("/api/v1/nothing-here", headers=bearer(secret))
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    assert client.get("/api/v1/alliances?limit=0", headers=bearer(secret)).json["errors"] == [
        {"field": "limit", "detail": "limit: from 1 to 100"}
    ]
    nul = client.post("/api/v1/alliances", json={"name": "a\x00b"}, headers=bearer(secret))
    assert nul.status_code == 422 and nul.json["errors"][0]["field"] == "name"


def test_cursor_pages_list_everything_once(app, client, token_for, make_alliance):
    secret = token_for()
    for _ in range(5):
        make_alliance(owner="manager@example.com")
    seen, url = [], "/api/v1/alliances?limit=2"
    while url:
        page = client.get(url, headers=bearer(secret)).json
        assert len(page["items"]) <= 2
        seen += [a["id"] for a in page["items"]]
        url = page["next"]
    assert len(seen) == 5 and seen == sorted(set(seen))
    tampered = client.get("/api/v1/alliances?cursor=eyJhZnRlciI6MX0.bad", headers=bearer(secret))
    assert tampered.status_code == 400 and tampered.json["errors"][0]["field"] == "cursor"


def test_report_etag_gives_304_when_unchanged(app, client, token_for, closed_round):
    aid, rid = closed_round()
    secret = token_for()
    url = f"/api/v1/alliances/{aid}/rounds/{rid}/report"
    first = client.get(url, headers=bearer(secret))
    etag = first.headers["ETag"]
    assert etag
    again = client.get(url, headers={**bearer(secret), "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get(url, headers={**bearer(secret), "If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.get_data() == first.get_data()


def test_rate_limit_is_per_token_and_a_problem(make_app, database_uri):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    with app.app_context():
        user = users.create("manager@example.com", "manager", "correct-horse-battery")
        secrets = [api_tokens.create(user, f"t{i}", "read", 5)[1] for i in range(2)]
        db.session.commit()
    client = app.test_client()
    codes = [client.get("/api/v1/alliances", headers=bearer(secrets[0])).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/alliances", headers=bearer(secrets[0]))
    assert limited.mimetype == PROBLEM and limited.json["status"] == 429
    assert client.get("/api/v1/alliances", headers=bearer(secrets[1])).status_code == 200


# --- writing -----------------------------------------------------------------------------


def test_round_life_and_bulk_invitations_through_the_api(app, client, token_for, make_alliance):
    secret = token_for()
    aid = make_alliance(owner="manager@example.com")
    made = client.post(
        f"/api/v1/alliances/{aid}/rounds",
        json={"label": "2027-Q1", "questionnaire": "alliance-health-check", "auto_open": False},
        headers=bearer(secret),
    )
    assert made.status_code == 201, made.json
    rid = made.json["id"]
    assert made.json["status"] == "draft" and made.json["questionnaire"].startswith("alliance-health-check@")
    people = [
        {"name": "Ann", "email": "ann@example.com", "side": "A"},
        {"name": "Bob", "email": "bob@example.com", "side": "B"},
    ]
    issued = client.post(
        f"/api/v1/alliances/{aid}/rounds/{rid}/invitations", json={"invitees": people}, headers=bearer(secret)
    )
    assert issued.status_code == 201, issued.json
    links = [i["link"] for i in issued.json["items"]]
    assert all("/r/" in link or "respond" in link or link.startswith("http") for link in links)
    with app.app_context():
        stored = db.session.scalars(select(Invitation)).all()
        assert len(stored) == 2
    bad = client.post(
        f"/api/v1/alliances/{aid}/rounds/{rid}/invitations",
        json={"invitees": [{"name": "C", "email": "not-an-email", "side": "C"}, people[0]]},
        headers=bearer(secret),
    )
    assert bad.status_code == 422
    assert all(e["field"].startswith("invitees[") for e in bad.json["errors"])
    opened = client.post(f"/api/v1/alliances/{aid}/rounds/{rid}/open", headers=bearer(secret))
    assert opened.status_code == 200 and opened.json["round"]["status"] == "open"
    assert client.get(links[0].removeprefix("http://localhost")).status_code == 200
    later = (utcnow().date() + timedelta(days=40)).isoformat()
    extended = client.post(
        f"/api/v1/alliances/{aid}/rounds/{rid}/extend", json={"closes_on": later}, headers=bearer(secret)
    )
    assert extended.status_code == 200 and extended.json["round"]["closes_on"] == later
    refused = client.post(f"/api/v1/alliances/{aid}/rounds/{rid}/close", json={}, headers=bearer(secret))
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "confirm"
    closed = client.post(
        f"/api/v1/alliances/{aid}/rounds/{rid}/close", json={"confirm": True}, headers=bearer(secret)
    )
    assert closed.status_code == 200 and closed.json["round"]["status"] == "closed"
    again = client.post(f"/api/v1/alliances/{aid}/rounds/{rid}/open", headers=bearer(secret))
    assert again.status_code == 409 and again.mimetype == PROBLEM


def test_actions_notes_and_timeline(app, client, token_for, make_alliance):
    secret = token_for()
    aid = make_alliance(owner="manager@example.com")
    action = client.post(
        f"/api/v1/alliances/{aid}/actions",
        json={
            "title": "Joint steering monthly",
            "owner": "Ann",
            "due_on": "2027-03-01",
            "visibility": "joint",
        },
        headers=bearer(secret),
    )
    assert action.status_code == 201, action.json
    done = client.patch(
        f"/api/v1/alliances/{aid}/actions/{action.json['id']}",
        json={"status": "done"},
        headers=bearer(secret),
    )
    assert done.status_code == 200 and done.json["status"] == "done"
    note = client.post(
        f"/api/v1/alliances/{aid}/notes",
        json={
            "kind": "decision",
            "title": "Go to phase 3",
            "body": "Both agreed.",
            "happened_on": "2026-11-20",
        },
        headers=bearer(secret),
    )
    assert note.status_code == 201
    listed = client.get(f"/api/v1/alliances/{aid}/actions", headers=bearer(secret)).json
    assert [a["title"] for a in listed["items"]] == ["Joint steering monthly"]
    events = client.get(f"/api/v1/alliances/{aid}/timeline?kind=decision", headers=bearer(secret)).json
    assert [e["title"] for e in events["items"]] == ["Go to phase 3"]
    bad = client.get(f"/api/v1/alliances/{aid}/timeline?kind=party", headers=bearer(secret))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "kind"


def test_openapi_document_is_3_1_and_the_page_is_served_locally(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/alliances/{alliance_id}/rounds/{round_id}/report" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "GET /api/v1/portfolio" in text
    assert "<script" not in text  # nothing fetched from elsewhere


def test_report_changes_with_its_stored_summary_and_the_old_etag_no_longer_matches(
    app, client, token_for, closed_round
):
    aid, rid = closed_round()
    secret = token_for()
    url = f"/api/v1/alliances/{aid}/rounds/{rid}/report"
    first = client.get(url, headers=bearer(secret))
    assert first.json["alliance"]["name"] == "Kestrel alliance"
    with app.app_context():
        from healthcheck.models import Round
        from healthcheck.services import alliances, summaries

        alliance = db.session.get(Alliance, aid)
        data = alliances.AllianceData(
            name="Kestrel renamed",
            side_a=alliance.side_a.name,
            side_b=alliance.side_b.name,
            segment=alliance.segment,
            k_anonymity=alliance.k_anonymity,
        )
        alliances.save(data, None, alliance)
        summaries.refresh_round(db.session.get(Round, rid))
        db.session.commit()
    changed = client.get(url, headers={**bearer(secret), "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.json["alliance"]["name"] == "Kestrel renamed"
    assert changed.headers["ETag"] != first.headers["ETag"]


# --- facts (issue 16 through the API) -----------------------------------------------------


def test_facts_written_through_the_api_reach_the_report_and_bad_ones_change_nothing(
    app, client, token_for, closed_round
):
    """Two milestones due before the round closed, one met 10 days late (on time), one missed:
    on_time_rate = 1/2 beside the milestones dimension of the report the API serves."""
    aid, rid = closed_round()
    secret = token_for()
    base = f"/api/v1/alliances/{aid}/facts"
    met = {"key": "ind", "title": "IND filed", "planned_on": "2020-01-01", "actual_on": "2020-01-11"}
    made = client.post(f"{base}/milestones", json=met | {"status": "met"}, headers=bearer(secret))
    assert made.status_code == 201, made.json
    assert made.json["values"]["actual_on"] == "2020-01-11"
    missed = {"key": "fih", "title": "First patient", "planned_on": "2020-02-01", "status": "missed"}
    assert client.post(f"{base}/milestones", json=missed, headers=bearer(secret)).status_code == 201

    bad = client.post(
        f"{base}/budget",
        json={
            "period_start": "2020-01-01",
            "period_end": "2020-03-31",
            "line": "CMC",
            "planned": -5,
            "actual": 10,
            "currency": "EUR",
        },
        headers=bearer(secret),
    )
    assert bad.status_code == 422
    assert any(e["detail"].startswith("planned: a number ≥ 0") for e in bad.json["errors"])
    read_only = client.post(
        f"{base}/milestones", json=missed | {"key": "x"}, headers=bearer(token_for(scope="read"))
    )
    assert read_only.status_code == 403

    listed = client.get(base, headers=bearer(secret)).json
    assert [f["values"]["key"] for f in listed["milestones"]] == ["ind", "fih"]
    assert listed["budget"] == [] and listed["delivery"] == []
    report = client.get(f"/api/v1/alliances/{aid}/rounds/{rid}/report", headers=bearer(secret)).json
    milestones = next(d for d in report["dimensions"] if d["key"] == "milestones")
    assert milestones["facts"]["on_time_rate"] == 0.5
