"""Corrections after logging: an open enquiry's question or deadline, and a claim's estimated reach.

Each is an audited change shown in the record's history. A new deadline moves the handler's
reminders: those still to come are cancelled and asked again for the new time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents import records
from commsplan.incidents.models import Incident
from commsplan.press import clock
from commsplan.press.claims import people_count
from commsplan.press.enquiries import LONGEST_TEXT, OPEN, WRITERS, check_deadline, required_text
from commsplan.press.models import Claim, MediaEnquiry


def correct_enquiry(session: Session, enquiry: MediaEnquiry, question: str, deadline_at: datetime | None,
                    *, actor: User, now: datetime, settings: clock.DeliverySettings) -> None:
    """Change the question as asked and, when one is given, the deadline; nothing else moves."""
    require_role(actor, WRITERS, "correct media enquiries")
    if enquiry.status not in OPEN:
        raise Conflict(f"This enquiry is {enquiry.status.label.lower()}: it can no longer be corrected")
    errors: dict[str, list[str]] = {}
    words = required_text(errors, "question", question, "Enter the question asked", LONGEST_TEXT)
    check_deadline(errors, deadline_at, now)
    if errors:
        raise ValidationError(errors)
    moved = deadline_at is not None and deadline_at != enquiry.deadline_at
    if words == enquiry.question and not moved:
        return
    values: dict[str, object] = {"question": words}
    if moved:
        clock.stop(session, enquiry, now=now, actor=actor)
        values |= {"deadline_at": deadline_at, "deadline_given": True}
    audit.update_audited(session, enquiry, values, actor=actor, now=now)
    incident = session.get(Incident, enquiry.incident_id) if enquiry.incident_id else None
    if moved:
        clock.remind(session, enquiry, incident, now=now, settings=settings, actor=actor)
    if incident is not None:
        change = f"answer now due {clock.shown(enquiry.deadline_at)}" if moved else "question corrected"
        records.log(session, incident, "press_enquiry", f"Media enquiry from {enquiry.outlet}: {change}.",
                    actor=actor, now=now)


def correct_reach(session: Session, claim: Claim, reach: str, *, actor: User, now: datetime) -> None:
    """The claim's estimated reach, as better known now (blank when not known)."""
    require_role(actor, WRITERS, "correct claims")
    errors: dict[str, list[str]] = {}
    people = people_count(errors, "reach", reach)
    if errors:
        raise ValidationError(errors)
    audit.update_audited(session, claim, {"reach": people}, actor=actor, now=now)
