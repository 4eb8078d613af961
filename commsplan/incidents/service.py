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

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.incidents import decision_chain, developments, drafts
from commsplan.incidents.developments import add_tasks, applies, last_occurrences, open_tasks, task_row
from commsplan.incidents.inputs import london_input, parse_inputs
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
from commsplan.incidents.records import (
    incident_roles,
    log,
    playbook_of,
    require_active,
    role_holders,
    written,
)
from commsplan.incidents.task_reminders import (
    cancel_pending,
    cancel_reminders,
    follow_handover,
    holder,
    remind,
    task_key,
    tell_new_holder,
)
from commsplan.notifications import approvals
from commsplan.notifications import service as reminders
from commsplan.notifications.models import InboxItem, Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks import vocab
from commsplan.playbooks.model import Playbook
from commsplan.timeutil import to_london

WORKERS = (Role.DUTY_OFFICER,)
# Incidents hold details that identify victims, complainants and suspects: staff read them, partner
# agencies' viewer accounts do not.
READERS = (Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER, Role.ADMIN)


@dataclass(frozen=True)
class LaunchRequest:
    """What the launch form (or the API) sends, as text; `launch` checks every part at once."""

    title: str
    mode: str
    notified_at: str
    inputs: Mapping[str, str]


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
    values_now = developments.condition_values(values, {vocab.START_ANCHOR}, playbook)
    add_tasks(session, incident, playbook, [s for s in playbook.steps if applies(s, values_now)],
              actor=actor, now=now, settings=settings)
    schedule_status_update(session, incident, playbook, now=now, settings=settings, actor=actor)
    return incident


def update_inputs(session: Session, incident: Incident, raw: Mapping[str, str], *, actor: User, now: datetime,
                  settings: DeliverySettings) -> list[str]:
    """Change what was recorded (a name now known, the next update time); unedited drafts follow, and
    steps whose conditions now hold (or no longer do) appear (or are withdrawn)."""
    require_role(actor, WORKERS, "change an incident's details")
    require_active(incident)
    playbook = playbook_of(incident)
    values = parse_inputs(session, playbook, raw, now=now)
    changed = [spec.label for spec in playbook.inputs if values.get(spec.id) != incident.inputs.get(spec.id)]
    if not changed:
        return []
    audit.update_audited(session, incident, {"inputs": values}, actor=actor, now=now)
    incident.updated_at = now
    redrafted = drafts.refresh_drafts(session, incident, now=now)
    log(session, incident, "inputs", f"Details changed: {', '.join(changed)}. "
        f"{redrafted} draft statement(s) filled again.", actor=actor, now=now)
    developments.reconsider(session, incident, playbook, actor=actor, now=now, settings=settings)
    return changed


# --- Status updates ------------------------------------------------------------------------------

def status_key(incident: Incident) -> str:
    return f"incident:{incident.id}:status-update:"


def schedule_status_update(session: Session, incident: Incident, playbook: Playbook, *, now: datetime,
                           settings: DeliverySettings, actor: User | None) -> None:
    """The next update is due one cadence after the last (or after launch)."""
    if playbook.status_updates is None:
        return
    cadence = playbook.status_updates
    person = holder(session, incident, cadence.owner) or incident.launched_by
    due_at = now + cadence.every
    reminders.schedule(
        session, key=f"{status_key(incident)}{due_at:%Y%m%dT%H%M}", kind="status_update_due",
        recipient=reminders.Recipient.person(person), due_at=due_at, now=now, settings=settings,
        actor=actor, in_app_only=incident.mode is IncidentMode.EXERCISE,
        subject=reminders.Subject(type="incident", id=str(incident.id),
                                  title=f"{incident.reference}: status update due",
                                  link=f"/incidents/{incident.id}#status-update"),
        body=status_update_body(session, incident, due_at))


def status_update_body(session: Session, incident: Incident, due_at: datetime) -> str:
    """What to do, and the decision log's head: each reminder sent carries a checkpoint of the log
    that lives outside the database, in people's mailboxes."""
    head = decision_chain.format_chain_head(decision_chain.chain_head(session, incident))
    return f"Post an update on {incident.title} by {to_london(due_at):%H:%M}.\n\n{head}"


def refresh_status_reminders(session: Session, incident: Incident) -> None:
    """The log has grown: the status-update reminder still to go carries its new head."""
    pending = session.scalars(select(Reminder).where(
        Reminder.idempotency_key.startswith(status_key(incident), autoescape=True),
        Reminder.status == ReminderStatus.PENDING))
    for reminder in pending:
        reminder.body = status_update_body(session, incident, reminder.due_at)


def post_status_update(session: Session, incident: Incident, text: str, *, actor: User, now: datetime,
                       settings: DeliverySettings) -> None:
    """Record an update on the timeline; the next one falls due a cadence from now."""
    require_role(actor, WORKERS, "post incident status updates")
    require_active(incident)
    update = written("update", text, missing="Write the update: what has changed, what is next")
    log(session, incident, "status_update", update, actor=actor, now=now)
    cancel_pending(session, status_key(incident), now=now, actor=actor)
    schedule_status_update(session, incident, playbook_of(incident), now=now, settings=settings,
                           actor=actor)


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


# --- Clocks ------------------------------------------------------------------------------------

def record_anchor(session: Session, incident: Incident, anchor: str, *, occurred_at: datetime,
                  note: str, actor: User, now: datetime, settings: DeliverySettings) -> IncidentAnchor:
    """Start a clock; the tasks waiting for it get their due times and reminders."""
    require_role(actor, WORKERS, "record incident clocks")
    require_active(incident)
    playbook = playbook_of(incident)
    if anchor not in playbook.anchors:
        raise ValidationError.single("anchor", "Choose one of this playbook's clocks")
    before = sum(1 for recorded in incident.anchors if recorded.anchor == anchor)
    if before and anchor not in playbook.repeatable:
        raise Conflict(f"“{playbook.anchors[anchor]}” was already recorded")
    if occurred_at > now + timedelta(minutes=5):
        raise ValidationError.single("occurred_at", "Record a time that has passed")
    recorded = IncidentAnchor(incident_id=incident.id, anchor=anchor, occurrence=before + 1,
                              occurred_at=occurred_at, note=written("note", note), recorded_by_id=actor.id,
                              recorded_at=now)
    session.add(recorded)
    waiting = session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id == incident.id, IncidentTask.anchor == anchor,
        IncidentTask.due_at.is_(None), IncidentTask.status == TaskStatus.OPEN)).all()
    for task in waiting:
        task.due_at = occurred_at + timedelta(minutes=task.offset_minutes)
    remind(session, incident, waiting, now=now, settings=settings, actor=actor)
    timed = len(waiting)
    if before:
        timed += developments.follow_repeat(session, incident, playbook, anchor, before + 1, occurred_at,
                                            actor=actor, now=now, settings=settings)
    when = to_london(occurred_at).strftime("%H:%M on %-d %B")
    again = f" (recorded {before + 1} times)" if before else ""
    log(session, incident, "anchor", f"{playbook.anchors[anchor]}{again} at {when}"
        f"{': ' + note.strip() if note.strip() else ''}. {timed} task(s) now timed.",
        actor=actor, now=now)
    session.flush()
    session.expire(incident, ["anchors"])
    developments.reconsider(session, incident, playbook, actor=actor, now=now, settings=settings)
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
    why = written("skip_reason", reason, missing="Say why the task is being skipped")
    finish_task(session, incident, task, TaskStatus.SKIPPED, why, actor=actor, now=now,
                settings=settings)


def finish_task(session: Session, incident: Incident, task: IncidentTask, status: TaskStatus, reason: str,
                *, actor: User, now: datetime, settings: DeliverySettings) -> None:
    """Close a task (done or skipped), stop its reminders, and bring back a repeating step."""
    require_role(actor, WORKERS, "work incident tasks")
    close_task(session, incident, task, status, reason, actor=actor, now=now, settings=settings)


def close_task(session: Session, incident: Incident, task: IncidentTask, status: TaskStatus, reason: str,
               *, actor: User, now: datetime, settings: DeliverySettings, because: str = "") -> None:
    """Close a task for whoever may (working it, or releasing the statement it drafts)."""
    require_active(incident)
    if task.status is not TaskStatus.OPEN:
        raise Conflict(f"This task is already {task.status.label.lower()}")
    audit.update_audited(session, task, {"status": status, "skip_reason": reason}, actor=actor, now=now)
    task.completed_at, task.completed_by_id = now, actor.id
    cancel_reminders(session, task, now=now, actor=actor)
    approvals.resolve(session, key_prefix=task_key(task), now=now, actor=actor,
                      resolution=approvals.decided_by(status.label, actor, now))  # "Done by … at 14:20"
    verb = "Done" if status is TaskStatus.DONE else f"Skipped ({reason})"
    log(session, incident, f"task_{status.value}", f"{verb}: {task.title}{because}", actor=actor, now=now)
    playbook = playbook_of(incident)
    step = next((s for s in playbook.steps if s.id == task.step_id), None)
    if step is not None and step.repeat is not None and status is TaskStatus.DONE:
        again = task_row(incident, task.step_id, last_occurrences(session, incident)[task.step_id] + 1,
                         task.title, task.owner_role, task.anchor, task.offset_minutes, now + step.repeat)
        open_tasks(session, incident, playbook, [again], actor=actor, now=now, settings=settings)


# --- People in roles ---------------------------------------------------------------------------

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
    elif not person.has_role(*READERS):
        errors["user_id"] = [f"{person.name} has a viewer account, which cannot see incidents: "
                             "choose a member of staff"]
    try:
        written("handover_note", note)
    except ValidationError as error:
        errors |= error.errors
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
    owned = list(session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id == incident.id, IncidentTask.status == TaskStatus.OPEN,
        (IncidentTask.owner_role == role) if role != "duty_officer" else IncidentTask.id.is_not(None))
        .order_by(IncidentTask.due_at, IncidentTask.id)))
    follow_handover(session, incident, [task for task in owned if task.due_at is not None], now=now,
                    settings=settings, actor=actor)
    tell_new_holder(session, incident, assignment, roles[role], owned, now=now, settings=settings,
                    actor=actor)
    return assignment


# --- Timeline and lookups ----------------------------------------------------------------------

def add_note(session: Session, incident: Incident, text: str, *, actor: User, now: datetime) -> None:
    require_role(actor, WORKERS, "write on the incident timeline")
    log(session, incident, "note", written("text", text, missing="Write what happened"), actor=actor, now=now)


def get_incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("No such incident")
    return incident


def tasks_of(session: Session, incident: Incident) -> list[IncidentTask]:
    """Open tasks by due time (waiting ones last), then closed ones."""
    tasks = session.scalars(select(IncidentTask).where(IncidentTask.incident_id == incident.id)
                            .options(selectinload(IncidentTask.completed_by))).all()
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(tasks, key=lambda t: (t.status is not TaskStatus.OPEN, t.due_at or far, t.id))


def timeline(session: Session, incident: Incident, *, limit: int | None = None) -> list[TimelineEvent]:
    """The newest entries first (`limit` of them, or all)."""
    return list(session.scalars(select(TimelineEvent).where(TimelineEvent.incident_id == incident.id)
                                .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc()).limit(limit)))


def timeline_count(session: Session, incident: Incident) -> int:
    return session.scalar(select(func.count()).select_from(TimelineEvent)
                          .where(TimelineEvent.incident_id == incident.id)) or 0


def record_snooze(session: Session, item: InboxItem, until: datetime, actor: User, now: datetime) -> None:
    """A snoozed reminder about an incident goes on that incident's timeline."""
    reminder = session.get(Reminder, item.reminder_id)
    if reminder is None or reminder.subject_type != "incident":
        return
    incident = session.get(Incident, int(reminder.subject_id))
    if incident is not None:
        log(session, incident, "snooze", f"{actor.name} snoozed “{reminder.subject_title}” until "
            f"{to_london(until):%H:%M on %-d %B}.", actor=actor, now=now)

