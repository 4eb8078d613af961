"""What every incident service shares: the timeline, the launched playbook, roles and their holders,
and checked free text. It imports no other incident service, so all of them can use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents.models import Incident, IncidentStatus, RoleAssignment, TimelineEvent
from commsplan.playbooks import vocab
from commsplan.playbooks.loader import load_text
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import to_london

LONGEST_REASON = 2000


def written(field: str, text: str, *, missing: str = "", limit: int = LONGEST_REASON) -> str:
    """Free text from a person: required when `missing` says what to ask for; never cut short."""
    if missing and not text.strip():
        raise ValidationError.single(field, missing)
    if len(text) > limit:
        raise ValidationError.single(field, f"Use {limit:,} characters at most (this is {len(text):,})")
    return text.strip()


def shown_inputs(session: Session, playbook: Playbook, values: Mapping[str, Any]) -> dict[str, Any]:
    """Input values as a statement shows them: times in words, units by name."""
    shown: dict[str, Any] = {}
    for spec in playbook.inputs:
        value = values.get(spec.id)
        if value is None:
            continue
        if spec.type == "datetime":
            value = to_london(datetime.fromisoformat(value)).strftime("%H:%M on %A %-d %B")
        elif spec.type == "number":
            value = f"{value:g}"  # as typed: 16, not 16.0
        elif spec.type == "unit":
            unit = session.get(BusinessUnit, value)
            value = unit.name if unit else ""
        shown[spec.id] = value
    return shown


@lru_cache(maxsize=64)
def _playbook_from(source: str, path: str) -> Playbook:
    # Codes were checked at launch; an element retired since must not make the incident unreadable.
    result = load_text(source, path, elements=None, qualifiers=None)
    if result.playbook is None:
        raise Conflict("The playbook this incident was launched from can no longer be read")
    return result.playbook


def playbook_of(incident: Incident) -> Playbook:
    """The playbook as it was when this incident was launched, whatever the file says now."""
    return _playbook_from(incident.revision.source_text, f"{incident.playbook_id}.md")


def incident_roles(playbook: Playbook) -> dict[str, str]:
    """The playbook's roles, and the duty officer every incident has."""
    return {"duty_officer": vocab.STANDARD_ROLES["duty_officer"], **playbook.roles}


def role_holders(session: Session, incident: Incident) -> dict[str, RoleAssignment]:
    """Who holds each role now."""
    current = session.scalars(select(RoleAssignment).where(
        RoleAssignment.incident_id == incident.id, RoleAssignment.ended_at.is_(None)))
    return {assignment.role: assignment for assignment in current}


def log(session: Session, incident: Incident, kind: str, text: str, *, actor: User | None,
        now: datetime) -> None:
    session.add(TimelineEvent(incident_id=incident.id, at=now, kind=kind, text=text,
                              actor_id=actor.id if actor else None))


def require_active(incident: Incident) -> None:
    if incident.status is not IncidentStatus.ACTIVE:
        raise Conflict(f"This incident is {incident.status.label.lower()}")
