"""Issue 14 item 3: dates that make sense (close dates, extension, actual close, cadence)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from tests.conftest import csrf_token


def _outbox(app) -> list:
    parser = BytesParser(policy=policy.default)
    return [
        parser.parsebytes(p.read_bytes()) for p in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    ]


def _closed_round(alliance_id: int, opens_on: date, closes_on: date, label: str = "R1") -> int:
    """A closed round of the past as the demo and history import make them."""
    from healthcheck.models import Alliance, Round
    from healthcheck.services import questionnaires, summaries

    alliance = db.session.get(Alliance, alliance_id)
    rnd = Round(
        alliance=alliance,
        questionnaire=questionnaires.latest("alliance-health-check"),
        label=label,
        status="closed",
        opens_on=opens_on,
        closes_on=closes_on,
        opened_at=datetime.combine(opens_on, datetime.min.time()),
        closed_at=datetime.combine(closes_on, datetime.min.time()) + timedelta(hours=18),
        k_anonymity=3,
    )
    db.session.add(rnd)
    db.session.flush()
    summaries.refresh_round(rnd)
    return rnd.id


def test_i14_3_next_health_check_agrees_on_alliance_page_and_portfolio(app, client, login, make_alliance):
    """Lumen in the demo: typical (every 6 months), its last round opened 266 days ago and
    closed 245 days ago (21 days open). The alliance page counted 6 months from the opening
    (due 266 − 182 = 84 days ago), the portfolio 6 months from the close (63 days ago): 21 days
    apart, and only the portfolio said "overdue". Both now ask one function."""
    from healthcheck.models import User
    from healthcheck.services import cadence, portfolio

    login()
    alliance_id = make_alliance(owner="manager@example.com", segment="typical")
    today = date.today()
    with app.app_context():
        _closed_round(alliance_id, today - timedelta(days=266), today - timedelta(days=245))
        db.session.commit()
        from healthcheck.models import Alliance

        schedule = cadence.for_alliance(db.session.get(Alliance, alliance_id))
        user = db.session.scalar(db.select(User).where(User.email == "manager@example.com"))
        line = portfolio.dashboard(user, today=today).lines[0]
        assert schedule.next_due == line.next_due
        assert schedule.overdue is True and line.overdue is True
        due = line.next_due
    alliance_page = client.get(f"/alliances/{alliance_id}").get_data(as_text=True)
    portfolio_page = client.get("/portfolio").get_data(as_text=True)
    assert f"overdue since {due}" in alliance_page
    assert f"overdue since {due}" in portfolio_page


def test_i14_3_close_date_in_past_refused(app, make_alliance):
    from healthcheck.models import Alliance, Round
    from healthcheck.services import questionnaires, rounds
    from healthcheck.services.errors import InvalidInput

    alliance_id = make_alliance()
    with app.app_context():
        alliance = db.session.get(Alliance, alliance_id)
        q = questionnaires.latest("alliance-health-check")
        # the issue's example: a round dated entirely in the past, "answer by 22 January 2020"
        with pytest.raises(InvalidInput) as refused:
            rounds.create(alliance, q, "Old", date(2020, 1, 1), date(2020, 1, 22), today=date(2026, 12, 1))
        assert refused.value.problems == [
            "closes on: 2020-01-22 is in the past (today is 2026-12-01); people would be asked "
            "to answer by a day already gone"
        ]
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_i14_3_round_shorter_than_a_day_refused(app, make_alliance):
    from healthcheck.models import Alliance
    from healthcheck.services import questionnaires, rounds
    from healthcheck.services.errors import InvalidInput

    alliance_id = make_alliance()
    with app.app_context():
        alliance = db.session.get(Alliance, alliance_id)
        q = questionnaires.latest("alliance-health-check")
        day = date(2026, 12, 10)
        with pytest.raises(InvalidInput, match="open less than a day; close it on 2026-12-11 or later"):
            rounds.create(alliance, q, "Same day", day, day, today=date(2026, 12, 1))
        made = rounds.create(alliance, q, "One day", day, day + timedelta(days=1), today=date(2026, 12, 1))
        assert made.closes_on == date(2026, 12, 11)


def test_i14_3_form_gives_the_reason_and_writes_nothing(app, client, login, make_alliance):
    from healthcheck.models import Round
    from healthcheck.services import questionnaires

    login()
    alliance = make_alliance(owner="manager@example.com")
    url = f"/alliances/{alliance}/rounds/new"
    with app.app_context():
        qid = questionnaires.latest("alliance-health-check").id
    yesterday = date.today() - timedelta(days=1)
    response = client.post(
        url,
        data={
            "label": "Past",
            "questionnaire": qid,
            "opens_on": str(yesterday - timedelta(days=21)),
            "closes_on": str(yesterday),
            "csrf_token": csrf_token(client, url),
        },
    )
    assert response.status_code == 400
    assert f"{yesterday} is in the past (today is {date.today()})" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def _open_round_with_people(app, make_alliance, make_round, owner="manager@example.com"):
    """An open round: Ann (A) submitted; Bob (A, link by email) and Cem (B, the manager's link) did not."""
    from healthcheck.models import Round
    from healthcheck.services import invitations, responses

    alliance = make_alliance(owner=owner)
    rnd_id = make_round(alliance)
    with app.app_context():
        rnd = db.session.get(Round, rnd_id)
        people = [
            invitations.Invitee("Ann", "ann@x.example", "A"),
            invitations.Invitee("Bob", "bob@x.example", "A"),
        ]
        issued = invitations.invite(rnd, people)
        (cem,) = invitations.invite(rnd, [invitations.Invitee("Cem", "cem@x.example", "B")], hand_out=True)
        ann = issued[0].invitation
        token = ann.issue_link()
        given = responses.Answers()
        for q in rnd.questionnaire.questions:
            given.scores[q.key] = 4
        responses.submit_target(responses.target_of(token, ann), given)
        db.session.commit()
    return alliance, rnd_id, cem.token


def test_i14_3_extend_open_round_tells_who_has_not_answered_and_is_audited(
    app, client, login, make_alliance, make_round
):
    from healthcheck.jobs import delivery
    from healthcheck.models import AuditEvent, OutgoingMail, Round

    login()
    alliance, rnd, cem_token = _open_round_with_people(app, make_alliance, make_round)
    url = f"/alliances/{alliance}/rounds/{rnd}"
    with app.app_context():
        before = db.session.get(Round, rnd).closes_on
    later = before + timedelta(days=7)
    response = client.post(
        f"{url}/extend", data={"closes_on": str(later), "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert f"now closes on {later}; 2 people who have not answered yet will be told by email" in page
    with app.app_context():
        assert db.session.get(Round, rnd).closes_on == later
        told = sorted(
            db.session.scalars(select(OutgoingMail.to).where(OutgoingMail.kind == "round_extended"))
        )
        assert told == ["bob@x.example", "cem@x.example"]  # not Ann, who submitted
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.extend"))
        assert event.detail == {"closes_on": str(later), "was": str(before)}
        delivery.deliver_due()
    mails = {m["To"]: m for m in _outbox(app) if "more time" in m["Subject"]}
    assert set(mails) == {"bob@x.example", "cem@x.example"}
    assert mails["bob@x.example"]["Subject"] == (
        f"Health check of Alliance 1: more time, now open until {later}"
    )
    bob = mails["bob@x.example"].get_body(("plain",)).get_content()
    assert later.strftime("%d %B %Y") in bob and f"It was to close on {before}" in bob
    link = next(line.strip() for line in bob.splitlines() if "/r/" in line)
    assert app.test_client().get(link.replace("http://localhost:5000", "")).status_code == 200
    # the message carries the link each person already has (rebuilt, like a reminder): the one
    # the manager gave Cem keeps working, no second link is made
    cem = mails["cem@x.example"].get_body(("plain",)).get_content()
    cem_link = next(line.strip() for line in cem.splitlines() if "/r/" in line)
    assert cem_link.rsplit("/", 1)[1] == cem_token
    with app.app_context():
        from healthcheck.models import InvitationToken

        live = db.session.execute(
            select(InvitationToken.invitation_id, func.count())
            .where(InvitationToken.revoked_at.is_(None))
            .group_by(InvitationToken.invitation_id)
        ).all()
    assert sorted(n for _, n in live) == [1, 1, 1]  # one valid link per invitation, as before


def test_i14_3_closed_round_cannot_be_extended(app, client, login, make_alliance, make_round):
    from healthcheck.models import IllegalTransition, Round
    from healthcheck.services import rounds

    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="closed")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    assert "Extend the round" not in client.get(url).get_data(as_text=True)
    later = date.today() + timedelta(days=60)
    response = client.post(
        f"{url}/extend", data={"closes_on": str(later), "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 400
    assert "only an open round&#39;s close date can be extended" in response.get_data(as_text=True)
    with app.app_context(), pytest.raises(IllegalTransition):
        rounds.extend(db.session.get(Round, rnd), later)


def test_i14_3_extension_must_be_later_and_not_in_the_past(app, make_alliance, make_round):
    from healthcheck.models import Round
    from healthcheck.services import rounds
    from healthcheck.services.errors import InvalidInput

    alliance = make_alliance()
    rnd_id = make_round(alliance)
    with app.app_context():
        rnd = db.session.get(Round, rnd_id)
        current = rnd.closes_on
        with pytest.raises(InvalidInput, match=f"is not later than the current close date {current}"):
            rounds.extend(rnd, current)
        # a round whose close date passed but the scheduler has not closed yet: a past date is refused
        with pytest.raises(InvalidInput, match="is in the past"):
            rounds.extend(rnd, current + timedelta(days=1), today=current + timedelta(days=5))


def test_i14_3_pages_show_the_actual_close_not_the_planned_date(
    app, client, login, make_alliance, make_round
):
    from healthcheck.models import Round

    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="closed")  # closed today, planned for 21 days from now
    with app.app_context():
        r = db.session.get(Round, rnd)
        closed_on, planned = r.closed_at.date(), r.closes_on
    assert planned != closed_on
    round_page = client.get(f"/alliances/{alliance}/rounds/{rnd}").get_data(as_text=True)
    assert f"closed on {closed_on}" in round_page and f"(planned {planned})" in round_page
    assert f"closed on {closed_on}" in client.get(f"/alliances/{alliance}").get_data(as_text=True)
    report = client.get(f"/alliances/{alliance}/rounds/{rnd}/report").get_data(as_text=True)
    assert f"closed on {closed_on}" in report and f"closed {planned}" not in report


def test_i14_3_cli_refuses_past_and_extends_with_the_reason(app, runner, make_alliance, make_round):
    alliance_id = make_alliance(name="Helix")
    past = runner.invoke(
        args=["round", "create", "--alliance", "Helix", "--label", "Old", "--closes-on", "2020-01-22"]
    )
    assert past.exit_code == 2
    assert "error: closes on: 2020-01-22 is in the past" in past.output
    made = runner.invoke(args=["round", "create", "--alliance", "Helix", "--label", "New"])
    assert made.exit_code == 0, made.output
    rnd = make_round(alliance_id, label="Open")
    later = date.today() + timedelta(days=40)
    done = runner.invoke(
        args=["round", "extend", "--alliance", "Helix", "--round", "Open", "--closes-on", str(later)]
    )
    assert done.exit_code == 0 and f"now closes on {later}; 0 told by email" in done.output
    draft = runner.invoke(
        args=["round", "extend", "--alliance", "Helix", "--round", "New", "--closes-on", str(later)]
    )
    assert draft.exit_code == 2 and "only an open round's close date can be extended" in draft.output
    with app.app_context():
        from healthcheck.models import Round

        assert db.session.get(Round, rnd).closes_on == later
