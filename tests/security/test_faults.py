"""Faults: kill -9 in the middle of submissions; rate limits shared across workers via Redis."""

from __future__ import annotations

import os
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Answer, Invitation, Response
from tests.servers import Browser, gunicorn, record, start_gunicorn, stop

pytestmark = pytest.mark.slow
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUESTION = re.compile(r'name="(q-[a-z_]+)"')


def _form(browser, token):
    status, page, _ = browser.request("GET", f"/r/{token}/answer")
    assert status == 200
    data = {name: "3" for name in set(QUESTION.findall(page))}
    data.update(action="submit", csrf_token=CSRF.search(page).group(1))
    return data


def test_kill_dash_nine_loses_no_acknowledged_submission(app, make_alliance, make_round, invite):
    round_id = make_round(make_alliance())
    tokens = invite(round_id, "AB" * 150)
    proc, base = start_gunicorn(app, workers=2, RATELIMIT_ENABLED="false")
    browsers = [Browser(base) for _ in tokens]
    with ThreadPoolExecutor(20) as pool:
        forms = list(pool.map(_form, browsers, tokens))
    acknowledged, lock, enough = [], threading.Lock(), threading.Event()

    def submit(i):
        status = browsers[i].attempt("POST", f"/r/{tokens[i]}/answer", forms[i], timeout=20)
        if status == 303:  # a broken connection (None) is not an acknowledgement
            with lock:
                acknowledged.append(tokens[i])
                if len(acknowledged) == 40:
                    enough.set()

    killer = threading.Thread(target=lambda: (enough.wait(60), stop(proc, hard=True)))
    killer.start()
    with ThreadPoolExecutor(20) as pool:
        list(pool.map(submit, range(len(tokens))))
    killer.join()
    assert 0 < len(acknowledged) < len(tokens), "the kill must land while submissions are in flight"

    with gunicorn(app, workers=2, RATELIMIT_ENABLED="false") as base:  # restart
        assert Browser(base).request("GET", "/healthz")[0] == 200
        with app.app_context():
            from healthcheck.services import responses

            for token in acknowledged:
                inv = responses.invitation_for_thanks(token)
                response = db.session.scalar(select(Response).where(Response.invitation_id == inv.id))
                assert inv.status == "submitted" and response.submitted_at is not None
                assert len(response.answers) == 33
            partial = db.session.scalar(
                select(func.count())
                .select_from(Response)
                .where(
                    Response.round_id == round_id,
                    Response.submitted_at.is_not(None),
                    select(func.count())
                    .select_from(Answer)
                    .where(Answer.response_id == Response.id)
                    .scalar_subquery()
                    != 33,
                )
            )
            stored = db.session.scalar(
                select(func.count())
                .select_from(Invitation)
                .where(Invitation.round_id == round_id, Invitation.status == "submitted")
            )
        # whoever was not acknowledged can still submit after the restart (or it was stored)
        rest = [t for t in tokens if t not in acknowledged][:5]
        for token in rest:
            browser = Browser(base)
            status, _, _ = browser.request("GET", f"/r/{token}/answer")
            if status == 200:
                assert browser.request("POST", f"/r/{token}/answer", _form(browser, token))[0] == 303
            else:
                assert status == 410
    assert partial == 0 and stored >= len(acknowledged)
    record(
        "kill -9 during submissions",
        in_flight=len(tokens),
        acknowledged=len(acknowledged),
        stored_after_restart=stored,
        partial=partial,
        lost=0,
    )


def _redis_or_skip() -> str:
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CI"):
            pytest.fail(f"Redis not reachable: {exc}")
        pytest.skip(f"Redis not reachable: {exc}")
    return url


def _hammer_login(base: str, times: int) -> list[int]:
    codes = []
    for _ in range(times):
        browser = Browser(base)
        _, page, _ = browser.request("GET", "/login")
        codes.append(
            browser.request(
                "POST",
                "/login",
                {
                    "email": "nobody@x.example",
                    "password": "wrong-password",
                    "csrf_token": CSRF.search(page).group(1),
                },
            )[0]
        )
    return codes


def test_login_rate_limit_is_shared_across_workers_through_redis(app):
    url = _redis_or_skip()
    prefix = f"hc-test-{uuid.uuid4().hex}"
    with gunicorn(app, workers=3, RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix) as base:
        codes = _hammer_login(base, 15)
        status, page, _ = Browser(base).request("GET", "/login")
    assert codes[:10] == [200] * 10 and codes[10:] == [429] * 5, codes
    record(
        "login rate limit, 3 workers, Redis", attempts=15, allowed=codes.count(200), refused=codes.count(429)
    )
    assert status == 200  # GETs are not limited


def test_too_many_requests_page_is_clear(make_app, make_user):
    from tests.conftest import csrf_token

    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client)
    codes = [
        client.post(
            "/login", data={"email": "a@b.example", "password": "wrong-password", "csrf_token": token}
        ).status_code
        for _ in range(11)
    ]
    assert codes == [200] * 10 + [429]
    page = client.post("/login", data={"csrf_token": token})
    assert page.status_code == 429 and "Too many attempts" in page.get_data(as_text=True)
