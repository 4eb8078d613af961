"""`flask scheduler …`: the scheduler process, and one-off runs of its jobs."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import time
from typing import Any

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask, current_app
from flask.cli import AppGroup

from commsplan.notifications import jobs
from commsplan.notifications.dispatcher import Dispatcher
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


def build_cron(app: Flask) -> BackgroundScheduler:
    """The daily jobs, with an in-memory job store: their due state lives in the database."""
    cron = BackgroundScheduler(timezone=LONDON, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    digest_at = time.fromisoformat(str(app.config["DIGEST_TIME"]))
    cron.add_job(in_app_context(app, jobs.digest_job), CronTrigger(
        hour=digest_at.hour, minute=digest_at.minute, timezone=LONDON), id="digest", name="daily digest")
    cron.add_job(in_app_context(app, jobs.housekeeping_job), CronTrigger(
        hour=3, minute=15, timezone=LONDON), id="housekeeping", name="housekeeping")
    return cron


@scheduler_cli.command("run")
def run() -> None:
    """Run the scheduler until stopped: each reminder sent as it falls due, the digest daily."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    dispatcher = Dispatcher(app, settings=jobs.current_settings(), worker=jobs.worker_name())

    def stop(signum: int, frame: Any) -> None:
        dispatcher.shutdown()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    cron = build_cron(app)
    cron.start()
    settings = dispatcher.settings
    click.echo(f"Scheduler started as {dispatcher.worker}: reminders go as they fall due "
               f"({settings.email_senders} email and {settings.webhook_senders} webhook senders), "
               f"digest at {app.config['DIGEST_TIME']} London time. Ctrl-C stops it.")
    try:
        dispatcher.run_forever()
    finally:
        cron.shutdown(wait=False)
        click.echo("Scheduler stopped.")


@scheduler_cli.command("dispatch")
def dispatch_once() -> None:
    """Dispatch everything that is due now, once, and say what happened."""
    report = jobs.run_dispatch()
    click.echo(f"Reminders expanded: {report.reminders}; sent: {report.sent}; "
               f"to retry: {report.retried}; failed: {report.failed}; "
               f"taken over from a stopped sender: {report.taken_over}.")
    for error in report.errors[:10]:
        click.echo(f"  error: {error}")


@scheduler_cli.command("digest")
def digest_once() -> None:
    """Schedule today's digests now (each person gets at most one a day)."""
    click.echo(f"Digests scheduled: {jobs.digest_job()}.")
