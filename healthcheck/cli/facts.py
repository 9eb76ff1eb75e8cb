"""``healthcheck import-facts``: milestones, budget lines or delivery KPIs of an alliance from CSV."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from healthcheck.cli.common import fail
from healthcheck.extensions import db
from healthcheck.models import FACT_KINDS
from healthcheck.services import facts_csv
from healthcheck.services.errors import InvalidInput


@click.command("import-facts")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--alliance", required=True, help="Name of the alliance the facts belong to.")
@click.option("--kind", required=True, type=click.Choice(FACT_KINDS), help="Which facts the file holds.")
@with_appcontext
def import_facts(csv_file, alliance, kind):
    """Import facts (DESIGN §4 Facts CSV), all or nothing; existing records with the same key
    (milestones), period and line (budget) or period (delivery) are updated, others added."""
    with open(csv_file, "rb") as fh:
        raw = fh.read()
    try:
        result = facts_csv.import_csv(alliance, kind, raw)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(f"imported {kind} of {alliance}: {result['added']} added, {result['updated']} updated")
