"""Scheduling reminders, the inbox, preferences and webhook targets.

`schedule`, `reschedule`, `cancel` and `snooze` are what other domains call, inside their own
transaction: they only write rows. The dispatcher (dispatcher.py) sends later, once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import Select, Table, func, insert, or_, select, update
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.links import is_local_path
from commsplan.notifications.kinds import KINDS, ChannelChoice, Urgency
from commsplan.notifications.models import (
    WAKE_CHANNEL,
    Delivery,
    DeliveryStatus,
    DigestSubscription,
    InboxItem,
    NotificationPreference,
    Reminder,
    ReminderStatus,
    WebhookTarget,
)
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference.models import BusinessUnit

MAX_SNOOZE = timedelta(days=30)
SnoozeListener = Callable[[Session, "InboxItem", datetime, User, datetime], None]
SNOOZE_LISTENERS: list[SnoozeListener] = []


def on_snooze(listener: SnoozeListener) -> None:
    """Call `listener` whenever someone snoozes a reminder: how a higher domain hears about its own
    things (an incident records snoozes on its timeline). `create_app` registers them, once each."""
    if listener not in SNOOZE_LISTENERS:
        SNOOZE_LISTENERS.append(listener)


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


def inbox_item(session: Session, item_id: int, *, user: User) -> InboxItem:
    """One of the person's own notifications; anyone else's is "not found"."""
    item = session.get(InboxItem, item_id)
    if item is None or item.user_id != user.id:
        raise NotFound("No such notification")
    return item


def snooze(
    session: Session, *, item: InboxItem, until: datetime, actor: User, now: datetime
) -> None:
    """Hide a notification until `until`, when it comes back unread."""
    if until <= now:
        raise ValidationError.single("until", "Choose a time in the future")
    if until > now + MAX_SNOOZE:
        raise ValidationError.single("until", "Snooze for 30 days at most")
    audit.update_audited(session, item, {"snoozed_until": until, "read_at": None}, actor=actor,
                         now=now, action="snooze")
    for listener in SNOOZE_LISTENERS:
        listener(session, item, until, actor, now)


def mark_read(session: Session, *, item: InboxItem, actor: User, now: datetime) -> None:
    if item.read_at is None:
        audit.update_audited(session, item, {"read_at": now}, actor=actor, now=now,
                             action="mark_read")


def mark_all_read(session: Session, *, user: User, now: datetime) -> int:
    """Mark every visible unread notification read; returns how many."""
    items = session.scalars(visible_items(user.id, now).where(InboxItem.read_at.is_(None))).all()
    for item in items:
        item.read_at = now
    if items:
        audit.record(session, actor=user, action="mark_all_read", obj=user, now=now,
                     changes={"notifications": [len(items), 0]})
    return len(items)


def visible_items(user_id: int, now: datetime) -> Select[InboxItem]:
    """The person's notifications not snoozed into the future, newest first."""
    return (select(InboxItem)
            .where(InboxItem.user_id == user_id,
                   or_(InboxItem.snoozed_until.is_(None), InboxItem.snoozed_until <= now))
            .order_by(InboxItem.delivered_at.desc(), InboxItem.id.desc()))


def snoozed_items(user_id: int, now: datetime) -> Select[InboxItem]:
    """Notifications snoozed into the future, the soonest back first."""
    return (select(InboxItem)
            .where(InboxItem.user_id == user_id, InboxItem.snoozed_until > now)
            .order_by(InboxItem.snoozed_until, InboxItem.id))


def unread_count(session: Session, *, user_id: int, now: datetime) -> int:
    """Visible items not yet read; a resolved item never counts, even if snoozed and back."""
    query = visible_items(user_id, now).where(InboxItem.read_at.is_(None),
                                              InboxItem.resolved_at.is_(None)).order_by(None)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def preferences(session: Session, user: User) -> dict[str, ChannelChoice]:
    """Each kind a person can choose for, with their choice or the kind's default."""
    chosen = {row.kind: row.channels for row in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    return {code: chosen.get(code, kind.default_channels)
            for code, kind in KINDS.items() if kind.user_choice}


def has_digest(session: Session, user_id: int) -> bool:
    return session.get(DigestSubscription, user_id) is not None


def set_preferences(
    session: Session,
    *,
    user: User,
    choices: Mapping[str, ChannelChoice],
    digest: bool,
    now: datetime,
) -> None:
    """Save a person's channel choices and digest setting; audited as one change."""
    unknown = [kind for kind in choices if kind not in KINDS or not KINDS[kind].user_choice]
    if unknown:
        raise ValidationError.single(unknown[0], "Unknown kind of reminder")
    before = {**preferences(session, user), "daily_digest": has_digest(session, user.id)}
    for kind, channels in choices.items():
        row = session.get(NotificationPreference, (user.id, kind))
        if row is None:
            session.add(NotificationPreference(user_id=user.id, kind=kind, channels=channels))
        else:
            row.channels = channels
    subscription = session.get(DigestSubscription, user.id)
    if digest and subscription is None:
        session.add(DigestSubscription(user_id=user.id, subscribed_at=now))
    elif not digest and subscription is not None:
        session.delete(subscription)
    session.flush()
    after = {**preferences(session, user), "daily_digest": digest}
    if changes := audit.diff(audit.jsonable_dict(before), audit.jsonable_dict(after)):
        audit.record(session, actor=user, action="update_notification_preferences", obj=user,
                     changes=changes, now=now)


def check_webhook_url(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number 0–65535)
    except ValueError:
        return "Enter a web address like https://chat.example.org/hooks/abc"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter a web address starting with http:// or https://"
    if len(url) > 500:
        return "The web address must be 500 characters or fewer"
    return None


def _check_target(session: Session, values: Mapping[str, object], target: WebhookTarget | None) -> None:
    errors: dict[str, list[str]] = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = ["Enter a name for the webhook"]
    else:
        clash = select(WebhookTarget.id).where(func.lower(WebhookTarget.name) == name.lower())
        if target is not None:
            clash = clash.where(WebhookTarget.id != target.id)
        if session.scalar(clash) is not None:
            errors["name"] = ["Another webhook already has this name"]
    if problem := check_webhook_url(str(values.get("url") or "")):
        errors["url"] = [problem]
    unit_id = values.get("business_unit_id")
    if unit_id is not None and session.get(BusinessUnit, unit_id) is None:
        errors["business_unit_id"] = ["Select a business unit from the list"]
    if errors:
        raise ValidationError(errors)


def create_webhook(
    session: Session, *, values: Mapping[str, object], actor: User, now: datetime
) -> WebhookTarget:
    """Add a webhook target with a new random signing secret."""
    _check_target(session, values, None)
    target = WebhookTarget(
        name=str(values["name"]).strip(), url=str(values["url"]).strip(),
        business_unit_id=values.get("business_unit_id"), urgent_only=bool(values.get("urgent_only")),
        is_active=bool(values.get("is_active", True)), secret=secrets.token_urlsafe(32),
        created_at=now, updated_at=now)
    audit.add_audited(session, target, actor=actor, now=now)
    return target


def update_webhook(
    session: Session, target: WebhookTarget, *, values: Mapping[str, object], actor: User,
    now: datetime,
) -> None:
    _check_target(session, values, target)
    cleaned = {"name": str(values["name"]).strip(), "url": str(values["url"]).strip(),
               "business_unit_id": values.get("business_unit_id"),
               "urgent_only": bool(values.get("urgent_only")),
               "is_active": bool(values.get("is_active", True))}
    audit.update_audited(session, target, cleaned, actor=actor, now=now)


def get_webhook(session: Session, target_id: int) -> WebhookTarget:
    target = session.get(WebhookTarget, target_id)
    if target is None:
        raise NotFound("No such webhook")
    return target


def resend(session: Session, delivery: Delivery, *, actor: User, now: datetime) -> None:
    """Try a failed delivery again now, with a fresh set of attempts."""
    if delivery.status is not DeliveryStatus.FAILED:
        raise Conflict("Only failed deliveries can be sent again")
    audit.update_audited(session, delivery, {"status": DeliveryStatus.PENDING, "attempts": 0,
                                             "next_attempt_at": now}, actor=actor, now=now,
                         action="resend")
    wake_dispatchers(session)
