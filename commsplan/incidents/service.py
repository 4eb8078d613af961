"""Launching a playbook as an incident, starting its clocks and working its tasks.

A task's due time is its clock's time plus the step's offset. A task on a clock that has not
started waits for it; recording the clock ("arrest made at 14:10") gives those tasks their
times and schedules their reminders. Views, the API, the CLI and the demo loader call these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.incidents.models import (
    Incident,
    IncidentAnchor,
    IncidentMode,
    IncidentStatus,
    IncidentTask,
    PlaybookRevision,
    RoleAssignment,
    TaskStatus,
    TimelineEvent,
)
from commsplan.notifications import service as reminders
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks import vocab
from commsplan.playbooks.loader import load_text
from commsplan.playbooks.model import Input, Playbook, Step
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import to_london

WORKERS = (Role.DUTY_OFFICER,)
DUE_SOON = timedelta(minutes=10)
LONGEST_REASON = 2000
DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class LaunchRequest:
    """What the launch form (or the API) sends, as text; `launch` checks every part at once."""

    title: str
    mode: str
    notified_at: str
    inputs: Mapping[str, str]


# --- Inputs ------------------------------------------------------------------------------------

def parse_inputs(session: Session, playbook: Playbook, raw: Mapping[str, str], *, now: datetime
                 ) -> dict[str, Any]:
    """The launch form's text as typed values; every bad or missing value is a field error."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for spec in playbook.inputs:
        text = (raw.get(spec.id) or "").strip()
        if not text:
            if spec.required:
                errors[spec.id] = [f"Enter {spec.label.lower()}"]
            continue
        try:
            values[spec.id] = typed_value(session, spec, text)
        except ValueError as error:
            errors[spec.id] = [f"{spec.label}: {error}"]
    if errors:
        raise ValidationError(errors)
    return values


def typed_value(session: Session, spec: Input, text: str) -> Any:
    kind = spec.type
    if kind == "text":
        if len(text) > 500:
            raise ValueError(f"use 500 characters at most (this is {len(text)})")
        return text
    if kind == "number":
        return number_in(text, spec.minimum, spec.maximum)
    if kind == "yesno":
        if text not in ("yes", "no"):
            raise ValueError("choose yes or no")
        return text == "yes"
    if kind == "choice":
        if text not in spec.choices:
            raise ValueError(f"choose one of: {', '.join(spec.choices)}")
        return text
    if kind == "datetime":
        return london_input(text).isoformat()
    unit = session.get(BusinessUnit, int(text)) if text.isdigit() else None
    if unit is None or unit.is_retired:
        raise ValueError("choose an active business unit")
    return unit.id


def number_in(text: str, low: float | None, high: float | None) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError("enter a number, like 16") from None
    if low is not None and number < low:
        raise ValueError(f"enter a number of at least {low:g}")
    if high is not None and number > high:
        raise ValueError(f"enter a number no more than {high:g}")
    return number


def london_input(text: str) -> datetime:
    """A date and time typed in London time (as the form's datetime-local field sends it)."""
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=ZoneInfo("Europe/London"))
        except ValueError:
            continue
    raise ValueError("enter a date and time, like 2026-11-22 21:40")


def shown_inputs(session: Session, playbook: Playbook, values: Mapping[str, Any]) -> dict[str, Any]:
    """Input values as a statement shows them: times in words, units by name."""
    shown: dict[str, Any] = {}
    for spec in playbook.inputs:
        value = values.get(spec.id)
        if value is None:
            continue
        if spec.type == "datetime":
            value = to_london(datetime.fromisoformat(value)).strftime("%H:%M on %A %-d %B")
        elif spec.type == "unit":
            unit = session.get(BusinessUnit, value)
            value = unit.name if unit else ""
        shown[spec.id] = value
    return shown


# --- Launch ------------------------------------------------------------------------------------

def revision_for(session: Session, playbook: Playbook, *, now: datetime) -> PlaybookRevision:
    """The stored copy of this exact playbook text, added the first time it is launched."""
    digest = hashlib.sha256(playbook.source_text.encode()).hexdigest()
    revision = session.scalar(select(PlaybookRevision).where(
        PlaybookRevision.playbook_id == playbook.id, PlaybookRevision.sha256 == digest))
    if revision is None:
        revision = PlaybookRevision(playbook_id=playbook.id, version=playbook.version, sha256=digest,
                                    title=playbook.title, source_text=playbook.source_text,
                                    first_seen_at=now)
        session.add(revision)
        session.flush()
    return revision


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


def next_reference(session: Session, mode: IncidentMode, now: datetime) -> str:
    prefix = f"{'CI' if mode is IncidentMode.LIVE else 'EX'}-{to_london(now).year}-"
    count = session.scalar(select(func.count()).select_from(Incident)
                           .where(Incident.reference.startswith(prefix))) or 0
    return f"{prefix}{count + 1:04d}"


def launch(session: Session, playbook: Playbook, request: LaunchRequest, *, actor: User, now: datetime,
           settings: DeliverySettings) -> Incident:
    """Open an incident from a playbook: its inputs checked, the notified clock started, tasks laid out."""
    require_role(actor, WORKERS, "launch playbooks")
    errors = launch_errors(request, now)
    try:
        values = parse_inputs(session, playbook, request.inputs, now=now)
    except ValidationError as error:
        errors |= error.field_errors or {}
    if errors:
        raise ValidationError(errors)
    mode, notified_at = IncidentMode(request.mode), london_input(request.notified_at)
    revision = revision_for(session, playbook, now=now)
    unit_id = next((values[s.id] for s in playbook.inputs if s.type == "unit" and s.id in values), None)
    incident = Incident(
        reference=next_reference(session, mode, now), title=request.title.strip(),
        revision_id=revision.id, playbook_id=playbook.id, playbook_version=playbook.version,
        mode=mode, status=IncidentStatus.ACTIVE, severity=playbook.default_severity,
        unit_id=unit_id, inputs=values, launched_by_id=actor.id, created_at=now, updated_at=now)
    incident.launched_by = actor
    audit.add_audited(session, incident, actor=actor, now=now)
    session.flush()
    session.add(IncidentAnchor(incident_id=incident.id, anchor=vocab.START_ANCHOR,
                               occurred_at=notified_at, recorded_by_id=actor.id, recorded_at=now))
    session.add(RoleAssignment(incident_id=incident.id, role="duty_officer", user_id=actor.id,
                               started_at=now))
    log(session, incident, "launch", f"Launched from “{playbook.title}” version {playbook.version} "
        f"({mode.label.lower()}).", actor=actor, now=now)
    session.flush()
    session.refresh(incident)
    add_tasks(session, incident, playbook, [s for s in playbook.steps if applies(s, values)],
              actor=actor, now=now, settings=settings)
    return incident


def launch_errors(request: LaunchRequest, now: datetime) -> dict[str, list[str]]:
    """Problems with the launch's own fields (the playbook's inputs are checked separately)."""
    errors: dict[str, list[str]] = {}
    if not request.title.strip():
        errors["title"] = ["Enter a short title, like 'Fatal stabbing, Brixton Road'"]
    elif len(request.title) > 200:
        errors["title"] = [f"The title must be 200 characters or fewer (this is {len(request.title)})"]
    if request.mode not in {mode.value for mode in IncidentMode}:
        errors["mode"] = ["Choose live or exercise"]
    try:
        if london_input(request.notified_at) > now + timedelta(minutes=5):
            errors["notified_at"] = ["Police cannot have been notified in the future"]
    except ValueError as error:
        errors["notified_at"] = [f"When police were notified: {error}"]
    return errors


def applies(step: Step, values: Mapping[str, Any]) -> bool:
    return step.when is None or step.when.holds(values)


def add_tasks(session: Session, incident: Incident, playbook: Playbook, steps: list[Step], *,
              actor: User, now: datetime, settings: DeliverySettings) -> None:
    clocks = incident.anchor_times()
    tasks = [IncidentTask(
        incident_id=incident.id, step_id=step.id, title=step.title, owner_role=step.owner,
        anchor=step.at.anchor, offset_minutes=int(step.at.delta.total_seconds() // 60),
        due_at=clocks[step.at.anchor] + step.at.delta if step.at.anchor in clocks else None,
        status=TaskStatus.OPEN) for step in steps]
    session.add_all(tasks)
    session.flush()
    for task in tasks:
        remind(session, incident, task, now=now, settings=settings, actor=actor)


# --- Clocks ------------------------------------------------------------------------------------

def record_anchor(session: Session, incident: Incident, anchor: str, *, occurred_at: datetime,
                  note: str, actor: User, now: datetime, settings: DeliverySettings) -> IncidentAnchor:
    """Start a clock; the tasks waiting for it get their due times and reminders."""
    require_role(actor, WORKERS, "record incident clocks")
    require_active(incident)
    playbook = playbook_of(incident)
    if anchor not in playbook.anchors:
        raise ValidationError.single("anchor", "Choose one of this playbook's clocks")
    if anchor in incident.anchor_times():
        raise Conflict(f"“{playbook.anchors[anchor]}” was already recorded")
    if occurred_at > now + timedelta(minutes=5):
        raise ValidationError.single("occurred_at", "Record a time that has passed")
    recorded = IncidentAnchor(incident_id=incident.id, anchor=anchor, occurred_at=occurred_at,
                              note=note.strip()[:LONGEST_REASON], recorded_by_id=actor.id, recorded_at=now)
    session.add(recorded)
    waiting = session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id == incident.id, IncidentTask.anchor == anchor,
        IncidentTask.due_at.is_(None), IncidentTask.status == TaskStatus.OPEN)).all()
    for task in waiting:
        task.due_at = occurred_at + timedelta(minutes=task.offset_minutes)
        remind(session, incident, task, now=now, settings=settings, actor=actor)
    when = to_london(occurred_at).strftime("%H:%M on %-d %B")
    log(session, incident, "anchor", f"{playbook.anchors[anchor]} at {when}"
        f"{': ' + note.strip() if note.strip() else ''}. {len(waiting)} task(s) now timed.",
        actor=actor, now=now)
    session.flush()
    session.expire(incident, ["anchors"])
    return recorded


# --- Tasks -------------------------------------------------------------------------------------

def get_task(session: Session, incident: Incident, task_id: int) -> IncidentTask:
    task = session.get(IncidentTask, task_id)
    if task is None or task.incident_id != incident.id:
        raise NotFound("No such task in this incident")
    return task


def complete_task(session: Session, incident: Incident, task: IncidentTask, *, actor: User,
                  now: datetime, settings: DeliverySettings) -> None:
    finish_task(session, incident, task, TaskStatus.DONE, "", actor=actor, now=now, settings=settings)


def skip_task(session: Session, incident: Incident, task: IncidentTask, *, reason: str, actor: User,
              now: datetime, settings: DeliverySettings) -> None:
    if not reason.strip():
        raise ValidationError.single("reason", "Say why the task is being skipped")
    if len(reason) > LONGEST_REASON:
        raise ValidationError.single("reason", f"Use {LONGEST_REASON} characters at most")
    finish_task(session, incident, task, TaskStatus.SKIPPED, reason.strip(), actor=actor, now=now,
                settings=settings)


def finish_task(session: Session, incident: Incident, task: IncidentTask, status: TaskStatus, reason: str,
                *, actor: User, now: datetime, settings: DeliverySettings) -> None:
    """Close a task (done or skipped), stop its reminders, and bring back a repeating step."""
    require_role(actor, WORKERS, "work incident tasks")
    require_active(incident)
    if task.status is not TaskStatus.OPEN:
        raise Conflict(f"This task is already {task.status.label.lower()}")
    audit.update_audited(session, task, {"status": status, "skip_reason": reason}, actor=actor, now=now)
    task.completed_at, task.completed_by_id = now, actor.id
    cancel_reminders(session, task, now=now, actor=actor)
    verb = "Done" if status is TaskStatus.DONE else f"Skipped ({reason})"
    log(session, incident, f"task_{status.value}", f"{verb}: {task.title}", actor=actor, now=now)
    step = next((s for s in playbook_of(incident).steps if s.id == task.step_id), None)
    if step is not None and step.repeat is not None:
        again = IncidentTask(
            incident_id=incident.id, step_id=task.step_id, occurrence=task.occurrence + 1,
            title=task.title, owner_role=task.owner_role, anchor=task.anchor,
            offset_minutes=task.offset_minutes, due_at=now + step.repeat, status=TaskStatus.OPEN)
        session.add(again)
        session.flush()
        remind(session, incident, again, now=now, settings=settings, actor=actor)


# --- People in roles ---------------------------------------------------------------------------

def incident_roles(playbook: Playbook) -> dict[str, str]:
    """The playbook's roles, and the duty officer every incident has."""
    return {"duty_officer": vocab.STANDARD_ROLES["duty_officer"], **playbook.roles}


def role_holders(session: Session, incident: Incident) -> dict[str, RoleAssignment]:
    """Who holds each role now."""
    current = session.scalars(select(RoleAssignment).where(
        RoleAssignment.incident_id == incident.id, RoleAssignment.ended_at.is_(None)))
    return {assignment.role: assignment for assignment in current}


def assign_role(session: Session, incident: Incident, role: str, person: User | None, *, note: str,
                actor: User, now: datetime, settings: DeliverySettings) -> RoleAssignment:
    """Give a role to a person; whoever held it hands over, with a note, and their reminders move."""
    require_role(actor, WORKERS, "assign incident roles")
    require_active(incident)
    roles = incident_roles(playbook_of(incident))
    errors: dict[str, list[str]] = {}
    if role not in roles:
        errors["role"] = ["Choose one of this playbook's roles"]
    if person is None or not person.is_active:
        errors["user_id"] = ["Choose a person with an active account"]
    if len(note) > LONGEST_REASON:
        errors["handover_note"] = [f"Use {LONGEST_REASON} characters at most (this is {len(note)})"]
    if errors or person is None:
        raise ValidationError(errors)
    previous = role_holders(session, incident).get(role)
    if previous is not None and previous.user_id == person.id:
        raise ValidationError.single("user_id", f"{person.name} already holds this role")
    if previous is not None:
        previous.ended_at = now
    assignment = RoleAssignment(incident_id=incident.id, role=role, user_id=person.id, started_at=now,
                                handover_note=note.strip())
    assignment.user = person
    session.add(assignment)
    handover = f" from {previous.user.name}" if previous else ""
    log(session, incident, "role", f"{roles[role]}: {person.name}{handover}"
        f"{'. Handover: ' + note.strip() if note.strip() else ''}", actor=actor, now=now)
    session.flush()
    owned = session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id == incident.id, IncidentTask.status == TaskStatus.OPEN,
        IncidentTask.due_at.is_not(None),
        (IncidentTask.owner_role == role) if role != "duty_officer" else IncidentTask.id.is_not(None)))
    for task in owned:
        cancel_reminders(session, task, now=now, actor=actor)
        remind(session, incident, task, now=now, settings=settings, actor=actor)
    return assignment


# --- Reminders ---------------------------------------------------------------------------------

def task_key(task: IncidentTask) -> str:
    return f"incident:{task.incident_id}:task:{task.id}:"


def holder(session: Session, incident: Incident, role: str) -> User | None:
    assignment = session.scalar(select(RoleAssignment).where(
        RoleAssignment.incident_id == incident.id, RoleAssignment.role == role,
        RoleAssignment.ended_at.is_(None)).order_by(RoleAssignment.started_at.desc()))
    return assignment.user if assignment else None


def remind(session: Session, incident: Incident, task: IncidentTask, *, now: datetime,
           settings: DeliverySettings, actor: User | None) -> None:
    """"Due soon" to the task's owner, "overdue" to the owner and the duty officer.

    The owner is whoever holds the task's role; until someone does, the duty officer. Exercise
    reminders stay in the app.
    """
    if task.due_at is None:
        return
    duty = holder(session, incident, "duty_officer") or incident.launched_by
    owner = holder(session, incident, task.owner_role) or duty
    subject = reminders.Subject(type="incident", id=str(incident.id),
                                title=f"{incident.reference}: {task.title}"[:200],
                                link=f"/incidents/{incident.id}#task-{task.id}")
    exercise = incident.mode is IncidentMode.EXERCISE
    plan = [(f"due:{owner.id}", "incident_task_due", owner, max(task.due_at - DUE_SOON, now))]
    plan += [(f"overdue:{person.id}", "incident_task_overdue", person, task.due_at)
             for person in {owner.id: owner, duty.id: duty}.values()]
    task.reminder_round = (task.reminder_round or 0) + 1  # a handover reminds afresh, under new keys
    for suffix, kind, person, due_at in plan:
        reminders.schedule(session, key=f"{task_key(task)}{task.reminder_round}:{suffix}", kind=kind,
                           recipient=reminders.Recipient.person(person), subject=subject, due_at=due_at,
                           now=now, settings=settings, actor=actor, in_app_only=exercise,
                           body=f"Due {to_london(task.due_at):%H:%M on %-d %B}.")


def cancel_reminders(session: Session, task: IncidentTask, *, now: datetime, actor: User) -> None:
    keys = session.scalars(select(Reminder.idempotency_key).where(
        Reminder.idempotency_key.startswith(task_key(task), autoescape=True),
        Reminder.status == ReminderStatus.PENDING)).all()
    for key in keys:
        reminders.cancel(session, key=key, now=now, actor=actor)


# --- Timeline and lookups ----------------------------------------------------------------------

def log(session: Session, incident: Incident, kind: str, text: str, *, actor: User | None,
        now: datetime) -> None:
    session.add(TimelineEvent(incident_id=incident.id, at=now, kind=kind, text=text,
                              actor_id=actor.id if actor else None))


def add_note(session: Session, incident: Incident, text: str, *, actor: User, now: datetime) -> None:
    require_role(actor, WORKERS, "write on the incident timeline")
    if not text.strip():
        raise ValidationError.single("text", "Write what happened")
    if len(text) > LONGEST_REASON:
        raise ValidationError.single("text", f"Use {LONGEST_REASON} characters at most (this is {len(text)})")
    log(session, incident, "note", text.strip(), actor=actor, now=now)


def require_active(incident: Incident) -> None:
    if incident.status is not IncidentStatus.ACTIVE:
        raise Conflict(f"This incident is {incident.status.label.lower()}")


def get_incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("No such incident")
    return incident


def tasks_of(session: Session, incident: Incident) -> list[IncidentTask]:
    """Open tasks by due time (waiting ones last), then closed ones."""
    tasks = session.scalars(select(IncidentTask).where(IncidentTask.incident_id == incident.id)).all()
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(tasks, key=lambda t: (t.status is not TaskStatus.OPEN, t.due_at or far, t.id))


def timeline(session: Session, incident: Incident) -> list[TimelineEvent]:
    return list(session.scalars(select(TimelineEvent).where(TimelineEvent.incident_id == incident.id)
                                .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())))


def board(session: Session, *, now: datetime) -> list[tuple[Incident, list[IncidentTask], int]]:
    """Active incidents, newest first, each with its next three open tasks and its overdue count."""
    incidents = session.scalars(select(Incident).where(Incident.status == IncidentStatus.ACTIVE)
                                .order_by(Incident.created_at.desc())).all()
    open_tasks = session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id.in_([i.id for i in incidents]), IncidentTask.status == TaskStatus.OPEN,
        IncidentTask.due_at.is_not(None)).order_by(IncidentTask.due_at)).all()
    by_incident: dict[int, list[IncidentTask]] = {}
    for task in open_tasks:
        by_incident.setdefault(task.incident_id, []).append(task)
    return [(incident, by_incident.get(incident.id, [])[:3],
             sum(task.is_overdue(now) for task in by_incident.get(incident.id, [])))
            for incident in incidents]
