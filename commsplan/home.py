"""The signed-in person's start page: what needs them now, then their roles and recent changes.

"Needs you now", most pressing first: live incidents with their overdue tasks (for staff only:
partner viewers never see incidents), exercises apart from them; the person's own incident tasks
that are overdue or due within 30 minutes; what waits for their approval; the rest of their unread
inbox. Every list is bounded and each is one query, however many incidents, tasks or notifications
there are: counts and next tasks are worked out in SQL, never by walking every task in Python.

The page is the most visited of all, so its statements are built once per process (`functools.cache`)
with the person and the time as bound parameters: a request only binds values and runs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Generic, TypeVar

from flask import Blueprint, render_template
from sqlalchemy import Executable, Select, String, and_, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session, lazyload

from commsplan.audit import service as audit
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User, sorted_roles
from commsplan.db import current_session
from commsplan.incidents import board
from commsplan.incidents.models import (
    Incident,
    IncidentMode,
    IncidentStatus,
    IncidentTask,
    RoleAssignment,
    TaskStatus,
)
from commsplan.incidents.service import READERS
from commsplan.notifications import holidays, inbox
from commsplan.notifications.approvals import APPROVAL_KIND
from commsplan.notifications.models import InboxItem, Reminder
from commsplan.timeutil import utcnow
from commsplan.web import role_required, signed_in_user

bp = Blueprint("home", __name__)

# Shared records everyone may see changes to; personal and admin records stay private.
SHARED_AUDIT_TYPES = ("violence_element", "qualifier", "business_unit", "audience", "channel",
                      "affinity")
RECENT_CHANGES = 10
LIVE_SHOWN = 10
EXERCISES_SHOWN = 3
TASKS_SHOWN = 15
APPROVALS_SHOWN = 10
UNREAD_SHOWN = 5
DUE_SOON = timedelta(minutes=30)

Line = TypeVar("Line")

# Bound parameters of the cached statements; typed by the columns they are compared with.
NOW: Any = bindparam("now")
DUE_BY: Any = bindparam("due_by")
USER_ID: Any = bindparam("user_id")


@dataclass(frozen=True)
class Bounded(Generic[Line]):
    """The first few of a list, and how many there are in all."""

    shown: list[Line]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


@dataclass(frozen=True)
class IncidentLine:
    """An active incident, its overdue tasks, and the open task due first (overdue or not)."""

    id: int
    reference: str
    title: str
    overdue: int
    next_title: str | None
    next_due_at: datetime | None


@dataclass(frozen=True)
class TaskLine:
    id: int
    incident_id: int
    reference: str
    title: str
    due_at: datetime


@dataclass(frozen=True)
class NeedsYou:
    """Everything in "Needs you now"; the incident parts are None for people who may not read incidents."""

    live: Bounded[IncidentLine] | None
    exercises: Bounded[IncidentLine] | None
    tasks: Bounded[TaskLine] | None
    approvals: Bounded[InboxItem]
    unread: list[InboxItem]
    asks_approval: bool  # an approver, or someone with a request waiting: the section shows


def _bounded(rows: list[Any], make: Any) -> Bounded[Any]:
    """Rows whose last column is `count(*) OVER ()`: the total before the LIMIT."""
    return Bounded([make(*row[:-1]) for row in rows], rows[0][-1] if rows else 0)


def incident_lines(session: Session, *, mode: IncidentMode, now: datetime, limit: int
                   ) -> Bounded[IncidentLine]:
    """Active incidents of one mode, most urgent first: most overdue tasks, then the soonest due."""
    return _bounded(list(session.execute(_incident_lines_query(mode, limit), {"now": now})), IncidentLine)


@cache
def _incident_lines_query(mode: IncidentMode, limit: int) -> Select[Any]:
    ranks = board.open_task_ranks(NOW, mode)
    columns = select(Incident.id, Incident.reference, Incident.title)
    query, first = board.most_urgent_first(columns, ranks, mode)
    return query.add_columns(func.coalesce(first.c.overdue, 0), first.c.title, first.c.due_at,
                             func.count().over()).limit(limit)


def _holds(user_id: Any, role: Any) -> Any:
    """EXISTS: someone (or this person) holds `role` in the task's incident now."""
    query = select(RoleAssignment.id).where(RoleAssignment.incident_id == IncidentTask.incident_id,
                                            RoleAssignment.role == role, RoleAssignment.ended_at.is_(None))
    if user_id is not None:
        query = query.where(RoleAssignment.user_id == user_id)
    return query.exists()


def my_tasks(session: Session, user: User, *, now: datetime, limit: int) -> Bounded[TaskLine]:
    """Open tasks of active live incidents that are the person's, overdue or due within 30 minutes,
    the most overdue first: those whose role they hold, and, in an incident where they are the duty
    officer, those whose role nobody holds (the duty officer answers for them)."""
    rows = session.execute(_my_tasks_query(limit), {"user_id": user.id, "due_by": now + DUE_SOON})
    return _bounded(list(rows), TaskLine)


@cache
def _my_tasks_query(limit: int) -> Executable:
    theirs = or_(_holds(USER_ID, IncidentTask.owner_role),
                 and_(_holds(USER_ID, "duty_officer"), ~_holds(None, IncidentTask.owner_role)))
    return (select(IncidentTask.id, IncidentTask.incident_id, Incident.reference, IncidentTask.title,
                   IncidentTask.due_at, func.count().over())
            .join(Incident, Incident.id == IncidentTask.incident_id)
            .where(Incident.status == IncidentStatus.ACTIVE, Incident.mode == IncidentMode.LIVE,
                   IncidentTask.status == TaskStatus.OPEN, IncidentTask.due_at.is_not(None),
                   IncidentTask.due_at <= DUE_BY, theirs)
            .order_by(IncidentTask.due_at, IncidentTask.id)
            .limit(limit))


def _unread() -> Select[InboxItem]:
    return inbox.visible_items(USER_ID, NOW).where(InboxItem.read_at.is_(None),
                                                   InboxItem.resolved_at.is_(None))


def waiting_approval(session: Session, user: User, *, now: datetime, limit: int) -> Bounded[InboxItem]:
    """Requests for the person's approval nobody has decided yet, newest first."""
    rows = session.execute(_waiting_approval_query(limit), {"user_id": user.id, "now": now})
    return _bounded(list(rows), lambda item: item)


@cache
def _waiting_approval_query(limit: int) -> Select[Any]:
    return _unread().where(InboxItem.kind == APPROVAL_KIND).add_columns(func.count().over()).limit(limit)


def other_unread(session: Session, user: User, *, now: datetime, limit: int) -> list[InboxItem]:
    """The rest of the unread inbox, newest first, without approval requests (listed above them) or
    reminders about exercises and incidents no longer active (practice, or over)."""
    return list(session.scalars(_other_unread_query(limit), {"user_id": user.id, "now": now}))


@cache
def _other_unread_query(limit: int) -> Select[Any]:
    practice_or_over = select(cast(Incident.id, String)).where(
        or_(Incident.mode == IncidentMode.EXERCISE, Incident.status != IncidentStatus.ACTIVE))
    about_them = select(Reminder.id).where(Reminder.id == InboxItem.reminder_id,
                                           Reminder.subject_type == "incident",
                                           Reminder.subject_id.in_(practice_or_over)).exists()
    return _unread().where(InboxItem.kind != APPROVAL_KIND, ~about_them).limit(limit)


def needs_you(session: Session, user: User, *, now: datetime) -> NeedsYou:
    """What needs the person now, each part bounded: a fixed number of queries whatever the data."""
    staff = user.has_role(*READERS)
    approvals = waiting_approval(session, user, now=now, limit=APPROVALS_SHOWN)
    return NeedsYou(
        live=incident_lines(session, mode=IncidentMode.LIVE, now=now, limit=LIVE_SHOWN) if staff else None,
        exercises=(incident_lines(session, mode=IncidentMode.EXERCISE, now=now, limit=EXERCISES_SHOWN)
                   if staff else None),
        tasks=my_tasks(session, user, now=now, limit=TASKS_SHOWN) if staff else None,
        approvals=approvals,
        unread=other_unread(session, user, now=now, limit=UNREAD_SHOWN),
        asks_approval=user.has_role(Role.APPROVER) or approvals.total > 0)


@bp.get("/")
def index() -> str:
    user, session, now = signed_in_user(), current_session(), utcnow()
    shown = () if user.has_role(Role.ADMIN) else SHARED_AUDIT_TYPES
    return render_template("home/index.html", user=user, roles=sorted_roles(user.roles),
                           recent=session.scalars(_recent_query(shown)).all(),
                           needs=needs_you(session, user, now=now),
                           now=now, due_soon_minutes=int(DUE_SOON.total_seconds() // 60))


@cache
def _recent_query(shown: tuple[str, ...]) -> Select[Any]:
    """The latest changes to the given kinds of record (all kinds when empty). Each entry keeps its
    actor's name: the page needs neither the person nor their roles."""
    return (audit.entries_query(audit.AuditFilter(object_types=shown)).limit(RECENT_CHANGES)
            .options(lazyload(AuditEntry.actor)))


@bp.get("/admin")
@role_required(Role.ADMIN)
def admin() -> str:
    runs_out = holidays.runs_out_soon(current_session(), now=utcnow())
    return render_template("home/admin.html", runs_out=runs_out)
