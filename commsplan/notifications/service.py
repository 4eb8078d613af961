"""Scheduling reminders: what other domains call to tell people about their things.

`schedule`, `reschedule` and `cancel` are called inside the caller's own transaction: they only
write rows. The dispatcher (dispatcher.py) sends later, once. The inbox and preferences are in
`inbox`, webhook targets in `webhooks`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.links import is_local_path
from commsplan.notifications.kinds import KINDS, Urgency
from commsplan.notifications.models import WAKE_CHANNEL, Delivery, DeliveryStatus, Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference.models import BusinessUnit


@dataclass(frozen=True)
class Recipient:
    """A person, or everyone holding a role (optionally only within one business unit)."""

    user_id: int | None = None
    role: Role | None = None
    unit_id: int | None = None

    @classmethod
    def person(cls, user: User) -> Recipient:
        return cls(user_id=user.id)

    @classmethod
    def role_in(cls, role: Role, unit_id: int | None = None) -> Recipient:
        return cls(role=role, unit_id=unit_id)


@dataclass(frozen=True)
class Subject:
    """What the reminder is about, and the in-app path that opens it."""

    type: str
    id: str
    title: str
    link: str


def _check_recipient(session: Session, recipient: Recipient) -> dict[str, list[str]]:
    if (recipient.user_id is None) == (recipient.role is None):
        return {"recipient": ["Choose either a person or a role"]}
    if recipient.user_id is not None:
        user = session.get(User, recipient.user_id)
        if user is None or not user.is_active:
            return {"recipient": ["Choose a person who has an active account"]}
    if recipient.unit_id is not None:
        unit = session.get(BusinessUnit, recipient.unit_id)
        if unit is None or unit.is_retired:
            return {"unit": ["Choose an active business unit"]}
    return {}


def _check_subject(subject: Subject) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not subject.title.strip():
        errors["title"] = ["Enter what the reminder is about"]
    elif len(subject.title) > 200:
        errors["title"] = ["The title must be 200 characters or fewer"]
    if not is_local_path(subject.link) or len(subject.link) > 500:
        errors["link"] = ["Enter a link to a page in Commsplan, starting with /"]
    return errors


def deliver_time(due_at: datetime, urgency: Urgency, settings: DeliverySettings) -> datetime:
    """Urgent reminders go at their due time; others wait for working hours."""
    if urgency is Urgency.URGENT:
        return due_at
    return settings.working_hours.next_working_moment(due_at)


def find(session: Session, key: str) -> Reminder | None:
    return session.scalar(select(Reminder).where(Reminder.idempotency_key == key))


@dataclass(frozen=True)
class ReminderRequest:
    """One reminder to schedule, as `schedule_many` takes them."""

    key: str
    kind: str
    recipient: Recipient
    subject: Subject
    due_at: datetime
    urgency: Urgency | None = None
    body: str = ""
    in_app_only: bool = False
    supersedes: str | None = None  # the key of a reminder this one makes pointless once it goes


def wake_dispatchers(session: Session) -> None:
    """Tell listening dispatchers something may fall due sooner (PostgreSQL, sent on commit)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(WAKE_CHANNEL, "")))


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: Recipient,
    subject: Subject,
    due_at: datetime,
    now: datetime,
    settings: DeliverySettings,
    actor: User | None = None,
    urgency: Urgency | None = None,
    body: str = "",
    in_app_only: bool = False,
    supersedes: str | None = None,
) -> Reminder:
    """Add a reminder, or return the one already scheduled under `key` (moved if still pending)."""
    request = ReminderRequest(key, kind, recipient, subject, due_at, urgency, body, in_app_only,
                              supersedes)
    return schedule_many(session, [request], now=now, settings=settings, actor=actor)[0]


def _check_request(session: Session, request: ReminderRequest) -> None:
    if request.kind not in KINDS:
        raise ValidationError.single("kind", f"Unknown kind of reminder: {request.kind}")
    if not request.key or len(request.key) > 200:
        raise ValidationError.single("key", "A reminder key must be 1 to 200 characters")
    errors = _check_recipient(session, request.recipient) | _check_subject(request.subject)
    if request.due_at.year > 2100:
        errors["due_at"] = ["Choose a due date before 2100"]
    if errors:
        raise ValidationError(errors)


def schedule_many(session: Session, requests: Sequence[ReminderRequest], *, now: datetime,
                  settings: DeliverySettings, actor: User | None = None) -> list[Reminder]:
    """Schedule many reminders with a fixed number of queries (an incident launch adds dozens).

    Each key already scheduled returns its reminder, moved if still pending and due at another time.
    """
    for request in requests:
        _check_request(session, request)
    keys = [request.key for request in requests]
    existing = {r.idempotency_key: r for r in session.scalars(
        select(Reminder).where(Reminder.idempotency_key.in_(keys)))} if keys else {}
    new_rows: dict[str, dict[str, Any]] = {}
    for request in requests:
        found = existing.get(request.key)
        if found is not None:
            if found.status is ReminderStatus.PENDING and found.due_at != request.due_at:
                reschedule(session, key=request.key, due_at=request.due_at, now=now, settings=settings,
                           actor=actor)
        elif request.key not in new_rows:
            new_rows[request.key] = _new_row(request, now=now, settings=settings, actor=actor)
    if new_rows:  # one INSERT and one SELECT, whatever the number (so launching stays cheap)
        # Core, not the ORM's bulk insert, which starts a new batch whenever a value turns None.
        session.execute(insert(cast(Table, Reminder.__table__)), list(new_rows.values()))
        added = list(session.scalars(select(Reminder).where(Reminder.idempotency_key.in_(list(new_rows)))))
        audit.record_created(session, added, actor=actor, now=now)
        existing |= {reminder.idempotency_key: reminder for reminder in added}
        wake_dispatchers(session)
    return [existing[key] for key in keys]


def _new_row(request: ReminderRequest, *, now: datetime, settings: DeliverySettings,
             actor: User | None) -> dict[str, Any]:
    urgency = request.urgency or KINDS[request.kind].urgency
    recipient, subject = request.recipient, request.subject
    return {
        "idempotency_key": request.key, "kind": request.kind, "urgency": urgency,
        "recipient_user_id": recipient.user_id, "recipient_role": recipient.role,
        "recipient_unit_id": recipient.unit_id, "subject_type": subject.type, "subject_id": subject.id,
        "subject_title": subject.title.strip(), "subject_link": subject.link, "body": request.body,
        "due_at": request.due_at, "in_app_only": request.in_app_only,
        "supersedes_key": request.supersedes,
        "deliver_at": deliver_time(request.due_at, urgency, settings), "status": ReminderStatus.PENDING,
        "round": 1, "late": False, "created_by_id": actor.id if actor else None, "created_at": now,
        "updated_at": now}


FUTURE_ONLY = "Choose a date and time in the future"


def schedule_note(
    session: Session,
    *,
    author: User,
    recipient: Recipient,
    title: str,
    link: str,
    body: str,
    due_at: datetime,
    urgent: bool,
    now: datetime,
    settings: DeliverySettings,
) -> Reminder:
    """A reminder someone writes by hand: always in the future, under a key of its own."""
    if due_at <= now:
        raise ValidationError.single("due_date", FUTURE_ONLY)
    return schedule(session, key=f"note:{author.id}:{secrets.token_hex(8)}", kind="general",
                    recipient=recipient, subject=Subject(type="note", id="-", title=title, link=link),
                    due_at=due_at, now=now, settings=settings, actor=author, body=body,
                    urgency=Urgency.URGENT if urgent else None)


def reschedule_note(
    session: Session, *, reminder: Reminder, due_at: datetime, actor: User, now: datetime,
    settings: DeliverySettings,
) -> Reminder:
    if due_at <= now:
        raise ValidationError.single("due_date", FUTURE_ONLY)
    return reschedule(session, key=reminder.idempotency_key, due_at=due_at, now=now,
                      settings=settings, actor=actor)


def get(session: Session, key: str) -> Reminder:
    reminder = find(session, key)
    if reminder is None:
        raise NotFound("No such reminder")
    return reminder


def reschedule(
    session: Session,
    *,
    key: str,
    due_at: datetime,
    now: datetime,
    settings: DeliverySettings,
    actor: User | None = None,
) -> Reminder:
    """Move a reminder; one already sent is sent again at the new time (as a new round)."""
    reminder = get(session, key)
    if reminder.status is ReminderStatus.CANCELLED:
        raise Conflict("This reminder was cancelled; schedule a new one")
    values: dict[str, object] = {"due_at": due_at,
                                 "deliver_at": deliver_time(due_at, reminder.urgency, settings)}
    if reminder.status is ReminderStatus.DISPATCHED:
        values |= {"status": ReminderStatus.PENDING, "round": reminder.round + 1,
                   "dispatched_at": None, "late": False}
    audit.update_audited(session, reminder, values, actor=actor, now=now, action="reschedule")
    wake_dispatchers(session)
    return reminder


def cancel(session: Session, *, key: str, now: datetime, actor: User | None = None) -> bool:
    """Stop a reminder and any of its deliveries not yet sent; False if there was nothing to stop."""
    reminder = find(session, key)
    if reminder is None or reminder.status is ReminderStatus.CANCELLED:
        return False
    session.execute(
        update(Delivery)
        .where(Delivery.reminder_id == reminder.id,
               Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]))
        .values(status=DeliveryStatus.CANCELLED)
    )
    audit.update_audited(session, reminder, {"status": ReminderStatus.CANCELLED}, actor=actor,
                         now=now, action="cancel")
    return True


def cancel_matching(session: Session, prefix: str, *, now: datetime, actor: User | None = None) -> int:
    """Cancel every pending reminder whose key starts with `prefix`; how many were cancelled."""
    keys = list(session.scalars(select(Reminder.idempotency_key).where(
        Reminder.idempotency_key.startswith(prefix, autoescape=True),
        Reminder.status == ReminderStatus.PENDING)))
    for key in keys:
        cancel(session, key=key, now=now, actor=actor)
    return len(keys)
