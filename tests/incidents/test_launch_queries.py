"""Launching a big playbook costs the same number of SQL statements as launching a small one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bench.incident_launch import synthetic_playbook
from commsplan.auth.models import User
from commsplan.incidents import service
from commsplan.incidents.models import IncidentStatement, IncidentTask
from commsplan.notifications.jobs import current_settings
from commsplan.notifications.models import Reminder
from tests.conftest import count_queries


def launch_counting(session: Any, tasks: int, statements: int, duty: User, now: datetime) -> int:
    playbook = synthetic_playbook(tasks, statements)
    request = service.LaunchRequest("Bench", "live", "2026-11-20 09:00", {"place": "Acre Lane"})
    service.launch(session, playbook, request, actor=duty, now=now, settings=current_settings())
    session.commit()  # the playbook revision is stored by the first launch
    with count_queries() as counter:
        service.launch(session, playbook, request, actor=duty, now=now, settings=current_settings())
        session.commit()
    return counter.count


def test_launch_queries_do_not_grow_with_tasks_and_statements(session: Any, duty: User,
                                                              now: datetime) -> None:
    small = launch_counting(session, 8, 2, duty, now)
    large = launch_counting(session, 40, 10, duty, now)
    assert large == small
    assert session.scalar(select(func.count()).select_from(IncidentTask)) == 2 * (8 + 40)
    assert session.scalar(select(func.count()).select_from(IncidentStatement)) == 2 * (2 + 10)
    timed = session.scalars(select(IncidentTask.due_at).where(IncidentTask.due_at.is_not(None))).all()
    expected = sum(2 if due_at > now else 1 for due_at in timed)  # nothing "due soon" once overdue
    assert session.scalar(select(func.count()).select_from(Reminder)) == expected
