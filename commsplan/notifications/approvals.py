"""Asking people to approve something, and clearing the request from every inbox once it is decided.

Message maps, plans and incident statements ask with `ask_for_approval`: one "approval waiting"
reminder to each person who may decide, never to those who wrote it. Whoever then decides (approves,
sends back, withdraws, retires) calls `resolve` with the same key prefix: what has not gone out yet
is cancelled, and every inbox item that already arrived is marked as dealt with, in every person's
inbox, with a short line saying how ("Approved by Helen Marsh at 14:20"). Incidents call `resolve`
too, when a task is done or skipped and when the incident is stood down.

Both only write rows inside the caller's transaction, like the rest of the reminders service.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User, UserRole
from commsplan.db import UTCDateTime
from commsplan.notifications import service
from commsplan.notifications.kinds import Urgency, kind_label
from commsplan.notifications.models import (
    Delivery,
    DeliveryStatus,
    InboxItem,
    Reminder,
    ReminderStatus,
)
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import to_london

APPROVAL_KIND = "approval_waiting"
RESOLUTION_LENGTH = 200  # InboxItem.resolution
# Rows changed in bulk: the ORM updates the objects it already holds from what the database returns.
FETCH = {"synchronize_session": "fetch"}


def ask_for_approval(
    session: Session,
    *,
    key_prefix: str,
    approvers: Sequence[User] | None,
    exclude: Collection[int],
    subject: service.Subject,
    body: str,
    now: datetime,
    settings: DeliverySettings,
    actor: User | None,
    urgency: Urgency | None = None,
    in_app_only: bool = False,
) -> list[Reminder]:
    """Tell each person who may decide, now: one "approval waiting" reminder each, keyed
    `f"{key_prefix}{person.id}"`, so `resolve(key_prefix=…)` later clears them all.

    `approvers` names who decides (the holder of a named sign-off role, say); None means every
    active account holding the approver role. Nobody whose id is in `exclude` (the authors) is
    asked, and nobody whose account is inactive. Asking again under the same prefix returns the
    reminders already scheduled. A fixed number of queries, however many approvers; an empty list
    when nobody may decide.
    """
    people = deciders(session, approvers, exclude)
    requests = [service.ReminderRequest(
        key=f"{key_prefix}{person.id}", kind=APPROVAL_KIND, recipient=service.Recipient.person(person),
        subject=subject, due_at=now, urgency=urgency, body=body, in_app_only=in_app_only)
        for person in people]
    if not requests:
        return []
    return service.schedule_many(session, requests, now=now, settings=settings, actor=actor)


def deciders(session: Session, approvers: Sequence[User] | None, exclude: Collection[int]) -> list[User]:
    """The people to ask, each once, in a stable order: the named ones, or every active approver."""
    left_out = {person_id for person_id in exclude if person_id is not None}
    if approvers is not None:
        named = {person.id: person for person in approvers
                 if person.is_active and person.id not in left_out}
        return list(named.values())
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == Role.APPROVER, User.is_active)
             .order_by(User.id))
    if left_out:
        query = query.where(User.id.not_in(left_out))
    return list(session.scalars(query))


def resolve(session: Session, *, key_prefix: str, resolution: str, now: datetime, actor: User | None) -> int:
    """Someone has decided: stop every reminder under `key_prefix` still to go, and mark every inbox
    item those reminders already put in anyone's inbox as resolved (and so read), saying how.

    Emails and webhook posts not yet sent for them are cancelled too. Set-based: four statements at
    most, however many reminders, people and items. An item already resolved keeps its first
    resolution. Returns how many inbox items it resolved.
    """
    if not key_prefix:
        raise ValueError("resolve needs a key prefix; an empty one would match every reminder")
    said = resolution.strip()[:RESOLUTION_LENGTH]
    under = select(Reminder.id).where(Reminder.idempotency_key.startswith(key_prefix, autoescape=True))
    session.execute(
        update(Delivery)
        .where(Delivery.reminder_id.in_(under.scalar_subquery()),
               Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]))
        .values(status=DeliveryStatus.CANCELLED), execution_options=FETCH)
    cancelled = session.execute(
        update(Reminder)
        .where(Reminder.idempotency_key.startswith(key_prefix, autoescape=True),
               Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.CANCELLED, updated_at=now)
        .returning(Reminder.id, Reminder.kind, Reminder.subject_title), execution_options=FETCH).all()
    resolved = session.execute(
        update(InboxItem)
        .where(InboxItem.reminder_id.in_(under.scalar_subquery()), InboxItem.resolved_at.is_(None))
        .values(resolved_at=now, resolution=said,
                read_at=func.coalesce(InboxItem.read_at, literal(now, UTCDateTime())))
        .returning(InboxItem.id, InboxItem.kind, InboxItem.title), execution_options=FETCH).all()
    entries = [audit.entry_row("cancel", "reminder", row.id, f"{kind_label(row.kind)}: {row.subject_title}",
                               {"status": [ReminderStatus.PENDING.value, ReminderStatus.CANCELLED.value]},
                               actor=actor, now=now) for row in cancelled]
    entries += [audit.entry_row("resolve", "inbox_item", row.id, f"{kind_label(row.kind)}: {row.title}",
                                {"resolved_at": [None, now.isoformat()], "resolution": [None, said]},
                                actor=actor, now=now) for row in resolved]
    audit.record_rows(session, entries)
    return len(resolved)


def clock(moment: datetime) -> str:
    """The London wall-clock time a resolution gives: "14:20"."""
    return f"{to_london(moment):%H:%M}"


def decided_by(verb: str, actor: User | None, now: datetime) -> str:
    """A resolution in the house words: "Approved by Helen Marsh at 14:20"."""
    return f"{verb} by {actor.name} at {clock(now)}" if actor else f"{verb} at {clock(now)}"
