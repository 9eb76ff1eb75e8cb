"""Real servers for tests: gunicorn with several workers on loopback, against the test DB."""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "test-artifacts" / "security-results.json"
BROKEN_CONNECTION = (OSError, http.client.HTTPException)
"""What a request raises when the connection breaks: refused, reset, timed out (OSError) or
cut while the status line or body was being read (``IncompleteRead``, ``RemoteDisconnected``
are ``HTTPException``, not ``OSError``)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(app, **extra) -> dict:
    env = {
        **os.environ,
        "HEALTHCHECK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "HEALTHCHECK_SECRET_KEY": app.config["SECRET_KEY"],
        "HEALTHCHECK_INSTANCE": app.instance_path,
        "HEALTHCHECK_REPORTS_DIR": app.config["REPORTS_DIR"],
    }
    env.update({f"HEALTHCHECK_{k}": str(v) for k, v in extra.items()})
    return env


def start_gunicorn(
    app, workers: int = 4, target: str = "healthcheck:create_app()", args: tuple = (), **extra
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",  # the production configuration (hooks included), with these overrides:
        str(ROOT / "gunicorn.conf.py"),
        "--max-requests",  # no worker recycling in the middle of a measurement
        "0",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "2",
        "--timeout",
        "60",
        *args,
        target,
    ]
    # The error log goes to a file, not a pipe nobody reads: a full pipe (tracebacks of a
    # few dozen 500s) would block every worker writing to it and hang the test.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            cmd,
            env=server_env(app, **extra),
            stdout=subprocess.DEVNULL,
            stderr=log,  # the server keeps its own descriptor after this one is closed
            start_new_session=True,  # its own process group, so kill -9 reaches every worker
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return proc, base
            except OSError:
                time.sleep(0.2)
        proc.kill()
        log.seek(0)
        raise RuntimeError(f"gunicorn did not start: {log.read().decode()[-2000:]}")


@contextmanager
def gunicorn(app, workers: int = 4, args: tuple = (), **extra):
    proc, base = start_gunicorn(app, workers, args=args, **extra)
    try:
        yield base
    finally:
        stop(proc)


def nginx_binary() -> str:
    """nginx from Debian; outside CI a missing one skips, in CI (CI=true) it fails."""
    import shutil

    import pytest

    from tests.conftest import IN_CI

    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found is None:
        message = "nginx is not installed (apt-get install nginx); .ci/run installs it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@contextmanager
def production_stack(app, runtime: Path, workers: int = 2, **extra):
    """The production stack of scripts/stack.sh on loopback: gunicorn with gunicorn.conf.py
    behind nginx configured by deploy/nginx.conf. Yields nginx's base URL."""
    from scripts import nginx

    binary = nginx_binary()
    with gunicorn(app, workers, TRUSTED_PROXIES=1, **extra) as upstream:
        port = free_port()
        conf = nginx.write(f"127.0.0.1:{port}", upstream.removeprefix("http://"), runtime)
        proc = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(runtime)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, proc)
            yield base
        finally:
            stop(proc)


def _wait_for(base: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer /healthz")


def stop(proc: subprocess.Popen, hard: bool = False) -> None:
    """Stop gunicorn and its workers; ``hard`` is kill -9 of the whole process group."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL if hard else signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class Browser:
    """A tiny HTTP client with its own cookies (one per simulated person)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 60):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)

    def attempt(self, method: str, path: str, data: dict | None = None, timeout: float = 60) -> int | None:
        """The status of a whole answer, or None when the connection broke at any point
        (a crash-safety test counts that as "not acknowledged" and checks the database)."""
        try:
            return self.request(method, path, data, timeout)[0]
        except BROKEN_CONNECTION:
            return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def record(name: str, **figures) -> None:
    """Keep a measured figure for docs/SECURITY.md's results table."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    backend = os.environ.get("HEALTHCHECK_TEST_DB", "sqlite")
    # both backends' suites (and xdist workers) run at once: read-modify-write under a lock
    with open(RESULTS.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        data.setdefault(backend, {})[name] = figures
        RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True))
    print(f"[result] {backend} {name}: {figures}")


import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402


def start_smtp():
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it is given.
    Returns (controller, port, received envelopes); the caller stops the controller."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    received = []

    class Keep(Sink):
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port, received
