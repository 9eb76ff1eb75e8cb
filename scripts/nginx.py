"""Render deploy/nginx.conf: ``python scripts/nginx.py --listen 127.0.0.1:8000 --upstream
127.0.0.1:8001 --runtime DIR`` writes DIR/nginx.conf and prints its path (run nginx with
``nginx -c DIR/nginx.conf``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"


def render(listen: str, upstream: str, runtime: str | Path, access_log: str = "", user: str = "") -> str:
    """The nginx configuration text; ``runtime`` holds its pid file and temporary files."""
    runtime = Path(runtime).resolve()
    values = {
        "@LISTEN@": listen,
        "@UPSTREAM@": upstream,
        "@RUNTIME@": str(runtime),
        "@ACCESS_LOG@": access_log or str(runtime / "access.log"),
        "@USER@": f"user {user};" if user else "",
    }
    text = TEMPLATE.read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def write(listen: str, upstream: str, runtime: str | Path, access_log: str = "") -> Path:
    runtime = Path(runtime)
    runtime.mkdir(parents=True, exist_ok=True)
    # as root, nginx's workers would run as "nobody", who may not reach a private folder
    user = "root" if os.geteuid() == 0 else ""
    path = runtime / "nginx.conf"
    path.write_text(render(listen, upstream, runtime, access_log, user))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="127.0.0.1:8000")
    parser.add_argument("--upstream", default="127.0.0.1:8001")
    parser.add_argument("--runtime", required=True)
    parser.add_argument("--access-log", default="")
    args = parser.parse_args()
    print(write(args.listen, args.upstream, args.runtime, args.access_log))


if __name__ == "__main__":
    main()
