"""The jobs: stable ids, how often they run, and what they do (services.scheduling)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from healthcheck.jobs import delivery
from healthcheck.services import action_followup, review_publication, scheduling, webhook_delivery, webhooks


@dataclass(frozen=True)
class Job:
    name: str
    period: str  # minutely, hourly, daily, weekly
    cron: dict  # APScheduler CronTrigger fields
    run: Callable[[datetime], dict]
    description: str
    # Work after the job's commit (e.g. files); gets and returns the run's detail. Its
    # failure is recorded on the run and never undoes the job's committed work.
    after_commit: Callable[[dict], dict] | None = None


def _close(now: datetime) -> dict:
    result = scheduling.close_due_rounds(now)
    return {"closed": len(result["round_ids"]), **result}


def _write_packs(detail: dict) -> dict:
    return {"packs": scheduling.write_packs(detail["round_ids"])}


JOBS = [
    Job(
        "open_rounds",
        "hourly",
        {"minute": 2},
        lambda now: {"opened": scheduling.open_due_rounds(now)},
        "Open draft rounds set to open automatically on their opening date, and invite everyone.",
    ),
    Job(
        "close_rounds",
        "hourly",
        {"minute": 5},
        _close,
        "Close rounds after their close date: final summary, report pack, owners notified.",
        after_commit=_write_packs,
    ),
    Job(
        "publish_reviews",
        "hourly",
        {"minute": 8},
        lambda now: {"published": review_publication.publish_due(now)},
        "Publish joint reviews whose window has ended: the pack's version 1, owners and reviewers told.",
    ),
    Job(
        "plan_rounds",
        "daily",
        {"hour": 6, "minute": 10},
        lambda now: {"planned": len(scheduling.plan_next_rounds(now))},
        "Plan each alliance's next round from its cadence, copying the invitation list.",
    ),
    Job(
        "send_reminders",
        "hourly",
        {"minute": 20},
        lambda now: {"reminders": scheduling.queue_reminders(now)},
        "Remind non-respondents 7 and 14 days after opening (at most twice).",
    ),
    Job(
        "weekly_digest",
        "weekly",
        {"day_of_week": "mon", "hour": 7, "minute": 0},
        lambda now: {"digests": scheduling.queue_digests(now)},
        "A weekly digest of early warnings and overdue health checks to each owner.",
    ),
    Job(
        "action_followup",
        "hourly",
        {"minute": 25},
        action_followup.run_due,
        "Remind joint actions' owners before the due date; ask them 30 days after done whether it helped.",
    ),
    Job(
        "deliver_mail",
        "minutely",
        {"minute": "*"},
        lambda now: delivery.deliver_due(now),
        "Send queued messages; failures are retried with backoff and recorded.",
    ),
    Job(
        "deliver_webhooks",
        "minutely",
        {"minute": "*"},
        lambda now: webhook_delivery.deliver_due(now),
        "Post queued webhook events, signed; failures are retried with backoff and recorded.",
    ),
    Job(
        "overdue_action_webhooks",
        "daily",
        {"hour": 6, "minute": 30},
        lambda now: {"queued": webhooks.overdue_actions(now)},
        "Tell webhooks about actions that became overdue (once per action).",
    ),
]
BY_NAME = {job.name: job for job in JOBS}


def slot(job: Job, now: datetime) -> str:
    """The time slot a run at ``now`` belongs to; one run per (job, slot)."""
    if job.period == "minutely":
        return now.strftime("%Y-%m-%dT%H:%M")
    if job.period == "hourly":
        return now.strftime("%Y-%m-%dT%H")
    if job.period == "daily":
        return now.strftime("%Y-%m-%d")
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"
