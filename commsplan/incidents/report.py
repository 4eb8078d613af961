"""The incident report: everything that happened, in one place, as HTML to print or Markdown to file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents import assessments, closing, decisions, service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Debrief, DecisionEntry, ImpactAssessment, Incident, IncidentStatement
from commsplan.incidents.models import TimelineEvent as Event
from commsplan.playbooks.model import Playbook
from commsplan.playbooks.vocab import START_ANCHOR
from commsplan.timeutil import utcnow


@dataclass(frozen=True)
class Report:
    incident: Incident
    playbook: Playbook
    at: datetime
    notified_at: datetime | None  # the clock the figures are measured from
    figures: closing.IncidentFigures
    events: list[Event]  # oldest first
    statements: list[IncidentStatement]
    decisions: list[DecisionEntry]  # in sequence
    corrected: dict[int, int]  # superseded entry id → the sequence of the entry that corrects it
    assessments: list[ImpactAssessment]  # oldest version first
    debrief: Debrief | None
    debrief_by: User | None
    roles: dict[str, str]


def build(session: Session, incident: Incident, *, now: datetime | None = None) -> Report:
    """Gather the report with a fixed number of queries, whatever the incident's size."""
    at = now or utcnow()
    playbook = service.playbook_of(incident)
    entries = decisions.decisions_of(session, incident)
    debrief = closing.debrief_of(session, incident)
    return Report(
        incident=incident, playbook=playbook, at=at, notified_at=incident.anchor_times().get(START_ANCHOR),
        figures=closing.figures(session, incident, now=at),
        events=list(reversed(service.timeline(session, incident))),
        statements=statement_service.statements_of(session, incident),
        decisions=entries, corrected=decisions.superseded_ids(entries),
        assessments=list(reversed(assessments.assessments_of(session, incident))),
        debrief=debrief, debrief_by=session.get(User, debrief.written_by_id) if debrief else None,
        roles=service.incident_roles(playbook))


def context(report: Report) -> dict[str, Any]:
    return {"report": report, "ndm_parts": decisions.NDM_PARTS,
            "prompts": {p.id: p.prompt for p in report.playbook.community_impact}}


def as_markdown(report: Report) -> str:
    return render_template("incidents/report.md", **context(report))
