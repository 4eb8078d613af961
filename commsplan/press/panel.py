"""The press desk's part of an incident page: its enquiries and how many were answered in time."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents.models import Incident
from commsplan.incidents.page import Panel
from commsplan.press import enquiries


def incident_panel(session: Session, incident: Incident, viewer: User) -> Panel | None:
    """Counted in SQL, so the incident page's queries stay the same however many there are."""
    if not viewer.has_role(*enquiries.READERS):
        return None
    total, in_time = enquiries.incident_counts(session, incident.id)
    return Panel("press/_incident_panel.html", {
        "anchor": "press", "heading": "Press desk", "incident_id": incident.id,
        "enquiries": total, "in_time": in_time,
        "can_log": viewer.has_role(*enquiries.WRITERS)})
