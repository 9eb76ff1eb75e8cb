"""``healthcheck backup`` and ``restore``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from healthcheck.cli.common import fail
from healthcheck.extensions import db
from healthcheck.services import backup


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Back up the database to a file (SQLite online backup, or pg_dump for PostgreSQL)."""
    db.session.remove()
    try:
        backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except backup.BackupError as exc:
        fail([str(exc)])
    click.echo(f"backup written to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source, yes):
    """Replace the database's contents with a backup (stop the web and scheduler first)."""
    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except backup.BackupError as exc:
        fail([str(exc)])
    click.echo(f"restored from {source}")
