"""Standing an incident down and closing it with a debrief (its figures are in `figures`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents import campaigns, records, service, task_reminders
from commsplan.incidents.models import (
    Debrief,
    Incident,
    IncidentStatus,
)
from commsplan.notifications import approvals
from commsplan.notifications.settings import DeliverySettings

LONGEST_ANSWER = 5000
CLOSERS = (Role.DUTY_OFFICER, Role.APPROVER)


@dataclass(frozen=True)
class DebriefInput:
    went_well: str
    to_improve: str
    playbook_changes: str = ""
    welfare_actions: str = ""


def stand_down(session: Session, incident: Incident, reason: str, *, actor: User, now: datetime,
               settings: DeliverySettings | None = None) -> None:
    """End the response: reminders stop, open tasks stay open as a record, the debrief comes next, and
    the owners of campaign work it paused are reminded to review and resume it."""
    require_role(actor, service.WORKERS, "stand incidents down")
    records.require_active(incident)
    why = records.written("reason", reason, missing="Say why the incident is being stood down",
                          limit=LONGEST_ANSWER)
    # Every reminder about the incident shares this prefix: each task's (task_reminders.task_key), the
    # status updates' (service.status_key) and the impact assessment's review. One query finds them.
    task_reminders.cancel_pending(session, f"incident:{incident.id}:", now=now, actor=actor)
    approvals.resolve(session, key_prefix=f"incident:{incident.id}:", now=now, actor=actor,
                      resolution=f"The incident was stood down at {approvals.clock(now)}")
    set_status(session, incident, IncidentStatus.STOOD_DOWN, {"reason": why}, actor=actor, now=now)
    incident.stood_down_at = now
    records.log(session, incident, "stood_down", f"Stood down: {why}", actor=actor, now=now)
    campaigns.remind_to_resume(session, incident, actor=actor, now=now,
                               settings=settings or DeliverySettings())


def close(session: Session, incident: Incident, answers: DebriefInput, *, actor: User, now: datetime
          ) -> Debrief:
    """Close a stood-down incident with what the team learned."""
    require_role(actor, CLOSERS, "close incidents")
    if incident.status is IncidentStatus.CLOSED:
        raise Conflict("This incident is already closed")
    if incident.status is not IncidentStatus.STOOD_DOWN:
        raise Conflict("Stand the incident down before closing it")
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for name, missing in (("went_well", "Say what went well"), ("to_improve", "Say what to improve"),
                          ("playbook_changes", ""), ("welfare_actions", "")):
        try:
            values[name] = records.written(name, getattr(answers, name), missing=missing,
                                           limit=LONGEST_ANSWER)
        except ValidationError as error:
            errors |= error.errors
    if errors:
        raise ValidationError(errors)
    debrief = Debrief(incident_id=incident.id, held_at=now, written_by_id=actor.id, **values)
    session.add(debrief)
    set_status(session, incident, IncidentStatus.CLOSED, values, actor=actor, now=now)
    incident.closed_at = now
    records.log(session, incident, "closed", "Closed with a debrief.", actor=actor, now=now)
    return debrief


def set_status(session: Session, incident: Incident, status: IncidentStatus, said: dict[str, str], *,
               actor: User, now: datetime) -> None:
    """Move the incident on, auditing the change with the words given for it."""
    before = incident.status
    incident.status, incident.updated_at = status, now
    action = "stand_down" if status is IncidentStatus.STOOD_DOWN else "close"
    changes: dict[str, list[Any]] = {"status": [before.value, status.value]}
    changes |= {name: [None, text] for name, text in said.items() if text}
    audit.record(session, actor=actor, action=action, obj=incident, changes=changes, now=now)


def debrief_of(session: Session, incident: Incident) -> Debrief | None:
    return session.scalar(select(Debrief).where(Debrief.incident_id == incident.id))
