"""What the scheduled jobs did, for the admins' page (the jobs themselves: ``healthcheck.jobs``)."""

from __future__ import annotations

from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import JobRun

RUN_WORDS = {"running": "running", "done": "finished", "failed": "failed"}


def last_runs() -> list[JobRun]:
    """The latest run of each job, by job name."""
    latest = (
        select(JobRun.job, func.max(JobRun.started_at).label("started_at")).group_by(JobRun.job).subquery()
    )
    return list(
        db.session.scalars(
            select(JobRun)
            .join(latest, (JobRun.job == latest.c.job) & (JobRun.started_at == latest.c.started_at))
            .order_by(JobRun.job)
        )
    )


def recent_runs(limit: int = 50) -> list[JobRun]:
    """The latest runs of every job, newest first."""
    return list(
        db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit))
    )
