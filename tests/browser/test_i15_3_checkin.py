"""Issue 15 item 3 in a browser: an owner opens the emailed check-in link, answers once, and
the link then says it was answered."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

from playwright.sync_api import expect

from healthcheck.extensions import db
from healthcheck.jobs import runner
from healthcheck.models import Action, ActionCheckin

D0 = datetime(2026, 3, 2, 9, 0)


def test_owner_answers_the_checkin_once(app, live_server, browser, shot, make_user, make_alliance):
    owner = make_user("olivia@aurora.example", "manager")
    alliance = make_alliance(owner="olivia@aurora.example", name="Nordvik")
    with app.app_context():
        db.session.add(
            Action(
                alliance_id=alliance,
                title="Joint budget review",
                owner="Olivia",
                owner_user_id=owner,
                partner_owner_name="Per Berg",
                partner_owner_email="per@nordvik.example",
                due_on=D0.date(),
                visibility="joint",
                status="done",
                completed_at=D0,
                accepted_a_at=D0 - timedelta(days=60),
                accepted_b_at=D0 - timedelta(days=60),
            )
        )
        db.session.commit()
        runner.run("action_followup", D0 + timedelta(days=31))
        runner.run("deliver_mail", D0 + timedelta(days=31))
    parser = BytesParser(policy=policy.default)
    mails = [parser.parsebytes(p.read_bytes()) for p in (Path(app.instance_path) / "outbox").glob("*.eml")]
    text = next(m for m in mails if m["To"] == "per@nordvik.example").get_body(("plain",)).get_content()
    path = re.search(r"/checkin/[A-Za-z0-9_-]+", text).group(0)

    page = browser.new_page()
    page.goto(live_server + path)
    expect(page.get_by_role("heading", name="Did this help?")).to_be_visible()
    shot(page, "i15_3_checkin_form")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("alert")).to_contain_text("choose a score from 1")
    page.get_by_label("4").check()
    page.get_by_label("Comment (optional)").fill("Budget surprises stopped")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    page.goto(live_server + path)
    expect(page.get_by_role("heading", name="Already answered")).to_be_visible()
    shot(page, "i15_3_checkin_answered")
    page.goto(live_server + "/checkin/not-a-real-token")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    page.close()
    with app.app_context():
        answered = db.session.query(ActionCheckin).filter(ActionCheckin.answered_at.is_not(None)).all()
        assert [(c.side, c.score, c.comment) for c in answered] == [("B", 4, "Budget surprises stopped")]
