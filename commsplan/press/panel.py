"""The press desk's part of an incident page and report: its enquiries (how many answered in time) and its
claims (how many still circulating), each counted in one query; and the same across incidents for
the figures page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents.models import Incident
from commsplan.incidents.page import Panel
from commsplan.messages.models import MessageMap
from commsplan.press import claims, enquiries
from commsplan.press.models import Claim, MediaEnquiry


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


def totals(session: Session, incident_ids: Select[Any]) -> list[tuple[str, str]]:
    """The figures page's press totals over the incidents `incident_ids` selects (two queries)."""
    total, in_time = enquiries.counts_where(session, MediaEnquiry.incident_id.in_(incident_ids))
    claim_total, claims_open, hours = claims.counts_where(session, Claim.incident_id.in_(incident_ids))
    circulated = f"{hours:.1f} hours on average until faded" if hours is not None else "none faded yet"
    return [("Media enquiries answered in time", f"{in_time} of {total}"),
            ("Claims recorded", f"{claim_total}, {claims_open} still circulating; {circulated}")]


def unanswered_claims(session: Session, unit_id: int | None, viewer: User) -> dict[int, str]:
    """For the coverage matrix, by element: claims still circulating whose linked message map has no
    approved version to answer them with. Staff only: partner viewers see nothing of the desk."""
    if not viewer.has_role(*claims.READERS):
        return {}
    query = (select(MessageMap.element_id, func.count(Claim.id))
             .join(MessageMap, MessageMap.id == Claim.map_id)
             .where(Claim.status.in_(claims.OPEN), MessageMap.approved_number.is_(None))
             .group_by(MessageMap.element_id))
    if unit_id is not None:
        query = query.where(Claim.unit_id == unit_id)
    return {element_id: f"{count} claim{'s' if count != 1 else ''} still circulating, linked to a map "
            "with no approved version" for element_id, count in session.execute(query)}
