"""An incident and the campaign work around it: the sensitivity window it proposes for its unit and
elements, the activities it may affect, and pausing the ones the incident team chooses.

A live incident may add its window and pause activities; each pause is a decision in the incident's
log (so it is signed and chained like any other) and is recorded on the activity. An exercise shows
the same proposal and list but changes nothing. When a live incident stands down, the owners of the
activities it paused are reminded to review and resume them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents import decisions, records
from commsplan.incidents.models import Incident, IncidentMode
from commsplan.notifications import service as reminders
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import pausing
from commsplan.plans.models import Activity
from commsplan.reference.models import ViolenceElement
from commsplan.rendering import format_datetime
from commsplan.sensitivity import service as windows
from commsplan.sensitivity.models import SensitivityWindow
from commsplan.timeutil import to_london

WINDOW_DAYS = 14  # the proposed window: today and the next fortnight, to be changed as it unfolds
MAX_PAUSED_AT_ONCE = 50
RESUME_KIND = "review_due"


def element_ids(session: Session, incident: Incident) -> list[int]:
    """The violence elements the incident's playbook is about."""
    codes = list(records.playbook_of(incident).elements)
    return list(session.scalars(select(ViolenceElement.id).where(ViolenceElement.code.in_(codes))))


def proposed_window(session: Session, incident: Incident, now: datetime) -> windows.WindowValues | None:
    """The window the incident proposes for its unit and elements; None when it names no unit."""
    if incident.unit_id is None:
        return None
    today = to_london(now).date()
    return windows.WindowValues(
        title=f"{incident.reference}: {incident.title}"[:200], kind="incident", severity="avoid",
        first_day=today, last_day=today + timedelta(days=WINDOW_DAYS - 1), unit_ids=(incident.unit_id,),
        element_ids=tuple(element_ids(session, incident)),
        note=f"Proposed by incident {incident.reference}. Review when it stands down.")


def require_live(incident: Incident, doing: str) -> None:
    if incident.mode is IncidentMode.EXERCISE:
        raise Conflict(f"An exercise never {doing}: it shows what a live incident would propose")
    records.require_active(incident)


def add_window(session: Session, incident: Incident, *, actor: User, now: datetime) -> SensitivityWindow:
    """Add the proposed window (a live, active incident with a unit only)."""
    require_role(actor, decisions.LOGGERS, "add a window for an incident")
    require_live(incident, "adds a sensitivity window")
    values = proposed_window(session, incident, now)
    if values is None:
        raise Conflict("The incident names no business unit, so there is no window to propose")
    window = windows.save_window(session, values, actor=actor, now=now,
                                 roles=(*windows.WRITERS, *decisions.LOGGERS))
    records.log(session, incident, "sensitivity_window", f"Sensitivity window added: {window.audit_label}",
                actor=actor, now=now)
    return window


def affected(session: Session, incident: Incident, now: datetime) -> Select[Activity] | None:
    """The query for the activities the incident may affect (page it); None without a unit."""
    if incident.unit_id is None:
        return None
    return pausing.affected_query(unit_id=incident.unit_id, element_ids=element_ids(session, incident),
                                  now=now)


def pause(session: Session, incident: Incident, activity_ids: Collection[int], *, decision_role: str,
          actor: User, now: datetime) -> list[Activity]:
    """Pause the chosen activities, each only if the incident affects it, each with its decision."""
    require_role(actor, decisions.LOGGERS, "pause campaign work for an incident")
    require_live(incident, "pauses campaign work")
    chosen = list(dict.fromkeys(activity_ids))
    if not chosen:
        raise ValidationError.single("activity_ids", "Choose the activities to pause")
    if len(chosen) > MAX_PAUSED_AT_ONCE:
        raise ValidationError.single("activity_ids", f"Pause {MAX_PAUSED_AT_ONCE} activities at most at once")
    query = affected(session, incident, now)
    found = list(session.scalars(query.where(Activity.id.in_(chosen)))) if query is not None else []
    if len(found) != len(chosen):
        raise ValidationError.single("activity_ids", "Choose activities from the list: one has changed or "
                                                     "is no longer affected")
    for activity in found:
        entry = decisions.add_decision(session, incident, decisions.DecisionInput(
            decision_role=decision_role,
            decision=f"Pause “{activity.title}” ({activity.channel.name}, starting "
                     f"{format_datetime(activity.starts_at)}) while the incident is live",
            action_review="Review and resume when the incident stands down"), actor=actor, now=now)
        pausing.pause_activity(session, activity, incident_id=incident.id, actor=actor, now=now,
                               note=f"Paused for incident {incident.reference}, decision {entry.sequence}")
    return found


def remind_to_resume(session: Session, incident: Incident, *, actor: User, now: datetime,
                     settings: DeliverySettings) -> int:
    """When a live incident stands down, remind each owner of the activities it paused to review and
    resume them; returns how many reminders were scheduled."""
    owners: dict[int, list[Activity]] = {}
    for activity in pausing.paused_for(session, incident.id):
        owners.setdefault(activity.owner_id, []).append(activity)
    for owner_id, held in owners.items():
        first = held[0]
        reminders.schedule(
            session, key=f"resume:incident:{incident.id}:{owner_id}", kind=RESUME_KIND,
            recipient=reminders.Recipient(user_id=owner_id), due_at=now, now=now, settings=settings,
            actor=actor, subject=reminders.Subject(
                type="comm_plan", id=str(first.plan_id),
                title=f"Review and resume: {len(held)} paused for {incident.reference}"[:200],
                link=f"/plans/{first.plan_id}#activity-{first.id}"),
            body="Stood down. Paused: " + "; ".join(activity.title for activity in held[:10]))
    return len(owners)
