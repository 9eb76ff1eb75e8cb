"""Issue 15 items 1–2: the joint review window, reviewers' links, the thread, joint actions,
publication into frozen pack versions (exactly once), and what the partner then sees."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from healthcheck.extensions import db
from healthcheck.jobs import delivery, runner
from healthcheck.models import (
    Action,
    Alliance,
    AuditEvent,
    OutgoingMail,
    PackVersion,
    Review,
    Reviewer,
    Round,
)
from healthcheck.models.base import utcnow
from healthcheck.services import (
    alliances,
    memory,
    report_pages,
    review,
    review_findings,
    review_links,
    review_pages,
    review_publication,
    review_thread,
    sharing,
    summaries,
    users,
)
from healthcheck.services.errors import InvalidInput
from tests.conftest import csrf_token

OWNER = "manager@example.com"


def _outbox(app) -> list:
    parser = BytesParser(policy=policy.default)
    folder = Path(app.instance_path) / "outbox"
    return [parser.parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def _review_token(app, to: str) -> str:
    """Deliver the outbox and read the personal review link emailed to ``to``."""
    with app.app_context():
        delivery.deliver_due(utcnow() + timedelta(seconds=1))
    texts = [m.get_body(("plain",)).get_content() for m in _outbox(app) if m["To"] == to]
    return re.search(r"/review/(\S+)", texts[-1]).group(1)


@pytest.fixture
def closed(app, make_user, make_alliance, make_round, invite, answer_all):
    """A closed round (3 + 3 answered, a comment each side) of an alliance owned by OWNER."""

    def make(name=None, sides="AAABBB", b_score=2, window=None, label="2026-Q4"):
        with app.app_context():
            known = users.by_email(OWNER) is not None
        if not known:
            make_user(OWNER)
        alliance_id = make_alliance(owner=OWNER, name=name)
        if window is not None:
            with app.app_context():
                alliance = db.session.get(Alliance, alliance_id)
                alliance.review_days = window
                db.session.commit()
        round_id = make_round(alliance_id, label=label, status="open")
        for token, side in zip(invite(round_id, sides), sides, strict=True):
            answer_all(
                token,
                score=4 if side == "A" else b_score,
                comments={"finance": f"comment from side {side} {token[:4]}"},
            )
        with app.app_context():
            from healthcheck.services import rounds

            rounds.close_round(db.session.get(Round, round_id))
            db.session.commit()
        return alliance_id, round_id

    return make


def _login(client, email=OWNER, password="correct-horse-battery"):
    token = csrf_token(client)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302


def test_a_closed_round_is_in_review_for_the_default_window_and_the_report_says_so(app, closed):
    alliance_id, round_id = closed()
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        assert rnd.alliance.review_days == 10
        found = review.of_round(rnd)
        assert found.status == "in_review"
        assert found.ends_on == rnd.closed_at.date() + timedelta(days=10)
        assert summaries.stored(rnd)["review"] == {
            "status": "in_review",
            "ends_on": found.ends_on.isoformat(),
            "published_at": None,
        }
        assert review_publication.versions(rnd) == []
        assert review_publication.pack_content(rnd)["status"] == "in_review"


def test_an_open_round_has_no_review_in_its_report(app, make_user, make_alliance, make_round):
    make_user(OWNER)
    round_id = make_round(make_alliance(owner=OWNER), status="open")
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        assert summaries.compute(rnd)["review"] is None
        assert review_publication.pack_content(rnd) is None


def test_a_window_of_zero_publishes_at_once(app, closed):
    _alliance_id, round_id = closed(window=0)
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        found = review.of_round(rnd)
        assert found.status == "published" and found.published_at is not None
        assert [v.number for v in review_publication.versions(rnd)] == [1]
        assert summaries.stored(rnd)["review"]["status"] == "published"
        mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "review_published")).all()
        assert [m.to for m in mails] == [OWNER]


def test_the_review_window_is_an_alliance_setting_checked_all_or_nothing(app, make_user, make_alliance):
    make_user(OWNER)
    alliance_id = make_alliance(owner=OWNER, name="Windowed")
    with app.app_context():
        alliance = db.session.get(Alliance, alliance_id)
        data = alliances.AllianceData("Windowed", "Aurora Pharma", "Partner X", "typical", review_days=61)
        with pytest.raises(InvalidInput) as refused:
            alliances.save(data, None, alliance)
        assert any(
            p.startswith("review window: a whole number of days from 0") for p in refused.value.problems
        )
        db.session.rollback()
        alliance = db.session.get(Alliance, alliance_id)
        alliances.save(
            alliances.AllianceData("Windowed", "Aurora Pharma", "Partner X", "typical", review_days=0),
            None,
            alliance,
        )
        db.session.commit()
        assert db.session.get(Alliance, alliance_id).review_days == 0
        # a save that does not mention the window keeps it
        alliances.save(
            alliances.AllianceData("Windowed", "Aurora Pharma", "Partner X", "typical"), None, alliance
        )
        db.session.commit()
        assert db.session.get(Alliance, alliance_id).review_days == 0


def test_the_alliance_form_edits_the_review_window(app, client, make_user):
    make_user(OWNER)
    _login(client)
    data = {
        "name": "Form test",
        "side_a": "Aurora Pharma",
        "side_b": "Partner Bio",
        "segment": "typical",
        "phase": "development",
        "alliance_type": "R&D",
        "k_anonymity": "3",
        "owners": OWNER,
        "review_days": "61",
        "csrf_token": csrf_token(client, "/alliances/new"),
    }
    refused = client.post("/alliances/new", data=data)
    assert refused.status_code == 400 and "Joint review window" in refused.get_data(as_text=True)
    assert client.post("/alliances/new", data={**data, "review_days": "0"}).status_code == 302
    with app.app_context():
        alliance = alliances.by_name("Form test")
        assert alliance.review_days == 0
        alliance_id = alliance.id
    page = client.get(f"/alliances/{alliance_id}/edit").get_data(as_text=True)
    assert re.search(r'name="review_days"[^>]*value="0"|value="0"[^>]*name="review_days"', page)


def test_reviewer_links_are_personal_expire_and_can_be_revoked(app, closed):
    _alliance_id, round_id = closed()
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        reviewer = review_links.add_reviewer(rnd, "Pia Partner", "pia@partner.example", None)
        db.session.commit()
        assert reviewer.token_hash is None  # no link exists before the email is sent
        ends_on = review.of_round(rnd).ends_on
        assert reviewer.expires_at == datetime.combine(
            ends_on + timedelta(days=3), datetime.max.time()
        ).replace(microsecond=0)
        reviewer_id = reviewer.id
    token = _review_token(app, "pia@partner.example")
    partner = app.test_client()
    assert partner.get(f"/review/{token}").status_code == 200
    with app.app_context():
        stored = db.session.get(Reviewer, reviewer_id)
        assert stored.token_hash and token not in stored.token_hash  # only the hash is kept
        with pytest.raises(review_links.ReviewLinkProblem) as late:
            review_links.reviewer_by_token(token, now=stored.expires_at + timedelta(seconds=1))
        assert (late.value.status, late.value.reason) == (410, "expired")
        review_links.revoke_reviewer(stored, None)
        db.session.commit()
    gone = partner.get(f"/review/{token}")
    assert gone.status_code == 410 and "withdrawn" in gone.get_data(as_text=True)
    assert partner.get("/review/not-a-token").status_code == 404


def test_a_reviewer_of_one_round_reaches_nothing_of_another(app, closed):
    _a1, r1 = closed(name="First")
    _a2, r2 = closed(name="Second")
    with app.app_context():
        review_links.add_reviewer(db.session.get(Round, r1), "Pia", "pia@partner.example", None)
        other = review_thread.propose(
            db.session.get(Round, r2),
            review.Participant.owner(None),
            review_thread.Proposal(
                "Other plan", "finance", date.today() + timedelta(days=30), OWNER, "Bo", "bo@x.example"
            ),
        )
        db.session.commit()
        other_id = other.id
    token = _review_token(app, "pia@partner.example")
    partner = app.test_client()
    page = partner.get(f"/review/{token}").get_data(as_text=True)
    assert "First" in page and "Other plan" not in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = partner.post(f"/review/{token}/actions/{other_id}/accept", data={"csrf_token": csrf})
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(Action, other_id).accepted_b_at is None
        reviewer = db.session.scalar(select(Reviewer).where(Reviewer.email == "pia@partner.example"))
        with pytest.raises(InvalidInput):
            review_thread.comment(
                db.session.get(Round, r2),
                review.Participant.partner(reviewer),
                "dimension:finance",
                "agree",
                "",
            )


def test_only_an_owner_of_side_a_may_publish(app, client, make_user, closed):
    make_user("viewer@example.com", "viewer")
    make_user("other@example.com", "manager")
    alliance_id, round_id = closed()
    with app.app_context():
        alliance = db.session.get(Alliance, alliance_id)
        alliances.save(
            alliances.AllianceData(
                alliance.name,
                "Aurora Pharma",
                alliance.side_b.name,
                "typical",
                owner_emails=[OWNER],
                member_emails=["viewer@example.com"],
            ),
            None,
            alliance,
        )
        db.session.commit()
    url = f"/alliances/{alliance_id}/rounds/{round_id}/review/publish"
    _login(client, "viewer@example.com")
    token = csrf_token(client, f"/alliances/{alliance_id}")
    assert client.post(url, data={"csrf_token": token, "confirmed": "yes"}).status_code == 403
    client.get("/logout")
    other = app.test_client()
    _login(other, "other@example.com")
    token = csrf_token(other, "/alliances/new")
    assert other.post(url, data={"csrf_token": token, "confirmed": "yes"}).status_code == 404
    with app.app_context():
        assert review.of_round(db.session.get(Round, round_id)).status == "in_review"
    owner = app.test_client()
    _login(owner)
    assert "Publish the joint review?" in owner.get(url).get_data(as_text=True)  # a confirmation first
    token = csrf_token(owner, url)
    assert owner.post(url, data={"csrf_token": token}).status_code == 200  # not confirmed: asked again
    assert owner.post(url, data={"csrf_token": token, "confirmed": "yes"}).status_code == 302
    with app.app_context():
        assert review.of_round(db.session.get(Round, round_id)).status == "published"


def test_the_review_page_keeps_a_suppressed_side_suppressed(app, closed):
    _alliance_id, round_id = closed(sides="AAABB", b_score=1)  # side B: 2 < k = 3
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        report = summaries.stored(rnd)
        assert all(d["B"].get("suppressed") for d in report["dimensions"])
        review_links.add_reviewer(rnd, "Pia", "pia@partner.example", None)
        db.session.commit()
    token = _review_token(app, "pia@partner.example")
    page = app.test_client().get(f"/review/{token}").get_data(as_text=True)
    assert "not shown" in page
    assert "comment from side A" in page and "comment from side B" not in page  # B's comments hidden too
    with app.app_context():
        context = review_pages.page_context(db.session.get(Round, round_id), "B")
        assert all("mean" not in d["B"] for d in context["report"]["dimensions"])  # the page got no B mean


def test_scheduled_publication_happens_exactly_once(app, closed):
    _alliance_id, round_id = closed()
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        review_links.add_reviewer(rnd, "Pia", "pia@partner.example", None)
        ends_on = review.of_round(rnd).ends_on
        db.session.commit()
    before_end = datetime.combine(ends_on, datetime.min.time()) + timedelta(hours=9)
    after_end = before_end + timedelta(days=1)
    with app.app_context():
        assert runner.run("publish_reviews", before_end)["published"] == []
        assert runner.run("publish_reviews", after_end)["published"] == [round_id]
        assert runner.run("publish_reviews", after_end + timedelta(hours=1))["published"] == []
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(PackVersion)) == 1
        mails = db.session.scalars(
            select(OutgoingMail.to).where(OutgoingMail.kind == "review_published")
        ).all()
        assert sorted(mails) == [OWNER, "pia@partner.example"]
        assert db.session.get(Review, round_id).published_by_id is None
        delivery.deliver_due(after_end + timedelta(minutes=1))
    subjects = [m["Subject"] for m in _outbox(app) if "joint review is published" in m["Subject"]]
    assert len(subjects) == 2  # one each, once


def test_a_stale_publisher_loses_the_guarded_update(app, closed):
    _alliance_id, round_id = closed()
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        db.session.commit()
        with db.engine.begin() as other:  # another scheduler publishes after this one read the review
            other.execute(update(Review).where(Review.round_id == round_id).values(status="published"))
        # the guarded UPDATE finds nothing to move
        assert review_publication._claim(rnd, utcnow(), None) is False
        assert review_publication.publish_due(utcnow() + timedelta(days=30)) == []
        db.session.commit()
        assert review_publication.versions(rnd) == []


def _thread_and_action(app, round_id, reviewer_id):
    """Side A agrees on finance, side B disagrees; B replies; A proposes, B accepts."""
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        owner = users.by_email(OWNER)
        a, b = (
            review.Participant.owner(owner),
            review.Participant.partner(db.session.get(Reviewer, reviewer_id)),
        )
        first = review_thread.comment(rnd, a, "dimension:finance", "agree", "Finance looks fine to us.")
        review_thread.comment(rnd, b, "dimension:finance", "disagree", "Payments are late.")
        review_thread.comment(rnd, b, "dimension:finance", None, "See the Q3 invoices.", reply_to=first.id)
        governance = review_thread.comment(rnd, a, "dimension:governance", "agree", "")
        review_thread.comment(rnd, b, "dimension:governance", "agree", "Yes.", reply_to=governance.id)
        action = review_thread.propose(
            rnd,
            a,
            review_thread.Proposal(
                "Joint budget review",
                "finance",
                date.today() + timedelta(days=45),
                OWNER,
                "Bo Partner",
                "bo@partner.example",
            ),
        )
        assert action.accepted is False and action.accepted_a_at is not None
        assert review_thread.accept(rnd, action, b) is True
        db.session.commit()
        return action.id


def test_pack_content_has_the_agreed_shape(app, closed):
    rnd_alliance, round_id = closed()
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        reviewer_id = review_links.add_reviewer(rnd, "Pia", "pia@partner.example", None).id
        db.session.commit()
    _thread_and_action(app, round_id, reviewer_id)
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        content = review_publication.pack_content(rnd)
        assert set(content) == {
            "status",
            "ends_on",
            "published_at",
            "version",
            "changed_after_publication",
            "findings",
            "actions",
        }
        by = {f["finding"]: f for f in content["findings"]}
        finance = by["dimension:finance"]
        assert (finance["A"], finance["B"], finance["disputed"]) == ("agree", "disagree", True)
        assert by["dimension:governance"]["disputed"] is False
        assert [t["reply_to"] for t in by["dimension:governance"]["thread"]] == [None, 0]  # within its thread
        assert [t["organisation"] for t in finance["thread"]] == [
            "Aurora Pharma",
            rnd.alliance.side_b.name,
            rnd.alliance.side_b.name,
        ]
        assert [t["reply_to"] for t in finance["thread"]] == [None, None, 0]
        assert all("Pia" not in str(t) and OWNER not in str(t) for t in finance["thread"])  # never persons
        points = report_pages.round_context(rnd, joint_only=True)["talking_points"]
        talking = [f for f in content["findings"] if f["finding"].startswith("talking:")]
        assert [f["title"] for f in talking] == [p["message"] for p in points]
        assert [f["finding"] for f in talking] == [f"talking:{n}" for n in range(1, len(points) + 1)]
        [action] = content["actions"]
        assert action == {
            "title": "Joint budget review",
            "dimension": "finance",
            "owner_a": OWNER,
            "owner_b": "Bo Partner",
            "due_on": (date.today() + timedelta(days=45)).isoformat(),
            "status": "open",
            "accepted": True,
        }
        audited = set(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("review.")))
        )
        assert {
            "review.start",
            "review.reviewer_add",
            "review.comment",
            "review.action_propose",
            "review.action_accept",
            "review.action_accepted",
        } <= audited
        titles = [e.title for e in memory.timeline(rnd.alliance, "review")]
        assert any("disagrees on Finance" in t for t in titles)
        assert any(t.startswith("Joint action accepted by both sides") for t in titles)
    client = app.test_client()
    _login(client)
    page = client.get(f"/alliances/{rnd_alliance}/timeline?kind=review").get_data(as_text=True)
    assert ">joint reviews</option>" in page and "disagrees on Finance" in page


def test_a_change_after_publication_makes_version_2_and_the_partner_link_shows_it(app, closed):
    _alliance_id, round_id = closed()
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        reviewer_id = review_links.add_reviewer(rnd, "Pia", "pia@partner.example", None).id
        _link, share = sharing.create(rnd, None)
        db.session.commit()
    _thread_and_action(app, round_id, reviewer_id)
    partner = app.test_client()
    assert "Joint review outcome" not in partner.get(f"/shared/{share}").get_data(as_text=True)
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        first = review_publication.publish(rnd, users.by_email(OWNER))
        db.session.commit()
        assert first.number == 1
        assert review_publication.publish(rnd, users.by_email(OWNER)) is None  # no change: no new version
        db.session.commit()
    shown = partner.get(f"/shared/{share}").get_data(as_text=True)
    assert "Joint review outcome" in shown and "disputed" in shown and "Joint budget review" in shown
    assert "Changed after publication" not in shown
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        b = review.Participant.partner(db.session.get(Reviewer, reviewer_id))
        review_thread.comment(rnd, b, "dimension:governance", "disagree", "On reflection, no.")
        db.session.commit()
        assert [v.number for v in review_publication.versions(rnd)] == [1, 2]
        content = review_publication.pack_content(rnd)
        assert content["version"] == 2 and content["changed_after_publication"] is True
        # version 1 stays as it was
        assert review_publication.versions(rnd)[0].content["review"]["version"] == 1
    shown = partner.get(f"/shared/{share}").get_data(as_text=True)
    assert "Changed after publication" in shown and "On reflection, no." in shown


def test_reviewer_forms_need_the_csrf_token(app, closed):
    _alliance_id, round_id = closed()
    with app.app_context():
        review_links.add_reviewer(db.session.get(Round, round_id), "Pia", "pia@partner.example", None)
        db.session.commit()
    token = _review_token(app, "pia@partner.example")
    partner = app.test_client()
    partner.get(f"/review/{token}")
    refused = partner.post(
        f"/review/{token}/comment", data={"finding": "dimension:finance", "stance": "agree"}
    )
    assert refused.status_code == 400
    with app.app_context():
        assert review_findings.thread(db.session.get(Round, round_id)) == []


def test_the_demo_has_a_published_review_and_one_in_review(app):
    from healthcheck.services import demo

    with app.app_context():
        demo.run()
        db.session.commit()
        nordvik = alliances.by_name("Nordvik Immunology Co-commercial")
        rounds = db.session.scalars(
            select(Round)
            .where(Round.alliance_id == nordvik.id, Round.status == "closed")
            .order_by(Round.closes_on)
        ).all()
        content = review_publication.pack_content(rounds[-1])
        assert content["status"] == "published" and content["version"] == 1
        assert sum(f["disputed"] for f in content["findings"]) == 1
        sides = {t["side"] for f in content["findings"] for t in f["thread"]}
        assert sides == {"A", "B"}
        assert [a["accepted"] for a in content["actions"]] == [True]
        latest = db.session.scalar(
            select(Round)
            .where(Round.status == "closed")
            .order_by(Round.closed_at.desc(), Round.id.desc())
            .limit(1)
        )
        assert review.of_round(latest).status == "in_review"
        assert review.of_round(latest).ends_on >= date.today()
        assert summaries.stored(latest)["review"]["status"] == "in_review"
        demo.run()  # again: nothing changes
        assert db.session.scalar(select(func.count()).select_from(PackVersion)) == 1
