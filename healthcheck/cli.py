"""The ``healthcheck`` command line: thin commands that parse, call a service, commit, print."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from healthcheck.config import default_instance_path, ensure_secret_key_file
from healthcheck.extensions import db
from healthcheck.models import ROLES, SEGMENTS
from healthcheck.services import demo as demo_service
from healthcheck.services import history_import, questionnaires, users
from healthcheck.services.errors import InvalidInput


def fail(problems: list[str], code: int = 2):
    for p in problems:
        click.echo(f"error: {p}", err=True)
    db.session.rollback()
    sys.exit(code)


def setup_database(import_surveys: bool = True) -> None:
    """Create or update the schema and import the questionnaire library."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    if import_surveys:
        for result in questionnaires.import_path(current_app.config["SURVEYS_DIR"]):
            if result.created:
                click.echo(f"questionnaire {result.questionnaire.ref} imported")
        db.session.commit()


@click.command("init")
@with_appcontext
def init_command():
    """First-run set-up: instance folder, secret key, schema, questionnaire library."""
    setup_database()
    click.echo(f"ready: instance folder {current_app.instance_path}")


def seed_demo() -> None:
    setup_database()
    result = demo_service.run()
    db.session.commit()
    click.echo(
        f"demo: {len(result['alliances'])} alliances created "
        f"({len(demo_service.STORIES)} in the demo portfolio)"
    )
    for email, role, _name, password in demo_service.DEMO_USERS:
        click.echo(f"  {role:8} {email:24} password: {password}")


@click.command("demo")
@with_appcontext
def demo_command():
    """Seed the demo portfolio (idempotent) and print the demo logins."""
    seed_demo()


@click.command("serve")
@click.option("--demo", is_flag=True, help="Seed the demo portfolio first.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Run the job scheduler inside this single development process.",
)
@with_appcontext
def serve_command(demo, host, port, scheduler):
    """Set everything up on first run and serve (development server, one process)."""
    if demo:
        current_app.config["DEMO"] = True
        seed_demo()
    else:
        setup_database()
    if scheduler:
        from healthcheck.jobs.scheduler import build

        build(current_app._get_current_object(), blocking=False).start()
        click.echo("scheduler: running inside this process (outbox: instance/outbox)")
    click.echo(f"serving on http://{host}:{port}/")
    from werkzeug.serving import run_simple

    from healthcheck.runtime import settle

    settle()

    run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.group("user")
def user_group():
    """Manage user accounts."""


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="")
@with_appcontext
def user_create(email, role, name):
    """Create a user; the password comes from a prompt, or from stdin when piped."""
    password = _read_password()
    try:
        user = users.create(email, role, password, name=name)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(f"user {user.email} created with role {user.role}")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@user_group.command("set-password")
@click.argument("email")
@with_appcontext
def user_set_password(email):
    """Set a new password (prompt, or stdin when piped); the user's open sessions end."""
    password = _read_password()
    try:
        user = users.set_password(email, password)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(f"password of {user.email} changed; their open sessions have ended")


@user_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def user_set_role(email, role):
    """Change a user's role (recorded in the audit log)."""
    try:
        user = users.set_role(email, role)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(f"user {user.email} is now {user.role}; their open sessions have ended")


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


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Back up the database to a file (SQLite online backup, or pg_dump for PostgreSQL)."""
    from healthcheck.services import backup

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
    from healthcheck.services import backup

    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except backup.BackupError as exc:
        fail([str(exc)])
    click.echo(f"restored from {source}")


COMMANDS = [
    backup_command,
    restore_command,
    init_command,
    demo_command,
    serve_command,
    user_group,
    questionnaire_group,
    import_responses,
]


def register(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
    from healthcheck import cli_jobs, cli_reports

    cli_reports.register(app)
    cli_jobs.register(app)


def _create_app():
    from healthcheck import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False, set_debug_flag=False
)
def main_group():
    """Alliance Health Check."""


def main() -> None:
    ensure_secret_key_file(default_instance_path())
    main_group(prog_name="healthcheck")
