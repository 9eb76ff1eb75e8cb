"""Issue 14 item 3: the migration that gives every closed round its close time."""

from __future__ import annotations

from datetime import date, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from healthcheck.extensions import db


def test_i14_3_closed_rounds_without_close_time_get_their_planned_date(app):
    from alembic.script import ScriptDirectory

    directory = app.extensions["migrate"].directory
    before = ScriptDirectory(directory).get_revision("d14c3a0c105e").down_revision  # whatever precedes it
    with app.app_context():
        downgrade(directory=directory, revision=before)
    stamped = datetime(2025, 3, 2, 17, 45)
    try:
        with app.app_context():
            # The schema of that revision: plain SQL, not today's models (later migrations add columns).
            t = datetime(2025, 1, 1)
            db.session.execute(
                text("INSERT INTO organisations (name, created_at) VALUES ('A', :t), ('B', :t)"), {"t": t}
            )
            ids = dict(db.session.execute(text("SELECT name, id FROM organisations")).all())
            db.session.execute(
                text(
                    "INSERT INTO alliances (name, side_a_id, side_b_id, segment, phase, alliance_type,"
                    " north_star, k_anonymity, active, created_at)"
                    " VALUES ('Old', :a, :b, 'typical', '', '', '', 3, :yes, :t)"
                ),
                {"a": ids["A"], "b": ids["B"], "yes": True, "t": t},
            )
            alliance_id = db.session.execute(text("SELECT id FROM alliances WHERE name = 'Old'")).scalar_one()
            questionnaire_id = db.session.execute(
                text("SELECT id FROM questionnaires WHERE key = 'alliance-health-check' ORDER BY version")
            ).first()[0]
            rows = (("R1", "closed", None), ("R2", "closed", stamped), ("R3", "open", None))
            for label, status, closed_at in rows:
                db.session.execute(
                    text(
                        "INSERT INTO rounds (alliance_id, questionnaire_id, label, status, opens_on,"
                        " closes_on, closed_at, imported, created_at) VALUES (:al, :q, :label, :status,"
                        " :opens, :closes, :closed_at, :no, :t)"
                    ),
                    {
                        "al": alliance_id,
                        "q": questionnaire_id,
                        "label": label,
                        "status": status,
                        "opens": date(2025, 2, 1),
                        "closes": date(2025, 2, 22),
                        "closed_at": closed_at,
                        "no": False,
                        "t": t,
                    },
                )
            db.session.commit()
    finally:
        with app.app_context():
            upgrade(directory=directory)  # never leave a shared test database downgraded
    with app.app_context():
        found = dict(db.session.execute(text("SELECT label, closed_at FROM rounds")).all())
    assert {label: _as_datetime(value) for label, value in found.items()} == {
        "R1": datetime(2025, 2, 22),
        "R2": stamped,
        "R3": None,
    }


def _as_datetime(value):
    """SQLite returns the stored text, PostgreSQL a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value
