"""Every route of the URL map, driven as every kind of caller.

Each endpoint must have a policy below: a new route without one fails this test. Where
access is not granted the answer must be 403/404 (or, for anonymous callers, the login
page); where it is granted, anything but those.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Action, BudgetLine, Invitation, PanelCheckLink, Round, ShareLink, User
from tests.conftest import csrf_token

PUBLIC = {"auth.login", "ops.healthz", "static", "bootstrap.static", "favicon", "slim_bootstrap"}
PUBLIC |= {"api-docs.openapi_json", "api_page.page"}  # the API's description, no data
# /api/v1 answers bearer tokens only: every cookie caller here is refused (401)
BEARER = {
    "api." + name
    for name in [
        "portfolio_lines",
        "list_alliances",
        "get_alliance",
        "update_alliance",  # PATCH
        "list_rounds",
        "get_round",
        "round_report",
        "trend",
        "list_actions",
        "timeline",
        "create_alliance",
        "create_round",
        "open_round",
        "close_round",
        "extend_round",
        "invite",
        "create_action",
        "update_action",
        "add_note",
        "list_facts",
        "add_milestone",
        "add_budget_line",
        "add_delivery_kpi",
    ]
}
OWN = {"tokens.revoke"}  # the token in the URL is the owner's
REDIRECTS = {"portfolio.home"}  # sends you to the portfolio or the login page
# the token is the key
TOKEN = {"respond.welcome", "respond.answer", "respond.thanks", "respond.opened", "reports.shared"}
TOKEN |= {"respond.language"}  # issue 17: the respondent switches language
TOKEN |= {"steering.shared_pack", "steering.shared_actions", "steering.panel", "checkin.checkin"}  # issue 15
# the joint review's partner reviewers (issue 15): their personal link is the key
TOKEN |= {"review.partner_page", "review.partner_comment", "review.partner_propose", "review.partner_accept"}
SIGNED_IN = {"portfolio.index", "portfolio.segments", "search.index", "auth.logout", "tokens.index"}
SIGNED_IN |= {"account.language"}  # issue 17: a user sets their own language
CREATE = {"alliances.new", "webhooks.index"}
SSO_OFF = {"sso.start", "sso.callback"}  # single sign-on is not configured here: 404 for everyone
VIEW = {
    "alliances.detail",
    "rounds.detail",
    "reports.round_report",
    "reports.round_export",
    "reports.round_chart",
    "reports.trend",
    "reports.trend_export",
    "reports.trend_chart",
    "memory.timeline",
    "steering.round_pack",
    "facts.index",  # issue 16
    "facts.review",
    "facts.review_export",
    "briefing.page",
    "briefing.pdf",
}
EDIT = {
    "alliances.edit",
    "rounds.new",
    "rounds.invite",
    "rounds.invite_bulk",
    "rounds.transition",
    "rounds.confirm_close",
    "rounds.extend",
    "rounds.invitation_op",
    "rounds.confirm",
    "rounds.remind",
    "reports.share",
    "reports.revoke_share",
    "memory.add_note",
    "memory.handoff",
    "memory.new_action",
    "memory.action_status",
    "webhooks.show",
    "webhooks.send_test",
    "webhooks.new_secret",
    "webhooks.delete",
    "steering.create_panel_check",
    "steering.revoke_panel_check",
    # the joint review (issue 15): side A's owners
    "review.owner_page",
    "review.add_reviewer",
    "review.revoke_reviewer",
    "review.owner_comment",
    "review.owner_propose",
    "review.owner_accept",
    "review.publish",
    "facts.add",  # issue 16
    "facts.edit",
    "facts.delete",
}
ADMIN = {"admin.audit_log", "admin.jobs", "admin.user_list", "admin.user_edit", "admin.questionnaire_library"}
ADMIN |= {"resourcing.index", "resourcing.handoff"}  # issue 16 item 4: the front door, for admins
CALLERS = [
    "anonymous",
    "respondent of another round",
    "partner of another round",
    "viewer not a member",
    "manager not owner",
    "member viewer",
    "owner",
    "admin",
]


@pytest.fixture
def world(app, make_user, make_alliance, make_round, invite, answer_all):
    for email, role in (
        ("owner@x.example", "manager"),
        ("other@x.example", "manager"),
        ("member@x.example", "viewer"),
        ("stranger@x.example", "viewer"),
        ("admin@x.example", "admin"),
    ):
        make_user(email, role)
    victim = make_alliance(owner="owner@x.example", members=["member@x.example"], name="Victim")
    closed = make_round(victim, "Closed")
    for token in invite(closed, "AAABBB"):
        answer_all(token, 4)
    invite(closed, "A")  # one who never answered
    other = make_alliance(owner="other@x.example", name="Other")
    other_round = make_round(other, "Theirs")
    respondent_token = invite(make_round(other, "Open"), "A")[0]
    with app.app_context():
        from healthcheck.services import actions, api_tokens, review_links, rounds, sharing, users

        rnd = db.session.get(Round, closed)
        rounds.close_round(rnd)
        _link, _ = sharing.create(rnd, None)
        actions.create(rnd.alliance, actions.ActionData("Fix it", "Ann", rnd.closes_on, "trust"), None, rnd)
        from healthcheck.services import webhooks

        owner = users.by_email("owner@x.example")
        hook, _ = webhooks.create(owner, "Hook", "https://hook.invalid/h", "plain", victim)
        reviewer = review_links.add_reviewer(rnd, "Rita Reviewer", "rita@x.example", None)
        theirs = db.session.get(Round, other_round)
        rounds.close_round(theirs)
        _, partner_token = sharing.create(theirs, None)
        db.session.add(PanelCheckLink(round_id=closed, token_hash="0" * 64, expires_at=rnd.closed_at))
        rnd.alliance.alliance_type = "supplier"  # its business review exists (issue 16)
        fact = BudgetLine(
            alliance_id=victim, period_start=rnd.opens_on, period_end=rnd.closes_on, line="Work",
            planned=100.0, actual=90.0, currency="EUR",
        )  # fmt: skip
        db.session.add(fact)
        db.session.commit()
        ids = {
            "alliance_id": victim,
            "round_id": closed,
            "invitation_id": db.session.scalar(
                select(Invitation.id).where(Invitation.round_id == closed, Invitation.status == "pending")
            ),
            "action_id": db.session.scalar(select(Action.id)),
            "share_id": db.session.scalar(select(ShareLink.id).where(ShareLink.round_id == closed)),
            "link_id": db.session.scalar(select(PanelCheckLink.id)),
            "token": "forged-token-that-matches-nothing",
            "user_id": db.session.scalar(select(User.id).where(User.email == "owner@x.example")),
            "hook_id": hook.id,
            "reviewer_id": reviewer.id,
            "fact_id": fact.id,
            "token_id": api_tokens.create(users.by_email("owner@x.example"), "matrix", "read", 5)[0].id,
        }
        db.session.commit()
    return ids, respondent_token, partner_token


def _urls(app, ids):
    for rule in app.url_map.iter_rules():
        args = {}
        for name in rule.arguments:
            converter = rule._converters.get(name)
            args[name] = sorted(converter.items)[0] if hasattr(converter, "items") else ids.get(name, "x")
        if rule.endpoint in ("static", "bootstrap.static"):
            args["filename"] = "app.css" if rule.endpoint == "static" else "css/bootstrap.min.css"
        path = rule.build(args, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule.endpoint, method, path


def _client_for(app, caller, respondent_token, partner_token):
    client = app.test_client()
    email = {
        "viewer not a member": "stranger@x.example",
        "manager not owner": "other@x.example",
        "member viewer": "member@x.example",
        "owner": "owner@x.example",
        "admin": "admin@x.example",
    }.get(caller)
    if email:
        client.post(
            "/login",
            data={"email": email, "password": "correct-horse-battery", "csrf_token": csrf_token(client)},
        )
    elif caller == "respondent of another round":
        assert client.get(f"/r/{respondent_token}").status_code == 200
    elif caller == "partner of another round":
        assert client.get(f"/shared/{partner_token}").status_code == 200
    return client


def _granted(endpoint: str, caller: str) -> bool:
    if endpoint in PUBLIC or endpoint in TOKEN:
        return True
    signed_in = caller in ("viewer not a member", "manager not owner", "member viewer", "owner", "admin")
    if endpoint in SIGNED_IN:
        return signed_in
    if endpoint in CREATE:
        return caller in ("manager not owner", "owner", "admin")
    if endpoint in VIEW:
        return caller in ("member viewer", "owner", "admin")
    if endpoint in EDIT:
        return caller in ("owner", "admin")
    if endpoint in ADMIN:
        return caller == "admin"
    if endpoint in SSO_OFF:
        return False
    if endpoint in BEARER:
        return False
    if endpoint in OWN:
        return caller == "owner"
    raise AssertionError(f"route {endpoint} has no access rule in this test: add one")


def test_every_route_has_a_policy(app):
    known = PUBLIC | REDIRECTS | TOKEN | SIGNED_IN | CREATE | VIEW | EDIT | ADMIN | SSO_OFF | BEARER | OWN
    missing = sorted({r.endpoint for r in app.url_map.iter_rules()} - known)
    assert not missing, f"routes without an access rule: {missing}"


@pytest.mark.parametrize("caller", CALLERS)
def test_access_matrix(app, world, caller):
    ids, respondent_token, partner_token = world
    client = _client_for(app, caller, respondent_token, partner_token)
    token = csrf_token(client)
    wrong = []
    for endpoint, method, path in _urls(app, ids):
        if endpoint in ("auth.logout", "memory.handoff", "webhooks.delete") or endpoint in REDIRECTS:
            continue  # would end this caller's session / ownership; covered by their own tests
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        denied = response.status_code in (401, 403, 404) or (
            response.status_code == 302 and "/login" in response.headers.get("Location", "")
        )
        if endpoint in TOKEN:
            if response.status_code != 404:  # a forged token opens nothing, for anyone
                wrong.append(f"{method} {path}: {response.status_code}, expected 404")
        elif _granted(endpoint, caller) == denied:
            expected = "access" if _granted(endpoint, caller) else "403/404"
            wrong.append(f"{method} {path} ({endpoint}): {response.status_code}, expected {expected}")
    assert not wrong, f"{caller}:\n" + "\n".join(wrong)


def test_every_state_changing_request_needs_a_csrf_token(app, world):
    from healthcheck.models import AuditEvent

    ids, respondent_token, partner_token = world
    client = _client_for(app, "admin", respondent_token, partner_token)
    with app.app_context():
        events_before = db.session.query(AuditEvent).count()
    posts = [(e, p) for e, m, p in _urls(app, ids) if m == "POST" and e not in TOKEN]
    posts.append(("respond.answer", f"/r/{respondent_token}/answer"))
    posts.append(("respond.language", f"/r/{respondent_token}/language"))
    assert len(posts) >= 15
    for endpoint, path in posts:
        response = client.post(path, data={"status": "done", "days": "3", "action": "submit"})
        assert response.status_code == 400, (
            f"{path} ({endpoint}) answered {response.status_code} without a token"
        )
    with app.app_context():
        assert db.session.query(AuditEvent).count() == events_before  # nothing happened
