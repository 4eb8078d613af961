"""Statements drafted from the playbook's templates when their tasks open, and filled again while
nobody has edited them. Launching calls this; checking, approving and releasing are `statements`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents.models import Incident, IncidentStatement, IncidentTask, StatementStatus
from commsplan.incidents.records import playbook_of, shown_inputs
from commsplan.playbooks import statements as templates
from commsplan.playbooks.model import Playbook


def draft_for_tasks(session: Session, incident: Incident, playbook: Playbook, tasks: Iterable[IncidentTask],
                    *, actor: User, now: datetime) -> int:
    """A draft for each task whose step writes a statement, filled from the inputs so far.

    All drafts go in with one INSERT; returns how many.
    """
    steps = {step.id: step for step in playbook.steps}
    drafts = []
    for task in tasks:
        step = steps.get(task.step_id)
        if step is None or step.statement is None:
            continue
        template = playbook.statements[step.statement]
        drafts.append({
            "incident_id": incident.id, "task_id": task.id, "template_id": template.id, "kind": template.kind,
            "title": template.title, "body": rendered(session, incident, playbook, template.id),
            "edited": False, "status": StatementStatus.DRAFT, "drafted_by_id": actor.id,
            "channels": list(step.channels), "created_at": now, "updated_at": now})
    if drafts:
        session.execute(insert(IncidentStatement), drafts)
    return len(drafts)


def rendered(session: Session, incident: Incident, playbook: Playbook, template_id: str) -> str:
    labels = {spec.id: spec.label for spec in playbook.inputs}
    values = shown_inputs(session, playbook, incident.inputs)
    return templates.render(playbook.statements[template_id].body, values, labels)


def refresh_drafts(session: Session, incident: Incident, *, now: datetime) -> int:
    """Fill unedited drafts again after the inputs change; edited words are never overwritten."""
    playbook = playbook_of(incident)
    count = 0
    for statement in statements_of(session, incident):
        if statement.status is StatementStatus.DRAFT and not statement.edited:
            body = rendered(session, incident, playbook, statement.template_id)
            if body != statement.body:
                statement.body, statement.updated_at = body, now
                count += 1
    return count


def statements_of(session: Session, incident: Incident) -> list[IncidentStatement]:
    return list(session.scalars(select(IncidentStatement).where(IncidentStatement.incident_id == incident.id)
                                .order_by(IncidentStatement.id)))
