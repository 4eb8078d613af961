"""The figures an incident response is measured by, worked out in SQL.

For each incident: minutes from police being notified to the first released holding statement,
tasks done on time (of those done that had a due time), tasks that went overdue, statements
released and decisions logged. Across incidents: the same summed, and the median minutes to a
holding statement. Exercises are left out of the figures across incidents, so practice never
flatters or spoils the live record.

Every figure is a correlated subquery on the incident row, so a page of incidents costs one query
whatever their number of tasks, and the totals one more, however many incidents there are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from commsplan.db import UTCDateTime, minutes_between
from commsplan.incidents.models import (
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
from commsplan.playbooks.vocab import START_ANCHOR

CLOSED_LIVE = and_(Incident.status == IncidentStatus.CLOSED, Incident.mode == IncidentMode.LIVE)


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


@dataclass(frozen=True)
class FiguresSummary:
    """Closed live incidents taken together, and one page of them with their own figures."""

    incidents: int
    median_minutes_to_holding: float | None
    totals: IncidentFigures
    page: Pagination
    rows: list[tuple[Incident, IncidentFigures]]
    more: list[tuple[str, str]]  # (label, value) from the rooms above, such as the press desk


# A higher room's totals over the incidents a query selects (their ids), added by create_app.
TotalsBuilder = Callable[[Session, Select[Any]], list[tuple[str, str]]]
_totals_builders: list[TotalsBuilder] = []


def add_totals(builder: TotalsBuilder) -> None:
    """Called by create_app (register_listeners): a higher room's totals on the figures page."""
    if builder not in _totals_builders:
        _totals_builders.append(builder)


def figures(session: Session, incident: Incident, *, now: datetime | None = None) -> IncidentFigures:
    """One incident's figures; `now` counts open tasks past due while it is still active."""
    return figures_for(session, [incident], now=now)[incident.id]


def figures_for(session: Session, incidents: list[Incident], *, now: datetime | None = None
                ) -> dict[int, IncidentFigures]:
    """Figures for many incidents in one query, whatever their number of tasks."""
    if not incidents:
        return {}
    ids = [incident.id for incident in incidents]
    query = select(Incident.id, *figure_columns(now)).where(Incident.id.in_(ids))
    return {row[0]: IncidentFigures(*row[1:]) for row in session.execute(query)}


def closed_live_summary(session: Session, *, page: int, per_page: int) -> FiguresSummary:
    """The figures page: totals and the median over every closed live incident, and one page of
    them, newest closed first. A bounded number of queries and rows, however many there are."""
    newest_first = select(Incident).where(CLOSED_LIVE).order_by(Incident.closed_at.desc(), Incident.id.desc())
    pagination = SelectPagination(select=newest_first, session=session, page=page, per_page=per_page,
                                  max_per_page=None, error_out=False, count=True)
    found = figures_for(session, list(pagination.items))
    per_incident = select(*figure_columns(None)).where(CLOSED_LIVE).subquery()
    minutes = per_incident.c.minutes_to_holding
    with_holding, *totals = session.execute(select(
        func.count(minutes), *(func.coalesce(func.sum(column), 0) for column in list(per_incident.c)[1:])
    )).one()
    return FiguresSummary(
        incidents=pagination.total or 0,
        median_minutes_to_holding=median(session, minutes, count=with_holding),
        totals=IncidentFigures(None, *totals),
        page=pagination,
        rows=[(incident, found[incident.id]) for incident in pagination.items],
        more=[item for build in _totals_builders
              for item in build(session, select(Incident.id).where(CLOSED_LIVE))])


def median(session: Session, column: ColumnElement[int], *, count: int | None = None) -> float | None:
    """The median of a column's non-empty values, found by the database: count them (unless the
    caller has), then read the middle one (or two) in order."""
    present = column.is_not(None)
    if count is None:
        count = session.scalar(select(func.count(column)).where(present)) or 0
    if not count:
        return None
    middle = select(column).where(present).order_by(column).offset((count - 1) // 2)
    values = session.scalars(middle.limit(2 if count % 2 == 0 else 1)).all()
    return sum(values) / len(values)


def figure_columns(now: datetime | None) -> list[ColumnElement[Any]]:
    """The figures of the incident row they are selected with, as correlated subqueries.

    A task is overdue when it was done after its due time, or is still open past it at the
    stand-down (or close) time, or at `now` while the incident is active.
    """
    ended = func.coalesce(Incident.stood_down_at, Incident.closed_at, literal(now, UTCDateTime()))
    task = IncidentTask
    done_with_due = and_(task.status == TaskStatus.DONE, task.due_at.is_not(None))
    on_time = and_(done_with_due, task.completed_at <= task.due_at)
    # A withdrawn task was never due in the end: its step stopped applying before anyone started it.
    overdue = and_(task.status != TaskStatus.WITHDRAWN, task.completed_at > task.due_at) | \
        and_(task.status == TaskStatus.OPEN, task.due_at < ended)
    released = and_(IncidentStatement.incident_id == Incident.id,
                    IncidentStatement.status == StatementStatus.RELEASED)
    first_holding = (select(func.min(IncidentStatement.released_at))
                     .where(released, IncidentStatement.kind == "holding").scalar_subquery())
    notified = (select(IncidentAnchor.occurred_at)
                .where(IncidentAnchor.incident_id == Incident.id, IncidentAnchor.anchor == START_ANCHOR)
                .scalar_subquery())
    return [
        minutes_between(notified, first_holding).label("minutes_to_holding"),
        tasks_where(on_time).label("done_on_time"),
        tasks_where(done_with_due).label("done_with_due_time"),
        tasks_where(overdue).label("overdue"),
        select(func.count()).where(released).scalar_subquery().label("statements_released"),
        select(func.count()).where(DecisionEntry.incident_id == Incident.id).scalar_subquery()
        .label("decisions"),
    ]


def tasks_where(condition: ColumnElement[bool]) -> Any:
    """How many of the incident's tasks meet the condition."""
    counted: Select[Any] = select(func.count(case((condition, 1))))
    return counted.where(IncidentTask.incident_id == Incident.id).scalar_subquery()
