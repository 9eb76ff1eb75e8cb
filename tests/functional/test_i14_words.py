"""Issue 14 item 8: words, not codes — dimension titles in action tables, the timeline newest
first with a filter, search across every alliance one may see, job runs on an admin page, and
a withdrawn partner link that says so."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from healthcheck.extensions import db
from healthcheck.models import Round
from tests.conftest import csrf_token


def _login(client, email):
    client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": csrf_token(client)}
    )


@pytest.fixture
def world(app, make_user, make_alliance, make_round, invite, answer_all):
    """Mine (owned by manager@, read by member@) with a closed round whose side A has 3
    commenters and side B 2 (< k); Theirs (owned by stranger@) with the same words everywhere."""
    for email, role in (
        ("manager@example.com", "manager"),
        ("stranger@example.com", "manager"),
        ("member@example.com", "viewer"),
        ("admin@example.com", "admin"),
    ):
        make_user(email, role)
    mine = make_alliance(owner="manager@example.com", members=["member@example.com"], name="Nordvik Needle")
    theirs = make_alliance(owner="stranger@example.com", name="Elsewhere")
    rounds_ = {}
    for alliance in (mine, theirs):
        rnd = make_round(alliance, "R1")
        for i, token in enumerate(invite(rnd, "AAABB")):
            answer_all(token, 4, comments={"finance": f"needle comment {alliance} {i}"})
        with app.app_context():
            from healthcheck.services import actions, memory, rounds

            r = db.session.get(Round, rnd)
            rounds.close_round(r)
            memory.add_note(r.alliance, "meeting", f"Needle steering {alliance}", "", date(2026, 3, 1), None)
            memory.add_note(r.alliance, "decision", f"Needle decision {alliance}", "", date(2026, 4, 1), None)
            actions.create(
                r.alliance,
                actions.ActionData(f"Needle budget review {alliance}", "Ann", date(2027, 1, 31), "finance"),
                None,
                r,
            )
            db.session.commit()
        rounds_[alliance] = rnd
    return mine, theirs, rounds_


def test_i14_8_action_tables_name_dimensions_by_title(app, client, world):
    mine, _theirs, rounds_ = world
    _login(client, "manager@example.com")
    for url in (
        f"/alliances/{mine}",
        f"/alliances/{mine}/timeline",
        f"/alliances/{mine}/rounds/{rounds_[mine]}/report",
    ):
        page = client.get(url).get_data(as_text=True)
        row = re.search(r"Needle budget review.*?</tr>", page, re.S).group(0)
        assert "<td>Finance and budget</td>" in row, url
        assert "<td>finance</td>" not in row, url


def test_i14_8_timeline_newest_first_with_a_kind_filter(app, client, world):
    mine, _theirs, _rounds = world
    _login(client, "manager@example.com")
    url = f"/alliances/{mine}/timeline"
    everything = client.get(url).get_data(as_text=True)
    listed = everything[everything.index('data-testid="timeline"') :]
    assert listed.index(f"Needle decision {mine}") < listed.index(
        f"Needle steering {mine}"
    )  # April before March
    meetings = client.get(f"{url}?kind=meeting").get_data(as_text=True)
    listed = meetings[meetings.index('data-testid="timeline"') :]
    assert f"Needle steering {mine}" in listed and f"Needle decision {mine}" not in listed
    assert "Round R1 closed" not in listed
    assert '<option value="meeting" selected>' in meetings
    rounds_only = client.get(f"{url}?kind=round").get_data(as_text=True)
    assert "Round R1 closed" in rounds_only[rounds_only.index('data-testid="timeline"') :]
    unknown = client.get(f"{url}?kind=<script>").get_data(as_text=True)  # not a kind: everything
    assert f"Needle steering {mine}" in unknown and "<script>" not in unknown


def test_i14_8_search_finds_across_visible_alliances_with_links(app, client, world):
    mine, theirs, rounds_ = world
    _login(client, "manager@example.com")
    page = client.get("/search?q=needle").get_data(as_text=True)
    assert f'href="/alliances/{mine}"' in page  # the alliance by its name
    assert f'href="/alliances/{mine}/timeline?kind=meeting#timeline"' in page
    assert f"Needle budget review {mine}" in page and f'href="/alliances/{mine}/timeline"' in page
    assert f'href="/alliances/{mine}/rounds/{rounds_[mine]}/report"' in page
    # the k rule: side A's three comments, none of side B's two
    assert [f"needle comment {mine} {i}" in page for i in range(5)] == [True, True, True, False, False]
    # nothing of an alliance this manager does not own
    assert f"/alliances/{theirs}" not in page and "Elsewhere" not in page and f"{theirs} 0" not in page
    assert 'data-testid="search-count">7 results' in page  # 1 alliance + 2 notes + 1 action + 3 comments
    _login(client, "member@example.com")
    assert f"Needle steering {mine}" in client.get("/search?q=STEERING").get_data(as_text=True)


def test_i14_8_search_needs_a_login_and_two_characters(app, client, world):
    assert client.get("/search?q=needle").status_code == 302
    _login(client, "admin@example.com")
    short = client.get("/search?q=n").get_data(as_text=True)
    assert "Type at least 2 characters" in short and "search-count" not in short
    everywhere = client.get("/search?q=needle+steering").get_data(as_text=True)
    mine, theirs, _ = world
    assert (
        f"Needle steering {mine}" in everywhere and f"Needle steering {theirs}" in everywhere
    )  # admin sees all
    literal = client.get("/search?q=%25%25").get_data(as_text=True)  # "%%" is text, not a wildcard
    assert 'search-count">0 results' in literal


def test_i14_8_job_runs_are_on_an_admin_page_not_the_alliance_page(app, client, world):
    from healthcheck.jobs import runner

    mine, _theirs, _rounds = world
    with app.app_context():
        runner.run("open_rounds")
        runner.run("send_reminders")
    _login(client, "manager@example.com")
    assert "job runs" not in client.get(f"/alliances/{mine}").get_data(as_text=True).lower()
    assert client.get("/admin/jobs").status_code == 403
    _login(client, "admin@example.com")
    page = client.get("/admin/jobs").get_data(as_text=True)
    last = page[page.index('data-testid="last-runs"') :]
    assert "Open rounds" in last and "Send reminders" in last and "finished" in last
    assert "open_rounds" not in page and "(done)" not in page


def test_i14_8_withdrawn_and_expired_partner_links_answer_410_pages(app, world):
    mine, _theirs, rounds_ = world
    with app.app_context():
        from healthcheck.services import sharing

        rnd = db.session.get(Round, rounds_[mine])
        withdrawn, withdrawn_token = sharing.create(rnd, None)
        sharing.revoke(withdrawn, None)
        expired, expired_token = sharing.create(rnd, None)
        expired.expires_at -= timedelta(days=31)
        db.session.commit()
    partner = app.test_client()
    gone = partner.get(f"/shared/{withdrawn_token}")
    assert gone.status_code == 410
    assert "This link was withdrawn" in gone.get_data(as_text=True) and "Nordvik" not in gone.get_data(
        as_text=True
    )
    late = partner.get(f"/shared/{expired_token}")
    assert late.status_code == 410 and "This link has expired" in late.get_data(as_text=True)
    unknown = partner.get("/shared/no-such-link")
    assert unknown.status_code == 404 and "Link not recognised" in unknown.get_data(as_text=True)


def test_i14_8_timeline_page_ids_are_unique(app, client, world):
    """The note form and the handoff form both have a text field named body: one id each
    (a label and a screen reader must reach the right one)."""
    mine, _theirs, _rounds = world
    _login(client, "manager@example.com")
    page = client.get(f"/alliances/{mine}/timeline").get_data(as_text=True)
    ids = [i for i in re.findall(r'\sid="([^"]+)"', page) if i != "csrf_token"]  # hidden, never labelled
    assert [i for i in set(ids) if ids.count(i) > 1] == []
