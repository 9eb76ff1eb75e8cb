"""Issue 11, items 12-15 (part): attacks from outside the suite on the stack, YAML, sessions, ids,
account enumeration, access logs, admin passwords and login throttling."""

from __future__ import annotations

import multiprocessing
import re
import time
from pathlib import Path

import yaml

from healthcheck.services import questionnaires

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


# --- 13. YAML alias bomb -------------------------------------------------------------------------


def _bomb(levels: int = 9, width: int = 9) -> str:
    """Nested aliases: ``width ** levels`` strings from a few hundred bytes."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _validate_in_child(path: str, queue) -> None:
    from click.testing import CliRunner

    from healthcheck.cli.questionnaires import questionnaire_validate

    result = CliRunner().invoke(questionnaire_validate, [path])
    queue.put((result.exit_code, result.output))


def _validate_bounded(path: Path, seconds: float = 20) -> tuple[int, str]:
    """Run `questionnaire validate` in a child process so a bomb cannot take the test runner down."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_validate_in_child, args=(str(path), queue))
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        raise AssertionError(f"questionnaire validate still running after {seconds} s")
    return queue.get(timeout=5)


def test_trust_13_yaml_alias_bomb_is_refused_with_file_and_line(tmp_path):
    good = yaml.safe_load((SURVEYS / "digital-partnership.yaml").read_text())
    path = tmp_path / "bomb.yaml"
    # a valid questionnaire plus a billion-laughs block in a key nobody reads
    block = "".join("  " + line + "\n" for line in _bomb().splitlines())
    path.write_text(yaml.safe_dump(good) + "notes:\n" + block)
    assert path.stat().st_size < questionnaires.MAX_FILE_BYTES
    code, output = _validate_bounded(path)
    assert code == 2, output
    assert str(path) in output and "line " in output
    assert "anchors and aliases" in output and "not allowed" in output


def test_trust_13_one_alias_anywhere_is_refused(tmp_path):
    good = (SURVEYS / "digital-partnership.yaml").read_text()
    path = tmp_path / "alias.yaml"
    path.write_text(good.replace("title:", "title: &t", 1).rstrip("\n") + "\nextra: *t\n")
    try:
        questionnaires.load_file(path)
    except questionnaires.QuestionnaireError as exc:
        assert any("anchors and aliases" in p for p in exc.problems), exc.problems
    else:
        raise AssertionError("an anchor was accepted")


def test_trust_13_unknown_keys_are_refused_at_every_level(tmp_path):
    doc = yaml.safe_load((SURVEYS / "digital-partnership.yaml").read_text())
    doc["notes"] = "free text"
    doc["scale"]["step"] = 1
    doc["dimensions"][0]["colour"] = "red"
    doc["dimensions"][1]["questions"][0]["hint"] = "x"
    path = tmp_path / "unknown.yaml"
    path.write_text(yaml.safe_dump(doc))
    try:
        questionnaires.load_file(path)
    except questionnaires.QuestionnaireError as exc:
        text = "\n".join(exc.problems)
    else:
        raise AssertionError("unknown keys were accepted")
    assert "unknown key 'notes'" in text and "allowed: " in text
    assert "scale: unknown key 'step'" in text
    assert "dimensions[0]: unknown key 'colour'" in text
    assert "dimensions[1].questions[0]: unknown key 'hint'" in text


def test_trust_13_library_questionnaires_still_valid():
    for path in SURVEYS.glob("*.yaml"):
        assert questionnaires.load_file(path)["dimensions"]
    assert time  # keeps the import used when tests are run one at a time


# --- 14. Logout, password change and role change end the session --------------------------------


def _replay(client, cookie: str) -> int:
    """Send a request with an old session cookie; the status of /portfolio."""
    client.set_cookie("session", cookie)
    return client.get("/portfolio").status_code


def test_trust_14_logout_ends_the_session_server_side(client, login, post):
    login()
    assert client.get("/portfolio").status_code == 200
    stolen = client.get_cookie("session").value
    assert post("/logout", token_from="/portfolio").status_code == 302
    assert _replay(client, stolen) == 302  # the cookie from before logout no longer works
    login_again = client.get("/login")
    assert login_again.status_code == 200


def test_trust_14_password_change_ends_every_session(app, client, login, runner):
    email = login()
    stolen = client.get_cookie("session").value
    result = runner.invoke(args=["user", "set-password", email], input="another-long-passphrase-9\n")
    assert result.exit_code == 0, result.output
    assert _replay(client, stolen) == 302
    fresh = app.test_client()
    page = fresh.get("/login").get_data(as_text=True)
    from tests.conftest import CSRF_RE

    response = fresh.post(
        "/login",
        data={
            "email": email,
            "password": "another-long-passphrase-9",
            "csrf_token": CSRF_RE.search(page).group(1),
        },
    )
    assert response.status_code == 302 and fresh.get("/portfolio").status_code == 200


def test_trust_14_role_change_ends_every_session(app, client, login, runner):
    email = login()
    stolen = client.get_cookie("session").value
    assert runner.invoke(args=["user", "set-role", email, "viewer"]).exit_code == 0
    assert _replay(client, stolen) == 302


def test_trust_14_an_unchanged_session_keeps_working(app, client, login, make_user):
    login()
    cookie = client.get_cookie("session").value
    make_user("other@example.com", "manager", "correct-horse-battery")  # someone else's change
    assert _replay(client, cookie) == 200


# --- 15. Admin passwords: long, not common, not repetitive -------------------------------------

WEAK_ADMIN_PASSWORDS = {
    "aaaaaaaaaa": "at least 12 characters",
    "1234567890": "at least 12 characters",
    "aaaaaaaaaaaa": "too repetitive",
    "abcabcabcabc": "too repetitive",
    "123456789012": "sequence",
    "qwertyuiop12": "sequence",
    "Password2026!": "most common passwords",
    "admin1234567": "most common passwords",
}


def test_trust_15_weak_admin_passwords_are_refused_everywhere_one_is_set(app, runner):
    runner.invoke(
        args=["user", "create", "boss@x.example", "--role", "admin"], input="a-fine-admin-passphrase\n"
    )
    for password, why in WEAK_ADMIN_PASSWORDS.items():
        for args in (
            ["user", "create", "boss2@x.example", "--role", "admin"],
            ["user", "set-password", "boss@x.example"],
        ):
            result = runner.invoke(args=args, input=password + "\n")
            assert result.exit_code == 2 and why in result.output, (password, args, result.output)
    for password in ("aaaaaaaaaa", "1234567890", "password12"):  # and for managers: not repetitive or common
        result = runner.invoke(
            args=["user", "create", "m@x.example", "--role", "manager"], input=password + "\n"
        )
        assert result.exit_code == 2, (password, result.output)
    from sqlalchemy import select

    from healthcheck.extensions import db
    from healthcheck.models import User

    with app.app_context():
        assert db.session.scalars(select(User.email)).all() == ["boss@x.example"]
    ok = runner.invoke(args=["user", "create", "m@x.example", "--role", "manager"], input="tall-lamp-river\n")
    assert ok.exit_code == 0, ok.output


# --- 15. Login throttled per account as well as per address --------------------------------------


def test_trust_15_login_throttled_per_account_across_addresses(make_app, make_user):
    from tests.conftest import csrf_token

    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    make_user("target@example.com", "manager", "correct-horse-battery")
    make_user("bystander@example.com", "manager", "correct-horse-battery")
    client = app.test_client()
    token = csrf_token(client)

    def attempt(email, password, address):
        return client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": token},
            headers={"X-Forwarded-For": address},
        )

    # an attacker rotating addresses: each one stays far below the per-address limit
    codes = [attempt("Target@Example.com ", f"guess-{i}", f"203.0.113.{i}").status_code for i in range(10)]
    assert codes == [200] * 10
    refused = attempt("target@example.com", "correct-horse-battery", "198.51.100.7")
    assert refused.status_code == 429  # even the right password: the account is throttled
    page = refused.get_data(as_text=True)
    assert "Too many failed logins for this account" in page and "15 minutes" in page
    # another account from the same new address is not affected
    assert attempt("bystander@example.com", "correct-horse-battery", "198.51.100.7").status_code == 302


def test_trust_15_successful_logins_do_not_count_against_the_account(make_app, make_user):
    from tests.conftest import csrf_token

    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    make_user("busy@example.com", "manager", "correct-horse-battery")
    for i in range(12):  # one person on many devices: 12 good logins from 12 addresses
        client = app.test_client()
        response = client.post(
            "/login",
            data={
                "email": "busy@example.com",
                "password": "correct-horse-battery",
                "csrf_token": csrf_token(client),
            },
            headers={"X-Forwarded-For": f"192.0.2.{i}"},
        )
        assert response.status_code == 302, i


# --- 15. Oversized integer ids in URLs and filters -----------------------------------------------

HUGE_IDS = ("99999999999999999999", str(2**63), str(2**31))  # > 64 bits, > SQLite, > PostgreSQL int


def _int_routes(app):
    from werkzeug.routing import IntegerConverter

    for rule in app.url_map.iter_rules():
        names = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if names:
            yield rule, names


def test_trust_15_oversized_ids_in_every_int_route_answer_404(app, client, login, make_alliance, make_round):
    from tests.conftest import csrf_token

    login("admin@example.com", "admin")
    alliance = make_alliance(owner="admin@example.com")
    rnd = make_round(alliance, status="closed")
    token = csrf_token(client, "/portfolio")
    routes = list(_int_routes(app))
    assert len(routes) >= 15
    checked = 0
    for rule, names in routes:
        real = {"alliance_id": alliance, "round_id": rnd}
        for huge in HUGE_IDS:
            for name in names:  # one oversized id at a time, the others real
                values = {n: real.get(n, 1) for n in names} | {name: huge}
                values.update(
                    {n: next(iter(c.items)) for n, c in rule._converters.items() if hasattr(c, "items")}
                )
                values.update({n: "forged" for n in rule.arguments if n not in values})  # /review/<token>
                path = rule.build(values, append_unknown=False)[1]
                method = "GET" if "GET" in rule.methods else "POST"
                response = client.open(
                    path, method=method, data={"csrf_token": token} if method == "POST" else None
                )
                assert response.status_code == 404, (path, method, response.status_code)
                checked += 1
    assert checked >= 3 * len(routes)


def test_trust_15_oversized_ids_in_filters_are_refused_clearly(app, client, login, make_alliance, make_round):
    login("admin@example.com", "admin")
    alliance = make_alliance(owner="admin@example.com")
    for huge in HUGE_IDS:
        response = client.get(f"/portfolio?owner={huge}")
        assert response.status_code == 400, response.status_code
        assert "owner: not a known account" in response.get_data(as_text=True)
        assert client.get(f"/portfolio?page={huge}").status_code == 200  # a page number is clamped
        response = client.get(f"/alliances/{alliance}/actions/new?round={huge}")
        assert response.status_code == 400 and "round: not a known round" in response.get_data(as_text=True)
    assert client.get("/portfolio?owner=-1").status_code == 400
    assert client.get("/portfolio?owner=abc").status_code == 400
    assert client.get("/portfolio?owner=").status_code == 200


# --- 15. The owners field must not tell a manager which accounts exist and their roles -----------


def test_trust_15_portfolio_owner_filter_lists_only_owners_the_user_already_sees(
    app, client, login, make_user, make_alliance
):
    make_user("secret-admin@example.com", "admin")
    make_user("stranger@example.com", "manager")
    make_user("colleague@example.com", "manager")
    login()
    make_alliance(owner="stranger@example.com")
    mine = make_alliance(owner="manager@example.com")
    with app.app_context():  # a co-owner of my alliance: already on my portfolio rows
        from healthcheck.extensions import db
        from healthcheck.models import Alliance
        from healthcheck.services import users

        alliance = db.session.get(Alliance, mine)
        alliance.owners.append(users.by_email("colleague@example.com"))
        db.session.commit()
    page = client.get("/portfolio").get_data(as_text=True)
    assert "colleague@example.com" in page
    assert "stranger@example.com" not in page and "secret-admin@example.com" not in page
    admin = app.test_client()
    from tests.conftest import csrf_token

    admin.post(
        "/login",
        data={
            "email": "secret-admin@example.com",
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(admin),
        },
    )
    admin_page = admin.get("/portfolio").get_data(as_text=True)
    assert "stranger@example.com" in admin_page  # admins still see every manager


def test_trust_15_alliance_form_does_not_reveal_accounts_or_roles_to_managers(app, client, login, make_user):
    from tests.conftest import csrf_token

    make_user("viewer@example.com", "viewer")
    login()
    messages = {}
    for email in ("viewer@example.com", "nobody@example.com"):
        response = client.post(
            "/alliances/new",
            data={
                "name": "Probe",
                "side_a": "A",
                "side_b": "B",
                "segment": "typical",
                "phase": "development",
                "alliance_type": "digital",
                "k_anonymity": 5,
                "owners": email,
                "csrf_token": csrf_token(client, "/alliances/new"),
            },
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        # the CSRF token's signed part changes every second: not part of the message compared
        page = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "TOKEN", page)
        messages[email] = page.replace(email, "EMAIL")
    assert messages["viewer@example.com"] == messages["nobody@example.com"]
    assert "is not a manager account" in messages["nobody@example.com"]


# --- 12. Slow clients must not stall the production stack -----------------------------------------

SLOW_CONNECTIONS = 50


class Slowloris:
    """Connections that send a request's headers one byte a second and never finish them."""

    def __init__(self, base: str, count: int):
        import socket
        import threading

        host, port = base.removeprefix("http://").split(":")
        self.sockets = [socket.create_connection((host, int(port)), timeout=5) for _ in range(count)]
        self.open = len(self.sockets)
        self.stopping = threading.Event()
        for s in self.sockets:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _drip(self) -> None:
        while not self.stopping.wait(1):
            alive = 0
            for s in self.sockets:
                try:
                    s.sendall(b"a")
                    alive += 1
                except OSError:
                    pass
            self.open = alive

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        for s in self.sockets:
            s.close()


def _healthz(base: str, timeout: float = 5) -> int:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=timeout) as r:
            return r.status
    except OSError as exc:
        return f"no answer within {timeout} s: {exc}"


def test_trust_12_production_stack_answers_with_50_slow_connections_open(app, tmp_path):
    from tests.servers import production_stack

    with production_stack(app, tmp_path / "nginx", workers=2) as base:
        slow = Slowloris(base, SLOW_CONNECTIONS)
        try:
            time.sleep(3)  # every slow connection has started dripping its headers
            answers = [_healthz(base) for _ in range(5)]
            still_open = slow.open
        finally:
            slow.close()
    assert answers == [200] * 5
    assert still_open == SLOW_CONNECTIONS  # the attack was on while /healthz answered


# --- 15. Access logs hold no working link --------------------------------------------------------


def _links(app, make_alliance, make_round, invite):
    """A respondent token (open round) and a share token (closed round)."""
    from healthcheck.extensions import db
    from healthcheck.models import Round
    from healthcheck.services import sharing

    respondent = invite(make_round(make_alliance()), "A")[0]
    closed = make_round(make_alliance(), label="2026-Q1", status="closed")
    with app.app_context():
        _link, share = sharing.create(db.session.get(Round, closed), None)
        db.session.commit()
    return respondent, share


def _visit(base: str, respondent: str, share: str) -> None:
    from tests.servers import Browser

    browser = Browser(base)
    for path in (f"/r/{respondent}", f"/r/{respondent}/answer", f"/shared/{share}", f"/shared/{share}?x=1"):
        status, _body, _headers = browser.request("GET", path)
        assert status in (200, 302), (path, status)
    import urllib.request

    request = urllib.request.Request(f"{base}/healthz", headers={"Referer": f"{base}/r/{respondent}/answer"})
    urllib.request.urlopen(request, timeout=10).close()


def test_trust_15_gunicorn_access_log_redacts_link_tokens(app, tmp_path, make_alliance, make_round, invite):
    from tests.servers import gunicorn

    respondent, share = _links(app, make_alliance, make_round, invite)
    log = tmp_path / "access.log"
    with gunicorn(app, workers=1, args=("--access-logfile", str(log))) as base:
        _visit(base, respondent, share)
    text = log.read_text()
    assert "/r/[redacted]/answer" in text and "/shared/[redacted]" in text
    assert respondent not in text and share not in text


def test_trust_15_nginx_access_log_redacts_link_tokens(app, tmp_path, make_alliance, make_round, invite):
    from tests.servers import production_stack

    respondent, share = _links(app, make_alliance, make_round, invite)
    runtime = tmp_path / "nginx"
    with production_stack(app, runtime, workers=1) as base:
        _visit(base, respondent, share)
    text = (runtime / "access.log").read_text()
    assert "/r/[redacted]/answer" in text and "/shared/[redacted]" in text
    assert respondent not in text and share not in text


def test_trust_15_error_log_of_a_failing_link_page_redacts_the_token(make_app, caplog):
    """A 500 on /r/<token> or /shared/<token>: Flask logs "Exception on <path>" with the
    traceback; neither the message nor the traceback may carry the working token."""
    import logging

    app = make_app(PROPAGATE_EXCEPTIONS=False)
    token = "tok-" + "x" * 40

    def boom(token):
        raise RuntimeError(f"failed while serving /r/{token}/answer")

    app.add_url_rule("/r/<token>/boom", "boom_r", boom)
    app.add_url_rule("/shared/<token>/boom", "boom_shared", boom)
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        assert client.get(f"/r/{token}/boom").status_code == 500
        assert client.get(f"/shared/{token}/boom").status_code == 500
    logged = "\n".join(logging.Formatter().format(record) for record in caplog.records)
    assert "Exception on /r/[redacted]/boom" in logged and "/shared/[redacted]/boom" in logged
    assert "RuntimeError" in logged  # the traceback is still there, only the token is gone
    assert token not in logged
