"""Faults: the mail server is down, a webhook fails or hangs, a dispatcher dies mid-batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from commsplan import create_app
from commsplan.auth.models import Role
from commsplan.extensions import db
from commsplan.notifications import jobs, notifiers, service
from commsplan.notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    InboxItem,
    Reminder,
    ReminderStatus,
    WebhookTarget,
)
from tests.conftest import app_settings
from tests.factories import PASSWORD, make_user
from tests.notifications.conftest import SmtpSink, WebhookReceiver, schedule_urgent, wait_until

PROJECT_DIR = Path(__file__).resolve().parents[2]


def email_deliveries(session: Session) -> list[Delivery]:
    return list(session.scalars(select(Delivery).where(Delivery.channel == Channel.EMAIL)
                                .order_by(Delivery.id).execution_options(populate_existing=True)).unique())


def only_webhook_delivery(session: Session) -> Delivery:
    query = (select(Delivery).where(Delivery.channel == Channel.WEBHOOK)
             .execution_options(populate_existing=True))
    [delivery] = session.scalars(query).unique()
    return delivery


def attempts_of(session: Session, delivery: Delivery) -> list[DeliveryAttempt]:
    return list(session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery.id)
                                .order_by(DeliveryAttempt.id)))


def add_webhook(session: Session, receiver: WebhookReceiver, now: datetime) -> WebhookTarget:
    target = service.create_webhook(session, values={
        "name": "Borough chat", "url": receiver.url, "business_unit_id": None, "urgent_only": False,
    }, actor=None, now=now)
    receiver.secret = target.secret
    return target


def admin_client(app: Flask, session: Session, now: datetime) -> FlaskClient:
    admin = make_user(session, roles={Role.ADMIN}, now=now)
    db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


# --- the mail server is down ---------------------------------------------------------------------


def test_while_the_mail_server_is_down_attempts_are_logged_and_retried_then_all_arrive(
    notify_app: Callable[..., Flask], make_smtp_sink: Callable[..., SmtpSink], now: datetime,
) -> None:
    sink = make_smtp_sink(up=False)
    notify_app(MAIL_PORT=sink.port, NOTIFY_RETRY_BASE_SECONDS=30, NOTIFY_MAX_ATTEMPTS=5)
    session = db.session
    people = [make_user(session, now=now) for _ in range(3)]
    settings = jobs.current_settings()
    for number in range(6):
        schedule_urgent(session, people[number % 3], key=f"incident:4:task:{number}", now=now,
                        settings=settings)
    db.session.commit()

    down = jobs.run_dispatch(now=lambda: now, worker="w")

    assert (down.reminders, down.sent, down.retried, down.failed) == (6, 0, 6, 0)
    for delivery in email_deliveries(session):
        assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 1
        assert delivery.next_attempt_at == now + timedelta(seconds=30)
        [attempt] = attempts_of(session, delivery)
        assert not attempt.succeeded and "failed" in (attempt.error or "")
        assert attempt.error == delivery.last_error
    assert session.scalar(select(func.count()).select_from(InboxItem)) == 6  # in-app goes regardless

    too_soon = jobs.run_dispatch(now=lambda: now + timedelta(seconds=29), worker="w")
    still_down = jobs.run_dispatch(now=lambda: now + timedelta(seconds=30), worker="w")
    assert (too_soon.sent, too_soon.retried) == (0, 0)
    assert (still_down.sent, still_down.retried) == (0, 6)
    assert {d.next_attempt_at for d in email_deliveries(session)} == {now + timedelta(seconds=90)}

    sink.up()
    up = jobs.run_dispatch(now=lambda: now + timedelta(seconds=90), worker="w")

    assert (up.sent, up.retried, up.failed) == (6, 0, 0)
    sent = email_deliveries(session)
    assert all(d.status is DeliveryStatus.SENT and d.attempts == 3 for d in sent)
    assert sink.key_counts() == {d.idempotency_key: 1 for d in sent}
    assert {tuple(m.rcpt_tos) for m in sink.messages()} == {(p.email,) for p in people}


# --- webhooks that fail --------------------------------------------------------------------------


def test_a_webhook_answering_500_is_retried_then_failed_with_the_error_shown_to_admins(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
    now: datetime,
) -> None:
    app = notify_app(MAIL_PORT=smtp_sink.port, NOTIFY_MAX_ATTEMPTS=3, NOTIFY_RETRY_BASE_SECONDS=10)
    session = db.session
    add_webhook(session, webhook_receiver, now)
    schedule_urgent(session, make_user(session, now=now), key="incident:5:task:1", now=now,
                    settings=jobs.current_settings())
    db.session.commit()
    webhook_receiver.mode = "error"

    first = jobs.run_dispatch(now=lambda: now, worker="w")
    hook = only_webhook_delivery(session)
    assert (first.retried, hook.status, hook.attempts) == (1, DeliveryStatus.PENDING, 1)
    assert hook.next_attempt_at == now + timedelta(seconds=10)
    second = jobs.run_dispatch(now=lambda: now + timedelta(seconds=10), worker="w")
    assert (second.retried, only_webhook_delivery(session).next_attempt_at) == (
        1, now + timedelta(seconds=30))
    third = jobs.run_dispatch(now=lambda: now + timedelta(seconds=30), worker="w")
    after = jobs.run_dispatch(now=lambda: now + timedelta(days=1), worker="w")

    hook = only_webhook_delivery(session)
    assert (third.failed, after.retried, after.failed) == (1, 0, 0)
    assert hook.status is DeliveryStatus.FAILED and hook.attempts == 3
    assert hook.last_error == "Webhook answered HTTP 500 Internal Server Error"
    posts = webhook_receiver.posts()
    assert len(posts) == 3 and all(p.signature_valid and p.answered == 500 for p in posts)
    assert {p.key for p in posts} == {hook.idempotency_key}
    assert smtp_sink.count == 1  # the email to the person was not held up by the webhook

    page = admin_client(app, session, now).get(f"/admin/deliveries/{hook.id}")
    assert page.status_code == 200
    assert page.text.count("Webhook answered HTTP 500 Internal Server Error") == 3
    assert ">Failed</strong>" in page.text and hook.idempotency_key in page.text


def test_a_failed_webhook_sent_again_by_an_admin_is_delivered_on_the_next_run(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
    now: datetime,
) -> None:
    app = notify_app(MAIL_PORT=smtp_sink.port, NOTIFY_MAX_ATTEMPTS=1)
    session = db.session
    add_webhook(session, webhook_receiver, now)
    schedule_urgent(session, make_user(session, now=now), key="k", now=now,
                    settings=jobs.current_settings())
    db.session.commit()
    webhook_receiver.mode = "error"
    jobs.run_dispatch(now=lambda: now, worker="w")
    hook = only_webhook_delivery(session)
    assert hook.status is DeliveryStatus.FAILED

    webhook_receiver.mode = "ok"
    response = admin_client(app, session, now).post(f"/admin/deliveries/{hook.id}/resend")
    assert response.status_code == 302
    report = jobs.run_dispatch(now=lambda: datetime.now(UTC), worker="w")

    assert report.sent == 1 and only_webhook_delivery(session).status is DeliveryStatus.SENT
    assert [p.answered for p in webhook_receiver.posts()] == [500, 204]


def test_a_webhook_that_hangs_past_the_timeout_is_retried_then_failed(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
    now: datetime,
) -> None:
    app = notify_app(MAIL_PORT=smtp_sink.port, WEBHOOK_TIMEOUT_SECONDS=0.3, NOTIFY_MAX_ATTEMPTS=2,
                     NOTIFY_RETRY_BASE_SECONDS=10)
    session = db.session
    add_webhook(session, webhook_receiver, now)
    schedule_urgent(session, make_user(session, now=now), key="incident:6:task:2", now=now,
                    settings=jobs.current_settings())
    db.session.commit()
    webhook_receiver.mode, webhook_receiver.hang_seconds = "hang", 5.0

    first = jobs.run_dispatch(now=lambda: now, worker="w")
    second = jobs.run_dispatch(now=lambda: now + timedelta(seconds=10), worker="w")

    hook = only_webhook_delivery(session)
    assert (first.retried, second.failed) == (1, 1)
    assert hook.status is DeliveryStatus.FAILED and hook.attempts == 2
    assert "timed out" in (hook.last_error or "")
    assert all(a.duration_ms >= 250 and not a.succeeded for a in attempts_of(session, hook))
    assert len(webhook_receiver.posts()) == 2
    page = admin_client(app, session, now).get(f"/admin/deliveries/{hook.id}")
    assert page.status_code == 200 and "timed out" in page.text and ">Failed</strong>" in page.text


def test_a_webhook_answering_something_that_is_not_http_is_an_error_not_a_crash(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
    now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port, NOTIFY_CLAIM_TIMEOUT_SECONDS=60)
    session = db.session
    add_webhook(session, webhook_receiver, now)
    schedule_urgent(session, make_user(session, now=now), key="incident:3:task:1", now=now,
                    settings=jobs.current_settings())
    db.session.commit()
    webhook_receiver.mode = "garbage"

    report = jobs.run_dispatch(now=lambda: now, worker="w")
    later = jobs.run_dispatch(now=lambda: now + timedelta(minutes=5), worker="w")

    hook = only_webhook_delivery(session)
    assert (report.sent, report.retried) == (1, 1)
    assert hook.status is DeliveryStatus.PENDING and hook.attempts >= 1
    assert (hook.last_error or "").startswith("Webhook")
    assert later.sent == 0 and smtp_sink.count == 1  # the email in the same batch is not sent again


def test_a_title_with_a_line_break_is_emailed_on_one_line_and_holds_nothing_else_up(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port, NOTIFY_CLAIM_TIMEOUT_SECONDS=60)
    session = db.session
    person, settings = make_user(session, now=now), jobs.current_settings()
    schedule_urgent(session, person, key="a", now=now, settings=settings, title="Call the family\nliaison")
    schedule_urgent(session, person, key="b", now=now, settings=settings, title="Brief the borough")
    db.session.commit()

    report = jobs.run_dispatch(now=lambda: now, worker="w")
    later = jobs.run_dispatch(now=lambda: now + timedelta(minutes=5), worker="w")

    assert (report.sent, later.sent) == (2, 0)
    assert sorted(str(m.message["Subject"]) for m in smtp_sink.messages()) == [
        "[Urgent] Brief the borough", "[Urgent] Call the family liaison"]


# --- a dispatcher that vanished ------------------------------------------------------------------


class DispatcherCrashed(BaseException):
    """Stands in for a process dying while it sends: nothing after the send runs."""


def test_a_claim_older_than_the_claim_timeout_is_taken_over_and_delivered(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port, NOTIFY_CLAIM_TIMEOUT_SECONDS=60)
    session = db.session
    schedule_urgent(session, make_user(session, now=now), key="incident:8:task:1", now=now,
                    settings=jobs.current_settings())
    db.session.commit()

    def crash(outgoing: notifiers.Outgoing, settings: object) -> None:
        raise DispatcherCrashed

    with pytest.raises(DispatcherCrashed):
        jobs.run_dispatch(now=lambda: now, worker="dead-worker", send=crash)
    [claimed] = email_deliveries(session)
    assert (claimed.status, claimed.claimed_by, claimed.claimed_at) == (
        DeliveryStatus.SENDING, "dead-worker", now)

    fresh = jobs.run_dispatch(now=lambda: now + timedelta(seconds=59), worker="live-worker")
    assert fresh.sent == 0 and smtp_sink.count == 0
    assert email_deliveries(session)[0].claimed_by == "dead-worker"

    stale = jobs.run_dispatch(now=lambda: now + timedelta(seconds=61), worker="live-worker")

    [delivery] = email_deliveries(session)
    assert stale.sent == 1
    assert (delivery.status, delivery.claimed_by, delivery.attempts) == (
        DeliveryStatus.SENT, "live-worker", 1)
    assert smtp_sink.key_counts() == {delivery.idempotency_key: 1}


# --- the scheduler process killed mid-batch -------------------------------------------------------

REMINDERS = 200


@pytest.fixture
def migrated_database(database_url: str, instance_dir: str, tmp_path: Path) -> Iterator[str]:
    """A database built by the migrations, as production has: a new SQLite file or PostgreSQL schema."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
        schema = None
    else:
        schema = f"scheduler_{uuid.uuid4().hex[:10]}"
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        url = f"{database_url}?options=-csearch_path%3D{schema}"
    app = create_app(app_settings(url, instance_dir))
    with app.app_context():
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()
    try:
        yield url
    finally:
        if schema is not None:
            engine = create_engine(database_url)
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()


def start_scheduler(
    database_url: str, instance_dir: str, sink: SmtpSink, log: Path
) -> subprocess.Popen[bytes]:
    env = {**os.environ,
           "COMMSPLAN_DATABASE_URL": database_url, "COMMSPLAN_INSTANCE_PATH": instance_dir,
           "COMMSPLAN_MAIL_HOST": sink.host, "COMMSPLAN_MAIL_PORT": str(sink.port),
           "COMMSPLAN_NOTIFY_CLAIM_TIMEOUT_SECONDS": "1", "COMMSPLAN_SCHEDULER_INTERVAL_SECONDS": "1",
           "COMMSPLAN_NOTIFY_BATCH_SIZE": "10"}
    flask = Path(sys.executable).parent / "flask"
    with log.open("ab") as output:
        return subprocess.Popen([str(flask), "--app", "wsgi", "scheduler", "run"], cwd=PROJECT_DIR,
                                env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def count_emails(status: DeliveryStatus) -> int:
    """How many email deliveries have `status` now (read afresh: another process is writing)."""
    try:
        return db.session.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.channel == Channel.EMAIL, Delivery.status == status)) or 0
    finally:
        db.session.rollback()


def schedule_due_reminders(session: Session, count: int) -> None:
    due = datetime.now(UTC) - timedelta(minutes=1)  # the scheduler process reads the real clock
    people = [make_user(session, now=due) for _ in range(4)]
    settings = jobs.current_settings()
    for number in range(count):
        schedule_urgent(session, people[number % 4], key=f"incident:{number}:task:1", now=due,
                        settings=settings)
    session.commit()


def test_the_scheduler_killed_mid_batch_and_restarted_loses_nothing_and_repeats_only_with_the_same_key(
    migrated_database: str, instance_dir: str, make_smtp_sink: Callable[..., SmtpSink], tmp_path: Path,
) -> None:
    sink = make_smtp_sink(delay=0.02)
    log = tmp_path / "scheduler.log"
    processes: list[subprocess.Popen[bytes]] = []
    with create_app(app_settings(migrated_database, instance_dir)).app_context():
        session = db.session
        try:
            schedule_due_reminders(session, REMINDERS)
            sink.hold(after=35)  # 3 batches of 10 arrive, then 5 more; the 36th waits at DATA
            processes.append(start_scheduler(migrated_database, instance_dir, sink, log))
            assert wait_until(lambda: sink.held >= 1, timeout=30), log.read_text()
            in_flight = count_emails(DeliveryStatus.SENDING)
            processes[0].send_signal(signal.SIGKILL)
            stop(processes[0])
            arrived_before_restart = sink.count
            sink.release()
            assert 0 < in_flight <= 10 and arrived_before_restart == 35
            assert count_emails(DeliveryStatus.SENT) < REMINDERS

            processes.append(start_scheduler(migrated_database, instance_dir, sink, log))
            assert wait_until(lambda: count_emails(DeliveryStatus.SENT) == REMINDERS, timeout=60,
                              interval=0.2), log.read_text()
            stop(processes[1])

            scheduled = {d.idempotency_key for d in email_deliveries(session)}
            reminders = session.scalars(select(Reminder)).unique().all()
            inbox = session.execute(select(InboxItem.user_id, InboxItem.reminder_id, InboxItem.round)).all()
            per_reminder = session.execute(
                select(Delivery.reminder_id, func.count()).group_by(Delivery.reminder_id)).all()
        finally:
            for process in processes:
                stop(process)
            db.session.remove()
            db.engine.dispose()

    arrived = sink.key_counts()
    assert len(scheduled) == REMINDERS
    assert set(arrived) == scheduled  # every key arrived, and nothing else did
    repeats = {key: times for key, times in arrived.items() if times > 1}
    assert sum(repeats.values()) - len(repeats) <= 10  # at most the interrupted batch went twice...
    before_the_kill = {mail.key for mail in sink.messages()[:arrived_before_restart]}
    assert set(repeats) <= before_the_kill  # ...and only what had arrived before the restart
    for mail in sink.messages():  # a repeat carries the same key and Message-ID, so it can be dropped
        assert mail.message["Message-ID"] == notifiers.message_id(mail.key)
    assert all(r.status is ReminderStatus.DISPATCHED and r.round == 1 for r in reminders)
    assert len(inbox) == len(set(inbox)) == REMINDERS
    assert {times for _, times in per_reminder} == {2}  # one in-app and one email delivery each
