"""Reminders that follow a map through review: the approval request to approvers, cancelled once
decided, and the reminder to review an approved map before its review date.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.messages.models import MessageMap, MessageStatus
from commsplan.notifications import approvals
from commsplan.notifications import service as reminders
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import london_moment

REVIEW_REMINDER_TIME = "09:00"


def _approval_prefix(message_map: MessageMap) -> str:
    return f"message:{message_map.id}:approval:"


def _approval_key(message_map: MessageMap, number: int, now: datetime) -> str:
    """One key prefix per submission (each approver's id follows it), so a version sent back and
    submitted again tells the approvers again."""
    return f"{_approval_prefix(message_map)}{number}:{now:%Y%m%dT%H%M%S%f}:"


def _review_prefix(message_map: MessageMap) -> str:
    return f"message:{message_map.id}:review:"


def _subject(message_map: MessageMap, verb: str) -> reminders.Subject:
    return reminders.Subject(type="message_map", id=str(message_map.id),
                             title=f"{verb}: {message_map.title}"[:200],
                             link=f"/messages/{message_map.id}")


def _cancel_pending(session: Session, prefix: str, *, now: datetime, actor: User | None) -> None:
    reminders.cancel_matching(session, prefix, now=now, actor=actor)


def cancel_approval_request(session: Session, message_map: MessageMap, *, verb: str, now: datetime,
                             actor: User) -> None:
    """The request is decided: it stops, and leaves every approver's inbox ("Approved by … at 14:20")."""
    approvals.resolve(session, key_prefix=_approval_prefix(message_map),
                      resolution=approvals.decided_by(verb, actor, now), now=now, actor=actor)


def cancel_reviews(session: Session, message_map: MessageMap, *, now: datetime,
                    actor: User | None) -> None:
    """Stop the map's pending review reminders (each change of date or owner schedules afresh)."""
    _cancel_pending(session, _review_prefix(message_map), now=now, actor=actor)


def schedule_review(session: Session, message_map: MessageMap, *, now: datetime,
                     delivery: DeliverySettings, actor: User | None) -> None:
    """Remind the owner at 09:00 London time on the review date; a new date or owner replaces it."""
    cancel_reviews(session, message_map, now=now, actor=actor)
    if message_map.review_date is None or message_map.status is MessageStatus.RETIRED:
        return
    key = f"{_review_prefix(message_map)}{message_map.owner_id}:{now:%Y%m%dT%H%M%S%f}"
    reminders.schedule(session, key=key, kind="review_due",
                       recipient=reminders.Recipient.person(message_map.owner),
                       due_at=london_moment(message_map.review_date, REVIEW_REMINDER_TIME),
                       now=now, settings=delivery, actor=actor,
                       subject=_subject(message_map, "Review message"))
