"""The incident report: everything that happened, in one place, as HTML to print or Markdown to file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from commsplan.incidents import assessments, closing, decisions, service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Debrief, DecisionEntry, ImpactAssessment, Incident, IncidentStatement
from commsplan.incidents.models import TimelineEvent as Event
from commsplan.playbooks.model import Playbook


@dataclass(frozen=True)
class Report:
    incident: Incident
    playbook: Playbook
    figures: closing.Figures
    events: list[Event]
    statements: list[IncidentStatement]
    decisions: list[DecisionEntry]
    corrected: dict[int, int]
    assessments: list[ImpactAssessment]
    debrief: Debrief | None
    roles: dict[str, str]


def build(session: Session, incident: Incident) -> Report:
    """Gather the report with a fixed number of queries, whatever the incident's size."""
    entries = decisions.decisions_of(session, incident)
    playbook = service.playbook_of(incident)
    oldest_first = list(reversed(assessments.assessments_of(session, incident)))
    return Report(incident, playbook, closing.figures(session, incident),
                  list(reversed(service.timeline(session, incident))),
                  statement_service.statements_of(session, incident), entries,
                  decisions.superseded_ids(entries), oldest_first, closing.debrief_of(session, incident),
                  service.incident_roles(playbook))


def context(report: Report) -> dict[str, Any]:
    return {"report": report, "ndm_parts": decisions.NDM_PARTS,
            "prompts": {p.id: p.prompt for p in report.playbook.community_impact}}


def as_markdown(report: Report) -> str:
    return render_template("incidents/report.md", **context(report))
