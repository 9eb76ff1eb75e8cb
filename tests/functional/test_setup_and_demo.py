"""First-run set-up, configuration and the demo portfolio."""

import pytest
from sqlalchemy import func, select

from healthcheck import create_app
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, User


def test_demo_is_believable_and_idempotent(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "manager@example.com" in first.output and "demo-manager-2026" in first.output
    second = runner.invoke(args=["demo"])
    assert "demo: 0 alliances created" in second.output
    with app.app_context():
        alliances = list(db.session.scalars(select(Alliance)))
        assert len(alliances) >= 6
        assert {a.segment for a in alliances} == {"complex", "typical", "simple"}
        assert {a.alliance_type for a in alliances} >= {"R&D", "co-commercial", "digital", "supplier"}
        assert len({a.phase for a in alliances}) >= 3
        for a in alliances:
            closed = db.session.scalar(
                select(func.count())
                .select_from(Round)
                .where(Round.alliance_id == a.id, Round.status == "closed")
            )
            assert 3 <= closed <= 5, a.name
        assert db.session.scalar(select(func.count()).select_from(Round).where(Round.status == "open")) == 1
        assert {u.role for u in db.session.scalars(select(User))} == {"admin", "manager", "viewer"}


def test_missing_or_weak_secret_key_stops_start_up(tmp_path, monkeypatch):
    monkeypatch.delenv("HEALTHCHECK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="no SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path / "i1")})
    with pytest.raises(RuntimeError, match="weak"):
        create_app({"INSTANCE_PATH": str(tmp_path / "i2"), "SECRET_KEY": "dev"})
    demo = create_app({"INSTANCE_PATH": str(tmp_path / "i3"), "DEMO": True})
    assert (tmp_path / "i3" / "secret_key").exists()
    assert len(demo.config["SECRET_KEY"]) >= 32


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text("K_ANONYMITY_DEFAULT = 5\nROUND_OPEN_DAYS = 10\n")
    monkeypatch.setenv("HEALTHCHECK_ROUND_OPEN_DAYS", "14")
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x" * 40})
    assert app.config["K_ANONYMITY_DEFAULT"] == 5
    assert app.config["ROUND_OPEN_DAYS"] == 14
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'healthcheck.sqlite'}"


def test_sqlite_pragmas(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "y" * 40})
    with app.app_context():
        conn = db.session.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_init_command_creates_schema_and_library(tmp_path, monkeypatch):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "z" * 40})
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "alliance-health-check@1 imported" in result.output
    again = app.test_cli_runner().invoke(args=["init"])
    assert "imported" not in again.output


def test_demo_stories_show_up_as_warnings(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        from healthcheck.services import alliances, reports

        def latest_codes(name):
            alliance = alliances.by_name(name)
            return {
                (w["code"], w["side"], w["dimension"])
                for w in reports.trend(alliance)["warnings"]
                if w["round"] == reports.closed_rounds(alliance)[-1].label
            }

        assert ("gap_widening", None, "finance") in latest_codes("Nordvik Immunology Co-commercial")
        assert ("low_response_rate", "B", None) in latest_codes("Kestrel CMC Supply")
        assert ("internal_divergence", "A", "speed") in {
            (w["code"], w["side"], w["dimension"])
            for w in reports.trend(alliances.by_name("DataWell Digital Trials"))["warnings"]
        }
        lumen = reports.trend(alliances.by_name("Lumen Dermatology Co-promotion"))
        assert any(w["code"] == "overdue" for w in lumen["warnings"])
        meridian = reports.round_report(
            reports.closed_rounds(alliances.by_name("Meridian Rare Disease Co-development"))[-1]
        )
        compliance = next(d for d in meridian["dimensions"] if d["key"] == "compliance")
        assert compliance["classification"] == "gap_a_higher"
        helix = reports.trend(alliances.by_name("Helix Oncology R&D"))
        assert helix["rounds"][-1]["rag"] == "green"


def test_demo_memory_of_the_finance_gap_alliance(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        from healthcheck.services import actions, alliances, memory, reports

        nordvik = alliances.by_name("Nordvik Immunology Co-commercial")
        closed = reports.closed_rounds(nordvik)
        effects = actions.effects(closed[2])
        joint = next(e for e in effects if e["action"].visibility == "joint")
        assert joint["action"].dimension == "finance" and joint["before"]["B"] > joint["after"]["B"]
        kinds = [e.kind for e in memory.timeline(nordvik)]
        assert "handoff" in kinds and kinds.index("handoff") < kinds.index("meeting")  # newest first
        assert [e["action"].title for e in actions.effects(closed[2], joint_only=True)] == [
            "Joint budget review with Nordvik finance"
        ]
