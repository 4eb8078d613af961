"""Reminders about incident tasks: "due soon" to the owner and "overdue" to the owner and the duty
officer, moved to a new role holder at handover, and cancelled when a task closes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents.models import Incident, IncidentMode, IncidentTask, RoleAssignment
from commsplan.incidents.records import role_holders
from commsplan.notifications import service as reminders
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import to_london

DUE_SOON = timedelta(minutes=10)


def task_key(task: IncidentTask) -> str:
    return f"incident:{task.incident_id}:task:{task.id}:"


def holder(session: Session, incident: Incident, role: str) -> User | None:
    assignment = session.scalar(select(RoleAssignment).where(
        RoleAssignment.incident_id == incident.id, RoleAssignment.role == role,
        RoleAssignment.ended_at.is_(None)).order_by(RoleAssignment.started_at.desc()))
    return assignment.user if assignment else None


def remind(session: Session, incident: Incident, tasks: Sequence[IncidentTask], *, now: datetime,
           settings: DeliverySettings, actor: User | None) -> None:
    """"Due soon" to each newly timed task's owner, "overdue" to the owner and the duty officer.

    The owner is whoever holds the task's role; until someone does, the duty officer. Exercise
    reminders stay in the app. However many tasks, this takes a fixed number of queries.
    """
    timed = [task for task in tasks if task.due_at is not None]
    if not timed:
        return
    owner_of, duty = responsible(session, incident)
    requests = []
    for task in timed:
        task.reminder_round = (task.reminder_round or 0) + 1
        requests += task_reminders(incident, task, owner_of(task), duty, now)
    reminders.schedule_many(session, requests, now=now, settings=settings, actor=actor)


def responsible(session: Session, incident: Incident) -> tuple[Callable[[IncidentTask], User], User]:
    """Who owns a task now (its role's holder, else the duty officer), and the duty officer."""
    holders = {role: assignment.user for role, assignment in role_holders(session, incident).items()}
    duty = holders.get("duty_officer") or incident.launched_by
    return (lambda task: holders.get(task.owner_role) or duty), duty


def follow_handover(session: Session, incident: Incident, tasks: Sequence[IncidentTask], *, now: datetime,
                    settings: DeliverySettings, actor: User) -> None:
    """After a handover, reminders still to come follow the new holders; nothing already sent goes
    again (the new holder gets one summary instead), and nobody keeps a reminder for a task no
    longer theirs."""
    owner_of, duty = responsible(session, incident)
    waiting = pending_task_reminders(session, incident)
    requests = []
    for task in tasks:
        wanted = task_reminders(incident, task, owner_of(task), duty, now,
                                reminder_round=task.reminder_round + 1)
        wanted_events = {(request.kind, request.recipient.user_id) for request in wanted}
        for (task_id, kind, person_id), reminder in waiting.items():
            if task_id == task.id and (kind, person_id) not in wanted_events:
                reminders.cancel(session, key=reminder.idempotency_key, now=now, actor=actor)
        new = [request for request in wanted if request.due_at > now
               and (task.id, request.kind, request.recipient.user_id) not in waiting]
        if new:
            task.reminder_round += 1
            requests += new
    reminders.schedule_many(session, requests, now=now, settings=settings, actor=actor)


def pending_task_reminders(session: Session, incident: Incident) -> dict[tuple[int, str, int], Reminder]:
    """The incident's task reminders not yet sent, by (task id, kind, person id)."""
    pending = session.scalars(select(Reminder).where(
        Reminder.idempotency_key.startswith(f"incident:{incident.id}:task:", autoescape=True),
        Reminder.status == ReminderStatus.PENDING))
    found = {}
    for reminder in pending:
        task_id = int(reminder.idempotency_key.split(":")[3])
        found[(task_id, reminder.kind, reminder.recipient_user_id or 0)] = reminder
    return found


def task_reminders(incident: Incident, task: IncidentTask, owner: User, duty: User, now: datetime,
                   reminder_round: int | None = None) -> list[reminders.ReminderRequest]:
    """One reminder per task event and person: its owner's "due soon" (only while the task is not
    yet due; the overdue notice replaces it if both would go together), and "overdue" to the owner
    and the duty officer (once, when they are the same person)."""
    if task.due_at is None:
        return []
    subject = reminders.Subject(type="incident", id=str(incident.id),
                                title=f"{incident.reference}: {task.title}"[:200],
                                link=f"/incidents/{incident.id}#task-{task.id}")
    prefix = f"{task_key(task)}{reminder_round or task.reminder_round}:"
    due_soon = f"{prefix}due:{owner.id}"
    plan: list[tuple[str, str, User, datetime, str | None]] = []
    if task.due_at > now:
        plan.append((due_soon, "incident_task_due", owner, max(task.due_at - DUE_SOON, now), None))
    plan += [(f"{prefix}overdue:{person.id}", "incident_task_overdue", person, task.due_at,
              due_soon if person.id == owner.id else None)
             for person in {owner.id: owner, duty.id: duty}.values()]
    body = f"Due {to_london(task.due_at):%H:%M on %-d %B}."
    return [reminders.ReminderRequest(
        key=key, kind=kind, recipient=reminders.Recipient.person(person), subject=subject, due_at=due_at,
        in_app_only=incident.mode is IncidentMode.EXERCISE, supersedes=supersedes, body=body)
        for key, kind, person, due_at, supersedes in plan]


def tell_new_holder(session: Session, incident: Incident, assignment: RoleAssignment, role_label: str,
                    owned: Sequence[IncidentTask], *, now: datetime, settings: DeliverySettings,
                    actor: User) -> None:
    """One message to the person taking a role: its open tasks, rather than each task again."""
    lines = [f"You are now {role_label} for {incident.title}."]
    if assignment.handover_note:
        lines.append(f"Handover note: {assignment.handover_note}")
    lines.append(f"Open tasks: {len(owned)}." if owned else "No open tasks are yours yet.")
    for task in owned[:20]:
        when = "waiting for its clock" if task.due_at is None else \
            f"{'overdue since' if task.due_at <= now else 'due'} {to_london(task.due_at):%H:%M on %-d %B}"
        lines.append(f"- {task.title} ({when})")
    if len(owned) > 20:
        lines.append(f"… and {len(owned) - 20} more on the incident page.")
    reminders.schedule(
        session, key=f"incident:{incident.id}:role:{assignment.role}:{assignment.id}",
        kind="incident_role_given", recipient=reminders.Recipient.person(assignment.user),
        subject=reminders.Subject(type="incident", id=str(incident.id),
                                  title=f"{incident.reference}: you are now {role_label}"[:200],
                                  link=f"/incidents/{incident.id}"),
        due_at=now, now=now, settings=settings, actor=actor, body="\n".join(lines),
        in_app_only=incident.mode is IncidentMode.EXERCISE)


def cancel_reminders(session: Session, task: IncidentTask, *, now: datetime, actor: User) -> None:
    cancel_pending(session, task_key(task), now=now, actor=actor)


def cancel_pending(session: Session, prefix: str, *, now: datetime, actor: User | None) -> None:
    keys = session.scalars(select(Reminder.idempotency_key).where(
        Reminder.idempotency_key.startswith(prefix, autoescape=True),
        Reminder.status == ReminderStatus.PENDING)).all()
    for key in keys:
        reminders.cancel(session, key=key, now=now, actor=actor)
