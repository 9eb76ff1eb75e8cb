"""Issue 14 item 3: the migration that gives every closed round its close time."""

from __future__ import annotations

from datetime import date, datetime

from flask_migrate import downgrade, upgrade

from healthcheck.extensions import db


def test_i14_3_closed_rounds_without_close_time_get_their_planned_date(app):
    from alembic.script import ScriptDirectory

    directory = app.extensions["migrate"].directory
    before = ScriptDirectory(directory).get_revision("d14c3a0c105e").down_revision  # whatever precedes it
    with app.app_context():
        downgrade(directory=directory, revision=before)
    with app.app_context():
        from healthcheck.models import Alliance, Organisation, Round
        from healthcheck.services import questionnaires

        alliance = Alliance(
            name="Old", side_a=Organisation(name="A"), side_b=Organisation(name="B"), segment="typical"
        )
        db.session.add(alliance)
        db.session.flush()
        q = questionnaires.latest("alliance-health-check")
        stamped = datetime(2025, 3, 2, 17, 45)
        for label, status, closed_at in (
            ("R1", "closed", None),
            ("R2", "closed", stamped),
            ("R3", "open", None),
        ):
            db.session.add(
                Round(
                    alliance=alliance,
                    questionnaire=q,
                    label=label,
                    status=status,
                    opens_on=date(2025, 2, 1),
                    closes_on=date(2025, 2, 22),
                    closed_at=closed_at,
                )
            )
        db.session.commit()
        upgrade(directory=directory)
        db.session.expire_all()
        found = {r.label: r.closed_at for r in db.session.scalars(db.select(Round))}
    assert found == {"R1": datetime(2025, 2, 22), "R2": stamped, "R3": None}
