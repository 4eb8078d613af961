"""`flask scheduler …`: the scheduler process, and one-off runs of its jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import time

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask, current_app
from flask.cli import AppGroup

from commsplan.notifications import jobs
from commsplan.timeutil import LONDON

scheduler_cli = AppGroup("scheduler", help="Reminders: the scheduler process and its jobs.")
log = logging.getLogger("commsplan.scheduler")


def in_app_context(app: Flask, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            try:
                result = job()
            except Exception:
                log.exception("Scheduler job %s failed; it will run again", getattr(job, "__name__", job))
            else:
                log.debug("%s: %s", getattr(job, "__name__", job), result)

    return run


def build_scheduler(app: Flask) -> BlockingScheduler:
    """One process, an in-memory job store: due state lives in the reminders table."""
    scheduler = BlockingScheduler(timezone=LONDON, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    interval = float(app.config["SCHEDULER_INTERVAL_SECONDS"])
    digest_at = time.fromisoformat(str(app.config["DIGEST_TIME"]))
    scheduler.add_job(in_app_context(app, jobs.run_dispatch), "interval", seconds=interval,
                      id="dispatch", name="dispatch due reminders")
    scheduler.add_job(in_app_context(app, jobs.digest_job), CronTrigger(
        hour=digest_at.hour, minute=digest_at.minute, timezone=LONDON), id="digest",
        name="daily digest")
    scheduler.add_job(in_app_context(app, jobs.housekeeping_job), CronTrigger(
        hour=3, minute=15, timezone=LONDON), id="housekeeping",
        name="housekeeping")
    return scheduler


@scheduler_cli.command("run")
def run() -> None:
    """Run the scheduler until stopped: dispatch due reminders every few seconds, digests daily."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = build_scheduler(app)
    click.echo(f"Scheduler started: dispatching every {app.config['SCHEDULER_INTERVAL_SECONDS']} s, "
               f"digest at {app.config['DIGEST_TIME']} London time. Ctrl-C stops it.")
    in_app_context(app, jobs.run_dispatch)()  # catch up at once after downtime
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@scheduler_cli.command("dispatch")
def dispatch_once() -> None:
    """Dispatch everything that is due now, once, and say what happened."""
    report = jobs.run_dispatch()
    click.echo(f"Reminders expanded: {report.reminders}; sent: {report.sent}; "
               f"to retry: {report.retried}; failed: {report.failed}.")
    for error in report.errors[:10]:
        click.echo(f"  error: {error}")


@scheduler_cli.command("digest")
def digest_once() -> None:
    """Schedule today's digests now (each person gets at most one a day)."""
    click.echo(f"Digests scheduled: {jobs.digest_job()}.")
