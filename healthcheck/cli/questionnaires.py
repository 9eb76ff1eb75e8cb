"""``healthcheck questionnaire``: validate and import the library (YAML)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from healthcheck.cli.common import fail
from healthcheck.extensions import db
from healthcheck.services import questionnaires


@click.group("questionnaire")
def questionnaire_group():
    """Validate and import questionnaires (YAML)."""


@questionnaire_group.command("validate")
@click.argument("path", type=click.Path())
def questionnaire_validate(path):
    """Check a questionnaire file; exit 2 with every problem listed."""
    try:
        doc = questionnaires.load_file(path)
    except questionnaires.QuestionnaireError as exc:
        for p in exc.problems:
            click.echo(f"error: {p}", err=True)
        sys.exit(2)
    n = sum(len(d["questions"]) for d in doc["dimensions"])
    click.echo(f"{path}: valid ({len(doc['dimensions'])} dimensions, {n} questions)")


@questionnaire_group.command("import")
@click.argument("path", type=click.Path())
@with_appcontext
def questionnaire_import(path):
    """Import a file or a folder of files; a changed file becomes a new version."""
    try:
        results = questionnaires.import_path(path)
    except questionnaires.QuestionnaireError as exc:
        fail(exc.problems)
    db.session.commit()
    for r in results:
        state = "imported" if r.created else "unchanged"
        click.echo(f"{r.questionnaire.ref}: {state}")
