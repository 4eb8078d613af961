"""A person's inbox (read, snooze, mark all read) and how they want to be told (in the app, by
email, a daily digest)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.errors import NotFound, ValidationError
from commsplan.notifications.kinds import KINDS, ChannelChoice
from commsplan.notifications.models import DigestSubscription, InboxItem, NotificationPreference

MAX_SNOOZE = timedelta(days=30)
SnoozeListener = Callable[[Session, "InboxItem", datetime, User, datetime], None]
SNOOZE_LISTENERS: list[SnoozeListener] = []


def on_snooze(listener: SnoozeListener) -> None:
    """Call `listener` whenever someone snoozes a reminder: how a higher domain hears about its own
    things (an incident records snoozes on its timeline). `create_app` registers them, once each."""
    if listener not in SNOOZE_LISTENERS:
        SNOOZE_LISTENERS.append(listener)


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


def visible_items(user_id: int | ColumnElement[int], now: datetime | ColumnElement[datetime]
                  ) -> Select[InboxItem]:
    """The person's notifications not snoozed into the future, newest first (the person and the time
    may be bound parameters, for a statement built once)."""
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
    return session.scalar(UNREAD_COUNT, {"user_id": user_id, "now": now}) or 0


def _unread_count_query() -> Select[int]:
    """Counted in every page's header: built once, the person and the time bound per request."""
    query = visible_items(bindparam("user_id"), bindparam("now")).where(
        InboxItem.read_at.is_(None), InboxItem.resolved_at.is_(None)).order_by(None)
    return select(func.count()).select_from(query.subquery())


UNREAD_COUNT = _unread_count_query()


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
