"""The dispatcher: expand due reminders into deliveries, then send each delivery at least once.

Claims are safe with several dispatchers at once: candidate rows are locked with
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, and every claim is a compare-and-set UPDATE that
only one worker can win (the only guard SQLite needs, as it serialises writers).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from commsplan.auth.models import User, UserRole
from commsplan.notifications import notifiers
from commsplan.notifications.kinds import DIGEST, KINDS, ChannelChoice, Urgency
from commsplan.notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    DigestSubscription,
    InboxItem,
    NotificationPreference,
    Reminder,
    ReminderStatus,
    WebhookTarget,
)
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference.membership import UnitMember
from commsplan.timeutil import to_london

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    reminders: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def lockable(session: Session, query: Any) -> Any:
    """Skip rows another dispatcher has locked (PostgreSQL); SQLite has no row locks."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


# --- expanding reminders -------------------------------------------------------------------


def claim_reminders(session: Session, *, now: datetime, limit: int) -> list[Reminder]:
    """Mark a batch of due reminders as dispatched by this worker and return them.

    One compare-and-set UPDATE with a fresh token claims the batch; only rows still pending
    change, so a row another dispatcher took in between is not ours.
    """
    candidates = (select(Reminder.id)
                  .where(Reminder.status == ReminderStatus.PENDING, Reminder.deliver_at <= now)
                  .order_by(Reminder.deliver_at, Reminder.id).limit(limit))
    ids = list(session.scalars(lockable(session, candidates)))
    if not ids:
        return []
    token = secrets.token_hex(16)
    session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.DISPATCHED, dispatched_at=now, claim_token=token)
        .execution_options(synchronize_session=False))
    query = (select(Reminder).where(Reminder.claim_token == token)
             .order_by(Reminder.deliver_at, Reminder.id).execution_options(populate_existing=True))
    return list(session.scalars(query).unique())


def recipients(session: Session, reminder: Reminder) -> list[User]:
    if reminder.recipient_user_id is not None:
        user = reminder.recipient_user
        return [user] if user is not None and user.is_active else []
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == reminder.recipient_role, User.is_active))
    if reminder.recipient_unit_id is not None:
        query = query.join(UnitMember, UnitMember.user_id == User.id).where(
            UnitMember.business_unit_id == reminder.recipient_unit_id)
    return list(session.scalars(query.order_by(User.id)).unique())


@dataclass
class BatchContext:
    """Preferences, digest subscribers and webhook targets, loaded once per batch."""

    choices: dict[tuple[int, str], ChannelChoice]
    digest_users: set[int]
    targets: list[WebhookTarget]
    units_by_user: dict[int, set[int]]

    @classmethod
    def load(cls, session: Session, user_ids: Iterable[int]) -> BatchContext:
        ids = list(set(user_ids))
        choices = {(row.user_id, row.kind): row.channels for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(ids)))}
        digest = set(session.scalars(select(DigestSubscription.user_id)
                                     .where(DigestSubscription.user_id.in_(ids))))
        targets = list(session.scalars(select(WebhookTarget).where(WebhookTarget.is_active)))
        units: dict[int, set[int]] = {}
        for member in session.execute(select(UnitMember.user_id, UnitMember.business_unit_id)
                                      .where(UnitMember.user_id.in_(ids))):
            units.setdefault(member.user_id, set()).add(member.business_unit_id)
        return cls(choices, digest, targets, units)

    def channels_for(self, user_id: int, reminder: Reminder) -> set[Channel]:
        if reminder.kind == DIGEST:
            return {Channel.EMAIL}
        if reminder.in_app_only:
            return {Channel.IN_APP}
        choice = self.choices.get((user_id, reminder.kind), KINDS[reminder.kind].default_channels)
        channels = set()
        if choice in (ChannelChoice.IN_APP, ChannelChoice.BOTH):
            channels.add(Channel.IN_APP)
        folded_into_digest = user_id in self.digest_users and reminder.urgency is Urgency.NORMAL
        if choice in (ChannelChoice.EMAIL, ChannelChoice.BOTH) and not folded_into_digest:
            channels.add(Channel.EMAIL)
        return channels

    def targets_for(self, reminder: Reminder, people: list[User]) -> list[WebhookTarget]:
        if reminder.kind == DIGEST or reminder.in_app_only:
            return []
        units = ({reminder.recipient_unit_id} if reminder.recipient_unit_id is not None
                 else set().union(*(self.units_by_user.get(p.id, set()) for p in people)))
        return [t for t in self.targets
                if (t.business_unit_id is None or t.business_unit_id in units)
                and (not t.urgent_only or reminder.urgency is Urgency.URGENT)]


def delivery_key(reminder: Reminder, channel: Channel, target: str) -> str:
    return f"{reminder.idempotency_key}#{reminder.round}:{channel.value}:{target}"


def expand(session: Session, reminder: Reminder, context: BatchContext, people: list[User], *,
           now: datetime, worker: str, settings: DeliverySettings) -> None:
    """Turn one claimed reminder into inbox items and pending email and webhook deliveries."""
    reference = max(reminder.deliver_at, reminder.updated_at)
    reminder.late = now - reference > settings.late_after
    for person in people:
        for channel in sorted(context.channels_for(person.id, reminder)):
            delivery = Delivery(
                reminder_id=reminder.id, channel=channel, user_id=person.id, created_at=now,
                idempotency_key=delivery_key(reminder, channel, f"user-{person.id}"),
                status=DeliveryStatus.PENDING, next_attempt_at=now)
            session.add(delivery)
            if channel is Channel.IN_APP:
                deliver_in_app(session, delivery, reminder, person, now=now, worker=worker)
    for target in context.targets_for(reminder, people):
        session.add(Delivery(
            reminder_id=reminder.id, channel=Channel.WEBHOOK, webhook_target_id=target.id,
            idempotency_key=delivery_key(reminder, Channel.WEBHOOK, f"webhook-{target.id}"),
            status=DeliveryStatus.PENDING, next_attempt_at=now, created_at=now))


def deliver_in_app(session: Session, delivery: Delivery, reminder: Reminder, person: User, *,
                   now: datetime, worker: str) -> None:
    session.add(InboxItem(
        user_id=person.id, reminder_id=reminder.id, round=reminder.round, kind=reminder.kind,
        urgency=reminder.urgency, title=reminder.subject_title, link=reminder.subject_link,
        body=reminder.body, due_at=reminder.due_at, delivered_at=now, late=reminder.late))
    delivery.status, delivery.attempts, delivery.sent_at = DeliveryStatus.SENT, 1, now
    delivery.attempt_rows.add(DeliveryAttempt(at=now, worker=worker, succeeded=True))


def expand_due(session: Session, *, now: datetime, worker: str, settings: DeliverySettings) -> int:
    """Claim one batch of due reminders and expand them; returns how many were claimed."""
    claimed = claim_reminders(session, now=now, limit=settings.batch_size)
    people = {reminder.id: recipients(session, reminder) for reminder in claimed}
    context = BatchContext.load(session, (p.id for group in people.values() for p in group))
    for reminder in claimed:
        expand(session, reminder, context, people[reminder.id], now=now, worker=worker,
               settings=settings)
    session.flush()
    return len(claimed)


# --- sending deliveries --------------------------------------------------------------------


def claim_deliveries(
    session: Session, *, now: datetime, worker: str, settings: DeliverySettings
) -> list[notifiers.Outgoing]:
    """Claim a batch of email and webhook deliveries that are due, or whose sender vanished."""
    stale = now - settings.claim_timeout
    due = or_(and_(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now),
              and_(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < stale))
    candidates = (select(Delivery.id).where(Delivery.channel != Channel.IN_APP, due)
                  .order_by(Delivery.next_attempt_at, Delivery.id).limit(settings.batch_size))
    ids = list(session.scalars(lockable(session, candidates)))
    if not ids:
        return []
    token = secrets.token_hex(16)
    session.execute(
        update(Delivery).where(Delivery.id.in_(ids), due)
        .values(status=DeliveryStatus.SENDING, claimed_by=worker, claimed_at=now, claim_token=token)
        .execution_options(synchronize_session=False))
    query = (select(Delivery).where(Delivery.claim_token == token).order_by(Delivery.id)
             .execution_options(populate_existing=True))
    return [outgoing(delivery) for delivery in session.scalars(query).unique()]


def outgoing(delivery: Delivery) -> notifiers.Outgoing:
    reminder, user, target = delivery.reminder, delivery.user, delivery.webhook_target
    return notifiers.Outgoing(
        delivery_id=delivery.id, key=delivery.idempotency_key, channel=delivery.channel.value,
        kind=reminder.kind, kind_label=reminder.kind_label, urgency=reminder.urgency.value,
        title=reminder.subject_title, link=reminder.subject_link, body=reminder.body,
        due_at=to_london(reminder.due_at).strftime("%-d %b %Y, %H:%M"), late=reminder.late,
        email=user.email if user else "", name=user.name if user else "",
        webhook_url=target.url if target else "", webhook_secret=target.secret if target else "",
        claim_token=delivery.claim_token or "")


@dataclass(frozen=True)
class SendResult:
    delivery_id: int
    claim_token: str
    error: str | None
    duration_ms: int


def send_all(batch: list[notifiers.Outgoing], settings: DeliverySettings,
             send: Callable[[notifiers.Outgoing, DeliverySettings], None]) -> list[SendResult]:
    results = []
    for item in batch:
        started = time.perf_counter()
        try:
            send(item, settings)
            error = None
        except notifiers.NotifierError as failure:
            error = str(failure)[:2000]
        except Exception as failure:  # a notifier bug must not stop the batch being recorded
            log.exception("Unexpected error sending delivery %s", item.delivery_id)
            error = f"Unexpected error: {failure!r}"[:2000]
        took = int((time.perf_counter() - started) * 1000)
        results.append(SendResult(item.delivery_id, item.claim_token, error, took))
    return results


def record_results(session: Session, results: list[SendResult], *, now: datetime, worker: str,
                   settings: DeliverySettings, report: DispatchReport) -> None:
    """Log every attempt; schedule a retry with backoff, or mark failed after the last attempt."""
    ids = [result.delivery_id for result in results]
    deliveries = {d.id: d for d in session.scalars(
        select(Delivery).where(Delivery.id.in_(ids)).execution_options(populate_existing=True))}
    for result in results:
        delivery = deliveries.get(result.delivery_id)
        if delivery is None:
            continue
        session.add(DeliveryAttempt(delivery_id=delivery.id, at=now, worker=worker,
                                    succeeded=result.error is None, error=result.error,
                                    duration_ms=result.duration_ms))
        if delivery.status is not DeliveryStatus.SENDING or delivery.claim_token != result.claim_token:
            continue  # another dispatcher took it over after our claim went stale
        delivery.attempts += 1
        delivery.last_error = result.error
        if result.error is None:
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
            report.sent += 1
        elif delivery.attempts >= settings.max_attempts:
            delivery.status = DeliveryStatus.FAILED
            report.failed += 1
            report.errors.append(result.error)
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = now + settings.backoff(delivery.attempts)
            report.retried += 1
            report.errors.append(result.error)
    session.flush()


# --- the daily digest ----------------------------------------------------------------------


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
