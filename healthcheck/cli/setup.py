"""First run, demo and the development server."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from healthcheck.cli.common import setup_database
from healthcheck.config import serving_base_url
from healthcheck.extensions import db
from healthcheck.services import demo as demo_service


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
    """Set everything up on first run and serve (development server, one process). Links in
    emails point at this server unless PUBLIC_BASE_URL is configured."""
    if not current_app.config.get("PUBLIC_BASE_URL"):
        current_app.config["PUBLIC_BASE_URL"] = serving_base_url(host, port)
    if demo:
        current_app.config["DEMO"] = True
        seed_demo()
    else:
        setup_database()
    if scheduler:
        from healthcheck.jobs.scheduler import build  # APScheduler only when it runs here

        build(current_app._get_current_object(), blocking=False).start()
        click.echo("scheduler: running inside this process (outbox: instance/outbox)")
    click.echo(f"serving on http://{host}:{port}/")
    from werkzeug.serving import run_simple

    from healthcheck.runtime import settle  # loads the chart renderer: only to serve

    settle()

    run_simple(host, port, current_app._get_current_object(), threaded=True)
