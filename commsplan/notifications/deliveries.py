"""Sending deliveries: claim under a lease, record each result as its send finishes, take over
what a vanished sender left behind.

A claim is a lease (`lease_until`) that the sender renews while it works. Another scheduler
takes a delivery over only when the lease has really lapsed, and then logs the lost attempt
(its outcome unknown) before sending again under the same idempotency key. Results are
committed one send at a time, so a crash re-sends at most what was on the wire.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.notifications.expand import ATTEMPTS, DELIVERIES, REMINDERS, lockable, once
from commsplan.notifications.kinds import kind_label
from commsplan.notifications.models import DeliveryChannel, DeliveryStatus, ReminderStatus, WebhookTarget
from commsplan.notifications.notifiers import Message, Outgoing
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import to_london

USERS = cast(Table, User.__table__)
TARGETS = cast(Table, WebhookTarget.__table__)
REAP_BATCH = 500


@dataclass
class DispatchReport:
    """What a dispatcher did: reminders expanded, deliveries sent, retried, failed."""

    reminders: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    taken_over: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DispatchReport) -> None:
        self.reminders += other.reminders
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.taken_over += other.taken_over
        self.errors += other.errors


@dataclass(frozen=True)
class Claim:
    """Deliveries one sender holds under one lease token, ready to go as one message."""

    token: str
    message: Message
    due: dict[int, datetime]  # when each delivery counted as due, for lateness


@dataclass(frozen=True)
class Outcome:
    """One send: when it started and finished (by the dispatcher's clock), how long it took, and
    the error if it failed."""

    started_at: datetime
    finished_at: datetime
    duration_ms: int
    error: str | None


# --- claiming --------------------------------------------------------------------------------------

def claim_next(session: Session, *, channel: DeliveryChannel, now: datetime, worker: str,
               settings: DeliverySettings, busy_targets: Collection[int] = ()) -> Claim | None:
    """Claim the most urgent due delivery on `channel`: urgent first, then the longest waiting.

    An email takes with it the person's other due emails (up to NOTIFY_EMAIL_GROUP_MAX), so one
    burst goes as one email. Webhooks whose targets are in `busy_targets` are left for later.
    One UPDATE … RETURNING claims, one SELECT reads what the send needs.
    """
    token = secrets.token_hex(16)
    statement = claim_statement(session.get_bind().dialect.name, channel, settings.email_group_max)
    claimed = session.execute(statement, {
        "now": now, "worker": worker, "lease_until": now + settings.lease, "token": token,
        "busy": list(busy_targets) if channel is DeliveryChannel.WEBHOOK else []}).first()
    if claimed is None:
        return None
    return load_claim(session, token, channel=channel, now=now, settings=settings)


@cache
def claim_statement(dialect: str, channel: DeliveryChannel, group_max: int) -> Any:
    """The claiming UPDATE, built once per database, channel and group size (building it is costly)."""

    def locked(query: Any) -> Any:
        return query.with_for_update(skip_locked=True) if dialect == "postgresql" else query

    due = (DELIVERIES.c.channel == channel, DELIVERIES.c.status == DeliveryStatus.PENDING,
           DELIVERIES.c.next_attempt_at <= bindparam("now"))
    order = (DELIVERIES.c.priority, DELIVERIES.c.next_attempt_at, DELIVERIES.c.id)
    first = (select(DELIVERIES.c.id).where(*due).order_by(*order).limit(1)
             .where(DELIVERIES.c.webhook_target_id.not_in(bindparam("busy", expanding=True))))
    chosen = locked(first)
    if channel is DeliveryChannel.EMAIL and group_max > 1:
        person = locked(first.with_only_columns(DELIVERIES.c.user_id)).scalar_subquery()
        chosen = locked(select(DELIVERIES.c.id).where(*due, DELIVERIES.c.user_id == person)
                        .order_by(*order).limit(group_max))
    return (update(DELIVERIES)
            .where(DELIVERIES.c.id.in_(once(chosen, "chosen")),
                   DELIVERIES.c.status == DeliveryStatus.PENDING)
            .values(status=DeliveryStatus.SENDING, claimed_by=bindparam("worker"),
                    claimed_at=bindparam("now"), lease_until=bindparam("lease_until"),
                    claim_token=bindparam("token"))
            .returning(DELIVERIES.c.id))


CLAIMED = (select(DELIVERIES.c.id, DELIVERIES.c.idempotency_key, DELIVERIES.c.webhook_target_id,
                  REMINDERS.c.kind, REMINDERS.c.urgency, REMINDERS.c.subject_title, REMINDERS.c.subject_link,
                  REMINDERS.c.body, REMINDERS.c.due_at, REMINDERS.c.deliver_at, REMINDERS.c.updated_at,
                  USERS.c.email, USERS.c.name, TARGETS.c.url, TARGETS.c.secret)
           .join(REMINDERS, REMINDERS.c.id == DELIVERIES.c.reminder_id)
           .outerjoin(USERS, USERS.c.id == DELIVERIES.c.user_id)
           .outerjoin(TARGETS, TARGETS.c.id == DELIVERIES.c.webhook_target_id)
           .where(DELIVERIES.c.claim_token == bindparam("token"))
           .order_by(DELIVERIES.c.priority, DELIVERIES.c.next_attempt_at, DELIVERIES.c.id))


def load_claim(session: Session, token: str, *, channel: DeliveryChannel, now: datetime,
               settings: DeliverySettings) -> Claim | None:
    """Everything the send needs, read once while the claim is made."""
    rows = session.execute(CLAIMED, {"token": token}).all()
    if not rows:
        return None
    due = {row.id: max(row.deliver_at, row.updated_at) for row in rows}  # as the reminder's `late`
    items = tuple(outgoing(row, channel, late=now - due[row.id] > settings.late_after) for row in rows)
    return Claim(token, Message(channel.value, items), due)


def outgoing(row: Any, channel: DeliveryChannel, *, late: bool) -> Outgoing:
    return Outgoing(
        delivery_id=row.id, key=row.idempotency_key, channel=channel.value, kind=row.kind,
        kind_label=kind_label(row.kind), urgency=row.urgency.value, title=row.subject_title,
        link=row.subject_link, body=row.body, due_at=to_london(row.due_at).strftime("%-d %b %Y, %H:%M"),
        late=late, email=row.email or "", name=row.name or "", webhook_url=row.url or "",
        webhook_secret=row.secret or "", webhook_target_id=row.webhook_target_id)


# --- recording --------------------------------------------------------------------------------------

MARK_SENT = (update(DELIVERIES)
             .where(DELIVERIES.c.claim_token == bindparam("token"),
                    DELIVERIES.c.status == DeliveryStatus.SENDING)
             .values(status=DeliveryStatus.SENT, attempts=DELIVERIES.c.attempts + 1,
                     sent_at=bindparam("finished"), last_error=None, lease_until=None,
                     late=DELIVERIES.c.id.in_(bindparam("late", expanding=True)))
             .returning(DELIVERIES.c.id))


def record(session: Session, claim: Claim, outcome: Outcome, *, worker: str, settings: DeliverySettings,
           report: DispatchReport) -> None:
    """Log the attempt on every delivery the message carried, stamped when the send started;
    where the claim is still ours, mark each sent (late or not), due again after a backoff, or
    failed after the last attempt. A claim taken over meanwhile keeps its new owner's state."""
    session.execute(insert(ATTEMPTS), [
        {"delivery_id": item.delivery_id, "at": outcome.started_at, "worker": worker,
         "succeeded": outcome.error is None, "error": outcome.error, "duration_ms": outcome.duration_ms}
        for item in claim.message.items])
    if outcome.error is None:
        finished = outcome.finished_at
        late = [item for item, due in claim.due.items() if finished - due > settings.late_after]
        sent = session.execute(MARK_SENT, {"token": claim.token, "finished": finished, "late": late}).all()
        report.sent += len(sent)
        return
    failed = session.execute(select(DELIVERIES.c.id, DELIVERIES.c.attempts).where(
        DELIVERIES.c.claim_token == claim.token, DELIVERIES.c.status == DeliveryStatus.SENDING)).all()
    if failed:
        session.execute(update(DELIVERIES)
                        .where(DELIVERIES.c.id == bindparam("delivery_id"),
                               DELIVERIES.c.claim_token == claim.token)
                        .values(status=bindparam("new_status"), attempts=bindparam("new_attempts"),
                                next_attempt_at=bindparam("new_next_attempt_at"),
                                last_error=outcome.error, lease_until=None),
                        [settle(row.id, row.attempts + 1, outcome, settings=settings, report=report)
                         for row in failed])


def settle(delivery_id: int, attempts: int, outcome: Outcome, *, settings: DeliverySettings,
           report: DispatchReport) -> dict[str, Any]:
    """After a failed attempt: due again after a backoff, or failed after the last attempt."""
    assert outcome.error is not None
    report.errors.append(outcome.error)
    if attempts >= settings.max_attempts:
        report.failed += 1
        status, next_at = DeliveryStatus.FAILED, outcome.finished_at
    else:
        report.retried += 1
        status, next_at = DeliveryStatus.PENDING, outcome.finished_at + settings.backoff(attempts)
    return {"delivery_id": delivery_id, "new_status": status, "new_attempts": attempts,
            "new_next_attempt_at": next_at}


# --- leases -----------------------------------------------------------------------------------------

def renew_leases(session: Session, tokens: Iterable[str], *, now: datetime,
                 settings: DeliverySettings) -> int:
    """The heartbeat: extend the leases this sender still holds; returns how many rows it kept."""
    held = list(tokens)
    if not held:
        return 0
    result = session.execute(update(DELIVERIES)
                             .where(DELIVERIES.c.claim_token.in_(held),
                                    DELIVERIES.c.status == DeliveryStatus.SENDING)
                             .values(lease_until=now + settings.lease))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def take_over_lapsed(session: Session, *, now: datetime, settings: DeliverySettings,
                     report: DispatchReport) -> int:
    """Deliveries whose sender stopped renewing its lease (a crash, a kill) become due again.

    The lost attempt is logged as it is known: who held it, since when, outcome unknown. It
    counts as an attempt, so a message that kills its sender every time still ends as failed.
    """
    lapsed = session.execute(lockable(session, select(
        DELIVERIES.c.id, DELIVERIES.c.attempts, DELIVERIES.c.claimed_by, DELIVERIES.c.claimed_at,
        DELIVERIES.c.claim_token, DELIVERIES.c.lease_until)
        .where(DELIVERIES.c.status == DeliveryStatus.SENDING, DELIVERIES.c.lease_until < now)
        .order_by(DELIVERIES.c.lease_until).limit(REAP_BATCH))).all()
    if not lapsed:
        return 0
    session.execute(insert(ATTEMPTS), [
        {"delivery_id": row.id, "at": row.claimed_at or now, "worker": row.claimed_by or "unknown",
         "succeeded": None, "duration_ms": 0,
         "error": f"Outcome unknown: the sender stopped before recording a result (its lease lapsed at "
                  f"{to_london(row.lease_until):%H:%M:%S}); the message may have arrived, and is sent "
                  f"again under the same idempotency key"} for row in lapsed])
    session.execute(update(DELIVERIES)
                    .where(DELIVERIES.c.id == bindparam("delivery_id"),
                           DELIVERIES.c.claim_token == bindparam("old_token"))
                    .values(status=bindparam("new_status"), attempts=bindparam("new_attempts"),
                            next_attempt_at=now, lease_until=None, claim_token=None,
                            last_error="Sender stopped mid-send (outcome unknown)"),
                    [{"delivery_id": row.id, "old_token": row.claim_token,
                      "new_attempts": row.attempts + 1,
                      "new_status": DeliveryStatus.FAILED if row.attempts + 1 >= settings.max_attempts
                      else DeliveryStatus.PENDING} for row in lapsed])
    report.taken_over += len(lapsed)
    return len(lapsed)


# --- when to wake ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Wake:
    """When the dispatcher is next needed: a reminder falls due, a retry comes round, a lease lapses."""

    reminder_at: datetime | None
    retry_at: datetime | None
    lease_lapses_at: datetime | None

    @property
    def soonest(self) -> datetime | None:
        moments = [m for m in (self.reminder_at, self.retry_at, self.lease_lapses_at) if m is not None]
        return min(moments) if moments else None


def next_wake(session: Session, *, now: datetime) -> Wake:
    """Deliveries already due are the senders' business; only what falls due later wakes us."""
    soonest = select(
        select(func.min(REMINDERS.c.deliver_at))
        .where(REMINDERS.c.status == ReminderStatus.PENDING).scalar_subquery(),
        select(func.min(DELIVERIES.c.next_attempt_at))
        .where(DELIVERIES.c.status == DeliveryStatus.PENDING, DELIVERIES.c.next_attempt_at > now)
        .scalar_subquery(),
        select(func.min(DELIVERIES.c.lease_until))
        .where(DELIVERIES.c.status == DeliveryStatus.SENDING, DELIVERIES.c.lease_until > now)
        .scalar_subquery())
    return Wake(*session.execute(soonest).one())
