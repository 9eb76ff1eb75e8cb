"""Run one job for one time slot, exactly once across processes.

The run first claims (job, slot) in the database (a unique row). A claim left ``failed``,
or ``running`` past the lease (its process died), may be taken again; the job's work comes
from database state and is idempotent, so the rerun finishes what the crash left.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from healthcheck.extensions import db
from healthcheck.jobs.registry import BY_NAME, Job, slot
from healthcheck.models import JobRun
from healthcheck.models.base import utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=15)


def _claim(job: Job, key: str, now: datetime) -> bool:
    try:
        db.session.add(JobRun(job=job.name, slot=key, started_at=now))
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
    taken = db.session.execute(
        update(JobRun)
        .where(
            JobRun.job == job.name,
            JobRun.slot == key,
            or_(JobRun.status == "failed", (JobRun.status == "running") & (JobRun.started_at < now - LEASE)),
        )
        .values(status="running", started_at=now, attempts=JobRun.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def _finish(job: Job, key: str, status: str, detail: dict) -> None:
    db.session.execute(
        update(JobRun)
        .where(JobRun.job == job.name, JobRun.slot == key)
        .values(status=status, finished_at=utcnow(), detail=detail)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run(name: str, now: datetime | None = None) -> dict | None:
    """Run job ``name`` for the slot of ``now``; None when another run has that slot."""
    job = BY_NAME[name]
    now = now or utcnow()
    key = slot(job, now)
    try:
        if not _claim(job, key, now):
            return None
        try:
            detail = job.run(now)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            log.exception("job %s (%s) failed", name, key)
            _finish(job, key, "failed", {"error": f"{type(exc).__name__}: {exc}"[:500]})
            raise
        if job.after_commit is not None:
            try:
                detail.update(job.after_commit(detail))
            except Exception as exc:  # noqa: BLE001 - the job's work is committed; record and end the run
                db.session.rollback()
                log.exception("after-commit work of job %s (%s) failed", name, key)
                detail["after_commit_error"] = f"{type(exc).__name__}: {exc}"[:500]
        _finish(job, key, "done", detail)
        return detail
    finally:
        db.session.remove()  # each job's session is always closed
