"""Nothing lost, nothing doubled: concurrent submissions and closes through gunicorn."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Answer, AuditEvent, Response, Round
from tests.servers import Browser, gunicorn, record

pytestmark = pytest.mark.slow
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUESTION = re.compile(r'name="(q-[a-z_]+)"')


def _form(browser: Browser, token: str) -> dict:
    status, page, _ = browser.request("GET", f"/r/{token}/answer")
    assert status == 200, status
    data = {name: "4" for name in set(QUESTION.findall(page))}
    data.update(action="submit", csrf_token=CSRF.search(page).group(1), **{"c-trust": "ok"})
    return data


def _stored(app, round_id):
    with app.app_context():
        responses = db.session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.round_id == round_id, Response.submitted_at.is_not(None))
        )
        answers = db.session.scalar(
            select(func.count()).select_from(Answer).join(Response).where(Response.round_id == round_id)
        )
        per = (
            select(func.count().label("n"))
            .select_from(Response)
            .where(Response.round_id == round_id)
            .group_by(Response.invitation_id)
            .subquery()
        )
        per_invitation = db.session.scalar(select(func.coalesce(func.max(per.c.n), 0)))
        return responses, answers, per_invitation


def test_fifty_parallel_submissions_of_one_token(app, make_alliance, make_round, invite):
    round_id = make_round(make_alliance())
    token = invite(round_id, "A")[0]
    with gunicorn(app, workers=4, RATELIMIT_ENABLED="false") as base:
        browsers = [Browser(base) for _ in range(50)]
        forms = [_form(b, token) for b in browsers]
        start = threading.Barrier(50)

        def submit(i):
            start.wait()
            return browsers[i].request("POST", f"/r/{token}/answer", forms[i])

        with ThreadPoolExecutor(50) as pool:
            results = list(pool.map(submit, range(50)))
    codes = [status for status, _, _ in results]
    assert codes.count(303) == 1, codes
    assert codes.count(410) == 49, codes
    assert all("Already submitted" in body for status, body, _ in results if status == 410)
    assert _stored(app, round_id) == (1, 33, 1)
    record(
        "one token, 50 parallel submissions", accepted=codes.count(303), refused=codes.count(410), stored=1
    )


def test_two_hundred_respondents_at_once(app, make_alliance, make_round, invite):
    round_id = make_round(make_alliance())
    tokens = invite(round_id, "AB" * 100)
    with gunicorn(app, workers=4, RATELIMIT_ENABLED="false") as base:
        browsers = [Browser(base) for _ in tokens]
        with ThreadPoolExecutor(50) as pool:
            forms = list(pool.map(_form, browsers, tokens))
        began = time.perf_counter()

        def submit(i):
            try:
                return browsers[i].request("POST", f"/r/{tokens[i]}/answer", forms[i])[0]
            except OSError as exc:
                return f"error {exc}"

        with ThreadPoolExecutor(50) as pool:
            codes = list(pool.map(submit, range(len(tokens))))
        elapsed = time.perf_counter() - began
    acknowledged = codes.count(303)
    errors = [c for c in codes if c != 303]
    stored, answers, per_invitation = _stored(app, round_id)
    record(
        "200 respondents at once, gunicorn 4 workers",
        acknowledged=acknowledged,
        stored=stored,
        errors=len(errors),
        duplicates=max(per_invitation - 1, 0),
        seconds=round(elapsed, 2),
    )
    assert errors == [] and acknowledged == 200
    assert stored == acknowledged and answers == 200 * 33 and per_invitation == 1


def test_two_managers_closing_one_round_at_once(app, make_user, make_alliance, make_round):
    make_user("a@x.example", "manager")
    make_user("b@x.example", "manager")
    alliance = make_alliance(owner="a@x.example")
    with app.app_context():
        from healthcheck.models import Alliance
        from healthcheck.services import users

        shared = db.session.get(Alliance, alliance)
        shared.owners.append(users.by_email("b@x.example"))
        db.session.commit()
    round_id = make_round(alliance)
    url = f"/alliances/{alliance}/rounds/{round_id}"
    with gunicorn(app, workers=4, RATELIMIT_ENABLED="false") as base:
        managers = []
        for email in ("a@x.example", "b@x.example"):
            browser = Browser(base)
            _, page, _ = browser.request("GET", "/login")
            token = CSRF.search(page).group(1)
            assert (
                browser.request(
                    "POST",
                    "/login",
                    {"email": email, "password": "correct-horse-battery", "csrf_token": token},
                )[0]
                == 302
            )
            _, page, _ = browser.request("GET", url)
            managers.append((browser, CSRF.search(page).group(1)))
        start = threading.Barrier(2)

        def close(pair):
            browser, token = pair
            start.wait()
            form = {"csrf_token": token, "confirmed": "yes", "tick": "yes"}  # from the confirmation page
            return browser.request("POST", f"{url}/close", form)[0]

        with ThreadPoolExecutor(2) as pool:
            codes = list(pool.map(close, managers))
    assert codes == [302, 302]
    with app.app_context():
        assert db.session.get(Round, round_id).status == "closed"
        closes = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "round.closed", AuditEvent.object_id == round_id)
        )
    assert closes == 1
    record("two managers close one round at once", closes=closes)
