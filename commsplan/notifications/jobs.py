"""What the scheduler process runs: dispatching, the daily digest and housekeeping.

Each job is an app context, units of work and idempotent service calls; they can run again
after a crash without sending anything twice (receivers get the same idempotency keys). The
dispatcher itself (dispatcher.py) runs in the scheduler process beside these cron jobs.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from commsplan.auth.models import LoginAttempt, User
from commsplan.db import current_session, unit_of_work
from commsplan.notifications import holidays, notifiers, service
from commsplan.notifications.deliveries import DispatchReport
from commsplan.notifications.dispatcher import Dispatcher
from commsplan.notifications.kinds import DIGEST
from commsplan.notifications.models import DigestSubscription, InboxItem, Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings, delivery_settings
from commsplan.reference.membership import units_of
from commsplan.timeutil import to_london, utcnow

Sender = Callable[[notifiers.Message, DeliverySettings], None]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def current_settings() -> DeliverySettings:
    """The app's delivery settings, with the bank holidays admins have added."""
    return delivery_settings(current_app.config, holidays.added_holidays(current_session()))


def run_dispatch(
    *,
    now: Callable[[], datetime] = utcnow,
    worker: str | None = None,
    settings: DeliverySettings | None = None,
    send: Sender = notifiers.send,
) -> DispatchReport:
    """Expand every due reminder and send every due delivery, once, then return what happened."""
    dispatcher = Dispatcher(current_app._get_current_object(),  # type: ignore[attr-defined]
                            settings=settings or current_settings(), worker=worker or worker_name(),
                            send=send, clock=now)
    return dispatcher.drain()


def digest_body(session: Session, user: User, *, now: datetime, units: set[int]) -> str:
    """What is due this week for the person and what is overdue, as plain text; '' when nothing."""
    week = now + timedelta(days=7)
    addressed = or_(Reminder.recipient_user_id == user.id,
                    and_(Reminder.recipient_role.in_(list(user.roles)),
                         or_(Reminder.recipient_unit_id.is_(None),
                             Reminder.recipient_unit_id.in_(list(units)))))
    upcoming = session.scalars(
        select(Reminder).where(Reminder.status == ReminderStatus.PENDING, Reminder.kind != DIGEST,
                               Reminder.due_at >= now, Reminder.due_at < week, addressed)
        .order_by(Reminder.due_at).limit(50)).unique().all()
    overdue = session.scalars(
        select(InboxItem).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None),
                                InboxItem.kind != DIGEST, InboxItem.due_at < now)
        .order_by(InboxItem.due_at).limit(50)).all()
    if not upcoming and not overdue:
        return ""
    lines = []
    if overdue:
        lines += ["Overdue:"] + [f"- {when(i.due_at)}  {i.kind_label}: {i.title}" for i in overdue] + [""]
    if upcoming:
        lines += ["Due in the next 7 days:"]
        lines += [f"- {when(r.due_at)}  {r.kind_label}: {r.subject_title}" for r in upcoming]
    return "\n".join(lines)


def when(moment: datetime) -> str:
    return to_london(moment).strftime("%a %-d %b, %H:%M")


def schedule_digests(session: Session, *, now: datetime, settings: DeliverySettings) -> int:
    """Schedule today's digest for each subscriber with something to report; once per day each."""
    today = to_london(now).date()
    if not settings.working_hours.is_working_day(today):
        return 0  # a weekend digest would only arrive, stale, on the next working morning
    day = today.isoformat()
    count = 0
    subscribers = session.scalars(select(User).join(DigestSubscription,
                                                   DigestSubscription.user_id == User.id)
                                  .where(User.is_active).order_by(User.id)).unique().all()
    for user in subscribers:
        body = digest_body(session, user, now=now, units=set(units_of(session, user.id)))
        if not body:
            continue
        service.schedule(
            session, key=f"digest:{user.id}:{day}", kind=DIGEST,
            recipient=service.Recipient.person(user),
            subject=service.Subject(type="digest", id=day, title=f"Your Commsplan digest for {day}",
                                    link="/inbox"),
            due_at=now, now=now, settings=settings, body=body)
        count += 1
    return count


def digest_job() -> int:
    with unit_of_work() as session:
        return schedule_digests(session, now=utcnow(), settings=current_settings())


def housekeeping(session: Session, *, now: datetime) -> int:
    """Drop sign-in attempts older than a day: they only matter inside the rate-limit window."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def housekeeping_job() -> int:
    with unit_of_work() as session:
        return housekeeping(session, now=utcnow())
