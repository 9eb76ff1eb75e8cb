import pytest

from tests.conftest import csrf_token


def test_login_logout_and_wrong_password(client, make_user):
    make_user("m@example.com", "manager", "right-password-123")
    token = csrf_token(client)
    bad = client.post("/login", data={"email": "m@example.com", "password": "nope", "csrf_token": token})
    assert bad.status_code == 200 and "Email or password is wrong" in bad.get_data(as_text=True)
    good = client.post(
        "/login", data={"email": "m@example.com", "password": "right-password-123", "csrf_token": token}
    )
    assert good.status_code == 302
    assert client.get("/portfolio").status_code == 200
    out = client.post("/logout", data={"csrf_token": csrf_token(client, "/portfolio")})
    assert out.status_code == 302
    assert client.get("/portfolio").status_code == 302


def test_login_without_csrf_is_refused(client, make_user):
    make_user("m@example.com", "manager", "right-password-123")
    response = client.post("/login", data={"email": "m@example.com", "password": "right-password-123"})
    assert response.status_code == 400
    assert client.get("/portfolio").status_code == 302


def test_open_redirect_is_refused(client, make_user):
    make_user("m@example.com", "manager", "right-password-123")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"email": "m@example.com", "password": "right-password-123", "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == "/portfolio"


def test_passwords_are_hashed(app, make_user):
    make_user("m@example.com", "manager", "right-password-123")
    with app.app_context():
        from healthcheck.services import users

        stored = users.by_email("m@example.com").password_hash
    assert "right-password-123" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_cli_user_create_reads_password_from_stdin(runner, app):
    result = runner.invoke(
        args=["user", "create", "new@example.com", "--role", "viewer"], input="a-long-password-1\n"
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["user", "create", "x@example.com", "--role", "viewer"], input="short\n")
    assert short.exit_code == 2 and "at least 10 characters" in short.output


@pytest.fixture
def world(make_user, make_alliance, make_round):
    make_user("owner@example.com", "manager")
    make_user("other@example.com", "manager")
    make_user("member@example.com", "viewer")
    make_user("stranger@example.com", "viewer")
    make_user("admin@example.com", "admin")
    alliance = make_alliance(owner="owner@example.com", members=["member@example.com"])
    rnd = make_round(alliance)
    return alliance, rnd


def _login(client, email):
    client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": csrf_token(client)}
    )


@pytest.mark.parametrize(
    ("email", "view", "edit"),
    [
        ("owner@example.com", 200, 200),
        ("admin@example.com", 200, 200),
        ("member@example.com", 200, 403),
        ("other@example.com", 404, 404),
        ("stranger@example.com", 404, 404),
    ],
)
def test_every_alliance_lookup_checks_access(client, world, email, view, edit):
    alliance, rnd = world
    _login(client, email)
    assert client.get(f"/alliances/{alliance}").status_code == view
    assert client.get(f"/alliances/{alliance}/rounds/{rnd}").status_code == view
    assert client.get(f"/alliances/{alliance}/edit").status_code == edit
    assert client.get(f"/alliances/{alliance}/rounds/new").status_code == edit
    token = csrf_token(client, "/portfolio")
    confirmed = {"csrf_token": token, "confirmed": "yes", "tick": "yes"}  # from the confirmation page
    close = client.post(f"/alliances/{alliance}/rounds/{rnd}/close", data=confirmed)
    assert close.status_code == (302 if edit == 200 else edit)
    listed = "Alliance 1" in client.get("/portfolio").get_data(as_text=True)
    assert listed == (view == 200)


def test_viewer_cannot_create_alliances(client, world):
    _login(client, "member@example.com")
    assert client.get("/alliances/new").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    alliance, _ = world
    response = client.get(f"/alliances/{alliance}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_role_change_is_audited(app, runner, make_user):
    make_user("v@example.com", "viewer")
    result = runner.invoke(args=["user", "set-role", "v@example.com", "manager"])
    assert result.exit_code == 0 and "is now manager" in result.output
    assert runner.invoke(args=["user", "set-role", "nobody@example.com", "admin"]).exit_code == 2
    with app.app_context():
        from healthcheck.services import audit

        (event, _), *_ = audit.query(action="user.role")
        assert event.detail == {"old": "viewer", "new": "manager"}
