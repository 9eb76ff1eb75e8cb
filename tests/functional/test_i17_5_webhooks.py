"""Webhooks (issue 17, item 5): a real HTTP receiver on loopback gets each event exactly once
with a valid HMAC-SHA256 signature; retries; Slack and Teams shapes; the test-event button;
who may see a webhook; the k rule in payloads; the SSRF guard."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from healthcheck.extensions import db
from healthcheck.models import Action, Alliance, Round, Webhook, WebhookDelivery
from healthcheck.models.base import utcnow
from healthcheck.services import rounds, webhook_delivery, webhooks
from tests.conftest import csrf_token
from tests.receivers import Receiver, valid_signature

OWNER = "owner@example.com"
FIGURE_KEYS = {
    "mean",
    "median",
    "std",
    "ci95",
    "n",
    "submitted",
    "invited",
    "response_rate",
    "gap",
    "message",
}


@pytest.fixture
def app(make_app):
    app = make_app(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True, PUBLIC_BASE_URL="https://hc.example.com")
    with app.app_context():
        from healthcheck.services import questionnaires

        questionnaires.import_path(app.config["SURVEYS_DIR"])
        db.session.commit()
    return app


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def owner_alliance(make_user, make_alliance):
    make_user(OWNER, "manager")
    return make_alliance(owner=OWNER)


def _hook(app, url, alliance_id=None, fmt="plain", actor=OWNER, events=None) -> tuple[int, str]:
    from healthcheck.services import users

    with app.app_context():
        hook, secret = webhooks.create(users.by_email(actor), "Receiver", url, fmt, alliance_id, events)
        db.session.commit()
        return hook.id, secret


def _deliver(app, now=None) -> dict:
    with app.app_context():
        return webhook_delivery.deliver_due(now)


def _close(app, round_id):
    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()


def _all_keys(value) -> set:
    if isinstance(value, dict):
        return set(value) | set().union(*(_all_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_all_keys(v) for v in value)) if value else set()
    return set()


def test_each_event_exactly_once_with_a_valid_signature(
    app, receiver, owner_alliance, make_round, invite, answer_all
):
    hook_id, secret = _hook(app, receiver.url, owner_alliance)
    round_id = make_round(owner_alliance)  # opens: round.opened
    for token in invite(round_id, "AAAAAA")[:3] + invite(round_id, "BBB"):
        answer_all(token, 4)
    _close(app, round_id)  # round.closed, and low_response_rate on side A (3 of 6)

    first, second = _deliver(app), _deliver(app)
    assert second == {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    events = receiver.events()
    assert events.count("round.opened") == 1
    assert events.count("round.closed") == 1
    assert "warning.raised" in events
    assert first["sent"] == len(events)
    assert all(valid_signature(secret, r) for r in receiver.received)
    assert not valid_signature("whsec_wrong", receiver.received[0])
    ids = [r["headers"]["X-Healthcheck-Delivery"] for r in receiver.received]
    assert len(set(ids)) == len(ids)
    closed = next(b for b in receiver.bodies() if b["event"] == "round.closed")
    assert closed["round"]["label"] == "2026-Q4" and closed["round"]["status"] == "closed"
    assert closed["link"] == f"https://hc.example.com/alliances/{owner_alliance}/rounds/{round_id}"

    with app.app_context():  # deciding again queues nothing new
        from healthcheck.models import RoundSummary

        assert (
            webhooks.round_closed(db.session.get(Round, round_id), db.session.get(RoundSummary, round_id))
            == 0
        )


def test_two_concurrent_runs_send_each_event_once(app, receiver, owner_alliance, make_round):
    _hook(app, receiver.url, owner_alliance)
    for i in range(6):
        make_round(owner_alliance, label=f"R{i}")
    results = []
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        results.append(_deliver(app))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(r["sent"] for r in results) == 6
    assert sorted(b["round"]["label"] for b in receiver.bodies()) == [f"R{i}" for i in range(6)]


def test_a_failed_delivery_is_retried_and_every_attempt_recorded(app, receiver, owner_alliance, make_round):
    hook_id, secret = _hook(app, receiver.url, owner_alliance)
    receiver.statuses = [500]
    make_round(owner_alliance)
    now = utcnow()
    assert _deliver(app, now)["retry"] == 1
    assert _deliver(app, now + timedelta(seconds=30))["sent"] == 0  # backoff: not due yet
    assert _deliver(app, now + timedelta(minutes=3))["sent"] == 1
    assert len(receiver.received) == 2
    assert (
        receiver.received[0]["headers"]["X-Healthcheck-Delivery"]
        == receiver.received[1]["headers"]["X-Healthcheck-Delivery"]
    )
    assert all(valid_signature(secret, r) for r in receiver.received)
    with app.app_context():
        delivery = db.session.scalars(db.select(WebhookDelivery)).one()
        assert delivery.status == "sent" and delivery.attempts == 2
        assert [a.status_code for a in delivery.attempt_log] == [500, 200]


def test_a_redirect_is_not_followed(app, receiver, owner_alliance, make_round):
    _hook(app, receiver.url, owner_alliance)
    receiver.statuses = [302]
    make_round(owner_alliance)
    assert _deliver(app)["retry"] == 1
    assert [r["path"] for r in receiver.received] == ["/hook"]  # never /elsewhere


def test_private_addresses_are_refused_unless_allowed(make_app, receiver, make_user, make_alliance):
    app = make_app(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
    with app.app_context():
        from healthcheck.services import questionnaires

        questionnaires.import_path(app.config["SURVEYS_DIR"])
        db.session.commit()
    make_user("admin@example.com", "admin")
    hook_id, _ = _hook(app, receiver.url, None, actor="admin@example.com")
    with app.app_context():
        hook = db.session.get(Webhook, hook_id)
        delivery = webhooks.send_test(None, hook)
        db.session.commit()
        assert webhook_delivery.deliver_one(delivery.id) == "retry"
        delivery = db.session.get(WebhookDelivery, delivery.id)
        assert "private or local address" in delivery.attempt_log[0].error
    assert receiver.received == []


def test_slack_and_teams_shapes(app, receiver, owner_alliance, make_round):
    _hook(app, receiver.url, owner_alliance, fmt="slack")
    _hook(app, receiver.url, owner_alliance, fmt="teams")
    make_round(owner_alliance)
    _deliver(app)
    slack, teams = receiver.bodies()
    assert slack["text"].startswith("Alliance 1: health check open")
    assert slack["blocks"][0]["type"] == "section" and slack["blocks"][0]["text"]["type"] == "mrkdwn"
    assert "Open in Alliance Health Check" in slack["blocks"][1]["elements"][0]["text"]
    assert teams["type"] == "message"
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert "Health check 2026-Q4 of Alliance 1 is open until" in card["content"]["body"][1]["text"]
    assert card["content"]["actions"][0]["type"] == "Action.OpenUrl"


def test_k_rule_health_index_only_when_both_sides_are_shown(
    app, receiver, owner_alliance, make_round, invite, answer_all
):
    """All answers 4 on 1..5: each side's index is 100·(4−1)/(5−1) = 75, the alliance's 75 (green).
    With two answers on side B (k = 3) the alliance index is not published, so not sent."""
    _hook(app, receiver.url, owner_alliance)
    shown = make_round(owner_alliance, label="shown")
    for token in invite(shown, "AAABBB"):
        answer_all(token, 4)
    hidden = make_round(owner_alliance, label="hidden")
    for token in invite(hidden, "AAABB"):
        answer_all(token, 4)
    _close(app, shown)
    _close(app, hidden)
    _deliver(app)
    closed = {b["round"]["label"]: b for b in receiver.bodies() if b["event"] == "round.closed"}
    assert closed["shown"]["health_index"] == 75 and closed["shown"]["rag"] == "green"
    assert closed["hidden"]["health_index"] is None and closed["hidden"]["rag"] is None
    for body in receiver.bodies():
        assert not (_all_keys(body) & FIGURE_KEYS), body


def test_overdue_actions_are_sent_once_and_published_rounds_by_the_lead(
    app, receiver, owner_alliance, make_round
):
    from healthcheck.jobs import runner

    _hook(app, receiver.url, owner_alliance, events=["action.overdue", "round.published"])
    round_id = make_round(owner_alliance, status="closed")
    with app.app_context():
        alliance = db.session.get(Alliance, owner_alliance)
        db.session.add(
            Action(
                alliance=alliance,
                title="Agree the budget",
                owner="Ann",
                due_on=date.today() - timedelta(days=1),
            )
        )
        db.session.add(
            Action(alliance=alliance, title="Not yet", owner="Ann", due_on=date.today() + timedelta(days=5))
        )
        db.session.commit()
        now = utcnow()
        runner.run("overdue_action_webhooks", now)
        runner.run("overdue_action_webhooks", now + timedelta(days=1))  # the next day: nothing new
        assert webhooks.emit("round.published", db.session.get(Round, round_id)) == 1
        assert webhooks.emit("round.published", db.session.get(Round, round_id)) == 0
        db.session.commit()
        runner.run("deliver_webhooks", utcnow())
    assert receiver.events() == ["action.overdue", "round.published"]
    overdue = receiver.bodies()[0]
    assert overdue["action"]["title"] == "Agree the budget" and overdue["action"]["status"] == "open"


def _login(client, email, role, make_user, password="correct-horse-battery"):
    make_user(email, role, password)
    token = csrf_token(client)
    assert (
        client.post("/login", data={"email": email, "password": password, "csrf_token": token}).status_code
        == 302
    )


def test_owner_adds_a_webhook_sees_the_secret_once_and_sends_a_test_event(
    app, client, receiver, make_user, make_alliance
):
    _login(client, OWNER, "manager", make_user)
    alliance_id = make_alliance(owner=OWNER)
    token = csrf_token(client, "/webhooks")
    page = client.post(
        "/webhooks",
        data={
            "name": "Team channel",
            "url": receiver.url,
            "format": "plain",
            "alliance": str(alliance_id),
            "events": ["round.opened", "round.closed"],
            "csrf_token": token,
        },
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "whsec_" in text
    secret = text.split('id="webhook-secret">')[1].split("<")[0]
    with app.app_context():
        hook = db.session.scalars(db.select(Webhook)).one()
        assert secret not in hook.secret_encrypted and hook.events == ["round.opened", "round.closed"]
        hook_id = hook.id
    assert secret not in client.get(f"/webhooks/{hook_id}").get_data(as_text=True)

    response = client.post(
        f"/webhooks/{hook_id}/test", data={"csrf_token": csrf_token(client, f"/webhooks/{hook_id}")}
    )
    assert response.status_code == 302
    assert receiver.events() == ["test"] and valid_signature(secret, receiver.received[0])
    detail = client.get(f"/webhooks/{hook_id}").get_data(as_text=True)
    assert "Test event delivered" in detail and "· 200" in detail

    page = client.post(
        f"/webhooks/{hook_id}/secret",
        data={"csrf_token": csrf_token(client, f"/webhooks/{hook_id}"), "confirmed": "yes"},
    )
    renewed = page.get_data(as_text=True).split('id="webhook-secret">')[1].split("<")[0]
    assert renewed != secret and renewed.startswith("whsec_")
    client.post(f"/webhooks/{hook_id}/test", data={"csrf_token": csrf_token(client, f"/webhooks/{hook_id}")})
    assert valid_signature(renewed, receiver.received[1]) and not valid_signature(
        secret, receiver.received[1]
    )

    asked = client.post(f"/webhooks/{hook_id}/delete", data={"csrf_token": csrf_token(client, "/webhooks")})
    assert asked.status_code == 200 and "Yes, delete the webhook" in asked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Webhook, hook_id) is not None  # asked, not done
    assert (
        client.post(
            f"/webhooks/{hook_id}/delete",
            data={"csrf_token": csrf_token(client, "/webhooks"), "confirmed": "yes"},
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Webhook, hook_id) is None


def test_a_manager_cannot_add_a_portfolio_wide_webhook(app, client, make_user, make_alliance):
    _login(client, OWNER, "manager", make_user)
    make_alliance(owner=OWNER)
    page = client.post(
        "/webhooks",
        data={
            "name": "All",
            "url": "https://example.com/h",
            "format": "plain",
            "alliance": "",
            "csrf_token": csrf_token(client, "/webhooks"),
        },
    )
    assert page.status_code == 400
    assert "only an admin can add a portfolio-wide webhook" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []


def test_a_manager_of_another_alliance_cannot_see_or_change_the_webhook(
    app, client, receiver, make_user, make_alliance
):
    make_user(OWNER, "manager")
    hook_id, _ = _hook(app, receiver.url, make_alliance(owner=OWNER))
    _login(client, "other@example.com", "manager", make_user)
    make_alliance(owner="other@example.com")
    assert client.get(f"/webhooks/{hook_id}").status_code == 404
    assert "Receiver" not in client.get("/webhooks").get_data(as_text=True)
    token = csrf_token(client, "/webhooks")
    assert client.post(f"/webhooks/{hook_id}/test", data={"csrf_token": token}).status_code == 404
    assert (
        client.post(f"/webhooks/{hook_id}/delete", data={"csrf_token": token, "confirmed": "yes"}).status_code
        == 404
    )
    assert client.post(f"/webhooks/{hook_id}/secret", data={"csrf_token": token}).status_code == 404
    assert receiver.received == []
    with app.app_context():
        assert db.session.get(Webhook, hook_id) is not None


def test_viewers_have_no_webhook_pages(app, client, make_user):
    _login(client, "viewer@example.com", "viewer", make_user)
    assert client.get("/webhooks").status_code == 403


def test_bad_input_names_the_field_and_saves_nothing(app, make_user, owner_alliance):
    from healthcheck.services import users
    from healthcheck.services.errors import InvalidInput

    with app.app_context():
        with pytest.raises(InvalidInput) as refused:
            webhooks.create(users.by_email(OWNER), "", "ftp://x", "xml", owner_alliance, ["round.nope"])
        text = "; ".join(refused.value.problems)
        for part in ("name:", "url: an http:// or https://", "format: one of plain, slack, teams", "events:"):
            assert part in text
        db.session.rollback()
        assert db.session.scalars(db.select(Webhook)).all() == []
        with pytest.raises(InvalidInput, match="events: tick at least one event"):
            webhooks.create(
                users.by_email(OWNER), "Hook", "https://example.com/h", "plain", owner_alliance, []
            )
