"""Real scheduler processes against a slow mail server: two at once, and one killed with SIGKILL.

Each runs `flask scheduler run` as production does, on a database built by the migrations (a
new SQLite file, or a new schema on PostgreSQL), with leases short enough for the test to see
them lapse. Every email is counted at a real SMTP server by its delivery key.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.common import throwaway_database
from commsplan import create_app
from commsplan.extensions import db
from commsplan.notifications import jobs
from commsplan.notifications.models import Delivery, DeliveryAttempt, DeliveryChannel, DeliveryStatus
from tests.conftest import app_settings
from tests.factories import make_user
from tests.notifications.conftest import schedule_urgent
from tests.receivers import SmtpSink, wait_until

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def migrated_database(database_url: str, instance_dir: str, tmp_path: Path) -> Iterator[str]:
    """A database built by the migrations, as production has: a new SQLite file or PostgreSQL schema."""
    with throwaway_database(database_url, tmp_path, "scheduler") as url:
        app = create_app(app_settings(url, instance_dir))
        with app.app_context():
            flask_migrate.upgrade()
            db.session.remove()
            db.engine.dispose()
        yield url


class Schedulers:
    """Starts `flask scheduler run` processes on one database and SMTP sink; kills them all at the end."""

    def __init__(self, database_url: str, instance_dir: str, sink: SmtpSink, log: Path) -> None:
        self.env = {**os.environ, "COMMSPLAN_DATABASE_URL": database_url,
                    "COMMSPLAN_INSTANCE_PATH": instance_dir, "COMMSPLAN_MAIL_HOST": sink.host,
                    "COMMSPLAN_MAIL_PORT": str(sink.port), "COMMSPLAN_SCHEDULER_POLL_SECONDS": "0.2",
                    "COMMSPLAN_WEBHOOK_TIMEOUT_SECONDS": "1"}
        self.log = log
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, **settings: float) -> subprocess.Popen[bytes]:
        env = {**self.env, **{f"COMMSPLAN_{name}": str(value) for name, value in settings.items()}}
        flask = Path(sys.executable).parent / "flask"
        with self.log.open("ab") as output:
            process = subprocess.Popen([str(flask), "--app", "wsgi", "scheduler", "run"], cwd=PROJECT_DIR,
                                       env=env, stdout=output, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def schedulers(migrated_database: str, instance_dir: str, tmp_path: Path
               ) -> Iterator[Callable[..., Schedulers]]:
    made: list[Schedulers] = []

    def make(sink: SmtpSink) -> Schedulers:
        made.append(Schedulers(migrated_database, instance_dir, sink, tmp_path / "scheduler.log"))
        return made[-1]

    yield make
    for group in made:
        group.stop_all()


@pytest.fixture
def database(migrated_database: str, instance_dir: str) -> Iterator[Session]:
    """A session on the migrated database, for the test's own reading and writing."""
    with create_app(app_settings(migrated_database, instance_dir)).app_context():
        try:
            yield db.session
        finally:
            db.session.remove()
            db.engine.dispose()


def schedule_emails(session: Session, count: int) -> list[str]:
    """`count` urgent reminders already due, each to its own person (so none are grouped); their keys."""
    due = datetime.now(UTC) - timedelta(seconds=5)  # the scheduler processes read the real clock
    settings = jobs.current_settings()
    for number in range(count):
        schedule_urgent(session, make_user(session, now=due), key=f"incident:{number}:task:1", now=due,
                        settings=settings)
    session.commit()
    return [f"incident:{number}:task:1" for number in range(count)]


def emails(session: Session, status: DeliveryStatus | None = None) -> int:
    """How many email deliveries there are (with `status`), read afresh: other processes write."""
    query = select(func.count()).select_from(Delivery).where(Delivery.channel == DeliveryChannel.EMAIL)
    if status is not None:
        query = query.where(Delivery.status == status)
    try:
        return session.scalar(query) or 0
    finally:
        session.rollback()


def email_keys(session: Session) -> set[str]:
    emails = select(Delivery.idempotency_key).where(Delivery.channel == DeliveryChannel.EMAIL)
    return set(session.scalars(emails))


def attempts_by_key(session: Session) -> dict[str, list[bool | None]]:
    rows = session.execute(select(Delivery.idempotency_key, DeliveryAttempt.succeeded)
                           .join(DeliveryAttempt, DeliveryAttempt.delivery_id == Delivery.id)
                           .where(Delivery.channel == DeliveryChannel.EMAIL).order_by(DeliveryAttempt.id))
    found: dict[str, list[bool | None]] = {}
    for key, succeeded in rows:
        found.setdefault(key, []).append(succeeded)
    return found


def test_two_schedulers_and_a_mail_server_slower_than_the_lease_send_every_email_once(
    database: Session, schedulers: Callable[..., Schedulers], make_smtp_sink: Callable[..., SmtpSink],
) -> None:
    count = 14
    schedule_emails(database, count)
    sink = make_smtp_sink(delay=0.5)  # each scheduler spends ~3.5 s sending: longer than its lease
    group = schedulers(sink)
    for _ in range(2):
        group.start(NOTIFY_LEASE_SECONDS=2, MAIL_TIMEOUT_SECONDS=1.5, NOTIFY_EMAIL_SENDERS=1)

    assert wait_until(lambda: emails(database, DeliveryStatus.SENT) == count, timeout=45, interval=0.2), \
        group.log.read_text()
    group.stop_all()

    assert sink.key_counts() == {key: 1 for key in email_keys(database)}
    assert emails(database, DeliveryStatus.SENDING) == 0
    assert {tuple(log) for log in attempts_by_key(database).values()} == {(True,)}  # nothing taken over
    email_senders = select(Delivery.claimed_by).where(Delivery.channel == DeliveryChannel.EMAIL)
    senders = set(database.scalars(email_senders))
    assert len(senders) == 2  # both schedulers really sent


def test_killing_a_scheduler_mid_send_repeats_at_most_the_email_on_the_wire(
    database: Session, schedulers: Callable[..., Schedulers], make_smtp_sink: Callable[..., SmtpSink],
) -> None:
    count, kills = 12, 3
    schedule_emails(database, count)
    sink = make_smtp_sink()
    group = schedulers(sink)
    settings = {"NOTIFY_LEASE_SECONDS": 1.5, "MAIL_TIMEOUT_SECONDS": 1, "NOTIFY_EMAIL_SENDERS": 1}
    for _ in range(kills):
        sink.hold(after=sink.count + 2)  # two more are accepted; the next arrives, its reply held
        process = group.start(**settings)
        assert wait_until(lambda: sink.held >= 1, timeout=20), group.log.read_text()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        sink.release()
        assert wait_until(lambda: sink.held == 0, timeout=5)

    group.start(**settings)
    assert wait_until(lambda: emails(database, DeliveryStatus.SENT) == count, timeout=30, interval=0.2), \
        group.log.read_text()
    group.stop_all()

    arrived = sink.key_counts()
    assert set(arrived) == email_keys(database)  # nothing lost, nothing else sent
    repeated = {key for key, times in arrived.items() if times > 1}
    assert sum(arrived.values()) - count <= kills and max(arrived.values()) <= 2
    assert len(repeated) == kills  # each kill really caught an email on the wire
    assert emails(database, DeliveryStatus.SENDING) == 0
    attempts = attempts_by_key(database)
    for key in repeated:  # the lost attempt is in the log, its outcome marked unknown
        assert attempts[key] == [None, True]
    assert all(log[-1] is True for log in attempts.values())
