"""Issue 17 item 2: the API keeps its own OpenAPI contract, checked by an outside tool.

schemathesis (its command line, as anyone would run it) tests every operation of the served
/api/v1/openapi.json against the app on loopback, once with a read token and once with a
write token, over seeded data: no server error, no response outside the documented schema,
status codes or content types. Runtime bounded by --max-examples.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from healthcheck.extensions import db
from healthcheck.services import api_tokens, users

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.fixture
def seeded(app, make_alliance, make_round, invite, answer_all):
    """Alliance 1 of manager@example.com: a closed round 1 (side B under k) and an open one."""
    with app.app_context():
        user = users.create("manager@example.com", "manager", "correct-horse-battery")
        read = api_tokens.create(user, "contract read", "read", 5)[1]
        write = api_tokens.create(user, "contract write", "write", 5)[1]
        db.session.commit()
    aid = make_alliance(owner="manager@example.com", name="Osprey alliance")
    closed = make_round(aid, label="2026-Q3", status="open")
    tokens = invite(closed, sides="AAABB")
    for t in tokens:
        answer_all(t, score=4)
    with app.app_context():
        from healthcheck.models import Round
        from healthcheck.services import rounds

        rounds.close_round(db.session.get(Round, closed))
        db.session.commit()
    make_round(aid, label="2026-Q4", status="open")
    return {"read": read, "write": write, "alliance": aid, "round": closed}


@pytest.fixture
def served(app):
    """The app on loopback; records (method, path, status) of every request."""
    seen: list[tuple[str, str, int]] = []
    inner = app.wsgi_app

    def recording(environ, start_response):
        def start(status, headers, exc_info=None):
            seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], int(status.split()[0])))
            return start_response(status, headers, exc_info)

        return inner(environ, start)

    app.wsgi_app = recording
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    thread.join(timeout=5)
    app.wsgi_app = inner


def _schemathesis(base: str, token: str, cwd: Path, seed: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{base}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            "8",
            "--seed",
            str(seed),
            "--generation-database",
            "none",
            "--no-color",
            "--workers",
            "1",
            "--phases",
            "examples,coverage,fuzzing,stateful",  # stateful: follows the document's links
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=540,
    )


def test_schemathesis_finds_no_server_error_and_no_schema_violation(seeded, served, tmp_path):
    base, seen = served
    for scope, seed in (("read", 17), ("write", 18)):
        result = _schemathesis(base, seeded[scope], tmp_path, seed)
        assert result.returncode == 0, f"{scope} token:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
        assert " passed" in result.stdout and "failures" not in result.stdout.splitlines()[-1]
        links = re.search(r"API Links:\s+(\d+) covered", result.stdout)
        assert "Stateful (in " in result.stdout and links and int(links.group(1)) > 0, result.stdout[-3000:]
    assert not [s for s in seen if s[2] >= 500]
    report = f"/api/v1/alliances/{seeded['alliance']}/rounds/{seeded['round']}/report"
    assert ("GET", report, 200) in seen  # the contract reached the real report, not only 404s
    assert any(method == "POST" and status == 201 for method, _path, status in seen)  # and wrote
    assert any(method == "POST" and status == 403 for method, _path, status in seen)  # read token
    alliance = f"/api/v1/alliances/{seeded['alliance']}"
    assert ("PATCH", alliance, 200) in seen and ("PATCH", alliance, 403) in seen  # write, read token
