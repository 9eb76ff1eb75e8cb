"""Issue 14 item 4: a batch of links one can keep, invitation progress in words, and
"Remind non-respondents now" through the scheduled reminders' exactly-once claim."""

from __future__ import annotations

import re
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import AuditEvent, Invitation, OutgoingMail, Reminder, Round
from healthcheck.services import reminders, rounds, scheduling
from tests.conftest import csrf_token
from tests.servers import Browser, gunicorn

LINK_RE = re.compile(r'value="(http://localhost/r/[^"]+)"')
BULK = (
    "name,email,side,function\nAnn A,ann@aurora.example,A,research\nBob A,bob@aurora.example,A,\n"
    "Cem B,cem@helix.example,B,development\n"
)


@pytest.fixture
def owned_round(app, login, make_alliance, make_round):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance)
    return alliance, rnd, f"/alliances/{alliance}/rounds/{rnd}"


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_i14_4_links_page_offers_the_batch_as_csv_and_copy_all(app, client, owned_round):
    _alliance, _rnd, url = owned_round
    page = client.post(
        f"{url}/invite-bulk",
        data={"csv_text": BULK, "delivery": "page", "csrf_token": csrf_token(client, url)},
    ).get_data(as_text=True)
    shown = list(dict.fromkeys(LINK_RE.findall(page)))
    assert len(shown) == 3
    # the CSV download is on the same page, built from the same links (no second issue)
    href = re.search(
        r'download="invitation-links-round-\d+\.csv"\s+href="data:text/csv;charset=utf-8,([^"]+)"', page
    )
    assert href, "no CSV download on the links page"
    table = urllib.parse.unquote(href.group(1).replace("&amp;", "&"))
    lines = table.strip().splitlines()
    assert lines[0] == "name,email,side,function,link"
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == shown
    assert "data-copy-all" in page and "/static/copy.js" in page
    assert "shown once" in page and "cannot be shown again" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (CSP script-src 'self')
    assert " onclick=" not in page
    assert LINK_RE.findall(client.get(url).get_data(as_text=True)) == []  # and never again


def _progress(client, url) -> list[str]:
    page = client.get(url).get_data(as_text=True)
    return re.findall(r'<span class="badge progress-[a-z-]+">([a-z ]+)</span></td>', page)


def test_i14_4_invitation_progress_in_words(app, client, owned_round, invite, answer_all):
    _alliance, rnd, url = owned_round
    tokens = invite(rnd, "AAAAB")  # Person 0..4, listed by side then name
    respondent = app.test_client()
    assert respondent.get(f"/r/{tokens[1]}").status_code == 200
    assert _progress(client, url) == ["pending"] * 5  # a GET never writes: a mail scanner is no reader
    assert respondent.post(f"/r/{tokens[1]}/opened").status_code == 204  # the welcome page's beacon
    assert respondent.post(f"/r/{tokens[1]}/opened").status_code == 204  # again: nothing changes
    assert respondent.post("/r/not-a-link/opened").status_code == 404  # as its GET
    form = respondent.get(f"/r/{tokens[2]}/answer").get_data(as_text=True)
    saved = respondent.post(
        f"/r/{tokens[2]}/answer",
        data={
            "action": "save",
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1),
        },
    )
    assert saved.status_code == 200
    answer_all(tokens[3])
    with app.app_context():
        inv_id = db.session.scalar(select(Invitation.id).where(Invitation.email == "p4@example.com"))
    client.post(
        f"{url}/invitations/{inv_id}/revoke", data={"csrf_token": csrf_token(client, url), "confirmed": "yes"}
    )
    assert _progress(client, url) == ["pending", "opened", "draft saved", "submitted", "link withdrawn"]
    tally = client.get(url).get_data(as_text=True)
    assert re.search(r'data-testid="progress-tally">.*opened</span> 1', tally)
    with app.app_context():
        rounds.close_round(db.session.get(Round, rnd))
        db.session.commit()
    assert _progress(client, url) == [
        "did not answer",
        "did not answer",
        "did not answer",
        "submitted",
        "link withdrawn",
    ]


def test_i14_4_welcome_page_posts_the_opened_beacon_from_a_static_script(app, owned_round, invite):
    _alliance, rnd, _url = owned_round
    token = invite(rnd, "A")[0]
    page = app.test_client().get(f"/r/{token}").get_data(as_text=True)
    assert f'data-opened-url="/r/{token}/opened"' in page
    assert re.search(r'src="/static/opened.js(\?v=[0-9a-f]+)?"', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_i14_4_remind_now_once_per_person_even_on_a_double_click(
    app, client, owned_round, invite, answer_all
):
    _alliance, rnd, url = owned_round
    tokens = invite(rnd, "AAB")
    answer_all(tokens[0])  # submitted: never reminded
    first = client.post(f"{url}/remind", data={"csrf_token": csrf_token(client, url)}, follow_redirects=True)
    assert "Reminder emailed to 2 people." in first.get_data(as_text=True)
    again = client.post(f"{url}/remind", data={"csrf_token": csrf_token(client, url)}, follow_redirects=True)
    assert "Reminder emailed to 0 people. 2 reminded in the last 3 days" in again.get_data(as_text=True)
    assert _count(app, Reminder) == 2
    assert _count(app, OutgoingMail, OutgoingMail.kind == "reminder") == 2
    with app.app_context():
        to = set(db.session.scalars(select(OutgoingMail.to).where(OutgoingMail.kind == "reminder")))
        assert to == {"p1@example.com", "p2@example.com"}
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "round.remind")) == 2


def test_i14_4_remind_now_counts_as_one_of_the_two_scheduled(app, owned_round, invite):
    """Reminded by hand on day 1: day 7's reminder is not sent (reminder 2 is due on day 14);
    on day 14 the second; then nobody can be reminded again."""
    _alliance, rnd, _url = owned_round
    invite(rnd, "A")
    with app.app_context():
        r = db.session.get(Round, rnd)
        opened = r.opened_at
        assert reminders.remind_now(r, None, now=opened + timedelta(days=1)).sent == 1
        assert scheduling.queue_reminders(opened + timedelta(days=7, hours=1)) == 0
        assert scheduling.queue_reminders(opened + timedelta(days=14, hours=1)) == 1
        last = reminders.remind_now(r, None, now=opened + timedelta(days=18))
        assert (last.sent, last.used_up) == (0, ["Person 0"])
        assert sorted(db.session.scalars(select(Reminder.number))) == [1, 2]


def test_i14_4_a_reminder_claimed_by_another_transaction_is_not_sent_twice(
    app, owned_round, invite, monkeypatch
):
    """Two managers at once: the second read no reminder yet, but the row is taken when it
    writes; the unique (invitation, number) claim refuses it and no second mail is queued."""
    _alliance, rnd, _url = owned_round
    invite(rnd, "A")
    with app.app_context():
        r = db.session.get(Round, rnd)
        assert reminders.remind_now(r, None).sent == 1
        db.session.commit()
        monkeypatch.setattr(reminders, "_sent", lambda inv: [])  # as if read before the other commit
        late = reminders.remind_now(r, None)
        db.session.commit()
        assert (late.sent, late.recent) == (0, 1)
    assert _count(app, Reminder) == 1
    assert _count(app, OutgoingMail, OutgoingMail.kind == "reminder") == 1


def test_i14_4_remind_now_refused_without_rights_csrf_or_open_round(
    app, client, login, make_alliance, make_round, make_user, invite, post
):
    login()
    other = make_alliance(owner=None)
    rnd = make_round(other)
    invite(rnd, "A")
    assert (
        client.post(
            f"/alliances/{other}/rounds/{rnd}/remind", data={"csrf_token": csrf_token(client)}
        ).status_code
        == 404
    )
    mine = make_alliance(owner="manager@example.com")
    own = make_round(mine)
    invite(own, "A")
    assert client.post(f"/alliances/{mine}/rounds/{own}/remind").status_code == 400  # no CSRF token
    assert _count(app, Reminder) == 0
    draft = make_round(mine, label="later", status="draft")
    invite(draft, "A")
    page = client.post(
        f"/alliances/{mine}/rounds/{draft}/remind",
        data={"csrf_token": csrf_token(client)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "only an open round" in page
    assert _count(app, Reminder) == 0


@pytest.mark.slow
def test_i14_4_two_managers_clicking_at_once_send_one_reminder_each(
    app, make_user, make_alliance, make_round, invite
):
    """Through gunicorn: two managers of the alliance each double-click (4 parallel posts)."""
    make_user("one@example.com", "manager")
    make_user("two@example.com", "manager")
    alliance = make_alliance(owner="one@example.com")
    with app.app_context():
        from healthcheck.models import Alliance, User

        a = db.session.get(Alliance, alliance)
        a.owners.append(db.session.scalar(select(User).where(User.email == "two@example.com")))
        db.session.commit()
    rnd = make_round(alliance)
    invite(rnd, "AABB")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    csrf = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    with gunicorn(app, workers=4, RATELIMIT_ENABLED="false") as base:
        browsers = []
        for email in ("one@example.com", "two@example.com"):
            b = Browser(base)
            token = csrf.search(b.request("GET", "/login")[1]).group(1)
            assert (
                b.request(
                    "POST",
                    "/login",
                    {"email": email, "password": "correct-horse-battery", "csrf_token": token},
                )[0]
                == 302
            )
            browsers.append((b, csrf.search(b.request("GET", url)[1]).group(1)))
        start = threading.Barrier(4)

        def click(i):
            b, token = browsers[i % 2]
            start.wait()
            return b.request("POST", f"{url}/remind", {"csrf_token": token})[0]

        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(click, range(4)))
    assert codes == [302] * 4
    assert _count(app, Reminder) == 4
    assert _count(app, OutgoingMail, OutgoingMail.kind == "reminder") == 4
    with app.app_context():
        numbers = list(db.session.execute(select(Reminder.invitation_id, Reminder.number)))
    assert len({i for i, _ in numbers}) == 4 and {n for _, n in numbers} == {1}  # one each, number 1
