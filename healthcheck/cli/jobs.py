"""Operator commands: the scheduler process, jobs, and the mail outbox."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.jobs import runner
from healthcheck.jobs.registry import BY_NAME, JOBS
from healthcheck.mail import outbox_listing
from healthcheck.models import JobRun


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the job scheduler (exactly one such process per deployment)."""
    from healthcheck.jobs.scheduler import build  # APScheduler only in the scheduler process

    scheduler = build(current_app._get_current_object(), blocking=True)
    click.echo(f"scheduler: {len(JOBS)} jobs; stop with Ctrl-C")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)


@click.group("jobs")
def jobs_group():
    """List and run scheduled jobs."""


@jobs_group.command("list")
@with_appcontext
def jobs_list():
    """Every job with its schedule and its last run."""
    for job in JOBS:
        last = db.session.scalar(
            select(JobRun).where(JobRun.job == job.name).order_by(JobRun.started_at.desc()).limit(1)
        )
        runs = db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.job == job.name))
        when = f"last {last.slot} {last.status}" if last else "never run"
        cron = " ".join(f"{k}={v}" for k, v in job.cron.items())
        click.echo(f"{job.name:15} {job.period:9} {cron:28} {runs:5} runs, {when}")
        click.echo(f"{'':15} {job.description}")


@jobs_group.command("run")
@click.argument("name", type=click.Choice(list(BY_NAME)))
@click.option(
    "--now",
    "now",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
    default=None,
    help="Pretend it is this time (UTC), e.g. 2026-12-01T09:00.",
)
@with_appcontext
def jobs_run(name, now: datetime | None):
    """Run one job now (or for a simulated time); skipped if its slot already ran."""
    detail = runner.run(name, now)
    if detail is None:
        click.echo(f"{name}: skipped, another run has this time slot")
    else:
        click.echo(f"{name}: {detail}")


@click.command("outbox")
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def outbox_command(limit):
    """List the messages written to the outbox folder, newest last."""
    folder = current_app.config.get("MAIL_OUTBOX_DIR") or Path(current_app.instance_path) / "outbox"
    rows = outbox_listing(folder)
    for row in rows[-limit:]:
        click.echo(f"{row['file']}  {row['to']:32}  {row['subject']}")
    click.echo(f"{len(rows)} message(s) in {folder}")


COMMANDS = [scheduler_command, jobs_group, outbox_command]
