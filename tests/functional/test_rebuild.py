"""The set-based rebuild stores exactly the reports the per-round path computes: both go
through ``services.assembly``, so the JSON is identical, float for float."""

import pytest
from sqlalchemy import select, text

from healthcheck.extensions import db
from healthcheck.models import Round, RoundSummary
from healthcheck.services import demo, rebuild, summaries


def same(a, b, where="report"):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def _per_round_reports():
    rounds = db.session.scalars(select(Round).order_by(Round.alliance_id, Round.closes_on, Round.id)).all()
    return {r.id: summaries.compute(r) for r in rounds}


def test_rebuild_matches_per_round_reports_on_the_demo_portfolio(app):
    with app.app_context():
        demo.run()
        db.session.commit()
        expected = _per_round_reports()
        versions = dict(db.session.execute(select(RoundSummary.round_id, RoundSummary.version)).all())
        assert rebuild.rebuild() == len(expected)
        db.session.commit()
        stored = {s.round_id: s for s in db.session.scalars(select(RoundSummary))}
        assert stored.keys() == expected.keys()
        na_seen = suppressed_seen = False
        for rid, report in expected.items():
            summary = stored[rid]
            same(summary.report, report, f"round {rid}")
            assert summary.version == versions.get(rid, 0) + 1 and not summary.stale
            # headline columns are the stored report's (sums in another order may differ in the last bit)
            assert (summary.health_index, summary.rag, summary.warnings) == (
                summary.report["health_index"],
                summary.report["rag"],
                summary.report["warnings"],
            )
            for q in report["questions"]:
                suppressed_seen |= bool(q["A"].get("suppressed") or q["B"].get("suppressed"))
        na_seen = any(
            q["A"].get("n") is not None and q["A"]["n"] < r["sides"]["A"]["submitted"]
            for r in expected.values()
            for q in r["questions"]
        )
        assert na_seen and suppressed_seen  # the demo exercises N/A answers and the k rule


def test_rebuild_of_one_alliance_small_sides_and_na(app, make_alliance, make_round, invite, answer_all):
    aid = make_alliance(k=3)
    other = make_alliance(k=3)
    rid = make_round(aid, label="2026-Q1")
    tokens = invite(rid, sides="AAAABB")  # side B stays under k = 3: suppressed
    for n, token in enumerate(tokens):
        answer_all(
            token, score=lambda q, n=n: None if q.key.endswith("1") and n == 0 else 1 + (n + len(q.key)) % 5
        )
    later = make_round(aid, label="2026-Q2")
    for n, token in enumerate(invite(later, sides="AAABBB")):  # three per side: small-sample tests
        answer_all(token, score=lambda q, n=n: 1 + (n + len(q.text)) % 5)
    untouched = make_round(other, label="2026-Q1", status="closed")
    with app.app_context():
        from healthcheck.models import Alliance
        from healthcheck.services import rounds

        for r in (rid, later):
            rounds.close_round(db.session.get(Round, r))
        db.session.commit()
        expected = {
            r.id: summaries.compute(r)
            for r in db.session.scalars(select(Round).where(Round.alliance_id == aid))
        }
        before = db.session.get(RoundSummary, untouched).version
        assert rebuild.rebuild([aid]) == 2
        db.session.commit()
        for r, report in expected.items():
            same(db.session.get(RoundSummary, r).report, report, f"round {r}")
        # B's two answers per statement are hidden, so none enters B's dimension figures (§3.9)
        assert expected[rid]["dimensions"][0]["B"] == {"n": 0, "suppressed": True}
        assert db.session.get(RoundSummary, untouched).version == before  # other alliances untouched
        assert db.session.get(Alliance, aid) is not None


def test_rebuild_matches_per_round_reports_on_a_generated_portfolio(app):
    from bench.generate import generate

    with app.app_context():
        generate(alliances=12, rounds=3, respondents=4, questions=8, seed=11)
        rebuild.rebuild()  # the generator stores no summaries; the per-round path reads earlier ones
        db.session.commit()
        expected = _per_round_reports()
        assert rebuild.rebuild() == len(expected) == 36
        db.session.commit()
        stored = {s.round_id: s.report for s in db.session.scalars(select(RoundSummary))}
        for rid, report in expected.items():
            same(stored[rid], report, f"round {rid}")


def test_rebuild_command(app, runner):
    with app.app_context():
        demo.run()
        db.session.commit()
        total = db.session.scalar(select(db.func.count()).select_from(Round))
    result = runner.invoke(args=["rebuild-summaries"])
    assert result.exit_code == 0, result.output
    assert f"rebuilt {total} round summaries" in result.output
    result = runner.invoke(args=["rebuild-summaries", "--alliance", "No such alliance"])
    assert result.exit_code == 2 and "no alliance called" in result.output


def test_full_rebuild_reads_ahead_in_a_forked_reader(app, monkeypatch):
    """Chunks of two alliances: the reader process serves several chunks, same reports."""
    calls = []
    real = rebuild._fetched

    def spy(plans, engine):
        calls.append(len(plans))
        return real(plans, engine)

    monkeypatch.setattr(rebuild, "ALLIANCES_PER_CHUNK", 2)
    monkeypatch.setattr(rebuild, "_fetched", spy)
    # Earlier tests may leave a helper thread (browser, SMTP); the CLI process has none.
    monkeypatch.setattr(rebuild, "_single_threaded", lambda: True)
    monkeypatch.setattr(rebuild, "READ_TIMEOUT_S", 60)
    with app.app_context():
        demo.run()
        db.session.commit()
        expected = _per_round_reports()
        assert rebuild.rebuild() == len(expected)
        db.session.commit()
        for summary in db.session.scalars(select(RoundSummary)):
            same(summary.report, expected[summary.round_id], f"round {summary.round_id}")
    assert calls == [4]  # seven demo alliances in chunks of two


def test_reports_are_stored_with_lz4_on_postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL storage setting")
        method = db.session.scalar(
            text(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'round_summaries'::regclass AND attname = 'report'"
            )
        )
    assert method == "l"
