"""The ``healthcheck`` command line: one module per command group, each thin — parse, call
a service, commit, print."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from healthcheck import create_app
from healthcheck.cli import accounts, backup, history, jobs, questionnaires, reports, rounds, setup, tokens
from healthcheck.cli.facts import import_facts
from healthcheck.config import default_instance_path, ensure_secret_key_file

COMMANDS = [
    backup.backup_command,
    backup.restore_command,
    setup.init_command,
    setup.demo_command,
    setup.serve_command,
    accounts.user_group,
    questionnaires.questionnaire_group,
    history.import_responses,
    import_facts,
    rounds.round_group,
    *reports.COMMANDS,
    *jobs.COMMANDS,
    tokens.token_group,
]


def register(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


@click.group(
    cls=FlaskGroup, create_app=create_app, add_version_option=False, load_dotenv=False, set_debug_flag=False
)
def main_group():
    """Alliance Health Check."""


def main() -> None:
    ensure_secret_key_file(default_instance_path())
    main_group(prog_name="healthcheck")
