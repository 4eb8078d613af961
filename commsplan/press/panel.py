"""The press desk's part of an incident page and report: its enquiries (how many answered in time) and its
claims (how many still circulating), each counted in one query."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents.models import Incident
from commsplan.incidents.page import Panel
from commsplan.press import claims, enquiries


def incident_panel(session: Session, incident: Incident, viewer: User) -> Panel | None:
    """Counted in SQL, so the incident page's queries stay the same however many there are."""
    if not viewer.has_role(*enquiries.READERS):
        return None
    total, in_time = enquiries.incident_counts(session, incident.id)
    claim_total, claims_open = claims.incident_counts(session, incident.id)
    return Panel("press/_incident_panel.html", {
        "anchor": "press", "heading": "Press desk", "incident_id": incident.id,
        "enquiries": total, "in_time": in_time, "claims": claim_total, "claims_open": claims_open,
        "can_log": viewer.has_role(*enquiries.WRITERS)})


def report_figures(session: Session, incident: Incident) -> list[tuple[str, str]]:
    """The incident report's press figures: enquiries answered in time, and claims still circulating."""
    total, in_time = enquiries.incident_counts(session, incident.id)
    claim_total, claims_open = claims.incident_counts(session, incident.id)
    return [("Media enquiries answered in time", f"{in_time} of {total}"),
            ("Claims recorded", f"{claim_total}, {claims_open} still circulating")]
