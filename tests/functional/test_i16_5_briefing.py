"""Issue 16 item 5: the successor's briefing, as a page and a PDF, under the k rule."""

import subprocess
from datetime import date, timedelta

from healthcheck.extensions import db
from healthcheck.models import Alliance, Round
from tests.conftest import csrf_token

PASSWORD = "correct-horse-battery"
NORTH_STAR = "Bring HLX-201 to a first-in-human trial by 2027."


def _log_in(client, email):
    token = csrf_token(client)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def _story(app, make_user, make_alliance, make_round, invite, answer_all, sides="AAABBB"):
    """An alliance with a closed round, an open and a done action, a decision and a viewer."""
    make_user("manager@example.com", "manager")
    make_user("viewer@example.com", "viewer")
    alliance_id = make_alliance(owner="manager@example.com", members=["viewer@example.com"], name="Helix")
    round_id = make_round(alliance_id, label="2026-Q3")
    for token in invite(round_id, sides):
        answer_all(token, score=4)
    with app.app_context():
        from healthcheck.services import actions, memory, rounds

        alliance = db.session.get(Alliance, alliance_id)
        alliance.north_star = NORTH_STAR
        rounds.close_round(db.session.get(Round, round_id))
        today = date.today()
        actions.create(
            alliance,
            actions.ActionData("Monthly joint CMC review", "Maria", today + timedelta(days=30)),
            None,
        )
        done = actions.create(alliance, actions.ActionData("Fix the invoice backlog", "Tom", today), None)
        actions.set_status(done, "done", None)
        from healthcheck.models import ActionCheckin

        db.session.add(ActionCheckin(action_id=done.id, side="B", email="p3@example.com", score=4))
        memory.add_note(
            alliance, "decision", "Second site for fill-finish", "Agreed in the JSC.", today, None
        )
        memory.add_note(alliance, "meeting", "Kick-off long ago", "", today - timedelta(days=400), None)
        db.session.commit()
    return alliance_id


def test_i16_5_briefing_page_tells_the_story(
    app, client, make_user, make_alliance, make_round, invite, answer_all
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    _log_in(client, "manager@example.com")
    assert f'href="/alliances/{alliance_id}/briefing"' in client.get(f"/alliances/{alliance_id}").get_data(
        as_text=True
    )
    page = client.get(f"/alliances/{alliance_id}/briefing").get_data(as_text=True)
    assert NORTH_STAR in page
    assert "Aurora Pharma" in page and "Partner 1" in page
    assert "typical" in page and "0.2 FTE" in page and "every 6 months" in page  # segment and why
    assert "2026-Q3" in page and ">75<" in page  # every answer 4 on 1..5: health index 75
    open_part, recent_part = page.split("Actions finished in the last year")
    assert "Monthly joint CMC review" in open_part.split("Open actions")[1]
    assert "Fix the invoice backlog" in recent_part and "done" in recent_part
    assert "“Did this help?” Partner 1 4/5" in recent_part  # the check-in, by side, never by person
    assert "Second site for fill-finish" in page and "Kick-off long ago" not in page  # the last year only
    # contacts: side B's invitees by name, never who answered
    assert "Person 3" in page and "Person 5" in page and "submitted" not in page.lower()
    assert "Facts beside perception" not in page  # no facts module yet: no section


def test_i16_5_reader_sees_the_briefing_without_contacts_and_outsiders_see_nothing(
    app, client, make_user, make_alliance, make_round, invite, answer_all
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    _log_in(client, "viewer@example.com")
    page = client.get(f"/alliances/{alliance_id}/briefing").get_data(as_text=True)
    assert NORTH_STAR in page and "Contacts are shown to the alliance's owners." in page
    assert "p3@example.com" not in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/portfolio")})
    make_user("other@example.com", "manager")
    _log_in(client, "other@example.com")
    assert client.get(f"/alliances/{alliance_id}/briefing").status_code == 404
    assert client.get(f"/alliances/{alliance_id}/briefing.pdf").status_code == 404


def test_i16_5_k_rule_hides_the_index_of_a_round_too_few_answered(
    app, client, make_user, make_alliance, make_round, invite, answer_all
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all, sides="AAB")
    _log_in(client, "manager@example.com")
    page = client.get(f"/alliances/{alliance_id}/briefing").get_data(as_text=True)
    assert "not shown (fewer than k = 3 answered)" in page
    assert ">75<" not in page


def test_i16_5_pdf_opens_and_names_north_star_and_open_action(
    app, client, make_user, make_alliance, make_round, invite, answer_all, tmp_path
):
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    _log_in(client, "manager@example.com")
    response = client.get(f"/alliances/{alliance_id}/briefing.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "briefing.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())  # table cells wrap
    assert "first-in-human trial by 2027" in text
    assert "Monthly joint CMC review" in text
    with app.app_context():
        from healthcheck.services import briefing

        again = briefing.render_pdf(db.session.get(Alliance, alliance_id))
    assert again.startswith(b"%PDF")


def test_i16_5_briefing_shows_the_facts_of_the_last_year(
    app, client, make_user, make_alliance, make_round, invite, answer_all
):
    """Two milestones due in the last year, one met on time, one missed: 50 % on time."""
    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    today = date.today()
    planned = (today - timedelta(days=60)).isoformat()
    met = (today - timedelta(days=50)).isoformat()  # 10 days late: within 30, on time
    csv_text = (
        "key,title,dimension,planned_on,actual_on,forecast_on,status\n"
        f"ind,IND filed,milestones,{planned},{met},,met\n"
        f"fih,First patient dosed,milestones,{planned},,,missed\n"
    )
    with app.app_context():
        from healthcheck.services import facts_csv

        facts_csv.import_csv(db.session.get(Alliance, alliance_id).name, "milestones", csv_text)
        db.session.commit()
    _log_in(client, "manager@example.com")
    page = " ".join(client.get(f"/alliances/{alliance_id}/briefing").get_data(as_text=True).split())
    assert "Facts beside perception" in page
    assert "milestones met on time 50%" in page
    assert "IND filed" in page and "First patient dosed" in page


def test_i16_5_handoff_emails_the_new_owner_the_briefing_and_a_link_to_it(
    app, client, make_user, make_alliance, make_round, invite, answer_all, tmp_path
):
    from email import policy
    from email.parser import BytesParser
    from pathlib import Path

    alliance_id = _story(app, make_user, make_alliance, make_round, invite, answer_all)
    make_user("next@example.com", "manager")
    _log_in(client, "manager@example.com")
    form = {
        "csrf_token": csrf_token(client, f"/alliances/{alliance_id}/timeline"),
        "new_owner": "next@example.com",
        "body": "Watch the CMC review.",
        "confirmed": "yes",
    }
    assert client.post(f"/alliances/{alliance_id}/handoff", data=form).status_code == 302
    with app.app_context():
        from healthcheck.jobs import delivery

        delivery.deliver_due()
        assert delivery.deliver_due()["sent"] == 0  # exactly once
    parsed = [
        BytesParser(policy=policy.default).parsebytes(p.read_bytes())
        for p in (Path(app.instance_path) / "outbox").glob("*.eml")
    ]
    (mail,) = [m for m in parsed if m["To"] == "next@example.com"]
    assert mail["To"] == "next@example.com"
    assert mail["Subject"] == "Helix is handed over to you: the successor's briefing"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert f"/alliances/{alliance_id}/briefing" in text and "manager@example.com handed" in text
    (attached,) = list(mail.iter_attachments())  # the briefing, rendered at delivery
    assert (
        attached.get_content_type() == "application/pdf" and attached.get_filename() == "helix-briefing.pdf"
    )
    pdf = tmp_path / "attached.pdf"
    pdf.write_bytes(attached.get_content())
    pdf_text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split()
    )
    assert (
        NORTH_STAR in pdf_text
        and "Monthly joint CMC review" in pdf_text
        and "Watch the CMC review." in pdf_text
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/portfolio")})
    _log_in(client, "next@example.com")
    page = client.get(f"/alliances/{alliance_id}/briefing").get_data(as_text=True)
    assert "Monthly joint CMC review" in page and "Watch the CMC review." in page


def test_i16_5_demo_briefing_of_the_unmanaged_alliance_says_why_and_who_left(app, client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        from healthcheck.services import alliances

        lumen = alliances.by_name("Lumen Dermatology Co-promotion").id
    token = csrf_token(client)
    client.post(
        "/login", data={"email": "admin@example.com", "password": "demo-admin-2026", "csrf_token": token}
    )
    page = client.get(f"/alliances/{lumen}/briefing").get_data(as_text=True)
    assert "Lena Leaver &lt;lena.leaver@example.com&gt; (account deactivated)" in page
    assert "Segment review suggested: typical → complex." in page and "is red" in page
    assert "Handoff from Maria Manager to Lena Leaver" in page
