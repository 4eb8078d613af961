"""Reviewing message maps: submit, approve, send back, retire and comment. Nobody approves a version
they helped write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.messages.checks import submission_problems
from commsplan.messages.maps import (
    APPROVERS,
    COMMENTERS,
    WRITERS,
    authors_since_approval,
    latest_version,
    refuse_if_retired,
)
from commsplan.messages.models import MessageComment, MessageMap, MessageStatus, MessageVersion
from commsplan.messages.review_reminders import (
    _approval_key,
    _subject,
    cancel_approval_request,
    cancel_reviews,
)
from commsplan.notifications import approvals
from commsplan.notifications import service as reminders
from commsplan.notifications.settings import DeliverySettings


def _set_status(session: Session, message_map: MessageMap, values: dict[str, Any], *, action: str,
                actor: User, now: datetime) -> None:
    audit.update_audited(session, message_map, values, actor=actor, now=now, action=action)


def submit(session: Session, message_map: MessageMap, *, actor: User, now: datetime,
           delivery: DeliverySettings) -> None:
    """Send the latest version to the approvers, if every blocking check passes."""
    require_role(actor, WRITERS, "submit message maps")
    if message_map.status is not MessageStatus.DRAFT:
        raise Conflict({MessageStatus.IN_REVIEW: "This version is already in review",
                        MessageStatus.APPROVED: "This version is already approved; edit it to "
                                                "start a new version",
                        MessageStatus.RETIRED: "This message map is retired"}[message_map.status])
    version = latest_version(session, message_map)
    if errors := submission_problems(message_map, version):
        raise ValidationError(errors)
    version.submitted_at = now
    _set_status(session, message_map, {"status": MessageStatus.IN_REVIEW}, action="submit",
                actor=actor, now=now)
    # Every approver but those who wrote part of it since the last approval: they may not decide.
    approvals.ask_for_approval(
        session, key_prefix=_approval_key(message_map, version.number, now), approvers=None,
        exclude=authors_since_approval(session, message_map),
        subject=_subject(message_map, "Approve message"),
        body=f"Version {version.number}, submitted by {actor.name}.", now=now, settings=delivery, actor=actor)


def _in_review(session: Session, message_map: MessageMap, number: int, actor: User) -> MessageVersion:
    """The version under review, if `number` is still it and `actor` may decide on it."""
    require_role(actor, APPROVERS, "approve message maps")
    if message_map.status is not MessageStatus.IN_REVIEW:
        raise Conflict("This message map is not waiting for review")
    if number != message_map.latest_number:
        raise Conflict(f"Version {message_map.latest_number} was saved after the one you reviewed; "
                       "review the latest version")
    if actor.id in authors_since_approval(session, message_map):
        raise PermissionDenied("You wrote part of this version, so another approver must decide on it")
    return latest_version(session, message_map)


def approve(session: Session, message_map: MessageMap, *, number: int, actor: User, now: datetime,
            delivery: DeliverySettings, comment: str = "") -> None:
    """Put version `number` in force; it replaces any version approved before."""
    version = _in_review(session, message_map, number, actor)
    version.approved_at, version.approved_by_id = now, actor.id
    _set_status(session, message_map, {"status": MessageStatus.APPROVED, "approved_number": number,
                                       "approved_at": now, "approved_by_id": actor.id},
                action="approve", actor=actor, now=now)
    if comment.strip():
        add_comment(session, message_map, body=comment, actor=actor, now=now)
    cancel_approval_request(session, message_map, verb="Approved", now=now, actor=actor)


def return_for_changes(session: Session, message_map: MessageMap, *, number: int, comment: str,
                       actor: User, now: datetime, delivery: DeliverySettings) -> None:
    """Send the version back to draft, saying what needs to change."""
    version = _in_review(session, message_map, number, actor)
    if not comment.strip():
        raise ValidationError.single("comment", "Say what needs to change")
    add_comment(session, message_map, body=comment, actor=actor, now=now)
    _set_status(session, message_map, {"status": MessageStatus.DRAFT}, action="return", actor=actor,
                now=now)
    cancel_approval_request(session, message_map, verb="Sent back", now=now, actor=actor)
    reminders.schedule(
        session, key=f"message:{message_map.id}:returned:{version.number}:{now:%Y%m%dT%H%M%S%f}",
        kind="general",
        recipient=reminders.Recipient.person(message_map.owner), due_at=now, now=now,
        settings=delivery, actor=actor, subject=_subject(message_map, "Changes asked for"),
        body=comment.strip()[:1000])


def retire(session: Session, message_map: MessageMap, *, actor: User, now: datetime) -> None:
    """Take the map out of use: nothing of it stays in force and its reminders stop."""
    require_role(actor, WRITERS, "retire message maps")
    refuse_if_retired(message_map)
    if message_map.status is MessageStatus.IN_REVIEW:
        cancel_approval_request(session, message_map, verb="Retired", now=now, actor=actor)
    _set_status(session, message_map, {"status": MessageStatus.RETIRED}, action="retire",
                actor=actor, now=now)
    cancel_reviews(session, message_map, now=now, actor=actor)


def add_comment(session: Session, message_map: MessageMap, *, body: str, actor: User,
                now: datetime) -> MessageComment:
    require_role(actor, COMMENTERS, "comment on message maps")
    text = body.strip()
    if not text:
        raise ValidationError.single("comment", "Enter a comment")
    if len(text) > 2000:
        raise ValidationError.single("comment", "A comment must be 2,000 characters or fewer")
    comment = MessageComment(map_id=message_map.id, version_number=message_map.latest_number,
                             author_id=actor.id, body=text, created_at=now)
    audit.add_audited(session, comment, actor=actor, now=now)
    return comment
