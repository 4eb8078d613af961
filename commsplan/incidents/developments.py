"""Tasks that follow the incident as it develops.

A step's `when` is decided again whenever the details change or a clock is recorded: a step whose
condition comes to hold appears (its task timed from its clock), and one whose condition stops
holding is withdrawn while nobody has started it. A withdrawn task stays in the record, marked
withdrawn; both show on the timeline. A clock recorded again (a further arrest) times its open
tasks from the latest recording, and a step marked `each` gets a task for every recording.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.incidents import drafts
from commsplan.incidents.models import (
    Incident,
    IncidentStatement,
    IncidentTask,
    StatementStatus,
    TaskStatus,
)
from commsplan.incidents.records import log
from commsplan.incidents.task_reminders import cancel_reminders, remind, task_key
from commsplan.notifications import approvals
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks.model import Playbook, Step
from commsplan.timeutil import to_london

TASKS = cast(Table, IncidentTask.__table__)


def condition_values(values: Mapping[str, Any], recorded: Sequence[str] | set[str],
                     playbook: Playbook) -> dict[str, Any]:
    """What a step's condition is tested against: each clock (recorded or not) and the inputs."""
    return {**{anchor: anchor in recorded for anchor in playbook.anchors}, **values}


def applies(step: Step, values: Mapping[str, Any]) -> bool:
    return step.when is None or step.when.holds(values)


# --- New tasks -----------------------------------------------------------------------------------

def task_row(incident: Incident, step_id: str, occurrence: int, title: str, owner_role: str, anchor: str,
             offset_minutes: int, due_at: datetime | None) -> dict[str, Any]:
    return {"incident_id": incident.id, "step_id": step_id, "occurrence": occurrence, "title": title,
            "owner_role": owner_role, "anchor": anchor, "offset_minutes": offset_minutes, "due_at": due_at,
            "status": TaskStatus.OPEN, "skip_reason": "", "reminder_round": 0}


def step_row(incident: Incident, step: Step, occurrence: int, clock: datetime | None,
             title: str = "") -> dict[str, Any]:
    """A task for a step, due its offset after `clock` (waiting while the clock has not started)."""
    return task_row(incident, step.id, occurrence, title or step.title, step.owner, step.at.anchor,
                    int(step.at.delta.total_seconds() // 60), clock + step.at.delta if clock else None)


def add_tasks(session: Session, incident: Incident, playbook: Playbook, steps: list[Step], *,
              actor: User, now: datetime, settings: DeliverySettings) -> list[IncidentTask]:
    """A task for each step, numbered after any the step had before."""
    clocks = incident.anchor_times()
    last = last_occurrences(session, incident)
    rows = [step_row(incident, step, last.get(step.id, 0) + 1, clocks.get(step.at.anchor))
            for step in steps]
    return open_tasks(session, incident, playbook, rows, actor=actor, now=now, settings=settings)


def last_occurrences(session: Session, incident: Incident) -> dict[str, int]:
    rows = session.execute(select(IncidentTask.step_id, func.max(IncidentTask.occurrence))
                           .where(IncidentTask.incident_id == incident.id)
                           .group_by(IncidentTask.step_id))
    return {step_id: occurrence for step_id, occurrence in rows}


def open_tasks(session: Session, incident: Incident, playbook: Playbook, rows: list[dict[str, Any]], *,
               actor: User, now: datetime, settings: DeliverySettings) -> list[IncidentTask]:
    """Save new tasks, draft the statements their steps write, and remind their owners.

    Rows go in with one INSERT and come back with one SELECT, so a playbook of forty steps
    launches with the same number of queries as one of four.
    """
    if not rows:
        return []
    # Core, not the ORM's bulk insert, which splits rows with and without a due time into batches.
    session.execute(insert(TASKS), rows)
    keys = [(row["step_id"], row["occurrence"]) for row in rows]
    tasks = list(session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id == incident.id,
        tuple_(IncidentTask.step_id, IncidentTask.occurrence).in_(keys)).order_by(IncidentTask.id)))
    drafts.draft_for_tasks(session, incident, playbook, tasks, actor=actor, now=now)
    remind(session, incident, tasks, now=now, settings=settings, actor=actor)
    return tasks


# --- A clock recorded again ----------------------------------------------------------------------

def follow_repeat(session: Session, incident: Incident, playbook: Playbook, anchor: str, occurrence: int,
                  occurred_at: datetime, *, actor: User, now: datetime, settings: DeliverySettings) -> int:
    """After a further recording of `anchor`: open tasks on it are timed from this one, and each
    step done for every recording gets a task. Returns how many tasks were timed or added."""
    open_on_clock = list(session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id == incident.id, IncidentTask.anchor == anchor,
        IncidentTask.status == TaskStatus.OPEN, IncidentTask.due_at.is_not(None))))
    each_ids = {step.id for step in playbook.steps if step.each}
    retimed = [task for task in open_on_clock if task.step_id not in each_ids]
    for task in retimed:
        cancel_reminders(session, task, now=now, actor=actor)
        task.due_at = occurred_at + timedelta(minutes=task.offset_minutes)
    remind(session, incident, retimed, now=now, settings=settings, actor=actor)
    live = live_steps(session, incident)
    values = condition_values(incident.inputs, {a.anchor for a in incident.anchors} | {anchor}, playbook)
    last = last_occurrences(session, incident)
    label = playbook.anchors.get(anchor, anchor).lower()
    rows = [step_row(incident, step, last.get(step.id, 0) + 1, occurred_at,
                     f"{step.title} ({label}, {ordinal(occurrence)} time)")
            for step in playbook.steps
            if step.each and step.at.anchor == anchor and (step.id in live or applies(step, values))]
    added = open_tasks(session, incident, playbook, rows, actor=actor, now=now, settings=settings)
    return len(retimed) + len(added)


def live_steps(session: Session, incident: Incident) -> set[str]:
    """Steps with a task that has not been withdrawn."""
    return set(session.scalars(select(IncidentTask.step_id).where(
        IncidentTask.incident_id == incident.id, IncidentTask.status != TaskStatus.WITHDRAWN)))


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# --- Conditions decided again --------------------------------------------------------------------

def reconsider(session: Session, incident: Incident, playbook: Playbook, *, actor: User, now: datetime,
               settings: DeliverySettings) -> tuple[list[str], list[str]]:
    """Decide every step's condition again; returns the titles of the steps that appeared and of
    the tasks withdrawn."""
    values = condition_values(incident.inputs, set(incident.anchor_times()), playbook)
    tasks = session.scalars(select(IncidentTask).where(IncidentTask.incident_id == incident.id)).all()
    by_step: dict[str, list[IncidentTask]] = defaultdict(list)
    for task in tasks:
        if task.status is not TaskStatus.WITHDRAWN:
            by_step[task.step_id].append(task)
    started = started_tasks(session, incident)
    appear = [step for step in playbook.steps
              if step.when is not None and not by_step[step.id] and step.when.holds(values)]
    leave = [task for step in playbook.steps if step.when is not None and not step.when.holds(values)
             for task in by_step[step.id] if task.status is TaskStatus.OPEN and task.id not in started]
    for task in leave:
        withdraw(session, incident, task, playbook, actor=actor, now=now)
    added = add_tasks(session, incident, playbook, appear, actor=actor, now=now, settings=settings)
    for task in added:
        step = next(s for s in playbook.steps if s.id == task.step_id)
        due = f"due {to_london(task.due_at):%H:%M on %-d %B}" if task.due_at else \
            f"waiting for {playbook.anchors.get(task.anchor, task.anchor).lower()}"
        log(session, incident, "task_appeared", f"Now applies ({step.when.text if step.when else ''}): "
            f"{task.title}, {due}.", actor=actor, now=now)
    return [task.title for task in added], [task.title for task in leave]


def started_tasks(session: Session, incident: Incident) -> set[int]:
    """Tasks someone has begun: their statement edited, sent for sign-off, approved or released."""
    return set(session.scalars(select(IncidentStatement.task_id).where(
        IncidentStatement.incident_id == incident.id, IncidentStatement.task_id.is_not(None),
        or_(IncidentStatement.edited.is_(True), IncidentStatement.sign_off_asked_at.is_not(None),
            IncidentStatement.status != StatementStatus.DRAFT))))


def withdraw(session: Session, incident: Incident, task: IncidentTask, playbook: Playbook, *, actor: User,
             now: datetime) -> None:
    """The task no longer applies: it is kept, marked withdrawn, and nobody is reminded of it.

    Its statement, still the template's untouched words, goes with it (it is drafted again if the
    step comes back); nothing a person wrote is removed."""
    step = next((s for s in playbook.steps if s.id == task.step_id), None)
    audit.update_audited(session, task, {"status": TaskStatus.WITHDRAWN}, actor=actor, now=now)
    task.completed_at = now
    cancel_reminders(session, task, now=now, actor=actor)
    approvals.resolve(session, key_prefix=task_key(task), now=now, actor=actor,
                      resolution=approvals.decided_by("Withdrawn", actor, now))
    session.execute(delete(IncidentStatement).where(
        IncidentStatement.task_id == task.id, IncidentStatement.edited.is_(False),
        IncidentStatement.status == StatementStatus.DRAFT))
    why = f" ({step.when.text} no longer holds)" if step is not None and step.when else ""
    log(session, incident, "task_withdrawn", f"Withdrawn{why}: {task.title}.", actor=actor, now=now)
