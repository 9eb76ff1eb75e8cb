"""Run the whole test suite on SQLite, then on PostgreSQL.

PostgreSQL tests skip when the server is absent, except in CI (CI=true), where they fail.
Extra arguments are passed to pytest (e.g. ``-k report`` or ``-x``).
"""

from __future__ import annotations

import os
import subprocess
import sys


def main() -> int:
    failures = 0
    for backend in ("sqlite", "postgresql"):
        print(f"\n=== test suite on {backend} ===", flush=True)
        env = {**os.environ, "HEALTHCHECK_TEST_DB": backend}
        code = subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]], env=env)
        if code not in (0,):
            failures += 1
            print(f"=== {backend}: pytest exited with {code} ===", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
