"""Benchmarks: each prints the project's figure beside a baseline measured in the same run.

    python bench/run.py --scale small|large [--backend sqlite|postgresql|both] [--json FILE]

small: 30 alliances × 4 rounds × 2 sides × 10 respondents × 36 questions (~65 k answers),
finishes in under two minutes here. large: 1,000 × 8 × 2 × 15 × 36 (~8.6 M answers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, select, text  # noqa: E402

from bench.generate import generate  # noqa: E402
from healthcheck import create_app  # noqa: E402
from healthcheck.extensions import db  # noqa: E402
from tests.servers import Browser, gunicorn, start_gunicorn, stop  # noqa: E402

SCALES = {
    "small": {
        "name": "small",
        "alliances": 30,
        "rounds": 4,
        "respondents": 10,
        "submissions": 400,
        "repeat": 15,
        "memory_portfolio": 40,
        "memory_reports": 60,
    },
    "large": {
        "name": "large",
        "alliances": 1000,
        "rounds": 8,
        "respondents": 15,
        "submissions": 3000,
        "repeat": 15,
        "memory_portfolio": 40,
        "memory_reports": 200,
    },
}
TARGETS = {
    "portfolio_ms": 150,
    "report_warm_ms": 50,
    "report_cold_ms": 500,
    "submissions_per_s": 150,
    "submission_p95_ms": 300,
    "rebuild_ratio": 2.0,
    "worker_rss_mb": 300,
}
# Its own database per scale, ``bench_small`` / ``bench_large`` (created when missing): the
# test suite empties ``test``, and a fresh small run must not wipe a kept large portfolio.
PG_URL = os.environ.get(
    "HEALTHCHECK_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_{scale}"
)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUESTION = re.compile(r'name="(q-[a-z0-9_]+)"')


def ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000,
    }


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def _create_database(url: str) -> None:
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def make_app(backend: str, workdir: Path, reuse: bool = False, scale: str = "large"):
    from flask_migrate import upgrade

    uri = f"sqlite:///{workdir / 'bench.sqlite'}"
    if backend == "postgresql":
        uri = PG_URL.format(scale=scale)
        _create_database(uri)
        if not reuse:
            engine = create_engine(uri)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
    app = create_app(
        {
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": uri,
            "INSTANCE_PATH": str(workdir / "instance"),
            "REPORTS_DIR": str(workdir / "reports"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": True,
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def bench_rebuild(app, repeat: int = 3) -> dict:
    """Full summary rebuild of every round (``healthcheck rebuild-summaries``) vs a bare SQL
    ``GROUP BY`` over the answers, alternated ``repeat`` times (medians: this machine's
    timings wander by up to 2× from one minute to the next)."""
    from healthcheck.services import rebuild as summaries

    group_by_sql = text(
        "SELECT r.round_id, r.side, q.dimension_id, avg(a.score), count(a.score) FROM answers a "
        "JOIN responses r ON r.id = a.response_id JOIN questions q ON q.id = a.question_id "
        "GROUP BY r.round_id, r.side, q.dimension_id"
    )
    rebuilds, group_bys = [], []
    with app.app_context():
        for _ in range(repeat):
            began = time.perf_counter()
            rounds = summaries.rebuild()
            db.session.commit()
            rebuilds.append(time.perf_counter() - began)
            began = time.perf_counter()
            db.session.execute(group_by_sql).all()
            db.session.commit()
            group_bys.append(time.perf_counter() - began)
    rebuild, group_by = statistics.median(rebuilds), statistics.median(group_bys)
    return {
        "rounds": rounds,
        "rebuild_s": rebuild,
        "group_by_s": group_by,
        "ratio": rebuild / group_by,
        "runs": {"rebuild_s": rebuilds, "group_by_s": group_bys},
    }


def _admin_client(app):
    from healthcheck.services import users

    with app.app_context():
        if users.by_email("bench@example.com") is None:
            users.create("bench@example.com", "admin", "bench-password-123")
            db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "email": "bench@example.com",
            "password": "bench-password-123",
            "csrf_token": CSRF.search(page).group(1),
        },
    )
    return client


def bench_pages(app, repeat: int) -> dict:
    """Portfolio and report pages (server time through the WSGI app) and their baselines."""
    from healthcheck.charts import render
    from healthcheck.models import Alliance, Round, RoundSummary
    from healthcheck.runtime import settle
    from healthcheck.services import summaries

    client = _admin_client(app)
    assert client.get("/portfolio").status_code == 200
    settle()  # as a gunicorn worker does after loading the app (gunicorn.conf.py)
    portfolio = timed(lambda: client.get("/portfolio"), repeat)

    def raw_portfolio():  # the same figures computed from raw answers on every request
        with app.app_context():
            for alliance in db.session.scalars(select(Alliance)):
                last = db.session.scalars(
                    select(Round)
                    .where(Round.alliance_id == alliance.id, Round.status == "closed")
                    .order_by(Round.closes_on.desc())
                    .limit(1)
                ).first()
                if last is not None:
                    summaries.compute(last)

    baseline = timed(raw_portfolio, 1 if repeat_raw_once(app) else 3)
    with app.app_context():
        rnd = db.session.scalars(select(Round).where(Round.status == "closed")).first()
        url = f"/alliances/{rnd.alliance_id}/rounds/{rnd.id}/report"
        rid = rnd.id
    client.get(url)
    warm = timed(lambda: client.get(url), repeat)

    def cold():  # a new response arrived: summary stale, chart cache empty
        with app.app_context():
            db.session.get(RoundSummary, rid).stale = True
            db.session.commit()
        render._cache.clear()
        client.get(url)

    cold_times = timed(cold, max(3, repeat // 3))
    return {
        "portfolio": ms(portfolio),
        "portfolio_raw_baseline": ms(baseline),
        "report_warm": ms(warm),
        "report_cold": ms(cold_times),
    }


def _load(base: str, paths: list[tuple[str, str]], concurrency: int) -> dict:
    """GET each form, then POST all submissions with ``concurrency`` clients."""
    browsers = [Browser(base) for _ in paths]

    def prepare(i):
        status, page, _ = browsers[i].request("GET", paths[i][0])
        data = {name: "4" for name in set(QUESTION.findall(page))}
        match = CSRF.search(page)
        data.update(action="submit", csrf_token=match.group(1) if match else "")
        return data

    with ThreadPoolExecutor(concurrency) as pool:
        forms = list(pool.map(prepare, range(len(paths))))
    latencies, errors, lock = [], [0], threading.Lock()

    def submit(i):
        began = time.perf_counter()
        try:
            status = browsers[i].request("POST", paths[i][1], forms[i])[0]
        except OSError:
            status = 0
        with lock:
            latencies.append(time.perf_counter() - began)
            if status != 303:
                errors[0] += 1

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(submit, range(len(paths))))
    wall = time.perf_counter() - began
    return {"submissions": len(paths), "per_s": len(paths) / wall, "errors": errors[0], **ms(latencies)}


def _workers(master) -> dict[int, float]:
    """Resident set size in MB of each worker of this gunicorn (the master's children)."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master.pid}$", status, re.M):
            out[int(pid)] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    return out


class _Memory:
    """Worker sizes per phase; ``recycled`` counts workers replaced on the way (the memory
    bound in gunicorn.conf.py, or a crash)."""

    def __init__(self, master):
        self.master, self.phases, self.seen = master, {}, set()

    def record(self, phase: str) -> None:
        found = _workers(self.master)
        self.seen |= set(found)
        self.phases[phase] = sorted(found.values())

    def result(self) -> dict:
        return {**self.phases, "recycled": max(0, len(self.seen) - len(self.phases["at_start"]))}


def _admin_browser(app, base: str) -> Browser:
    _admin_client(app)  # creates the bench user when missing
    browser = Browser(base)
    page = browser.request("GET", "/login")[1]
    data = {"email": "bench@example.com", "password": "bench-password-123"}
    browser.request("POST", "/login", {**data, "csrf_token": CSRF.search(page).group(1)})
    return browser


def _get_all(browsers: list[Browser], urls: list[str]) -> int:
    """GET every url (4 at a time, so every worker serves some); the number not 200."""

    def get(i):
        return browsers[i % len(browsers)].request("GET", urls[i])[0] != 200

    with ThreadPoolExecutor(len(browsers)) as pool:
        return sum(pool.map(get, range(len(urls))))


def _memory_phases(app, base: str, memory: _Memory, scale: dict) -> dict:
    """Largest worker after each phase: portfolio pages (every filter draws its own chart of
    all alliances), then the report pages of ``memory_reports`` different closed rounds."""
    from healthcheck.models import Round

    browsers = [_admin_browser(app, base) for _ in range(4)]
    views = ["/portfolio", "/portfolio?page=2", "/portfolio?page=3"] + [
        f"/portfolio?segment={s}" for s in ("complex", "typical", "simple")
    ]
    count = scale["memory_portfolio"]
    errors = _get_all(browsers, [views[i % len(views)] for i in range(count)])
    memory.record("after_portfolio")
    with app.app_context():
        rounds = db.session.execute(
            select(Round.id, Round.alliance_id)
            .where(Round.status == "closed")
            .order_by(Round.id)
            .limit(scale["memory_reports"])
        ).all()
    reports = [f"/alliances/{a}/rounds/{r}/report" for r, a in rounds]
    errors += _get_all(browsers, reports)
    memory.record("after_reports")
    return {"portfolio_pages": count, "report_pages": len(reports), "errors": errors}


def bench_submissions(app, scale: dict, concurrency: int = 50) -> dict:
    """Submissions through gunicorn, then (same workers) the memory phases."""
    from healthcheck.models import Invitation, Round

    with app.app_context():
        invs = db.session.scalars(
            select(Invitation)
            .join(Round)
            .where(Round.status == "open", Invitation.status == "pending")
            .limit(scale["submissions"])
        ).all()
        tokens = [inv.issue_link() for inv in invs]
        db.session.commit()
    paths = [(f"/r/{t}/answer", f"/r/{t}/answer") for t in tokens]
    master, base = start_gunicorn(app, workers=4, RATELIMIT_ENABLED="false")
    try:
        memory = _Memory(master)
        memory.record("at_start")
        project = _load(base, paths, concurrency)
        memory.record("after_submissions")
        pages = _memory_phases(app, base, memory, scale)
        rss = {**memory.result(), **pages}
    finally:
        stop(master)
    with gunicorn(app, workers=4, target="bench.minimal_app:app") as base:
        ceiling = _load(base, [("/form", "/submit")] * len(paths), concurrency)
    return {"project": project, "minimal_flask": ceiling, "worker_rss_mb": rss}


def _generated(app) -> dict | None:
    """Counts of an already generated portfolio (``--keep`` reruns), or None."""
    from healthcheck.models import Alliance, Answer

    with app.app_context():
        alliances = db.session.scalar(select(db.func.count()).select_from(Alliance))
        if not alliances:
            return None
        answers = db.session.scalar(select(db.func.count()).select_from(Answer))
        return {"alliances": alliances, "answers": answers}


def run_backend(backend: str, scale: dict, keep: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(ROOT)
        workdir = Path(tmp)
        if keep is not None:
            workdir = keep / scale["name"] / backend
            workdir.mkdir(parents=True, exist_ok=True)
        app = make_app(backend, workdir, reuse=keep is not None, scale=scale["name"])
        counts = _generated(app)
        began = time.perf_counter()
        if counts is None:
            with app.app_context():
                counts = generate(scale["alliances"], scale["rounds"], scale["respondents"])
        generated = time.perf_counter() - began
        result = {"data": counts, "generate_s": generated, "reused": generated < 1}
        result["rebuild"] = bench_rebuild(app)
        result["pages"] = bench_pages(app, scale["repeat"])
        result["submissions"] = bench_submissions(app, scale)
        result["memory"] = memory_summary(result["submissions"]["worker_rss_mb"])
        with app.app_context():
            db.engine.dispose()
        return result


def table(results: dict) -> str:
    rows = [("benchmark", "backend", "project", "baseline", "target", "met")]
    for backend, r in results["backends"].items():
        p, s, rb = r["pages"], r["submissions"], r["rebuild"]
        rows += [
            (
                "portfolio page (median ms)",
                backend,
                f"{p['portfolio']['median_ms']:.1f}",
                f"{p['portfolio_raw_baseline']['median_ms']:.1f} raw",
                f"≤ {TARGETS['portfolio_ms']}",
                p["portfolio"]["median_ms"] <= TARGETS["portfolio_ms"],
            ),
            (
                "round report warm (median ms)",
                backend,
                f"{p['report_warm']['median_ms']:.1f}",
                "",
                "≤ 50",
                p["report_warm"]["median_ms"] <= TARGETS["report_warm_ms"],
            ),
            (
                "round report cold (median ms)",
                backend,
                f"{p['report_cold']['median_ms']:.1f}",
                f"{p['report_warm']['median_ms']:.1f} warm",
                "≤ 500",
                p["report_cold"]["median_ms"] <= TARGETS["report_cold_ms"],
            ),
            (
                "submissions/s, 50 clients",
                backend,
                f"{s['project']['per_s']:.0f}",
                f"{s['minimal_flask']['per_s']:.0f} minimal Flask",
                "≥ 150",
                s["project"]["per_s"] >= TARGETS["submissions_per_s"],
            ),
            (
                "submission p95 (ms)",
                backend,
                f"{s['project']['p95_ms']:.0f}",
                f"{s['minimal_flask']['p95_ms']:.0f} minimal Flask",
                "≤ 300",
                s["project"]["p95_ms"] <= TARGETS["submission_p95_ms"],
            ),
            (
                "submission errors",
                backend,
                str(s["project"]["errors"]),
                str(s["minimal_flask"]["errors"]),
                "0",
                s["project"]["errors"] == 0,
            ),
            (
                "summary rebuild (s)",
                backend,
                f"{rb['rebuild_s']:.2f}",
                f"{rb['group_by_s']:.2f} GROUP BY",
                "≤ 2× GROUP BY",
                rb["ratio"] <= TARGETS["rebuild_ratio"],
            ),
        ]
        rows += _memory_rows(backend, s["worker_rss_mb"])
    widths = [max(len(str(row[i])) for row in rows) for i in range(6)]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            str("yes" if c is True else "NO" if c is False else c).ljust(widths[i]) for i, c in enumerate(row)
        ]
        lines.append(" | ".join(cells))
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


MEMORY_PHASES = {
    "after_submissions": "largest worker after submissions (MB RSS)",
    "after_portfolio": "largest worker after portfolio pages (MB RSS)",
    "after_reports": "largest worker after report pages (MB RSS)",
}


def memory_summary(rss: dict) -> dict:
    """The largest worker per phase against the target, for the JSON."""
    target = TARGETS["worker_rss_mb"]
    out = {}
    for phase in ("at_start", *MEMORY_PHASES):
        largest = max(rss[phase], default=None)
        out[phase] = {
            "largest_mb": largest,
            "target_mb": target,
            "met": largest is not None and largest <= target,
        }
    out["recycled_workers"] = rss.get("recycled", 0)
    return out


def _memory_rows(backend: str, rss: dict) -> list[tuple]:
    start = max(rss["at_start"], default=float("nan"))
    rows = []
    for phase, label in MEMORY_PHASES.items():
        largest = max(rss[phase], default=float("nan"))
        target = TARGETS["worker_rss_mb"]
        rows.append(
            (label, backend, f"{largest:.0f}", f"{start:.0f} at start", f"≤ {target}", largest <= target)
        )
    rows.append(("workers recycled (memory limit)", backend, str(rss.get("recycled", 0)), "", "", ""))
    return rows


def repeat_raw_once(app) -> bool:
    """At large scale the raw-answer baseline takes about a minute a run: measure it once."""
    from healthcheck.models import Alliance

    with app.app_context():
        return db.session.scalar(select(db.func.count()).select_from(Alliance)) > 100


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--json", dest="json_file")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the generated portfolio in this folder (SQLite) or database (PostgreSQL) and "
        "reuse it on the next run instead of generating again",
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {
        "scale": args.scale,
        "sizes": SCALES[args.scale],
        "targets": TARGETS,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "backends": {},
    }
    for backend in backends:
        print(f"== {backend} ==", file=sys.stderr)
        results["backends"][backend] = run_backend(backend, SCALES[args.scale], args.keep)
    print(table(results))
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(results, indent=2, default=str))
        print(f"JSON written to {args.json_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
