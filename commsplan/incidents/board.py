"""The duty board: active incidents, the most urgent first (most overdue tasks, then the soonest due),
live incidents apart from exercises, a page at a time, each with its next few open tasks.

Overdue counts and next tasks are worked out in SQL from one ranking of open timed tasks, so the
board costs the same few queries however many incidents and tasks there are. The home page ranks
its "live incidents" panel with the same ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVarTuple

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, Subquery, case, func, select
from sqlalchemy.orm import Session

from commsplan.incidents.models import Incident, IncidentMode, IncidentStatus, IncidentTask, TaskStatus

NEXT_TASKS = 3
Columns = TypeVarTuple("Columns")


@dataclass(frozen=True)
class NextTask:
    title: str
    due_at: datetime

    def is_overdue(self, now: datetime) -> bool:
        return self.due_at < now


@dataclass(frozen=True)
class BoardIncident:
    """An active incident, how many of its open tasks are overdue, and the few due first."""

    incident: Incident
    overdue: int
    next_tasks: list[NextTask]


@dataclass(frozen=True)
class BoardSection:
    """One mode's active incidents, a page of them."""

    mode: IncidentMode
    rows: list[BoardIncident]
    page: Pagination


def open_task_ranks(now: datetime, mode: IncidentMode) -> Subquery:
    """Open timed tasks of active incidents of `mode`: each task's place by due time within its
    incident (`place`, 1 is due first) and its incident's count of overdue tasks (`overdue`)."""
    return (select(IncidentTask.incident_id, IncidentTask.title, IncidentTask.due_at,
                   func.row_number().over(partition_by=IncidentTask.incident_id,
                                          order_by=(IncidentTask.due_at, IncidentTask.id)).label("place"),
                   func.sum(case((IncidentTask.due_at < now, 1), else_=0))
                   .over(partition_by=IncidentTask.incident_id).label("overdue"))
            .join(Incident, Incident.id == IncidentTask.incident_id)
            .where(Incident.status == IncidentStatus.ACTIVE, Incident.mode == mode,
                   IncidentTask.status == TaskStatus.OPEN, IncidentTask.due_at.is_not(None))
            .subquery())


def most_urgent_first(query: Select[*Columns], ranks: Subquery, mode: IncidentMode
                      ) -> tuple[Select[*Columns], Subquery]:
    """`query` (selecting from incidents) narrowed to active incidents of `mode`, joined to each one's
    first-due open task, most overdue tasks first, then the soonest due, then the newest."""
    first = select(ranks).where(ranks.c.place == 1).subquery()
    overdue = func.coalesce(first.c.overdue, 0)
    ordered = (query.outerjoin(first, first.c.incident_id == Incident.id)
               .where(Incident.status == IncidentStatus.ACTIVE, Incident.mode == mode)
               .order_by(overdue.desc(), first.c.due_at.is_(None), first.c.due_at,
                         Incident.created_at.desc(), Incident.id.desc()))
    return ordered, first


def board_section(session: Session, *, mode: IncidentMode, now: datetime, page: int, per_page: int
                  ) -> BoardSection:
    """A page of active incidents of `mode`, most urgent first, each with its next open tasks."""
    ranks = open_task_ranks(now, mode)
    query, _ = most_urgent_first(select(Incident), ranks, mode)
    pagination = SelectPagination(select=query, session=session, page=page, per_page=per_page,
                                  max_per_page=None, error_out=False, count=True)
    incidents: list[Incident] = list(pagination.items)
    upcoming: dict[int, list[NextTask]] = {incident.id: [] for incident in incidents}
    overdue: dict[int, int] = {}
    if incidents:
        rows = session.execute(select(ranks.c.incident_id, ranks.c.title, ranks.c.due_at, ranks.c.overdue)
                               .where(ranks.c.incident_id.in_(upcoming), ranks.c.place <= NEXT_TASKS)
                               .order_by(ranks.c.incident_id, ranks.c.place))
        for incident_id, title, due_at, count in rows:
            upcoming[incident_id].append(NextTask(title, due_at))
            overdue[incident_id] = int(count or 0)
    return BoardSection(mode, [BoardIncident(incident, overdue.get(incident.id, 0), upcoming[incident.id])
                               for incident in incidents], pagination)
