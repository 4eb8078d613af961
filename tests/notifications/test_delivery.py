"""Reminders reach a real SMTP server and a real webhook receiver, once each, with their keys."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.extensions import db
from commsplan.notifications import inbox, jobs, notifiers, service, webhooks
from commsplan.notifications.deliveries import claim_next
from commsplan.notifications.expand import expand_due
from commsplan.notifications.kinds import ChannelChoice
from commsplan.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    InboxItem,
    Reminder,
    ReminderStatus,
    WebhookTarget,
)
from tests.factories import make_user
from tests.notifications.conftest import schedule_urgent
from tests.receivers import SmtpSink, WebhookReceiver

BASE_URL = "https://commsplan.example.test"


def deliveries(session: Session, channel: DeliveryChannel) -> list[Delivery]:
    return list(session.scalars(select(Delivery).where(Delivery.channel == channel)
                                .order_by(Delivery.id)).unique())


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def add_webhook(session: Session, receiver: WebhookReceiver, now: datetime) -> WebhookTarget:
    admin = make_user(session, roles={Role.ADMIN}, now=now)
    target = webhooks.create_webhook(session, values={
        "name": "Duty team chat", "url": receiver.url, "business_unit_id": None, "urgent_only": False,
    }, actor=admin, now=now)
    receiver.secret = target.secret
    return target


def test_an_email_arrives_with_recipient_subject_link_and_message_id_from_its_key(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, now: datetime,
) -> None:
    notify_app(MAIL_HOST=smtp_sink.host, MAIL_PORT=smtp_sink.port, BASE_URL=BASE_URL,
               MAIL_SENDER="Commsplan <noreply@commsplan.example.test>")
    session = db.session
    person = make_user(session, email="duty.officer@example.test", name="Dana Duty", now=now)
    schedule_urgent(session, person, key="incident:7:task:3", now=now, settings=jobs.current_settings(),
                    title="Confirm the family has been told", link="/incidents/7/tasks/3")
    db.session.commit()

    report = jobs.run_dispatch(now=lambda: now, worker="test-worker")

    assert (report.reminders, report.sent, report.retried, report.failed) == (1, 1, 0, 0)
    [mail] = smtp_sink.messages()
    [email] = deliveries(session, DeliveryChannel.EMAIL)
    assert email.idempotency_key == f"incident:7:task:3#1:email:user-{person.id}"
    assert mail.rcpt_tos == ["duty.officer@example.test"]
    assert mail.mail_from == "noreply@commsplan.example.test"
    assert mail.message["To"] == "Dana Duty <duty.officer@example.test>"
    assert mail.message["Subject"] == "[Urgent] Due soon: Confirm the family has been told"
    assert f"{BASE_URL}/incidents/7/tasks/3" in mail.message.get_content()
    assert mail.message[notifiers.KEY_HEADER] == email.idempotency_key
    digest = hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:40]
    assert mail.message["Message-ID"] == f"<{digest}@commsplan.invalid>"
    assert notifiers.message_id(email.idempotency_key) == mail.message["Message-ID"]
    assert email.status is DeliveryStatus.SENT and email.attempts == 1 and email.sent_at == now
    [attempt] = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == email.id))
    assert attempt.succeeded and attempt.error is None and attempt.worker == "test-worker"
    [item] = session.scalars(select(InboxItem))
    assert (item.user_id, item.title, item.link) == (person.id, "Confirm the family has been told",
                                                      "/incidents/7/tasks/3")


def test_a_person_who_chose_email_only_gets_no_inbox_item_and_a_plain_subject(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port)
    session = db.session
    person = make_user(session, now=now)
    inbox.set_preferences(session, user=person, choices={"general": ChannelChoice.EMAIL}, digest=False,
                            now=now)
    service.schedule(session, key="note:1", kind="general", recipient=service.Recipient.person(person),
                     subject=service.Subject(type="note", id="1", title="Check the leaflet proofs",
                                             link="/inbox"),
                     due_at=now, now=now, settings=jobs.current_settings())
    db.session.commit()

    jobs.run_dispatch(now=lambda: now, worker="w")

    [mail] = smtp_sink.messages()
    assert mail.rcpt_tos == [person.email]
    assert mail.message["Subject"] == "Check the leaflet proofs"
    assert count(session, InboxItem) == 0
    assert [d.channel for d in session.scalars(select(Delivery)).unique()] == [DeliveryChannel.EMAIL]


def test_a_webhook_post_arrives_signed_with_the_targets_secret_and_carries_the_key(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
    now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port, BASE_URL=BASE_URL)
    session = db.session
    add_webhook(session, webhook_receiver, now)
    person = make_user(session, now=now)
    schedule_urgent(session, person, key="incident:9:update", now=now, settings=jobs.current_settings(),
                    title="Status update due", link="/incidents/9")
    db.session.commit()

    report = jobs.run_dispatch(now=lambda: now, worker="w")

    assert report.sent == 2  # the email and the webhook post
    [post] = webhook_receiver.posts()
    [hook] = deliveries(session, DeliveryChannel.WEBHOOK)
    assert post.signature_valid and post.answered == 204
    assert post.key == hook.idempotency_key == post.payload["idempotency_key"]
    assert hook.idempotency_key.startswith("incident:9:update#1:webhook:")
    assert post.payload["title"] == "Status update due"
    assert post.payload["url"] == f"{BASE_URL}/incidents/9"
    assert post.payload["urgency"] == "urgent"
    assert hook.status is DeliveryStatus.SENT and hook.attempts == 1


def test_a_post_signed_with_another_secret_fails_verification_and_is_not_marked_sent(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
    now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port)
    session = db.session
    target = add_webhook(session, webhook_receiver, now)
    target.secret = "tampered-" + target.secret  # what the sender signs with no longer matches
    schedule_urgent(session, make_user(session, now=now), key="k", now=now,
                    settings=jobs.current_settings())
    db.session.commit()

    report = jobs.run_dispatch(now=lambda: now, worker="w")

    [post] = webhook_receiver.posts()
    assert not post.signature_valid and post.answered == 401
    [hook] = deliveries(session, DeliveryChannel.WEBHOOK)
    assert hook.status is DeliveryStatus.PENDING and hook.attempts == 1
    assert "401" in (hook.last_error or "")
    assert report.retried == 1 and report.sent == 1  # the email still went


def test_a_reminder_is_delivered_once_however_often_the_dispatcher_runs(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
    now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port)
    session = db.session
    add_webhook(session, webhook_receiver, now)
    person = make_user(session, now=now)
    settings = jobs.current_settings()
    schedule_urgent(session, person, key="incident:1:task:1", now=now, settings=settings)
    db.session.commit()

    first = jobs.run_dispatch(now=lambda: now, worker="a")
    second = jobs.run_dispatch(now=lambda: now, worker="b")
    service.schedule(session, key="incident:1:task:1", kind="incident_task_due",
                     recipient=service.Recipient.person(person),
                     subject=service.Subject(type="incident_task", id="1", title="Task", link="/"),
                     due_at=now, now=now, settings=settings)  # the caller schedules the same key again
    db.session.commit()
    third = jobs.run_dispatch(now=lambda: now + timedelta(hours=1), worker="c")

    assert (first.reminders, first.sent) == (1, 2)
    assert (second.reminders, second.sent, third.reminders, third.sent) == (0, 0, 0, 0)
    assert smtp_sink.count == 1 and len(webhook_receiver.posts()) == 1
    assert count(session, InboxItem) == 1
    assert count(session, Delivery) == 3  # in-app, email, webhook
    assert count(session, DeliveryAttempt) == 3


def test_rescheduling_after_dispatch_sends_again_as_a_new_round_with_a_new_key(
    notify_app: Callable[..., Flask], smtp_sink: SmtpSink, now: datetime,
) -> None:
    notify_app(MAIL_PORT=smtp_sink.port)
    session = db.session
    person = make_user(session, now=now)
    settings = jobs.current_settings()
    schedule_urgent(session, person, key="incident:2:task:5", now=now, settings=settings)
    db.session.commit()
    jobs.run_dispatch(now=lambda: now, worker="w")
    later = now + timedelta(hours=2)

    service.reschedule(session, key="incident:2:task:5", due_at=later, now=now, settings=settings)
    db.session.commit()
    early = jobs.run_dispatch(now=lambda: now + timedelta(minutes=5), worker="w")
    on_time = jobs.run_dispatch(now=lambda: later, worker="w")

    assert (early.reminders, early.sent) == (0, 0)
    assert (on_time.reminders, on_time.sent) == (1, 1)
    first, second = smtp_sink.messages()
    assert re.fullmatch(r"incident:2:task:5#1:email:user-\d+", first.key)
    assert second.key == first.key.replace("#1:", "#2:")
    assert first.message["Message-ID"] != second.message["Message-ID"]
    assert second.message["Message-ID"] == notifiers.message_id(second.key)
    reminder = service.get(session, "incident:2:task:5")
    assert reminder.round == 2 and reminder.status is ReminderStatus.DISPATCHED
    rounds = session.scalars(select(InboxItem.round).order_by(InboxItem.round)).all()
    assert rounds == [1, 2]
    assert count(session, Reminder) == 1


def test_a_claim_takes_one_webhook_post_and_at_most_a_group_of_one_persons_emails(
    notify_app: Callable[..., Flask], webhook_receiver: WebhookReceiver, now: datetime,
) -> None:
    """With many due at once, one claim holds exactly what one send carries (PostgreSQL may run a
    LIMITed IN-subquery again per row and take more: the claim must not)."""
    notify_app(NOTIFY_EMAIL_GROUP_MAX=5)
    session = db.session
    add_webhook(session, webhook_receiver, now)
    people = [make_user(session, now=now) for _ in range(3)]
    settings = jobs.current_settings()
    for number in range(24):
        schedule_urgent(session, people[number % 3], key=f"incident:1:task:{number}", now=now,
                        settings=settings)
    session.commit()
    expand_due(session, now=now, worker="w", settings=settings)
    session.commit()

    webhook = claim_next(session, channel=DeliveryChannel.WEBHOOK, now=now, worker="w", settings=settings)
    email = claim_next(session, channel=DeliveryChannel.EMAIL, now=now, worker="w", settings=settings)
    session.commit()

    assert webhook is not None and len(webhook.message.items) == 1
    assert email is not None and len(email.message.items) == 5
    assert len({item.email for item in email.message.items}) == 1
    sending = session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.status == DeliveryStatus.SENDING))
    assert sending == 6
