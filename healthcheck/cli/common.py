"""What every command shares: failing with exit 2, setting up the database, reading a password."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask_migrate import upgrade

from healthcheck.extensions import db
from healthcheck.services import questionnaires


def fail(problems: list[str], code: int = 2):
    for p in problems:
        click.echo(f"error: {p}", err=True)
    db.session.rollback()
    sys.exit(code)


def setup_database(import_surveys: bool = True) -> None:
    """Create or update the schema and import the questionnaire library."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    if import_surveys:
        for result in questionnaires.import_path(current_app.config["SURVEYS_DIR"]):
            if result.created:
                click.echo(f"questionnaire {result.questionnaire.ref} imported")
        db.session.commit()


def read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")
