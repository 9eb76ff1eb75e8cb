"""Run the whole test suite on SQLite and on PostgreSQL, side by side.

The two runs are separate pytest processes, each spread over two xdist workers (on
PostgreSQL every worker has its own database, ``test_gw0``…, see tests/conftest.py), each
writing its own log under ``test-artifacts/``; each log is printed whole when its run ends.
PostgreSQL tests skip when the server is absent, except in CI (CI=true), where they fail.
Extra arguments are passed to both pytest runs (e.g. ``-k report`` or ``-x``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
RUNS = {"sqlite": ["-n", "2"], "postgresql": ["-n", "2"]}


def main() -> int:
    ARTIFACTS.mkdir(exist_ok=True)
    started = time.monotonic()
    running = {}
    for backend, options in RUNS.items():
        log = (ARTIFACTS / f"pytest-{backend}.log").open("w")
        env = {**os.environ, "HEALTHCHECK_TEST_DB": backend}
        command = [sys.executable, "-m", "pytest", *options, *sys.argv[1:]]
        running[backend] = (subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT), log)
        print(f"=== {backend}: {' '.join(command[1:])} (log: {log.name})", flush=True)
    failures = 0
    for backend, (process, log) in running.items():
        code = process.wait()
        log.close()
        print(f"\n=== test suite on {backend} ===", flush=True)
        print(Path(log.name).read_text(), flush=True)
        print(
            f"=== {backend}: pytest exited with {code} after {time.monotonic() - started:.0f} s ===",
            flush=True,
        )
        failures += code != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
