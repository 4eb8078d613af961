"""What the scheduler process runs: dispatching, the daily digest and housekeeping.

Each job is an app context, units of work and idempotent service calls; they can run again
after a crash without sending anything twice (receivers get the same idempotency keys).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from commsplan.auth.models import LoginAttempt, User
from commsplan.db import unit_of_work
from commsplan.notifications import dispatch, notifiers, service
from commsplan.notifications.kinds import DIGEST
from commsplan.notifications.models import DigestSubscription
from commsplan.notifications.settings import DeliverySettings, delivery_settings
from commsplan.reference.membership import units_of
from commsplan.timeutil import to_london, utcnow

Sender = Callable[[notifiers.Outgoing, DeliverySettings], None]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def current_settings() -> DeliverySettings:
    return delivery_settings(current_app.config)


def run_dispatch(
    *,
    now: Callable[[], datetime] = utcnow,
    worker: str | None = None,
    settings: DeliverySettings | None = None,
    send: Sender = notifiers.send,
    max_batches: int = 10_000,
) -> dispatch.DispatchReport:
    """Expand every due reminder, then send every due delivery, committing once per batch."""
    worker = worker or worker_name()
    settings = settings or current_settings()
    report = dispatch.DispatchReport()
    for _ in range(max_batches):
        with unit_of_work() as session:
            claimed = dispatch.expand_due(session, now=now(), worker=worker, settings=settings)
        report.reminders += claimed
        if claimed < settings.batch_size:
            break
    try:
        for _ in range(max_batches):
            with unit_of_work() as session:
                batch = dispatch.claim_deliveries(session, now=now(), worker=worker, settings=settings)
            if not batch:
                break
            results = dispatch.send_all(batch, settings, send)
            with unit_of_work() as session:
                dispatch.record_results(session, results, now=now(), worker=worker,
                                        settings=settings, report=report)
    finally:
        notifiers.close_connections()
    return report


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
        body = dispatch.digest_body(session, user, now=now, units=set(units_of(session, user.id)))
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
