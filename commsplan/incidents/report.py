"""The incident report: everything that happened, in one place, as HTML to print or Markdown to file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template, render_template_string
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents import assessments, closing, decision_chain, decisions, drafts, records, service
from commsplan.incidents.figures import IncidentFigures
from commsplan.incidents.figures import figures as figures_of
from commsplan.incidents.models import Debrief, DecisionEntry, ImpactAssessment, Incident, IncidentStatement
from commsplan.incidents.models import TimelineEvent as Event
from commsplan.playbooks.model import Playbook
from commsplan.playbooks.vocab import START_ANCHOR
from commsplan.timeutil import utcnow

FigureBuilder = Callable[[Session, Incident], list[tuple[str, str]]]
_figure_builders: list[FigureBuilder] = []


def add_figures(builder: FigureBuilder) -> None:
    """Called by create_app (register_listeners): a higher room's figures in every report."""
    if builder not in _figure_builders:
        _figure_builders.append(builder)


@dataclass(frozen=True)
class Report:
    incident: Incident
    playbook: Playbook
    at: datetime
    notified_at: datetime | None  # the clock the figures are measured from
    figures: IncidentFigures
    events: list[Event]  # oldest first
    statements: list[IncidentStatement]
    decisions: list[DecisionEntry]  # in sequence
    corrected: dict[int, int]  # superseded entry id → the sequence of the entry that corrects it
    assessments: list[ImpactAssessment]  # oldest version first
    debrief: Debrief | None
    debrief_by: User | None
    roles: dict[str, str]
    head: decision_chain.ChainHead | None  # what printed and saved copies carry to check the log against
    more_figures: list[tuple[str, str]]  # (label, value) from the rooms above, such as the press desk


def build(session: Session, incident: Incident, *, now: datetime | None = None) -> Report:
    """Gather the report with a fixed number of queries, whatever the incident's size."""
    at = now or utcnow()
    playbook = records.playbook_of(incident)
    entries = decisions.decisions_of(session, incident)
    debrief = closing.debrief_of(session, incident)
    return Report(
        incident=incident, playbook=playbook, at=at, notified_at=incident.anchor_times().get(START_ANCHOR),
        figures=figures_of(session, incident, now=at),
        events=list(reversed(service.timeline(session, incident))),
        statements=drafts.statements_of(session, incident),
        decisions=entries, corrected=decisions.superseded_ids(entries),
        assessments=list(reversed(assessments.assessments_of(session, incident))),
        debrief=debrief, debrief_by=session.get(User, debrief.written_by_id) if debrief else None,
        roles=records.incident_roles(playbook), head=decision_chain.head_of(incident.reference, entries),
        more_figures=[figure for builder in _figure_builders for figure in builder(session, incident)])


def context(report: Report) -> dict[str, Any]:
    return {"report": report, "ndm_parts": decisions.NDM_PARTS, "ethics_text": decisions.ethics_text,
            "head_line": decision_chain.format_chain_head(report.head),
            "prompts": {p.id: p.prompt for p in report.playbook.community_impact}}


# The Markdown decision log: who made and who recorded each entry, its Code of Ethics, and the chain
# head. It replaces the section report.md writes, which predates signing (see `as_markdown`).
DECISION_LOG_MD = """{% autoescape false %}## Decision log

{{ head_line }}
{% for entry in report.decisions %}
### {{ entry.sequence }}. {% if entry.id in report.corrected %}~~{{ entry.decision | md }}~~ \
(superseded by entry \
{{ report.corrected[entry.id] }}){% else %}{{ entry.decision | md }}{% endif %}

{{ entry.at | datetime }}, {{ entry.decided_by.name | md }} as {{ report.roles.get(entry.decision_role, \
entry.decision_role) | md }}{% if entry.on_behalf %}, recorded by \
{{ entry.recorded_by.name | md }} on their behalf\
{% endif %}{% if entry.supersedes_id %}; corrects an earlier entry{% endif %}
{% for name, label in ndm_parts.items() if entry[name] %}
- {{ label }}: {{ entry[name] | md | indent(2) }}{% endfor %}
- Code of Ethics: {{ ethics_text(entry) }}{% if entry.ethics_note %}
- How the mission, values and ethics shaped it: {{ entry.ethics_note | md | indent(2) }}{% endif %}
{% else %}
No decisions logged.
{% endfor %}{% endautoescape %}"""
DECISION_LOG_HEADING, NEXT_HEADING = "\n## Decision log\n", "\n## Community impact assessments\n"


def as_markdown(report: Report) -> str:
    """The report as Markdown, with the decision log section written from `DECISION_LOG_MD`."""
    text = render_template("incidents/report.md", **context(report))
    section = render_template_string(DECISION_LOG_MD, **context(report))
    start, end = text.find(DECISION_LOG_HEADING), text.find(NEXT_HEADING)
    if 0 <= start < end:
        return f"{text[:start + 1]}{section}{text[end:]}"
    return f"{text.rstrip()}\n\n{section}"
