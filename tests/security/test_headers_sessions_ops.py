"""Headers and cookies, session timeouts, /healthz, and backup/restore round trips."""

import shutil
import time

import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Answer, Invitation, Response
from tests.conftest import BACKEND, CSRF_RE


def test_security_headers_everywhere(client, make_alliance, make_round, invite):
    token = invite(make_round(make_alliance()), "A")[0]
    for url in ("/login", f"/r/{token}", "/healthz"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
            assert directive in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP
    assert client.get(f"/r/{token}").headers["Cache-Control"] == "no-store"
    https = client.get("/login", base_url="https://localhost")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_flags_and_new_session_at_login(make_app, make_user):
    app = make_app(SESSION_COOKIE_SECURE=True)
    make_user("m@example.com", "manager", "right-password-123")
    client = app.test_client()
    with client.session_transaction(base_url="https://localhost") as sess:
        sess["planted"] = "by an attacker"
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post(
        "/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # Flask-WTF checks it over HTTPS
        data={"email": "m@example.com", "password": "right-password-123", "csrf_token": token},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    with client.session_transaction(base_url="https://localhost") as sess:
        assert "planted" not in sess


@pytest.mark.parametrize(("key", "age"), [("seen_at", 61 * 60), ("login_at", 13 * 3600)])
def test_idle_and_absolute_timeouts(client, login, key, age):
    login()
    assert client.get("/portfolio").status_code == 200
    with client.session_transaction() as sess:
        sess[key] = time.time() - age
        if key == "login_at":
            sess["seen_at"] = time.time()
    response = client.get("/portfolio")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/portfolio").status_code == 302


def test_healthz(client, make_app):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    broken = make_app(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/db.sqlite")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"


def _fingerprint(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m)) for m in (Invitation, Response, Answer)
        )


def test_backup_restore_round_trip_is_lossless(
    app, runner, tmp_path, make_alliance, make_round, invite, answer_all
):
    if BACKEND == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    tokens = invite(make_round(make_alliance()), "AAB")
    for token in tokens:
        answer_all(token, 4, comments={"trust": "kept"})
    before = _fingerprint(app)
    target = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    invite(make_round(make_alliance(), "Later"), "ABAB")  # changes after the backup
    assert _fingerprint(app) != before
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _fingerprint(app) == before
    with app.app_context():
        from healthcheck.services import responses

        assert responses.invitation_for_thanks(tokens[0]).status == "submitted"
    bad = tmp_path / "garbage"
    bad.write_bytes(b"not a backup")
    assert runner.invoke(args=["restore", str(bad), "--yes"]).exit_code == 2
