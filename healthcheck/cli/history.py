"""``healthcheck import-responses``: health checks run in spreadsheets become closed rounds."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from healthcheck.cli.common import fail
from healthcheck.extensions import db
from healthcheck.models import SEGMENTS
from healthcheck.services import history_import
from healthcheck.services.errors import InvalidInput


@click.command("import-responses")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--alliance", required=True)
@click.option("--side-a", required=True, help="Organisation of side A (runs the health check).")
@click.option("--side-b", required=True, help="Partner organisation (side B).")
@click.option("--questionnaire", required=True, help="Questionnaire key, e.g. alliance-health-check.")
@click.option("--round", "round_label", required=True, help="Round label, e.g. 2024-Q2.")
@click.option("--closes-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--segment", type=click.Choice(SEGMENTS), default="typical", show_default=True)
@with_appcontext
def import_responses(csv_file, alliance, side_a, side_b, questionnaire, round_label, closes_on, segment):
    """Import a health check run elsewhere as a closed round (all or nothing)."""
    spec = history_import.ImportSpec(
        alliance,
        side_a,
        side_b,
        questionnaire,
        round_label,
        closes_on.date() if closes_on else None,
        segment,
    )
    with open(csv_file, "rb") as fh:
        raw = fh.read()
    try:
        result = history_import.run(spec, raw)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(
        f"imported round {result.round.label} of {alliance}: "
        f"{result.respondents['A']} respondents on side A, "
        f"{result.respondents['B']} on side B, {result.answers} answers"
    )
