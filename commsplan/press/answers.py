"""An enquiry's answer written for it: drafted, approved like an incident statement (`drafts`), then
given when the answer is recorded (`enquiries.answer`).

Anyone on the press desk drafts the words while the enquiry is open; the incident's guardrails
check them then, at approval and when they are given. Once approved, the handler may give them as
they may give an approved message map: the approval is the control.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents import records
from commsplan.incidents.models import Incident
from commsplan.press import drafts
from commsplan.press.enquiries import LONGEST_TEXT, OPEN, WHAT, WRITERS, guardrail_failures, required_text
from commsplan.press.models import MediaEnquiry, PressDraft

FIELD = "draft_text"


def of(enquiry: MediaEnquiry) -> Any:
    return PressDraft.enquiry_id == enquiry.id


def draft(session: Session, enquiry: MediaEnquiry, text: str, *, actor: User, now: datetime) -> PressDraft:
    """Write an answer for approval; the guardrails refuse it now rather than at sign-off."""
    require_role(actor, WRITERS, "draft answers to media enquiries")
    if enquiry.status not in OPEN:
        raise Conflict(f"This enquiry is {enquiry.status.label.lower()}: there is nothing to answer")
    errors: dict[str, list[str]] = {}
    words = required_text(errors, FIELD, text, "Write the answer", LONGEST_TEXT)
    if not errors and (failed := guardrail_failures(session, enquiry, words)):
        errors[FIELD] = failed
    if errors:
        raise ValidationError(errors)
    drafted = drafts.add(session, {"enquiry_id": enquiry.id}, words, actor=actor, now=now)
    log(session, enquiry, f"Answer to {enquiry.outlet} drafted for approval.", actor=actor, now=now)
    return drafted


def history(session: Session, enquiry: MediaEnquiry) -> list[PressDraft]:
    return drafts.history(session, of(enquiry))


def refusal(drafted: PressDraft, actor: User) -> str | None:
    return drafts.refusal(drafted, actor, WHAT)


def approve(session: Session, enquiry: MediaEnquiry, draft_id: int | None, *, actor: User,
            now: datetime) -> None:
    """Sign the newest draft off: never its drafter, and only if it still passes the guardrails."""
    if enquiry.status not in OPEN:
        raise Conflict(f"This enquiry is {enquiry.status.label.lower()}: there is nothing to answer")
    drafted = drafts.newest(session, of(enquiry), draft_id, WHAT)
    drafts.approve(session, drafted, guardrail_failures(session, enquiry, drafted.text), FIELD,
                   what=WHAT, actor=actor, now=now)
    log(session, enquiry, f"Answer to {enquiry.outlet} approved by {actor.name}.", actor=actor, now=now)


def log(session: Session, enquiry: MediaEnquiry, text: str, *, actor: User, now: datetime) -> None:
    incident = session.get(Incident, enquiry.incident_id) if enquiry.incident_id else None
    if incident is not None:
        records.log(session, incident, "press_enquiry", text, actor=actor, now=now)
