"""Standing an incident down, closing it with a debrief, and the figures it is measured by.

Figures: minutes from police being notified to the first released holding statement, tasks done
on time, tasks that went overdue, statements released, decisions logged. Exercises are left out
of the figures across incidents, so practice never flatters or spoils the live record.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents import records, service, task_reminders
from commsplan.incidents.models import (
    Debrief,
    DecisionEntry,
    Incident,
    IncidentAnchor,
    IncidentMode,
    IncidentStatement,
    IncidentStatus,
    IncidentTask,
    StatementStatus,
    TaskStatus,
)
from commsplan.notifications import approvals
from commsplan.playbooks.vocab import START_ANCHOR

LONGEST_ANSWER = 5000
Row = TypeVar("Row", IncidentTask, IncidentStatement, DecisionEntry)
CLOSERS = (Role.DUTY_OFFICER, Role.APPROVER)


@dataclass(frozen=True)
class DebriefInput:
    went_well: str
    to_improve: str
    playbook_changes: str = ""
    welfare_actions: str = ""


@dataclass(frozen=True)
class IncidentFigures:
    minutes_to_holding: int | None
    done_on_time: int
    done_with_due_time: int
    overdue: int
    statements_released: int
    decisions: int

    @property
    def on_time_text(self) -> str:
        return f"{self.done_on_time} of {self.done_with_due_time}"

    @property
    def holding_text(self) -> str:
        if self.minutes_to_holding is None:
            return "No holding statement was released"
        return f"{self.minutes_to_holding} minute{'s' if self.minutes_to_holding != 1 else ''}"


def stand_down(session: Session, incident: Incident, reason: str, *, actor: User, now: datetime) -> None:
    """End the response: reminders stop, open tasks stay open as a record, the debrief comes next."""
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


# --- Figures -----------------------------------------------------------------------------------

def figures(session: Session, incident: Incident, *, now: datetime | None = None) -> IncidentFigures:
    """One incident's figures; `now` counts open tasks past due while it is still active."""
    return figures_for(session, [incident], now=now)[incident.id]


def figures_for(session: Session, incidents: list[Incident], *, now: datetime | None = None
                ) -> dict[int, IncidentFigures]:
    """Figures for many incidents with four queries, whatever their number."""
    ids = [incident.id for incident in incidents]
    notified = {incident_id: at for incident_id, at in session.execute(
        select(IncidentAnchor.incident_id, IncidentAnchor.occurred_at).where(
            IncidentAnchor.incident_id.in_(ids), IncidentAnchor.anchor == START_ANCHOR))}
    tasks = grouped(session.scalars(select(IncidentTask).where(IncidentTask.incident_id.in_(ids))))
    released = grouped(session.scalars(select(IncidentStatement).where(
        IncidentStatement.incident_id.in_(ids), IncidentStatement.status == StatementStatus.RELEASED)))
    decided = grouped(session.scalars(select(DecisionEntry).where(DecisionEntry.incident_id.in_(ids))))
    return {incident.id: measure(incident, notified.get(incident.id), tasks.get(incident.id, []),
                                 released.get(incident.id, []), len(decided.get(incident.id, [])), now)
            for incident in incidents}


def grouped(rows: Iterable[Row]) -> dict[int, list[Row]]:
    found: dict[int, list[Row]] = {}
    for row in rows:
        found.setdefault(row.incident_id, []).append(row)
    return found


def measure(incident: Incident, notified: datetime | None, tasks: list[IncidentTask],
            released: list[IncidentStatement], decisions: int, now: datetime | None) -> IncidentFigures:
    """Overdue: closed after the due time, or still open past it when stood down (or now, if active)."""
    holding = [s.released_at for s in released if s.kind == "holding" and s.released_at is not None]
    minutes = (int((min(holding) - notified).total_seconds() // 60)
               if holding and notified is not None else None)
    ended = incident.stood_down_at or incident.closed_at or now
    done = [t for t in tasks if t.status is TaskStatus.DONE and t.due_at is not None]
    on_time = [t for t in done if on_time_task(t)]
    late_done = [t for t in tasks if t.due_at is not None and t.completed_at is not None
                 and not on_time_task(t)]
    still_open = [t for t in tasks if t.status is TaskStatus.OPEN and t.due_at is not None
                  and ended is not None and t.due_at < ended]
    return IncidentFigures(minutes, len(on_time), len(done), len(late_done) + len(still_open),
                           len(released), decisions)


def on_time_task(task: IncidentTask) -> bool:
    return task.completed_at is not None and task.due_at is not None and task.completed_at <= task.due_at


def closed_live_figures(session: Session) -> tuple[list[tuple[Incident, IncidentFigures]], float | None]:
    """Every closed live incident with its figures, and the median minutes to a holding statement."""
    incidents = list(session.scalars(select(Incident).where(
        Incident.status == IncidentStatus.CLOSED, Incident.mode == IncidentMode.LIVE)
        .order_by(Incident.closed_at.desc())))
    found = figures_for(session, incidents)
    rows = [(incident, found[incident.id]) for incident in incidents]
    minutes = [f.minutes_to_holding for _, f in rows if f.minutes_to_holding is not None]
    return rows, statistics.median(minutes) if minutes else None
