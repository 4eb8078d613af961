"""Expanding due reminders into inbox items and deliveries: a batch per transaction, set-based.

A batch is claimed with one UPDATE … RETURNING that only changes rows still pending, so two
schedulers never take the same reminder (on PostgreSQL the candidates are also chosen with
FOR UPDATE SKIP LOCKED, so they do not wait on each other). Deliveries, inbox items and the
in-app attempts then go in with one multi-row INSERT each, whatever the batch size.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, insert, or_, select, update
from sqlalchemy.orm import Session

from commsplan.auth.models import User, UserRole
from commsplan.notifications.kinds import DIGEST, KINDS, ChannelChoice, Urgency
from commsplan.notifications.models import (
    ROUTINE,
    URGENT_FIRST,
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
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

REMINDERS = cast(Table, Reminder.__table__)
DELIVERIES = cast(Table, Delivery.__table__)
INBOX = cast(Table, InboxItem.__table__)
ATTEMPTS = cast(Table, DeliveryAttempt.__table__)
CLAIMED_COLUMNS = ("id", "idempotency_key", "kind", "urgency", "recipient_user_id", "recipient_role",
                   "recipient_unit_id", "subject_title", "subject_link", "body", "due_at", "round",
                   "late", "in_app_only", "supersedes_key")


def lockable(session: Session, query: Any) -> Any:
    """Skip rows another scheduler has locked (PostgreSQL); SQLite has one writer at a time."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def once(query: Any, name: str) -> Any:
    """The ids `query` picks, as a subquery the database runs exactly once. PostgreSQL may run an
    IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) subquery again for each row it checks, and so take
    more rows than the limit; a materialised common table expression is run once (on SQLite too)."""
    picked = query.cte(name).prefix_with("MATERIALIZED")
    return select(picked.c.id)


def claim_reminders(session: Session, *, now: datetime, limit: int,
                    settings: DeliverySettings) -> list[Any]:
    """Mark up to `limit` due reminders dispatched, late or not, and return them, oldest first.

    A reminder is late when it goes out more than `late_after` after the later of its delivery
    time and its last change (one moved into the past is not late for having been moved).
    """
    candidates = (select(REMINDERS.c.id)
                  .where(REMINDERS.c.status == ReminderStatus.PENDING, REMINDERS.c.deliver_at <= now)
                  .order_by(REMINDERS.c.deliver_at, REMINDERS.c.id).limit(limit))
    reference = case((REMINDERS.c.deliver_at >= REMINDERS.c.updated_at, REMINDERS.c.deliver_at),
                     else_=REMINDERS.c.updated_at)
    claim = (update(REMINDERS)
             .where(REMINDERS.c.id.in_(once(lockable(session, candidates), "due_reminders")),
                    REMINDERS.c.status == ReminderStatus.PENDING)
             .values(status=ReminderStatus.DISPATCHED, dispatched_at=now,
                     claim_token=secrets.token_hex(16), late=reference < now - settings.late_after)
             .returning(*(REMINDERS.c[name] for name in CLAIMED_COLUMNS), REMINDERS.c.deliver_at))
    rows = list(session.execute(claim))
    return sorted(rows, key=lambda row: (row.deliver_at, row.id))


def drop_superseded(session: Session, claimed: list[Any], *, now: datetime) -> list[Any]:
    """Cancel what the claimed reminders supersede, wherever it is, and return the rest.

    An "overdue" reminder going out cancels its task's "due soon" if that has not gone yet (the
    scheduler was down, or both fell due in this batch): never both together.
    """
    keys = {row.supersedes_key for row in claimed if row.supersedes_key}
    if not keys:
        return claimed
    superseded = select(REMINDERS.c.id).where(REMINDERS.c.idempotency_key.in_(keys)).scalar_subquery()
    session.execute(update(DELIVERIES)
                    .where(DELIVERIES.c.reminder_id.in_(superseded),
                           DELIVERIES.c.status == DeliveryStatus.PENDING)
                    .values(status=DeliveryStatus.CANCELLED))
    not_gone_yet = or_(REMINDERS.c.status == ReminderStatus.PENDING,
                       REMINDERS.c.id.in_([row.id for row in claimed]))  # claimed with this batch
    session.execute(update(REMINDERS).where(REMINDERS.c.idempotency_key.in_(keys), not_gone_yet)
                    .values(status=ReminderStatus.CANCELLED, updated_at=now))
    return [row for row in claimed if row.idempotency_key not in keys]


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


def recipients(session: Session, claimed: Sequence[Any]) -> dict[int, list[Person]]:
    """Each claimed reminder's active recipients: one query for named people, one per role and unit."""
    columns = (User.id, User.name, User.email)
    named_ids = {row.recipient_user_id for row in claimed if row.recipient_user_id is not None}
    named = {row.id: Person(*row) for row in session.execute(
        select(*columns).where(User.id.in_(named_ids), User.is_active))} if named_ids else {}
    groups: dict[tuple[Any, Any], list[Person]] = {}
    for row in claimed:
        group = (row.recipient_role, row.recipient_unit_id)
        if row.recipient_user_id is None and group not in groups:
            query = (select(*columns).join(UserRole, UserRole.user_id == User.id)
                     .where(UserRole.role == row.recipient_role, User.is_active).order_by(User.id))
            if row.recipient_unit_id is not None:
                query = query.join(UnitMember, UnitMember.user_id == User.id).where(
                    UnitMember.business_unit_id == row.recipient_unit_id)
            groups[group] = [Person(*person) for person in session.execute(query.distinct())]

    def people_for(row: Any) -> list[Person]:
        if row.recipient_user_id is None:
            return groups[(row.recipient_role, row.recipient_unit_id)]
        person = named.get(row.recipient_user_id)
        return [person] if person is not None else []

    return {row.id: people_for(row) for row in claimed}


@dataclass
class BatchContext:
    """Preferences, digest subscribers, webhook targets and unit memberships, loaded once per batch."""

    choices: dict[tuple[int, str], ChannelChoice]
    digest_users: set[int]
    targets: list[Any]
    units_by_user: dict[int, set[int]]

    @classmethod
    def load(cls, session: Session, user_ids: Iterable[int]) -> BatchContext:
        ids = list(set(user_ids))
        choices = {(row.user_id, row.kind): row.channels for row in session.execute(
            select(NotificationPreference.user_id, NotificationPreference.kind,
                   NotificationPreference.channels).where(NotificationPreference.user_id.in_(ids)))}
        digest = set(session.scalars(select(DigestSubscription.user_id)
                                     .where(DigestSubscription.user_id.in_(ids))))
        targets = list(session.execute(
            select(WebhookTarget.id, WebhookTarget.business_unit_id, WebhookTarget.urgent_only)
            .where(WebhookTarget.is_active).order_by(WebhookTarget.id)))
        units: dict[int, set[int]] = {}
        for member in session.execute(select(UnitMember.user_id, UnitMember.business_unit_id)
                                      .where(UnitMember.user_id.in_(ids))):
            units.setdefault(member.user_id, set()).add(member.business_unit_id)
        return cls(choices, digest, targets, units)

    def channels_for(self, user_id: int, reminder: Any) -> list[DeliveryChannel]:
        if reminder.kind == DIGEST:
            return [DeliveryChannel.EMAIL]
        if reminder.in_app_only:
            return [DeliveryChannel.IN_APP]
        kind = KINDS.get(reminder.kind)
        default = kind.default_channels if kind else ChannelChoice.IN_APP
        choice = self.choices.get((user_id, reminder.kind), default)
        channels = []
        if choice in (ChannelChoice.IN_APP, ChannelChoice.BOTH):
            channels.append(DeliveryChannel.IN_APP)
        folded_into_digest = user_id in self.digest_users and reminder.urgency is Urgency.NORMAL
        if choice in (ChannelChoice.EMAIL, ChannelChoice.BOTH) and not folded_into_digest:
            channels.append(DeliveryChannel.EMAIL)
        return channels

    def targets_for(self, reminder: Any, people: list[Person]) -> list[int]:
        if reminder.kind == DIGEST or reminder.in_app_only:
            return []
        units = ({reminder.recipient_unit_id} if reminder.recipient_unit_id is not None
                 else set().union(*(self.units_by_user.get(p.id, set()) for p in people)))
        return [t.id for t in self.targets
                if (t.business_unit_id is None or t.business_unit_id in units)
                and (not t.urgent_only or reminder.urgency is Urgency.URGENT)]


def delivery_key(reminder: Any, channel: DeliveryChannel, target: str) -> str:
    return f"{reminder.idempotency_key}#{reminder.round}:{channel.value}:{target}"


@dataclass
class Rows:
    """What one batch writes, gathered before any of it is inserted."""

    in_app: list[dict[str, Any]]
    outgoing: list[dict[str, Any]]
    inbox: list[dict[str, Any]]


def delivery_row(reminder: Any, channel: DeliveryChannel, *, now: datetime, worker: str,
                 user_id: int | None = None, target_id: int | None = None) -> dict[str, Any]:
    in_app = channel is DeliveryChannel.IN_APP
    target = f"user-{user_id}" if user_id is not None else f"webhook-{target_id}"
    return {
        "reminder_id": reminder.id, "channel": channel, "user_id": user_id,
        "webhook_target_id": target_id, "idempotency_key": delivery_key(reminder, channel, target),
        "status": DeliveryStatus.SENT if in_app else DeliveryStatus.PENDING,
        "priority": URGENT_FIRST if reminder.urgency is Urgency.URGENT else ROUTINE,
        "attempts": 1 if in_app else 0, "next_attempt_at": now, "claimed_by": worker if in_app else None,
        "claimed_at": now if in_app else None, "sent_at": now if in_app else None,
        "late": reminder.late if in_app else False, "created_at": now}


def inbox_row(reminder: Any, person: Person, *, now: datetime) -> dict[str, Any]:
    return {"user_id": person.id, "reminder_id": reminder.id, "round": reminder.round,
            "kind": reminder.kind, "urgency": reminder.urgency, "title": reminder.subject_title,
            "link": reminder.subject_link, "body": reminder.body, "due_at": reminder.due_at,
            "delivered_at": now, "late": reminder.late}


def rows_for(claimed: Sequence[Any], people: dict[int, list[Person]], context: BatchContext, *,
             now: datetime, worker: str) -> Rows:
    rows = Rows([], [], [])
    for reminder in claimed:
        for person in people[reminder.id]:
            for channel in context.channels_for(person.id, reminder):
                row = delivery_row(reminder, channel, now=now, worker=worker, user_id=person.id)
                if channel is DeliveryChannel.IN_APP:
                    rows.in_app.append(row)
                    rows.inbox.append(inbox_row(reminder, person, now=now))
                else:
                    rows.outgoing.append(row)
        rows.outgoing += [delivery_row(reminder, DeliveryChannel.WEBHOOK, now=now, worker=worker,
                                       target_id=target)
                          for target in context.targets_for(reminder, people[reminder.id])]
    return rows


def write(session: Session, rows: Rows, *, now: datetime, worker: str) -> None:
    """Insert the batch: one multi-row INSERT per table. In-app deliveries are sent as they land."""
    if rows.in_app:
        ids = session.scalars(insert(DELIVERIES).returning(DELIVERIES.c.id), rows.in_app).all()
        session.execute(insert(ATTEMPTS), [
            {"delivery_id": delivery_id, "at": now, "worker": worker, "succeeded": True, "error": None,
             "duration_ms": 0} for delivery_id in ids])
        session.execute(insert(INBOX), rows.inbox)
    if rows.outgoing:
        session.execute(insert(DELIVERIES), rows.outgoing)


def expand_due(session: Session, *, now: datetime, worker: str, settings: DeliverySettings) -> int:
    """Claim one batch of due reminders and expand it; returns how many were claimed.

    The caller commits; until then nothing is visible, and a crash loses the whole batch's claim
    with it, so the batch is simply expanded again.
    """
    claimed = claim_reminders(session, now=now, limit=settings.batch_size, settings=settings)
    if not claimed:
        return 0
    going = drop_superseded(session, claimed, now=now)
    people = recipients(session, going)
    context = BatchContext.load(session, (p.id for group in people.values() for p in group))
    write(session, rows_for(going, people, context, now=now, worker=worker), now=now, worker=worker)
    return len(claimed)
