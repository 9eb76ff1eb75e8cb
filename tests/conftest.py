"""Fixtures: app, client, runner, and factories that return callables.

The backend is chosen by HEALTHCHECK_TEST_DB (``sqlite`` by default, or ``postgresql``).
On PostgreSQL the schema is built once by the migrations and every table is emptied
after each test; on SQLite each test gets a copy of a migrated template database.
Outside CI a missing PostgreSQL skips; in CI (CI=true) it fails.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from sqlalchemy import create_engine, make_url, text

from healthcheck import create_app
from healthcheck.extensions import db

BACKEND = os.environ.get("HEALTHCHECK_TEST_DB", "sqlite")
PG_BASE_URL = os.environ.get("HEALTHCHECK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Under pytest-xdist each worker has its own PostgreSQL database (``test_gw0``, ``test_gw1``…),
# created on first use, so the PostgreSQL half of the suite runs in parallel like SQLite's.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_URL = (
    make_url(PG_BASE_URL).set(database=f"{make_url(PG_BASE_URL).database}_{WORKER}").render_as_string(False)
    if WORKER
    else PG_BASE_URL
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SECRET = "test-secret-key-that-is-long-enough-0123456789"

# In CI the generated examples are the same on every run (a red CI is then reproducible);
# locally hypothesis explores new ones each time.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

# No deadlines: a test checks behaviour, never time (a loaded machine made them flaky).
_hypothesis_settings.register_profile("local", deadline=None)
_hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None)
_hypothesis_settings.load_profile("ci" if IN_CI else "local")


def _create_worker_database() -> None:
    if PG_URL == PG_BASE_URL:
        return
    name = make_url(PG_URL).database
    admin = create_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _postgres_or_skip() -> str:
    try:
        _create_worker_database()
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        message = f"PostgreSQL not reachable at {PG_URL}: {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return PG_URL


def _config(uri: str, instance: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": uri,
        "INSTANCE_PATH": instance,
        "REPORTS_DIR": os.path.join(instance, "reports"),
        "RATELIMIT_ENABLED": False,
    }


def _migrate(uri: str, instance: str) -> None:
    from flask_migrate import upgrade

    app = create_app(_config(uri, instance))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    instance = str(tmp_path_factory.mktemp("template-instance"))
    if BACKEND == "postgresql":
        url = _postgres_or_skip()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url, instance)
        return url
    path = os.path.join(instance, "template.sqlite")
    _migrate(f"sqlite:///{path}", instance)
    return path


@pytest.fixture
def database_uri(database_template, tmp_path):
    if BACKEND == "postgresql":
        yield database_template
        engine = create_engine(database_template)
        with engine.begin() as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ]
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = tmp_path / "test.sqlite"
        shutil.copy(database_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def make_app(database_uri, tmp_path):
    """Build an app on the test database; extra config may be given."""
    apps = []

    def build(**overrides):
        config = _config(database_uri, str(tmp_path / "instance"))
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        from healthcheck.services import questionnaires

        questionnaires.import_path(app.config["SURVEYS_DIR"])
        db.session.commit()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    page = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def post(client):
    """POST with the session's CSRF token added to the form."""

    def send(url, data=None, token_from="/login", **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token(client, token_from))
        return client.post(url, data=data, **kwargs)

    return send


@pytest.fixture
def make_user(app):
    from healthcheck.services import users

    def make(email="manager@example.com", role="manager", password="correct-horse-battery"):
        with app.app_context():
            user = users.create(email, role, password)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def login(client, make_user):
    def do(email="manager@example.com", role="manager", password="correct-horse-battery"):
        make_user(email, role, password)
        token = csrf_token(client)
        response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return email

    return do


@pytest.fixture
def make_alliance(app):
    from healthcheck.services import alliances

    counter = {"n": 0}

    def make(owner=None, name=None, members=(), k=3, segment="typical"):
        counter["n"] += 1
        with app.app_context():
            alliance = alliances.save(
                alliances.AllianceData(
                    name=name or f"Alliance {counter['n']}",
                    side_a="Aurora Pharma",
                    side_b=f"Partner {counter['n']}",
                    segment=segment,
                    k_anonymity=k,
                    owner_emails=[owner] if owner else [],
                    member_emails=list(members),
                ),
                actor=None,
            )
            db.session.commit()
            return alliance.id

    return make


@pytest.fixture
def make_round(app):
    from healthcheck.models import Alliance
    from healthcheck.services import questionnaires, rounds

    def make(alliance_id, label="2026-Q4", survey="alliance-health-check", status="open"):
        with app.app_context():
            alliance = db.session.get(Alliance, alliance_id)
            rnd = rounds.create(alliance, questionnaires.latest(survey), label, None, None)
            if status in ("open", "closed"):
                rounds.open_round(rnd)
            if status == "closed":
                rounds.close_round(rnd)
            db.session.commit()
            return rnd.id

    return make


@pytest.fixture
def invite(app):
    """Invite people to a round; returns their tokens in order (links the manager hands out)."""
    from healthcheck.models import Round
    from healthcheck.services import invitations

    def make(round_id, sides="AABB"):
        with app.app_context():
            rnd = db.session.get(Round, round_id)
            start = len(invitations.of_round(rnd))
            people = [
                invitations.Invitee(f"Person {start + i}", f"p{start + i}@example.com", side)
                for i, side in enumerate(sides)
            ]
            issued = invitations.invite(rnd, people, hand_out=True)
            db.session.commit()
            return [i.token for i in issued]

    return make


@pytest.fixture
def answer_all(app):
    """Submit a full response for a token: every question gets ``score`` (or a function)."""
    from healthcheck.services import responses

    def submit(token, score=4, comments=None):
        with app.app_context():
            inv = responses.invitation_by_token(token)
            given = responses.Answers()
            for q in inv.round.questionnaire.questions:
                given.scores[q.key] = score(q) if callable(score) else score
            given.comments = dict(comments or {})
            responses.submit_target(responses.target_of(token, inv), given)  # as the web submits
            db.session.commit()

    return submit
