"""Two dispatchers at once never send a delivery twice: SKIP LOCKED on PostgreSQL, one writer on SQLite."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from bench.common import postgres_answers
from commsplan import create_app
from commsplan.auth.models import User
from commsplan.db import unit_of_work
from commsplan.extensions import db
from commsplan.notifications import jobs, notifiers
from commsplan.notifications.deliveries import DispatchReport
from commsplan.notifications.dispatcher import Dispatcher
from commsplan.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    InboxItem,
    Reminder,
    ReminderStatus,
)
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import utcnow
from tests.conftest import app_settings
from tests.factories import make_user
from tests.notifications.conftest import schedule_urgent
from tests.receivers import wait_until


class CountingSender:
    """Stands in for SMTP: counts each key it is asked to send, and which dispatcher asked."""

    def __init__(
        self, worker: str, sends: Counter[str], by_worker: Counter[str], lock: threading.Lock
    ) -> None:
        self.worker, self.sends, self.by_worker, self.lock = worker, sends, by_worker, lock

    def __call__(self, message: notifiers.Message, settings: DeliverySettings) -> None:
        with self.lock:
            for item in message.items:
                self.sends[item.key] += 1
            self.by_worker[self.worker] += 1


def seed(app: Flask, *, reminders: int, people: int, now: datetime) -> None:
    with app.app_context():
        session = db.session
        users = [make_user(session, now=now) for _ in range(people)]
        settings = jobs.current_settings()
        for number in range(reminders):
            schedule_urgent(session, users[number % people], key=f"incident:{number}:task:due", now=now,
                            settings=settings)
        db.session.commit()
        db.session.remove()


def run_two_dispatchers(app: Flask, now: datetime) -> tuple[Counter[str], Counter[str], list[DispatchReport]]:
    """Start both on a barrier, each in its own thread and app context; re-raise anything they raise."""
    sends: Counter[str] = Counter()
    by_worker: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(2)
    reports: list[DispatchReport] = []
    failures: list[BaseException] = []

    def dispatcher(worker: str) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                reports.append(jobs.run_dispatch(now=lambda: now, worker=worker,
                                                 send=CountingSender(worker, sends, by_worker, lock)))
        except BaseException as error:  # handed to the test thread below
            failures.append(error)

    threads = [threading.Thread(target=dispatcher, args=(name,)) for name in ("dispatcher-a", "dispatcher-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a dispatcher did not finish"
    if failures:
        raise failures[0]
    return sends, by_worker, reports


def check_sent_exactly_once(sends: Counter[str], reminders: int) -> None:
    session = db.session
    emails = session.scalars(select(Delivery).where(Delivery.channel == DeliveryChannel.EMAIL)).unique().all()
    assert len(emails) == reminders
    assert set(sends) == {d.idempotency_key for d in emails}
    assert set(sends.values()) == {1}, [key for key, times in sends.items() if times > 1][:5]
    assert all(d.status is DeliveryStatus.SENT and d.attempts == 1 for d in emails)
    statuses = session.execute(select(Reminder.status, Reminder.round, func.count())
                               .group_by(Reminder.status, Reminder.round)).all()
    assert [tuple(row) for row in statuses] == [(ReminderStatus.DISPATCHED, 1, reminders)]
    per_reminder = session.execute(select(Delivery.reminder_id, Delivery.channel, func.count())
                                   .group_by(Delivery.reminder_id, Delivery.channel)).all()
    assert len(per_reminder) == 2 * reminders and {row[2] for row in per_reminder} == {1}
    inbox = session.execute(select(InboxItem.user_id, InboxItem.reminder_id, InboxItem.round)).all()
    assert len(inbox) == len(set(inbox)) == reminders
    attempts = session.scalar(select(func.count()).select_from(DeliveryAttempt)
                              .join(Delivery).where(Delivery.channel == DeliveryChannel.EMAIL))
    assert attempts == reminders


@pytest.fixture
def postgres_app(request: pytest.FixtureRequest, database_url: str) -> Callable[..., Flask]:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set COMMSPLAN_TEST_DATABASE_URL=postgresql+psycopg://…")
    if not postgres_answers(database_url):
        pytest.skip(f"the PostgreSQL server at {database_url} does not answer")
    make_app: Callable[..., Flask] = request.getfixturevalue("make_app")
    return make_app


@pytest.mark.postgres
def test_two_dispatchers_on_postgresql_send_each_of_2000_reminders_exactly_once(
    postgres_app: Callable[..., Flask], now: datetime,
) -> None:
    app = postgres_app(NOTIFY_BATCH_SIZE=50)
    seed(app, reminders=2000, people=40, now=now)

    sends, by_worker, reports = run_two_dispatchers(app, now)

    with app.app_context():
        check_sent_exactly_once(sends, 2000)
        db.session.remove()
    assert sum(r.reminders for r in reports) == 2000 and sum(r.sent for r in reports) == 2000
    assert by_worker["dispatcher-a"] > 0 and by_worker["dispatcher-b"] > 0  # they really overlapped


@pytest.fixture
def sqlite_app(tmp_path: Path, instance_dir: str) -> Any:
    """Its own SQLite file, whatever database the rest of the run uses."""
    app = create_app(app_settings(f"sqlite:///{tmp_path / 'two-dispatchers.sqlite3'}", instance_dir,
                                  NOTIFY_BATCH_SIZE=20))
    with app.app_context():
        db.create_all()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_dispatchers_on_sqlite_never_send_a_delivery_twice(sqlite_app: Flask, now: datetime) -> None:
    seed(sqlite_app, reminders=300, people=10, now=now)

    sends, _, reports = run_two_dispatchers(sqlite_app, now)

    with sqlite_app.app_context():
        check_sent_exactly_once(sends, 300)
        db.session.remove()
    assert sum(r.reminders for r in reports) == 300


def test_three_schedulers_on_sqlite_while_reminders_pour_in_send_each_once_and_strand_nothing(
    sqlite_app: Flask, instance_dir: str, caplog: pytest.LogCaptureFixture,
) -> None:
    """Three dispatchers running as the scheduler runs them, on one SQLite file, while another
    writer schedules 300 reminders in 30 transactions. The dispatchers wait only 20 ms for a lock,
    so the file is often "locked" to them: they must retry, and strand nothing."""
    writer = create_app(app_settings(sqlite_app.config["SQLALCHEMY_DATABASE_URI"], instance_dir))
    sqlite_app.config.update(NOTIFY_BATCH_SIZE=20, SCHEDULER_POLL_SECONDS=0.1, NOTIFY_LEASE_SECONDS=15,
                             SQLITE_BUSY_TIMEOUT_MS=20)
    sends: Counter[str] = Counter()
    by_worker: Counter[str] = Counter()
    lock = threading.Lock()
    with sqlite_app.app_context():
        db.engine.dispose()  # new connections take the short busy timeout
        people = [make_user(db.session, now=utcnow()).id for _ in range(25)]
        db.session.commit()
        dispatchers = [Dispatcher(sqlite_app, settings=jobs.current_settings(), worker=f"scheduler-{n}",
                                  send=CountingSender(f"scheduler-{n}", sends, by_worker, lock))
                       for n in range(3)]

    def serve(dispatcher: Dispatcher) -> None:
        with sqlite_app.app_context():
            dispatcher.run_forever()

    def pour_in() -> None:
        for batch in range(30):
            with writer.app_context(), unit_of_work() as session:
                moment, settings = utcnow(), jobs.current_settings()
                for number in range(batch * 10, batch * 10 + 10):
                    person = db.session.get(User, people[number % len(people)])
                    assert person is not None
                    schedule_urgent(session, person, key=f"incident:{number}:task:1", now=moment,
                                    settings=settings)
            time.sleep(0.02)

    threads = [threading.Thread(target=serve, args=(d,), daemon=True) for d in dispatchers]
    for thread in threads:
        thread.start()
    pour_in()
    with sqlite_app.app_context():
        def sent() -> int:
            try:
                return db.session.scalar(select(func.count()).select_from(Delivery).where(
                    Delivery.channel == DeliveryChannel.EMAIL, Delivery.status == DeliveryStatus.SENT)) or 0
            finally:
                db.session.rollback()

        assert wait_until(lambda: sent() == 300, timeout=60, interval=0.1)
        for dispatcher in dispatchers:
            dispatcher.shutdown()
        for thread in threads:
            thread.join(timeout=10)
        check_sent_exactly_once(sends, 300)
        db.session.remove()
    with writer.app_context():
        db.engine.dispose()
    assert len(by_worker) >= 2  # they really shared the work
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
