"""An enquiry's service-level clock and the handler's reminders about it.

Without a deadline from the journalist, the answer is due within a time set by the incident's
severity: the worse the incident, the sooner the press office must say something. An enquiry about
no incident gets a working half-day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents.models import Incident, IncidentMode
from commsplan.notifications import service as reminders
from commsplan.notifications.settings import DeliverySettings
from commsplan.press.models import MediaEnquiry
from commsplan.timeutil import to_london

__all__ = ["DeliverySettings", "default_deadline", "remind", "stop", "shown"]

DEFAULT_RESPONSE = {"critical": timedelta(minutes=30), "high": timedelta(hours=1),
                    "medium": timedelta(hours=2), "low": timedelta(hours=4)}
NO_INCIDENT_RESPONSE = timedelta(hours=4)
DUE_SOON = timedelta(minutes=15)


def default_deadline(incident: Incident | None, now: datetime) -> datetime:
    if incident is None:
        return now + NO_INCIDENT_RESPONSE
    return now + DEFAULT_RESPONSE.get(incident.severity, NO_INCIDENT_RESPONSE)


def shown(moment: datetime) -> str:
    return f"{to_london(moment):%H:%M on %-d %B}"


def key_prefix(enquiry: MediaEnquiry) -> str:
    return f"press:enquiry:{enquiry.id}:"


def remind(session: Session, enquiry: MediaEnquiry, incident: Incident | None, *, now: datetime,
           settings: DeliverySettings, actor: User | None) -> None:
    """"Due soon" to the handler before the deadline, and "lapsed" at it (which supersedes the first
    if both would go together). In an exercise they stay in the app. Keys carry the time they were
    asked for, so a handler given the enquiry back after a handover is reminded again."""
    subject = reminders.Subject(type="media_enquiry", id=str(enquiry.id),
                                title=f"Media enquiry: {enquiry.outlet}, {enquiry.journalist}"[:200],
                                link=f"/press/enquiries/{enquiry.id}")
    prefix = f"{key_prefix(enquiry)}{now:%Y%m%dT%H%M%S}:"
    handler = reminders.Recipient(user_id=enquiry.handler_id)
    due_soon = f"{prefix}due:{enquiry.handler_id}"
    body = f"Answer due by {shown(enquiry.deadline_at)}. The question: {enquiry.question[:300]}"
    exercise = incident is not None and incident.mode is IncidentMode.EXERCISE
    requests = [reminders.ReminderRequest(
        key=f"{prefix}lapsed:{enquiry.handler_id}", kind="press_enquiry_lapsed", recipient=handler,
        subject=subject, due_at=enquiry.deadline_at, body=body, in_app_only=exercise, supersedes=due_soon)]
    requests.insert(0, reminders.ReminderRequest(
        key=due_soon, kind="press_enquiry_due", recipient=handler, subject=subject,
        due_at=max(enquiry.deadline_at - DUE_SOON, now), body=body, in_app_only=exercise))
    reminders.schedule_many(session, requests, now=now, settings=settings, actor=actor)


def stop(session: Session, enquiry: MediaEnquiry, *, now: datetime, actor: User | None) -> int:
    """Cancel the reminders still to come: the enquiry needs no more chasing."""
    return reminders.cancel_matching(session, key_prefix(enquiry), now=now, actor=actor)
