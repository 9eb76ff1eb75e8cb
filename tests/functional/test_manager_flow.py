"""An alliance manager sets up an alliance and a round, invites both sides, watches rates."""

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Alliance, AuditEvent, Invitation, Round
from tests.conftest import csrf_token

LINK_RE = re.compile(r'value="(http://localhost/r/[^"]+)"')


def _create_alliance(client, **overrides):
    data = {
        "name": "Helix R&D",
        "side_a": "Aurora Pharma",
        "side_b": "Helix Bio",
        "segment": "complex",
        "phase": "development",
        "alliance_type": "R&D",
        "north_star": "First-in-human by 2027.",
        "k_anonymity": "3",
        "owners": "manager@example.com",
        "members": "",
    }
    data.update(overrides)
    data["csrf_token"] = csrf_token(client, "/alliances/new")
    return client.post("/alliances/new", data=data)


def test_create_alliance_round_invite_and_watch_rates(app, client, login):
    login()
    created = _create_alliance(client)
    assert created.status_code == 302
    alliance_url = created.headers["Location"]
    page = client.get(alliance_url).get_data(as_text=True)
    assert "Helix R&amp;D" in page and "First-in-human by 2027." in page

    token = csrf_token(client, alliance_url + "/rounds/new")
    with app.app_context():
        from healthcheck.services import questionnaires

        qid = questionnaires.latest("alliance-health-check").id
    made = client.post(
        alliance_url + "/rounds/new",
        data={
            "label": "2026-Q4",
            "questionnaire": qid,
            "opens_on": str(date.today()),
            "closes_on": str(date.today() + timedelta(days=21)),
            "csrf_token": token,
        },
    )
    assert made.status_code == 302
    round_url = made.headers["Location"]
    assert "draft" in client.get(round_url).get_data(as_text=True)

    bulk = (
        "name,email,side,function\nAnn A,ann@aurora.example,A,Research\nBob A,bob@aurora.example,A,\n"
        "Cem B,cem@helix.example,B,development\nDee B,dee@helix.example,b,Finance\n"
    )
    posted = client.post(
        round_url + "/invite-bulk",
        data={"csv_text": bulk, "delivery": "page", "csrf_token": csrf_token(client, round_url)},
    )
    assert posted.status_code == 200
    links = list(dict.fromkeys(LINK_RE.findall(posted.get_data(as_text=True))))
    assert len(links) == 4
    assert LINK_RE.findall(client.get(round_url).get_data(as_text=True)) == []  # shown once
    opened = client.post(round_url + "/open", data={"csrf_token": csrf_token(client, round_url)})
    assert opened.status_code == 302
    assert "0/2 (0%)" in client.get(round_url).get_data(as_text=True)

    respondent = app.test_client()
    path = links[0].replace("http://localhost", "")
    assert respondent.get(path).status_code == 200
    form_page = respondent.get(path + "/answer").get_data(as_text=True)
    answers = {m: "4" for m in set(re.findall(r'name="(q-[a-z_]+)"', form_page))}
    answers.update(
        action="submit", csrf_token=re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form_page).group(1)
    )
    done = respondent.post(path + "/answer", data=answers)
    assert done.status_code == 303
    page = client.get(round_url).get_data(as_text=True)
    assert re.search(r'data-testid="rate-A">\s*1/2 \(50%\)', page)
    assert re.search(r'data-testid="rate-B">\s*0/2 \(0%\)', page)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "round.open")
            )
            == 1
        )


def test_bad_bulk_csv_lists_lines_and_adds_nobody(app, client, login, make_alliance, make_round):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="draft")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    bulk = "name,email,side,function\nAnn,ann@x.example,A,\n,bad-email,C,\nAnn2,ann@x.example,B,\n"
    response = client.post(
        url + "/invite-bulk", data={"csv_text": bulk, "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "line 3: name: required" in text
    assert "line 3: email: &#39;bad-email&#39; is not an email address" in text
    assert "line 3: side: A or B" in text
    assert "line 4: email: ann@x.example is already invited" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_bad_csv_header_and_upload(client, login, make_alliance, make_round):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="draft")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    import io

    response = client.post(
        url + "/invite-bulk",
        data={
            "csv_file": (io.BytesIO(b"email,name\nx@y.z,X\n"), "people.csv"),
            "csv_text": "",
            "csrf_token": csrf_token(client, url),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "header must be name,email,side,function" in response.get_data(as_text=True)
    binary = client.post(
        url + "/invite-bulk",
        data={
            "csv_file": (io.BytesIO(b"\xff\xfe\x00bad"), "people.csv"),
            "csrf_token": csrf_token(client, url),
        },
        content_type="multipart/form-data",
    )
    assert binary.status_code == 400 and "not UTF-8" in binary.get_data(as_text=True)


def test_invalid_alliance_form_changes_nothing(app, client, login):
    login()
    response = _create_alliance(client, side_b="aurora pharma", k_anonymity="2", segment="huge")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Number must be between 3 and 50" in text
    assert "Not a valid choice" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Alliance)) == 0
    _create_alliance(client)
    dup = _create_alliance(client)
    assert dup.status_code == 400 and "already exists" in dup.get_data(as_text=True)
    different = _create_alliance(client, name="Other", side_b="Aurora Pharma")
    assert "must be a different organisation" in different.get_data(as_text=True)


def test_round_dates_in_wrong_order_are_refused(app, client, login, make_alliance):
    login()
    alliance = make_alliance(owner="manager@example.com")
    url = f"/alliances/{alliance}/rounds/new"
    with app.app_context():
        from healthcheck.services import questionnaires

        qid = questionnaires.latest("alliance-health-check").id
    response = client.post(
        url,
        data={
            "label": "R",
            "questionnaire": qid,
            "opens_on": str(date.today() + timedelta(days=10)),
            "closes_on": str(date.today() + timedelta(days=5)),
            "csrf_token": csrf_token(client, url),
        },
    )
    assert response.status_code == 400
    assert "The round would be open less than a day" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_revoke_and_reissue(app, client, login, make_alliance, make_round, invite):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance)
    old = invite(rnd, "A")[0]
    url = f"/alliances/{alliance}/rounds/{rnd}"
    with app.app_context():
        inv_id = db.session.scalar(select(Invitation.id))
    respondent = app.test_client()
    client.post(
        f"{url}/invitations/{inv_id}/revoke", data={"csrf_token": csrf_token(client, url), "confirmed": "yes"}
    )
    assert respondent.get(f"/r/{old}").status_code == 410
    page = client.post(
        f"{url}/invitations/{inv_id}/reissue",
        data={"csrf_token": csrf_token(client, url), "confirmed": "yes"},
    )
    new = list(set(LINK_RE.findall(page.get_data(as_text=True))))
    assert len(new) == 1
    replaced = respondent.get(f"/r/{old}")
    assert replaced.status_code == 410 and "no longer valid" in replaced.get_data(as_text=True)
    assert respondent.get(new[0].replace("http://localhost", "")).status_code == 200


def test_round_state_machine_refuses_illegal_transitions(app, client, login, make_alliance, make_round):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="closed")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    response = client.post(url + "/open", data={"csrf_token": csrf_token(client, url)}, follow_redirects=True)
    assert "is closed; only a draft opens" in response.get_data(as_text=True)
    with app.app_context():
        from healthcheck.models import IllegalTransition

        r = db.session.get(Round, rnd)
        assert r.status == "closed"
        try:
            r.close()
        except IllegalTransition as exc:
            assert "only an open round closes" in str(exc)
        else:
            raise AssertionError("closing a closed round must fail")
