"""API report read benchmark (issue 17): GET /api/v1/…/report p95, warm, beside baselines.

    python bench/api.py --scale small|large [--backend sqlite|postgresql] [--keep DIR] [--json FILE]

Server time through the WSGI app (as bench/run.py measures pages), over a sample of closed
rounds each read once before timing (warm: stored summaries, connections open). Baselines in
the same run: the HTML report page of the same rounds, and the JSON CLI path
(``reports.round_report`` + ``documents.to_json``, what ``healthcheck report --format json``
runs). Also the 304 answer to If-None-Match. Target: API report p95 ≤ 30 ms at --scale large.
The portfolio is generated with bench/generate.py into its own database (``bench_<scale>``
on PostgreSQL) and reused with --keep.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.generate import generate  # noqa: E402
from bench.run import SCALES, _admin_client, _generated, make_app, ms  # noqa: E402
from healthcheck.extensions import db  # noqa: E402

TARGET_P95_MS = 30
SAMPLE_ROUNDS = 20


def _token(app) -> str:
    from healthcheck.services import api_tokens, users

    with app.app_context():
        user = users.by_email("bench@example.com")
        secret = api_tokens.create(user, "bench", "read", 1)[1]
        db.session.commit()
        return secret


def _rounds(app) -> list[tuple[int, int]]:
    from healthcheck.models import Round

    with app.app_context():
        rows = db.session.execute(
            select(Round.alliance_id, Round.id).where(Round.status == "closed").order_by(Round.id)
        ).all()
    step = max(1, len(rows) // SAMPLE_ROUNDS)
    return [tuple(r) for r in rows[::step][:SAMPLE_ROUNDS]]


def _timed(call, targets, repeat: int) -> list[float]:
    out = []
    for target in itertools.islice(itertools.cycle(targets), repeat):
        began = time.perf_counter()
        call(target)
        out.append(time.perf_counter() - began)
    return out


def _summaries(app) -> float:
    """Store every closed round's summary (``healthcheck rebuild-summaries``) when missing, as
    a running site has them; returns the seconds it took (0 when all were there)."""
    from healthcheck.models import Round, RoundSummary
    from healthcheck.services import rebuild

    with app.app_context():
        missing = db.session.scalar(
            select(db.func.count())
            .select_from(Round)
            .outerjoin(RoundSummary, RoundSummary.round_id == Round.id)
            .where(Round.status == "closed", RoundSummary.round_id.is_(None))
        )
        if not missing:
            return 0.0
        began = time.perf_counter()
        rebuild.rebuild()
        db.session.commit()
        return time.perf_counter() - began


def bench(app, repeat: int) -> dict:
    from healthcheck.exports import documents
    from healthcheck.models import Round
    from healthcheck.runtime import settle
    from healthcheck.services import report_json, reports

    page_client = _admin_client(app)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {_token(app)}"}
    targets = _rounds(app)
    etags = {}

    def api_get(t):
        response = api.get(f"/api/v1/alliances/{t[0]}/rounds/{t[1]}/report", headers=headers)
        assert response.status_code == 200, response.status_code
        etags[t] = response.headers["ETag"]

    def api_304(t):
        response = api.get(
            f"/api/v1/alliances/{t[0]}/rounds/{t[1]}/report", headers={**headers, "If-None-Match": etags[t]}
        )
        assert response.status_code == 304, response.status_code

    def api_miss(t):  # the first read after a summary refresh: loaded and serialised afresh
        report_json.forget()
        api_get(t)

    def page(t):
        assert page_client.get(f"/alliances/{t[0]}/rounds/{t[1]}/report").status_code == 200

    def cli_json(t):
        with app.app_context():
            documents.to_json(reports.round_report(db.session.get(Round, t[1])))

    for t in targets:  # warm: every round read once by each path
        api_get(t)
        page(t)
    settle()
    return {
        "rounds_sampled": len(targets),
        "requests": repeat,
        "api_report": ms(_timed(api_get, targets, repeat)),
        "api_report_304": ms(_timed(api_304, targets, repeat)),
        "api_report_uncached": ms(_timed(api_miss, targets, repeat)),
        "html_report_page_baseline": ms(_timed(page, targets, repeat)),
        "cli_json_baseline": ms(_timed(cli_json, targets, repeat)),
    }


def table(result: dict) -> str:
    rows = [("benchmark", "median ms", "p95 ms", "target", "met")]
    for key, label in (
        ("api_report", "API report GET (200)"),
        ("api_report_304", "API report GET (304, If-None-Match)"),
        ("api_report_uncached", "API report GET, first read after a refresh"),
        ("html_report_page_baseline", "baseline: HTML report page"),
        ("cli_json_baseline", "baseline: report --format json path"),
    ):
        figures = result["figures"][key]
        target = f"p95 ≤ {TARGET_P95_MS}" if key == "api_report" else ""
        met = str(figures["p95_ms"] <= TARGET_P95_MS) if key == "api_report" else ""
        rows.append((label, f"{figures['median_ms']:.1f}", f"{figures['p95_ms']:.1f}", target, met))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="keep and reuse the generated portfolio (see bench/run.py)")
    parser.add_argument("--json", dest="json_file")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(ROOT)
        workdir = Path(tmp) if args.keep is None else args.keep / scale["name"] / args.backend
        workdir.mkdir(parents=True, exist_ok=True)
        app = make_app(args.backend, workdir, reuse=args.keep is not None, scale=scale["name"])
        counts = _generated(app)
        began = time.perf_counter()
        if counts is None:
            with app.app_context():
                counts = generate(scale["alliances"], scale["rounds"], scale["respondents"])
        result = {
            "scale": args.scale,
            "backend": args.backend,
            "data": counts,
            "generate_s": time.perf_counter() - began,
            "rebuild_s": _summaries(app),
            "target_p95_ms": TARGET_P95_MS,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "figures": bench(app, args.repeat),
        }
        with app.app_context():
            db.engine.dispose()
    print(table(result))
    print(json.dumps(result, indent=2, default=str))
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
