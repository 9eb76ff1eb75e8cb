"""`healthcheck round create|extend`: a round's dates from the command line, by the same rules
as the round pages (no close date in the past, open at least a day, only an open round extends)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from healthcheck.cli.common import fail
from healthcheck.extensions import db
from healthcheck.models import IllegalTransition, Round
from healthcheck.services import alliances, questionnaires, rounds
from healthcheck.services.errors import InvalidInput

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("round")
def round_group():
    """Create a round or extend an open one."""


def _alliance(name: str):
    alliance = alliances.by_name(name)
    if alliance is None:
        fail([f"--alliance: no alliance called {name!r}"])
    return alliance


@round_group.command("create")
@click.option("--alliance", "alliance_name", required=True)
@click.option("--label", required=True, help="e.g. 2026-Q4, unique within the alliance.")
@click.option("--questionnaire", "key", default="alliance-health-check", show_default=True)
@click.option("--opens-on", type=DAY, default=None, help="YYYY-MM-DD; today when omitted.")
@click.option("--closes-on", type=DAY, default=None, help="YYYY-MM-DD; 21 days after opening when omitted.")
@with_appcontext
def create_command(alliance_name, label, key, opens_on, closes_on):
    """Create a draft round; the scheduler opens it on its opening date."""
    alliance = _alliance(alliance_name)
    try:
        rnd = rounds.create(
            alliance,
            questionnaires.latest(key),
            label,
            opens_on.date() if opens_on else None,
            closes_on.date() if closes_on else None,
        )
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(f"round {rnd.label} of {alliance.name}: draft, opens {rnd.opens_on}, closes {rnd.closes_on}")


@round_group.command("extend")
@click.option("--alliance", "alliance_name", required=True)
@click.option("--round", "label", required=True)
@click.option("--closes-on", type=DAY, required=True, help="The new, later close date (YYYY-MM-DD).")
@with_appcontext
def extend_command(alliance_name, label, closes_on):
    """Give an open round more time; everyone who has not submitted is told by email."""
    alliance = _alliance(alliance_name)
    rnd = db.session.scalar(select(Round).where(Round.alliance_id == alliance.id, Round.label == label))
    if rnd is None:
        fail([f"--round: {alliance.name} has no round {label!r}"])
    try:
        told = rounds.extend(rnd, closes_on.date())
    except (InvalidInput, IllegalTransition) as exc:
        fail(getattr(exc, "problems", None) or [str(exc)])
    db.session.commit()
    click.echo(f"round {rnd.label} of {alliance.name} now closes on {rnd.closes_on}; {told} told by email")
