"""The migrations build exactly the schema the models declare (issue 12, item 7), on the
backend under test: Alembic's autogenerate comparison finds nothing to do."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from healthcheck.extensions import db


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False}
        )
        diff = compare_metadata(context, db.metadata)
    return [
        d
        for d in diff
        if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")
    ]


def test_models_and_migrations_agree(app):
    assert _differences(app) == []


def test_a_model_change_without_a_migration_is_found(app):
    """The comparison is not blind: a column only the models know is reported."""
    import sqlalchemy as sa

    from healthcheck.models import Round

    column = sa.Column("not_migrated", sa.Integer)
    Round.__table__.append_column(column)
    try:
        found = _differences(app)
    finally:
        Round.__table__._columns.remove(column)
    assert any(d[0] == "add_column" and d[3].name == "not_migrated" for d in found if isinstance(d, tuple))
