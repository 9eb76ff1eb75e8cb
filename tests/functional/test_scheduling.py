"""Jobs driven by a controllable clock: a whole quarter, crashes, two schedulers, real SMTP."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.jobs import runner
from healthcheck.models import Alliance, JobRun, OutgoingMail, Reminder, Round
from healthcheck.services import alliances, invitations, questionnaires, rounds, scheduling
from tests.servers import free_port, start_smtp

D0 = datetime(2026, 1, 5, 9, 0)  # a Monday
ALL_JOBS = [
    "open_rounds", "close_rounds", "plan_rounds", "send_reminders", "weekly_digest", "action_followup",
    "deliver_mail", "deliver_webhooks", "overdue_action_webhooks",
]


def outbox(app) -> list:
    folder = Path(app.instance_path) / "outbox"
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def subjects(app) -> list[str]:
    return [m["Subject"] for m in outbox(app)]


def count(app, word) -> int:
    return sum(word in s for s in subjects(app))


def mailed(app, to: str) -> str:
    """The token of the latest link emailed to ``to`` (links are made when the email is sent)."""
    texts = [m.get_body(("plain",)).get_content() for m in outbox(app) if m["To"] == to]
    return [line.strip() for line in texts[-1].splitlines() if "/r/" in line][0].rsplit("/", 1)[1]


def run_day(app, day: datetime) -> None:
    with app.app_context():
        for name in ALL_JOBS:
            runner.run(name, day)


@pytest.fixture
def alliance_with_round(app, make_user):
    """A complex alliance (every 3 months) with a round opening on D0, 3 people per side;
    returns their emails (each gets their link by email)."""
    make_user("owner@example.com", "manager")
    with app.app_context():
        alliance = alliances.save(
            alliances.AllianceData(
                "Quarterly", "Aurora", "Helix", "complex", owner_emails=["owner@example.com"]
            ),
            None,
        )
        rnd = rounds.create(
            alliance,
            questionnaires.latest("alliance-health-check"),
            "2026-Q1",
            D0.date(),
            D0.date() + timedelta(days=21),
            today=D0.date(),  # the simulated quarter starts on D0
        )
        issued = invitations.invite(
            rnd, [invitations.Invitee(f"P{i}", f"p{i}@x.example", side) for i, side in enumerate("AAABBB")]
        )
        db.session.commit()
        return alliance.id, rnd.id, [i.invitation.email for i in issued]


def test_a_quarter_runs_itself(app, alliance_with_round, answer_all):
    alliance_id, round_id, people = alliance_with_round
    for offset in range(0, 86):  # up to 31 March
        day = D0 + timedelta(days=offset)
        if offset == 3:
            answer_all(mailed(app, people[0]), 4)
            answer_all(mailed(app, people[1]), 4)
        if offset == 10:
            answer_all(mailed(app, people[3]), 2)
        run_day(app, day)
        if offset == 0:
            assert count(app, "your view, by") == 6  # invitations on opening day
        if offset == 7:
            assert count(app, "Reminder:") == 4  # the 4 who had not answered
        if offset == 14:
            assert count(app, "Reminder:") == 4 + 3  # the second reminder, not to the one who answered
        if offset == 22:
            with app.app_context():
                assert db.session.get(Round, round_id).status == "closed"
            assert count(app, "is closed") == 1
            assert list((Path(app.config["REPORTS_DIR"])).glob(f"*/{round_id}-v*.html"))
    with app.app_context():
        planned = db.session.scalar(select(Round).where(Round.alliance_id == alliance_id, Round.planned))
        assert planned is not None and planned.status == "draft" and not planned.auto_open
        assert planned.opens_on == date(2026, 4, 5)
        copied = invitations.of_round(planned)
        assert sorted(i.email for i in copied) == sorted(f"p{i}@x.example" for i in range(6))
        assert db.session.scalar(select(func.count()).select_from(Reminder)) == 7
    assert count(app, "planned for") == 1
    mondays = sum(1 for o in range(0, 86) if (D0 + timedelta(days=o)).weekday() == 0)
    assert count(app, "Your alliances this week") == mondays
    assert count(app, "Reminder:") == 7 and count(app, "your view, by") == 6  # nothing sent twice

    # the manager confirms; on its date the scheduler opens it and invites everyone again
    with app.app_context():
        from healthcheck.services import cadence

        cadence.confirm(db.session.get(Round, planned.id), None)
        db.session.commit()
    for day in range(1, 6):
        run_day(app, datetime(2026, 4, day, 9, 0))
        if day == 4:
            assert count(app, "your view, by") == 6  # not before its opening date
    with app.app_context():
        assert db.session.get(Round, planned.id).status == "open"
    assert count(app, "your view, by") == 12


def test_mail_links_work_and_a_reminder_carries_the_same_link(app, alliance_with_round):
    _, _, people = alliance_with_round
    run_day(app, D0)
    client = app.test_client()
    links = [m.get_body(("plain",)).get_content() for m in outbox(app)]
    sent = [line.strip() for text in links for line in text.splitlines() if "/r/" in line]
    assert len(sent) == 6
    for link in sent:
        assert client.get(link.split("127.0.0.1:5000", 1)[1]).status_code == 200
    first = mailed(app, people[0])
    run_day(app, D0 + timedelta(days=7))
    assert mailed(app, people[0]) == first  # the reminder adds no second link
    assert client.get(f"/r/{first}").status_code == 200


def test_crash_mid_job_is_finished_by_the_rerun(app, alliance_with_round, monkeypatch):
    run_day(app, D0)
    day7 = D0 + timedelta(days=7)
    from healthcheck.services import notifications

    real, calls = notifications.enqueue, {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(notifications, "enqueue", flaky)
    with app.app_context(), pytest.raises(RuntimeError):
        runner.run("send_reminders", day7)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0  # rolled back whole
        assert (
            db.session.scalar(
                select(JobRun.status).where(JobRun.job == "send_reminders", JobRun.slot == "2026-01-12T09")
            )
            == "failed"
        )
    monkeypatch.setattr(notifications, "enqueue", real)
    with app.app_context():
        assert runner.run("send_reminders", day7) == {"reminders": 6}
        assert runner.run("send_reminders", day7) is None  # slot done: a third run does nothing
        assert runner.run("send_reminders", day7 + timedelta(hours=1)) == {"reminders": 0}


def _cli(app, *args):
    env = {
        **os.environ,
        "HEALTHCHECK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "HEALTHCHECK_SECRET_KEY": app.config["SECRET_KEY"],
        "HEALTHCHECK_INSTANCE": app.instance_path,
        "HEALTHCHECK_REPORTS_DIR": app.config["REPORTS_DIR"],
    }
    return subprocess.Popen(
        [sys.executable, "-c", "from healthcheck.cli import main; main()", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_scheduler_processes_send_each_reminder_once(app, alliance_with_round):
    run_day(app, D0)
    when = (D0 + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    for job in ("send_reminders", "deliver_mail"):
        procs = [_cli(app, "jobs", "run", job, "--now", when) for _ in range(2)]
        outputs = [p.communicate(timeout=120)[0] for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
        assert sum("skipped" in out for out in outputs) == 1, outputs
    # a later slot by a second scheduler finds nothing new to do
    later = (D0 + timedelta(days=7, hours=2)).strftime("%Y-%m-%dT%H:%M")
    for job in ("send_reminders", "deliver_mail"):
        proc = _cli(app, "jobs", "run", job, "--now", later)
        proc.communicate(timeout=120)
    assert count(app, "Reminder:") == 6
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutgoingMail)
                .where(OutgoingMail.kind == "reminder", OutgoingMail.status == "sent")
            )
            == 6
        )


def test_mail_reaches_a_real_smtp_server(make_app, alliance_with_round):
    controller, port, received = start_smtp()
    try:
        app = make_app(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
        with app.app_context():
            rnd = db.session.scalar(select(Round))
            rounds.open_round(rnd, now=D0)
            db.session.commit()
            assert runner.run("deliver_mail", D0) == {"sent": 6, "retry": 0, "failed": 0, "cancelled": 0}
    finally:
        controller.stop()
    assert len(received) == 6
    mail = BytesParser(policy=policy.default).parsebytes(received[0].content)
    assert mail["Subject"].startswith("Health check of Quarterly")
    assert received[0].rcpt_tos[0].endswith("@x.example")
    assert "/r/" in mail.get_body(("plain",)).get_content()
    assert "<a href=" in mail.get_body(("html",)).get_content()


def test_sending_failures_are_retried_with_backoff_and_never_undo_a_round(make_app, alliance_with_round):
    dead_port = free_port()  # nothing listens there
    app = make_app(
        MAIL_BACKEND="smtp",
        MAIL_HOST="127.0.0.1",
        MAIL_PORT=dead_port,
        MAIL_SECURITY="none",
        MAIL_MAX_ATTEMPTS=3,
    )
    with app.app_context():
        rnd = db.session.scalar(select(Round))
        rounds.open_round(rnd, now=D0)
        db.session.commit()
        rnd_id = rnd.id
        assert runner.run("deliver_mail", D0)["retry"] == 6
        mail = db.session.scalar(select(OutgoingMail).limit(1))
        assert mail.status == "queued" and mail.attempts == 1 and "ConnectionRefused" in mail.last_error
        assert mail.next_attempt_at == D0 + timedelta(minutes=2)
        assert runner.run("deliver_mail", D0 + timedelta(minutes=1)) == {
            "sent": 0,
            "retry": 0,
            "failed": 0,
            "cancelled": 0,
        }
        runner.run("deliver_mail", D0 + timedelta(minutes=3))
        final = runner.run("deliver_mail", D0 + timedelta(minutes=10))
        assert final["failed"] == 6
        assert db.session.get(Round, rnd_id).status == "open"


def test_no_reminder_after_submission_or_close(app, alliance_with_round, answer_all):
    _, round_id, people = alliance_with_round
    run_day(app, D0)
    for person in people:
        answer_all(mailed(app, person), 3)
    run_day(app, D0 + timedelta(days=7))
    assert count(app, "Reminder:") == 0
    with app.app_context():
        assert scheduling.queue_reminders(D0 + timedelta(days=30)) == 0


def test_schedule_on_the_alliance_page(app, client, alliance_with_round):
    alliance_id, round_id, _ = alliance_with_round
    from tests.conftest import csrf_token

    client.post(
        "/login",
        data={
            "email": "owner@example.com",
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(client),
        },
    )
    page = client.get(f"/alliances/{alliance_id}").get_data(as_text=True)
    assert "Health check every <strong>3 months</strong>" in page
    assert "it will open automatically" in page
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        rnd.auto_open = False
        db.session.commit()
    page = client.get(f"/alliances/{alliance_id}").get_data(as_text=True)
    assert "waiting for your confirmation" in page
    client.post(
        f"/alliances/{alliance_id}/rounds/{round_id}/confirm",
        data={"csrf_token": csrf_token(client, f"/alliances/{alliance_id}")},
    )
    with app.app_context():
        assert db.session.get(Round, round_id).auto_open
        assert db.session.get(Alliance, alliance_id).cadence_months is None


def test_demo_jobs_for_a_simulated_date(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    day7 = datetime.combine(date.today() + timedelta(days=2), datetime.min.time()) + timedelta(hours=9)
    stamp = day7.strftime("%Y-%m-%dT%H:%M")
    for job in ("open_rounds", "close_rounds", "send_reminders", "deliver_mail"):
        result = runner.invoke(args=["jobs", "run", job, "--now", stamp])
        assert result.exit_code == 0, result.output
    # Synapse's open round opened 5 days before today: 7 days on, its 6 non-respondents are reminded
    assert count(app, "Reminder: health check of Synapse Neuro Discovery") == 6
    assert len(subjects(app)) == 6
    again = runner.invoke(args=["jobs", "run", "send_reminders", "--now", stamp])
    assert "skipped" in again.output
    listing = runner.invoke(args=["outbox"])
    assert "6 message(s)" in listing.output


def test_manual_round_options_and_invitations_to_an_open_round(app, client, make_user, make_alliance):
    from tests.conftest import csrf_token

    make_user("manager@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com")
    client.post(
        "/login",
        data={
            "email": "manager@example.com",
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(client),
        },
    )
    with app.app_context():
        qid = questionnaires.latest("alliance-health-check").id
    url = f"/alliances/{alliance}/rounds/new"
    made = client.post(
        url,
        data={
            "label": "Manual",
            "questionnaire": qid,
            "opens_on": str(date.today() + timedelta(days=1)),  # close dates are never in the past
            "closes_on": str(date.today() + timedelta(days=22)),
            "csrf_token": csrf_token(client, url),
        },
    )
    assert made.status_code == 302  # auto_open unticked: a checkbox left out of the form is False
    with app.app_context():
        rnd = db.session.scalar(select(Round).where(Round.label == "Manual"))
        assert rnd.auto_open is False
        assert scheduling.open_due_rounds(D0) == 0
        rounds.open_round(rnd, now=D0)
        invitations.invite(rnd, [invitations.Invitee("Late", "late@x.example", "B")])
        db.session.commit()
        queued = db.session.scalars(select(OutgoingMail.to).where(OutgoingMail.kind == "invitation")).all()
    assert queued == ["late@x.example"]  # added to an open round: invited at once
