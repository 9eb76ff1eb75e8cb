"""Lighthouse (npm) against Debian chromium: the respondent's pages and the partner page.

    python bench/lighthouse.py [--json FILE] [--runs N] [--keep DIR]

Starts the embedded server (the app's own compression, no nginx) on a temporary SQLite
instance with the demo portfolio, hands out one respondent link of an open round and one
partner link of a closed round, and runs ``npx lighthouse`` (installed once under
``bench/node_modules``) with the mobile defaults (simulated slow 4G, 4× CPU slowdown) on the
welcome page, the questionnaire and the partner page, then the same pages with the baseline
configuration (whole Bootstrap, no compression). Prints a table and writes JSON with every
run's scores, metrics and transferred bytes. Targets: performance ≥ 98, accessibility 100,
best practices 100 (exit status 1 when one is missed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from healthcheck import create_app  # noqa: E402
from healthcheck.extensions import db  # noqa: E402

CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LIGHTHOUSE_VERSION = "12"
NODE_DIR = ROOT / "bench"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100}
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "speed-index",
    "total-blocking-time",
    "cumulative-layout-shift",
)


# The baseline, measured in the same run on the same data: the whole of Bootstrap and no
# compression (what every page sent before issue 14; the respondent's pages then used it too).
BASELINE = {"SLIM_BOOTSTRAP": False, "COMPRESS_RESPONSES": False}


def _app(instance: Path, **overrides):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'lighthouse.sqlite'}",
            "INSTANCE_PATH": str(instance),
            "REPORTS_DIR": str(instance / "reports"),
            "SECRET_KEY": "lighthouse-bench-secret-key-0123456789abcdef",
            "RATELIMIT_ENABLED": False,
            **overrides,
        }
    )


def demo_app(instance: Path):
    app = _app(instance)
    with app.app_context():
        from flask_migrate import upgrade

        from healthcheck.services import demo, questionnaires

        upgrade(directory=app.extensions["migrate"].directory)
        questionnaires.import_path(app.config["SURVEYS_DIR"])
        demo.run()
        db.session.commit()
    return app


def hand_out_links(app) -> dict[str, str]:
    """Paths of a respondent's welcome page and questionnaire and of a partner page."""
    from healthcheck.models import Round
    from healthcheck.services import invitations, sharing

    with app.app_context():
        rounds = db.session.scalars(select(Round).order_by(Round.id)).all()
        opened = next(r for r in rounds if r.status == "open")
        closed = [r for r in rounds if r.status == "closed" and r.alliance_id == opened.alliance_id][-1]
        count = len(invitations.of_round(opened))
        person = invitations.Invitee("Lighthouse", f"lighthouse{count}@example.com", "B")
        token = invitations.invite(opened, [person], hand_out=True)[0].token
        _link, share = sharing.create(closed, None)
        db.session.commit()
    return {"welcome": f"/r/{token}", "questionnaire": f"/r/{token}/answer", "partner": f"/shared/{share}"}


def serve(app) -> tuple[str, object]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def warm_up(base: str, paths) -> None:
    """One GET of each page first: the process's first chart render starts vl-convert (seconds,
    once per process), which is the server's cold start, not what a phone waits for."""
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=120) as response:
            response.read()


def lighthouse_command() -> list[str]:
    """``npx lighthouse`` from bench/node_modules, installed there on first use."""
    binary = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=NODE_DIR,
            check=True,
        )
    return ["npx", "--no-install", "lighthouse"]


def run_lighthouse(command: list[str], url: str, workdir: Path) -> dict:
    out = workdir / "report.json"
    subprocess.run(
        [
            *command,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-path={CHROME}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        ],
        cwd=NODE_DIR,
        check=True,
        env={**os.environ, "CHROME_PATH": CHROME},
    )
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "scores": {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "metrics": {m: audits[m]["numericValue"] for m in METRICS},
        "transfer_bytes": audits["total-byte-weight"]["numericValue"],
        "requests": len(audits["network-requests"]["details"]["items"]),
        "failed": {
            c: [
                ref["id"]
                for ref in report["categories"][c]["auditRefs"]
                if ref["weight"]
                and (audits[ref["id"]]["score"] is not None)
                and audits[ref["id"]]["score"] < 1
            ]
            for c in CATEGORIES
        },
    }


def summarise(runs: list[dict]) -> dict:
    """The median of each score and metric over the runs (Lighthouse varies run to run)."""
    return {
        "scores": {c: statistics.median(r["scores"][c] for r in runs) for c in CATEGORIES},
        "metrics": {m: statistics.median(r["metrics"][m] for r in runs) for m in METRICS},
        "transfer_bytes": statistics.median(r["transfer_bytes"] for r in runs),
        "requests": runs[0]["requests"],
        "failed": runs[0]["failed"],
    }


def table(results: dict) -> str:
    lines = [
        "| page | performance | accessibility | best practices "
        "| FCP ms | LCP ms | Speed Index ms | TBT ms | CLS | transferred KB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page, r in results.items():
        s, m = r["scores"], r["metrics"]
        lines.append(
            f"| {page} | {s['performance']:.0f} | {s['accessibility']:.0f} | {s['best-practices']:.0f} "
            f"| {m['first-contentful-paint']:.0f} | {m['largest-contentful-paint']:.0f} "
            f"| {m['speed-index']:.0f} | {m['total-blocking-time']:.0f} | {m['cumulative-layout-shift']:.3f} "
            f"| {r['transfer_bytes'] / 1024:.1f} |"
        )
    return "\n".join(lines)


def met(results: dict) -> bool:
    return all(
        r["scores"][c] >= TARGETS[c]
        for page, r in results.items()
        if not page.endswith("(baseline)")
        for c in CATEGORIES
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (the median is shown)")
    parser.add_argument("--pages", default="welcome,questionnaire,partner", help="comma-separated")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline configuration")
    args = parser.parse_args()
    if not shutil.which("npx") or not Path(CHROME).exists():
        print("needs npm/npx and chromium (CHROME_PATH)", file=sys.stderr)
        return 2
    command = lighthouse_command()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        workdir = Path(tmp)
        app = demo_app(workdir)
        paths = hand_out_links(app)
        configs = {"": app} | ({} if args.no_baseline else {" (baseline)": _app(workdir, **BASELINE)})
        every = {}
        for suffix, config in configs.items():
            base, server = serve(config)
            try:
                warm_up(base, paths.values())
                for page, path in paths.items():
                    if page in args.pages.split(","):
                        every[page + suffix] = [
                            run_lighthouse(command, base + path, workdir) for _ in range(args.runs)
                        ]
            finally:
                server.shutdown()
    results = {page: summarise(runs) for page, runs in every.items()}
    print(table(results))
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"median": results, "runs": every, "targets": TARGETS}, indent=2))
    return 0 if met(results) else 1


if __name__ == "__main__":
    sys.exit(main())
