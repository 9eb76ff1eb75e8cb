"""Issue 15 item 3: a joint action after both sides accepted it — the assignment email, the
reminder before the due date, the check-in 30 days after done (exactly once, real SMTP), the
check-in page, and the next round's before/after with the Welch interval under the k rule."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.jobs import runner
from healthcheck.models import Action, ActionCheckin, OutgoingMail, Round
from healthcheck.models.base import utcnow
from healthcheck.services import action_followup, rounds
from healthcheck.services.errors import NotFound
from tests.conftest import CSRF_RE, csrf_token
from tests.servers import start_smtp

D0 = datetime(2026, 3, 2, 9, 0)
ACCEPTED = datetime(2026, 2, 1, 12, 0)
LINK = re.compile(r"/checkin/([A-Za-z0-9_-]+)")


def outbox(app) -> list:
    parser = BytesParser(policy=policy.default)
    return [
        parser.parsebytes(p.read_bytes()) for p in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    ]


def mails(app, kind: str) -> list[OutgoingMail]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.kind == kind).order_by(OutgoingMail.id)
        )
        return [(m.to, m.status, m.dedupe_key) for m in rows]


@pytest.fixture
def owner(make_user):
    return make_user("olivia@aurora.example", "manager")


@pytest.fixture
def alliance(app, owner, make_alliance):
    return make_alliance(owner="olivia@aurora.example", name="Nordvik")


@pytest.fixture
def make_action(app, owner, alliance):
    def make(**fields):
        values = {
            "alliance_id": alliance,
            "title": "Joint budget review",
            "dimension": "finance",
            "owner": "Olivia",
            "owner_user_id": owner,
            "partner_owner_name": "Per Berg",
            "partner_owner_email": "per@nordvik.example",
            "due_on": (D0 + timedelta(days=5)).date(),
            "visibility": "joint",
            "accepted_a_at": ACCEPTED,
            "accepted_b_at": ACCEPTED,
            "created_at": ACCEPTED,
        }
        values.update(fields)
        with app.app_context():
            action = Action(**values)
            db.session.add(action)
            db.session.commit()
            return action.id

    return make


# --- 1. assignment ---------------------------------------------------------------------------


def test_both_owners_are_told_once_when_a_joint_action_is_accepted_by_both(app, make_action):
    action_id = make_action()
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action_followup.assigned(action, D0) == 2
        assert action_followup.assigned(action, D0) == 0  # the acceptance path runs twice: no second email
        db.session.commit()
        assert runner.run("deliver_mail", D0)["sent"] == 2
        action_followup.assigned(db.session.get(Action, action_id), D0 + timedelta(hours=1))
        db.session.commit()
        runner.run("deliver_mail", D0 + timedelta(hours=1))
    sent = [m for m in outbox(app) if m["Subject"] == "Joint action agreed in Nordvik: you are an owner"]
    assert sorted(m["To"] for m in sent) == ["olivia@aurora.example", "per@nordvik.example"]
    to_partner = next(m for m in sent if m["To"] == "per@nordvik.example").get_body(("plain",)).get_content()
    assert (
        "Hello Per Berg" in to_partner
        and "Joint budget review" in to_partner
        and "Owner at Aurora Pharma" in to_partner
    )


def test_no_assignment_email_before_both_accept_or_for_internal_actions(app, make_action):
    pending = make_action(accepted_b_at=None, proposed_by_side="A")
    internal = make_action(visibility="internal", accepted_a_at=None, accepted_b_at=None)
    with app.app_context():
        assert action_followup.assigned(db.session.get(Action, pending), D0) == 0
        assert action_followup.assigned(db.session.get(Action, internal), D0) == 0
        db.session.commit()
    assert mails(app, "action_assigned") == []


def test_the_action_form_can_create_a_joint_action_both_sides_agreed(app, client, owner, alliance):
    client.post(
        "/login",
        data={
            "email": "olivia@aurora.example",
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(client),
        },
    )
    url = f"/alliances/{alliance}/actions/new"
    form = {
        "title": "Monthly steering call",
        "dimension": "",
        "owner": "",
        "owner_user": str(owner),
        "due_on": "2027-01-31",
        "visibility": "joint",
        "partner_owner_name": "Per Berg",
        "partner_owner_email": "per@nordvik.example",
        "accepted_by_both": "y",
    }
    refused = client.post(url, data=form | {"partner_owner_email": "", "csrf_token": csrf_token(client, url)})
    assert refused.status_code == 400
    assert "owner at Partner" in refused.get_data(
        as_text=True
    ) and "name and email required" in refused.get_data(as_text=True)
    assert mails(app, "action_assigned") == []
    ok = client.post(url, data=form | {"csrf_token": csrf_token(client, url)})
    assert ok.status_code == 302
    with app.app_context():
        action = db.session.scalar(select(Action))
        assert action.accepted and action.owner_user_id == owner and action.owner == "olivia@aurora.example"
    assert sorted(to for to, _, _ in mails(app, "action_assigned")) == [
        "olivia@aurora.example",
        "per@nordvik.example",
    ]


# --- 2. reminder -----------------------------------------------------------------------------


def test_reminder_before_the_due_date_exactly_once(app, make_action):
    soon = make_action()  # due in 5 days (default: remind 7 days before)
    later = make_action(title="Later", due_on=(D0 + timedelta(days=10)).date())
    make_action(title="Done", status="done", completed_at=D0)
    make_action(title="Dropped", status="dropped", completed_at=D0)
    make_action(title="Not yet accepted", accepted_b_at=None, proposed_by_side="B")
    with app.app_context():
        assert runner.run("action_followup", D0) == {"action_reminders": 2, "action_checkins": 0}
        assert runner.run("action_followup", D0) is None  # the same slot: claimed already
        assert runner.run("action_followup", D0 + timedelta(hours=1))["action_reminders"] == 0
        assert runner.run("action_followup", D0 + timedelta(days=3))["action_reminders"] == 2  # "Later" now
        runner.run("action_followup", D0 + timedelta(days=4))
        runner.run("deliver_mail", D0 + timedelta(days=4))
        assert db.session.get(Action, soon).reminder_sent_at == D0
        assert db.session.get(Action, later).reminder_sent_at == D0 + timedelta(days=3)
    reminders = [m for m in outbox(app) if m["Subject"] == "Reminder: a joint action of Nordvik is due soon"]
    assert len(reminders) == 4
    assert sorted(m["To"] for m in reminders) == ["olivia@aurora.example"] * 2 + ["per@nordvik.example"] * 2


def test_the_reminder_lead_is_configurable(make_app, make_action):
    app = make_app(ACTION_REMINDER_DAYS=3)
    make_action()  # due in 5 days
    with app.app_context():
        assert action_followup.queue_reminders(D0) == 0
        assert action_followup.queue_reminders(D0 + timedelta(days=2)) == 2


def _concurrently(app, call, workers=2) -> list:
    """``call(now)`` in ``workers`` threads at once, each in its own app context and transaction."""
    start, results, errors = threading.Barrier(workers), [], []

    def work():
        try:
            with app.app_context():
                start.wait()
                results.append(call(D0 + timedelta(days=31)))
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_two_concurrent_runs_queue_each_reminder_once(app, make_action):
    make_action(due_on=(D0 + timedelta(days=33)).date())
    results = _concurrently(app, action_followup.queue_reminders)
    assert sorted(results) == [0, 2]
    assert len(mails(app, "action_reminder")) == 2


# --- 3. check-in -----------------------------------------------------------------------------


def _smtp():
    return start_smtp()


def test_checkin_arrives_exactly_once_through_the_outbox_and_a_real_smtp_server(make_app, make_action):
    controller, port, received = _smtp()
    try:
        app = make_app(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
        make_action(status="done", completed_at=D0)  # done on D0: the check-in is due on D0 + 30 days
        with app.app_context():
            assert runner.run("action_followup", D0 + timedelta(days=29))["action_checkins"] == 0
        assert _concurrently(app, action_followup.queue_checkins) in (
            [0, 2],
            [2, 0],
        )  # two schedulers at once
        with app.app_context():
            assert runner.run("action_followup", D0 + timedelta(days=31, hours=1))["action_checkins"] == 0
            assert runner.run("deliver_mail", D0 + timedelta(days=31)) == {
                "sent": 2,
                "retry": 0,
                "failed": 0,
                "cancelled": 0,
            }
            assert runner.run("action_followup", D0 + timedelta(days=40))["action_checkins"] == 0
            assert runner.run("deliver_mail", D0 + timedelta(days=40))["sent"] == 0
            assert db.session.scalar(select(func.count()).select_from(ActionCheckin)) == 2
            assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 2
    finally:
        controller.stop()
    assert len(received) == 2
    parsed = [BytesParser(policy=policy.default).parsebytes(e.content) for e in received]
    assert {e.rcpt_tos[0] for e in received} == {"olivia@aurora.example", "per@nordvik.example"}
    assert all(m["Subject"] == "One question about a joint action of Nordvik: did it help?" for m in parsed)
    tokens = [LINK.search(m.get_body(("plain",)).get_content()).group(1) for m in parsed]
    assert len(set(tokens)) == 2  # one personal link per owner
    assert "<a href=" in parsed[0].get_body(("html",)).get_content()
    with app.app_context():  # only hashes are stored; the outbox holds no token
        stored = " ".join(str(m.context) for m in db.session.scalars(select(OutgoingMail)))
        assert not any(t in stored for t in tokens)
        assert all(
            c.token_hash and c.token_hash not in tokens for c in db.session.scalars(select(ActionCheckin))
        )


@pytest.fixture
def checkin_links(app, make_action):
    """A done joint action whose check-ins were emailed; {side: token} from the emails."""
    make_action(status="done", completed_at=D0)
    with app.app_context():
        runner.run("action_followup", D0 + timedelta(days=31))
        runner.run("deliver_mail", D0 + timedelta(days=31))
    by_to = {m["To"]: LINK.search(m.get_body(("plain",)).get_content()).group(1) for m in outbox(app)}
    return {"A": by_to["olivia@aurora.example"], "B": by_to["per@nordvik.example"]}


def _csrf(client, token) -> str:
    return CSRF_RE.search(client.get(f"/checkin/{token}").get_data(as_text=True)).group(1)


def _answer(client, token, csrf=None, **data):
    """POST an answer with the session's CSRF token (an answered link's page has no form:
    pass the token taken before)."""
    return client.post(f"/checkin/{token}", data={"csrf_token": csrf or _csrf(client, token), **data})


def test_checkin_form_saves_once_and_refuses_a_second_answer(app, client, checkin_links):
    token = checkin_links["B"]
    page = client.get(f"/checkin/{token}")
    assert page.status_code == 200 and "Did this help?" in page.get_data(as_text=True)
    assert (
        "Joint budget review" in page.get_data(as_text=True) and page.headers["Cache-Control"] == "no-store"
    )
    csrf = _csrf(client, token)
    missing = _answer(client, token, comment="no score")
    assert missing.status_code == 400 and "choose a score from 1" in missing.get_data(as_text=True)
    saved = _answer(client, token, score="4", comment="The budget calls <b>helped</b>")
    assert saved.status_code == 200 and "is saved" in saved.get_data(as_text=True)
    again = _answer(client, token, csrf, score="1", comment="changed my mind")
    assert again.status_code == 409 and "already answered" in again.get_data(as_text=True).lower()
    assert "Already answered" in client.get(f"/checkin/{token}").get_data(as_text=True)
    with app.app_context():
        rows = {c.side: c for c in db.session.scalars(select(ActionCheckin))}
        assert (rows["B"].score, rows["B"].comment) == (4, "The budget calls <b>helped</b>")
        assert rows["A"].answered_at is None  # the other owner answers through their own link
    assert _answer(client, checkin_links["A"], score="5").status_code == 200


def test_checkin_needs_its_csrf_token(app, client, checkin_links):
    response = client.post(f"/checkin/{checkin_links['A']}", data={"score": "5"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(ActionCheckin.answered_at.is_not(None))) == 0


def test_wrong_or_expired_token_is_a_plain_404(app, client, checkin_links):
    for token in ("not-a-token", checkin_links["A"][:-2] + "xx", "x" * 300):
        response = client.get(f"/checkin/{token}")
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert "Nordvik" not in text and "Joint budget review" not in text and "check-in" not in text.lower()
        assert client.post(f"/checkin/{token}", data={"score": "5"}).status_code in (400, 404)
    with app.app_context():
        later = utcnow() + timedelta(days=61)
        with pytest.raises(NotFound):
            action_followup.checkin_by_token(checkin_links["A"], later)
        with pytest.raises(NotFound):
            action_followup.answer(checkin_links["A"], 5, "", later)
        assert action_followup.checkin_by_token(checkin_links["A"]).side == "A"


def test_a_reopened_or_dropped_action_gets_no_checkin(app, make_action):
    make_action(status="dropped", completed_at=D0)
    with app.app_context():
        assert action_followup.queue_checkins(D0 + timedelta(days=40)) == 0


# --- 4. the next round's report --------------------------------------------------------------


@pytest.fixture
def two_rounds(app, alliance, make_round, invite, answer_all, make_action):
    """R1: side A scores 2, 3, 4, side B only 2 respondents (under k = 3); R2: A 3, 4, 5, B 4, 4, 4.
    A joint action on finance agreed after R1, done, both owners answered the check-in."""
    ids = []
    for label, a_scores, b_scores in (("R1", (2, 3, 4), (3, 3)), ("R2", (3, 4, 5), (4, 4, 4))):
        rnd = make_round(alliance, label)
        tokens = invite(rnd, "A" * len(a_scores) + "B" * len(b_scores))
        for token, score in zip(tokens, a_scores + b_scores, strict=True):
            answer_all(token, score)
        with app.app_context():
            rounds.close_round(db.session.get(Round, rnd))
            db.session.commit()
        ids.append(rnd)
    action_id = make_action(round_id=ids[0], status="done", completed_at=D0)
    with app.app_context():
        for side, email, score, comment in (
            ("A", "olivia@aurora.example", 4, "Budget surprises stopped"),
            ("B", "per@nordvik.example", 2, "Too slow to start"),
        ):
            db.session.add(
                ActionCheckin(
                    action_id=action_id, side=side, email=email, score=score, comment=comment, answered_at=D0
                )
            )
        db.session.commit()
    return ids, action_id


def test_effects_before_and_after_by_hand(app, two_rounds):
    (r1, r2), action_id = two_rounds
    with app.app_context():
        effects = action_followup.effects(db.session.get(Round, r2))
    assert len(effects) == 1
    e = effects[0]
    assert (e["action_id"], e["previous_round"], e["round"], e["dimension"]) == (
        action_id,
        "R1",
        "R2",
        "finance",
    )
    a, b = e["sides"]["A"], e["sides"]["B"]
    # side A: before mean 3 (s = 1, n = 3), after 4 (s = 1, n = 3): change +1,
    # SE² = 1/3 + 1/3, ν = 4, half = 2.776445 · 0.816497 = 2.266958
    assert (a["before"], a["after"], a["change"]) == pytest.approx((3.0, 4.0, 1.0))
    assert a["ci95"] == pytest.approx([-1.266958, 3.266958], abs=1e-6)
    assert a["beyond_noise"] is False and a["name"] == "Aurora Pharma"
    # side B had 2 respondents in R1, under k = 3: no figure at all
    assert b["shown"] is False and b["reason"] == "fewer than k" and "after" not in b and "change" not in b
    assert e["gap_before"] is None  # R1's gap needs side B
    assert e["checkins"] == [
        {"side": "A", "score": 4, "comment": "Budget surprises stopped", "side_name": "Aurora Pharma"},
        {"side": "B", "score": 2, "comment": "Too slow to start", "side_name": e["sides"]["B"]["name"]},
    ]
    assert e["checkin_mean"] == 3.0
    import json

    json.dumps(effects)  # plain data for the pack
    assert "per@nordvik.example" not in json.dumps(effects) and "Per Berg" not in json.dumps(effects)


def test_report_page_shows_the_change_the_k_rule_and_checkins_by_side(app, client, two_rounds):
    (r1, r2), _ = two_rounds
    with app.app_context():
        alliance_id = db.session.get(Round, r2).alliance_id
    client.post(
        "/login",
        data={
            "email": "olivia@aurora.example",
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(client),
        },
    )
    page = client.get(f"/alliances/{alliance_id}/rounds/{r2}/report").get_data(as_text=True)
    table = page[
        page.index('id="followup-effects"') : page.index("</table>", page.index('id="followup-effects"'))
    ]
    assert "Actions agreed after R1 — did they help?" in page
    assert re.search(r"3\.00 → 4\.00 \(\+1\.00 <span[^>]*>\[-1\.27, \+3\.27\]</span>\)", table)
    assert "not shown (fewer than k answered)" in table
    assert "Aurora Pharma</span>: 4/5 — “Budget surprises stopped”" in table
    assert "2/5 — “Too slow to start”" in table
    assert "Per Berg" not in table and "per@nordvik.example" not in table and "olivia@" not in table
    # R1's own report has no earlier round: nothing to follow up
    assert 'id="followup-effects"' not in client.get(f"/alliances/{alliance_id}/rounds/{r1}/report").get_data(
        as_text=True
    )


def test_a_joint_action_still_waiting_for_acceptance_is_not_followed_up(app, two_rounds, make_action):
    (r1, r2), _ = two_rounds
    make_action(round_id=r1, title="Proposed only", accepted_b_at=None, proposed_by_side="A")
    with app.app_context():
        titles = [e["title"] for e in action_followup.effects(db.session.get(Round, r2))]
        partner = action_followup.effects(db.session.get(Round, r2), joint_only=True)
    assert titles == ["Joint budget review"] and len(partner) == 1


def test_the_report_pack_carries_the_follow_up(app, two_rounds):
    from healthcheck.services import packs

    (r1, r2), _ = two_rounds
    with app.app_context():
        html = packs.round_pack(db.session.get(Round, r2))
    table = html[html.index('id="followup-effects"') :]
    table = table[: table.index("</table>")]
    assert "[-1.27, +3.27]" in table and "not shown (fewer than k answered)" in table
    assert "“Too slow to start”" in table and "Per Berg" not in table
