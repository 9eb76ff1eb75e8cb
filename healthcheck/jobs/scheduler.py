"""The scheduler process: APScheduler 3 with one cron trigger per job.

Run exactly one (`healthcheck scheduler`); a second one started by mistake does no harm,
because every run claims its (job, slot) in the database first.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from healthcheck.jobs import runner
from healthcheck.jobs.registry import JOBS

log = logging.getLogger(__name__)


def _call(app, name: str) -> None:
    with app.app_context():
        try:
            runner.run(name)
        except Exception:  # noqa: BLE001 - logged and recorded by the runner; keep scheduling
            log.warning("job %s failed; it will be retried in its next slot", name)


def build(app, blocking: bool = True):
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(
        timezone=app.config["SCHEDULER_TIMEZONE"],
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for job in JOBS:
        scheduler.add_job(
            _call,
            CronTrigger(**job.cron, timezone=app.config["SCHEDULER_TIMEZONE"]),
            args=[app, job.name],
            id=job.name,
            name=job.description,
            replace_existing=True,
        )
    return scheduler
