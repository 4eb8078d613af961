"""Faults: the mail server is down, a webhook fails or hangs, a dispatcher dies mid-batch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.db import write_transaction
from commsplan.extensions import db
from commsplan.notifications import jobs, notifiers, webhooks
from commsplan.notifications.deliveries import DispatchReport, take_over_lapsed
from commsplan.notifications.dispatcher import Dispatcher
from commsplan.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    InboxItem,
    WebhookTarget,
)
from commsplan.timeutil import utcnow
from tests.factories import PASSWORD, make_user
from tests.notifications.conftest import schedule_urgent
from tests.receivers import SmtpSink, WebhookReceiver, wait_until


def email_deliveries(session: Session) -> list[Delivery]:
    return list(session.scalars(select(Delivery).where(Delivery.channel == DeliveryChannel.EMAIL)
                                .order_by(Delivery.id).execution_options(populate_existing=True)).unique())


def only_webhook_delivery(session: Session) -> Delivery:
    query = (select(Delivery).where(Delivery.channel == DeliveryChannel.WEBHOOK)
             .execution_options(populate_existing=True))
    [delivery] = session.scalars(query).unique()
    return delivery


def attempts_of(session: Session, delivery: Delivery) -> list[DeliveryAttempt]:
    return list(session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery.id)
                                .order_by(DeliveryAttempt.id)))


def add_webhook(session: Session, receiver: WebhookReceiver, now: datetime) -> WebhookTarget:
    target = webhooks.create_webhook(session, values={
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
    notify_app(MAIL_PORT=smtp_sink.port, NOTIFY_LEASE_SECONDS=60)
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
    notify_app(MAIL_PORT=smtp_sink.port, NOTIFY_LEASE_SECONDS=60)
    session = db.session
    first, second = make_user(session, now=now), make_user(session, now=now)
    settings = jobs.current_settings()
    schedule_urgent(session, first, key="a", now=now, settings=settings, title="Call the family\nliaison")
    schedule_urgent(session, second, key="b", now=now, settings=settings, title="Brief the borough")
    db.session.commit()

    report = jobs.run_dispatch(now=lambda: now, worker="w")
    later = jobs.run_dispatch(now=lambda: now + timedelta(minutes=5), worker="w")

    assert (report.sent, later.sent) == (2, 0)
    assert sorted(str(m.message["Subject"]) for m in smtp_sink.messages()) == [
        "[Urgent] Due soon: Brief the borough", "[Urgent] Due soon: Call the family liaison"]


# --- a receiver that hangs ----------------------------------------------------------------------


@contextmanager
def running(app: Flask) -> Iterator[Dispatcher]:
    """The scheduler's dispatcher, on the real clock, in a thread of its own for the block."""
    dispatcher = Dispatcher(app, settings=jobs.current_settings(), worker="background")

    def serve() -> None:
        with app.app_context():
            dispatcher.run_forever()

    thread = threading.Thread(target=serve, name="dispatcher", daemon=True)
    thread.start()
    try:
        yield dispatcher
    finally:
        dispatcher.shutdown()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the dispatcher did not stop"


HUNG_TIMEOUT = 5  # seconds a webhook sender waits on a receiver that does not answer


def test_a_hung_webhook_receiver_holds_up_no_email_and_no_other_receiver(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
) -> None:
    app = notify_app(MAIL_PORT=smtp_sink.port, WEBHOOK_TIMEOUT_SECONDS=HUNG_TIMEOUT, NOTIFY_LEASE_SECONDS=15,
                     SCHEDULER_POLL_SECONDS=0.2)
    session, start = db.session, utcnow()
    hung = webhook_receiver
    add_webhook(session, hung, start)
    hung.mode, hung.hang_seconds = "hang", 10.0
    healthy = WebhookReceiver()
    healthy.start()
    target = webhooks.create_webhook(session, values={
        "name": "Press office chat", "url": healthy.url, "business_unit_id": None}, actor=None, now=start)
    healthy.secret = target.secret
    due = start + timedelta(seconds=1.5)  # the dispatcher is asleep until then
    settings = jobs.current_settings()
    for number in range(10):
        schedule_urgent(session, make_user(session, now=start), key=f"incident:9:task:{number}", now=due,
                        settings=settings)
    db.session.commit()

    try:
        with running(app):
            assert wait_until(lambda: smtp_sink.count == 10 and len(healthy.posts()) == 10, timeout=10)
            posts_to_hung = len(hung.posts())
        arrivals = [mail.arrived_at for mail in smtp_sink.messages()]
        arrivals += [post.arrived_at for post in healthy.posts()]
    finally:
        healthy.stop()

    lateness = [arrived - due.timestamp() for arrived in arrivals]
    # None early, and none waited on the hung receiver: anything held up by it would arrive at least
    # HUNG_TIMEOUT late. The margin below that absorbs a busy test machine.
    assert 0 <= min(lateness) and max(lateness) < HUNG_TIMEOUT / 2, lateness
    assert 1 <= posts_to_hung <= 2  # the hung receiver holds only its share of the webhook senders


# --- a dispatcher that vanished ------------------------------------------------------------------


class DispatcherCrashed(BaseException):
    """Stands in for a process dying while it sends: nothing after the send runs."""


def test_a_lapsed_lease_is_taken_over_and_the_lost_attempt_is_logged_as_unknown(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port, NOTIFY_LEASE_SECONDS=60)
    session = db.session
    schedule_urgent(session, make_user(session, now=now), key="incident:8:task:1", now=now,
                    settings=jobs.current_settings())
    db.session.commit()

    def crash(message: notifiers.Message, settings: object) -> None:
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
    assert (stale.sent, stale.taken_over) == (1, 1)
    assert (delivery.status, delivery.claimed_by, delivery.attempts) == (
        DeliveryStatus.SENT, "live-worker", 2)
    lost, sent = attempts_of(session, delivery)
    assert (lost.worker, lost.at, lost.succeeded) == ("dead-worker", now, None)
    assert "Outcome unknown" in (lost.error or "")
    assert (sent.worker, sent.at, sent.succeeded) == ("live-worker", now + timedelta(seconds=61), True)
    assert smtp_sink.key_counts() == {delivery.idempotency_key: 1}


# --- on time: asleep until due, woken by a change -----------------------------------------------


def test_a_reminder_scheduled_while_the_dispatcher_sleeps_goes_within_a_second(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, database_url: str,
) -> None:
    """On PostgreSQL the dispatcher LISTENs, so even with a 30-second poll it is woken at once;
    on SQLite it polls, here every half second."""
    poll = 30 if database_url.startswith("postgresql") else 0.5
    app = notify_app(MAIL_PORT=smtp_sink.port, SCHEDULER_POLL_SECONDS=poll)
    person = make_user(db.session, now=utcnow())
    db.session.commit()

    with running(app):
        time.sleep(1.5)  # the dispatcher has looked, found nothing, and gone to sleep
        scheduled = utcnow()
        schedule_urgent(db.session, person, key="incident:3:update", now=scheduled,
                        settings=jobs.current_settings())
        db.session.commit()
        assert wait_until(lambda: smtp_sink.count == 1, timeout=5)

    [mail] = smtp_sink.messages()
    assert mail.arrived_at - scheduled.timestamp() < 1.0


def test_a_send_longer_than_the_lease_keeps_its_lease_and_is_not_taken_over(
    notify_app: Callable[..., Flask], now: datetime,
) -> None:
    """The heartbeat renews the lease every third of it, so another scheduler finds nothing lapsed."""
    app = notify_app(NOTIFY_LEASE_SECONDS=0.6, MAIL_TIMEOUT_SECONDS=0.5, WEBHOOK_TIMEOUT_SECONDS=0.5)
    schedule_urgent(db.session, make_user(db.session, now=now), key="incident:4:task:1", now=now,
                    settings=jobs.current_settings())
    db.session.commit()
    started, taken = threading.Event(), list[int]()

    def slow(message: notifiers.Message, settings: object) -> None:
        started.set()
        time.sleep(2.0)  # a notifier stuck well past the lease (a test double ignores timeouts)

    def other_scheduler() -> None:
        started.wait(timeout=5)
        with app.app_context():
            for _ in range(8):
                time.sleep(0.2)
                taken.append(write_transaction(lambda session: take_over_lapsed(
                    session, now=utcnow(), settings=jobs.current_settings(), report=DispatchReport())))

    rival = threading.Thread(target=other_scheduler)
    rival.start()
    report = jobs.run_dispatch(worker="slow", send=slow)
    rival.join(timeout=10)

    assert report.sent == 1 and report.taken_over == 0
    assert taken == [0] * 8
    [email] = email_deliveries(db.session)
    assert (email.status, email.attempts, email.claimed_by) == (DeliveryStatus.SENT, 1, "slow")
