"""The set-based rebuild with and without meta-perception predictions (DESIGN §3.14).

    python bench/meta_rebuild.py [--alliances 200] [--rounds 8] [--respondents 15]
                                 [--backend sqlite|postgresql] [--json FILE]

Generates the same portfolio twice — the bench questionnaire as it is, and with a prediction
per dimension (9 more values per response) — and prints, for each, the full rebuild beside the
bare ``GROUP BY`` over the answers (``run.bench_rebuild``: medians of alternated runs), and
the ratio the performance target bounds (≤ 2×).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from bench.run import bench_rebuild, make_app  # noqa: E402
from healthcheck.extensions import db  # noqa: E402


def measure(backend: str, alliances: int, rounds: int, respondents: int, meta: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(backend, Path(tmp), scale="meta" if meta else "plain")
        with app.app_context():
            counts = generate(alliances, rounds, respondents, open_last=False, meta=meta)
        result = {"data": counts, "rebuild": bench_rebuild(app)}
        with app.app_context():
            db.engine.dispose()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--alliances", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--respondents", type=int, default=15)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--json", dest="json_file")
    args = parser.parse_args()
    results = {
        label: measure(args.backend, args.alliances, args.rounds, args.respondents, meta)
        for label, meta in (("without predictions", False), ("with predictions", True))
    }
    heads = ("answers", 10), ("predictions", 12), ("rebuild s", 10), ("GROUP BY s", 11), ("ratio", 6)
    print(f"{'portfolio':22} " + " ".join(f"{h:>{w}}" for h, w in heads))
    for label, r in results.items():
        rb = r["rebuild"]
        print(
            f"{label:22} {r['data']['answers']:>10,} {r['data'].get('predictions', 0):>12,} "
            f"{rb['rebuild_s']:>10.2f} {rb['group_by_s']:>11.2f} {rb['ratio']:>6.2f}"
        )
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
