"""The duty board: live incidents apart from exercises, the most overdue first, a page at a time, each
with its next three open tasks; counts worked out in SQL, so the queries and the rows shown stay the
same however many incidents there are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.incidents import service
from commsplan.incidents.board import NEXT_TASKS, board_section
from commsplan.incidents.models import IncidentMode, TaskStatus
from tests.conftest import count_queries
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Any]


def test_the_most_overdue_incident_comes_first_with_its_next_tasks(launch: Launch, session: Any,
                                                                    now: datetime) -> None:
    recent = launch(title="Recent")
    older = launch(title="Older", notified_at=now - timedelta(hours=5))
    section = board_section(session, mode=IncidentMode.LIVE, now=now, page=1, per_page=10)
    assert [row.incident.id for row in section.rows] == [older.id, recent.id]
    for row in section.rows:
        open_tasks = sorted((t for t in service.tasks_of(session, row.incident)
                             if t.status is TaskStatus.OPEN and t.due_at), key=lambda t: (t.due_at, t.id))
        assert row.overdue == sum(t.is_overdue(now) for t in open_tasks)
        assert [t.title for t in row.next_tasks] == [t.title for t in open_tasks[:NEXT_TASKS]]
    assert section.rows[0].overdue > section.rows[1].overdue


def test_exercises_are_listed_apart(launch: Launch, session: Any, now: datetime) -> None:
    live, exercise = launch(), launch(mode=IncidentMode.EXERCISE, title="Tabletop")
    sections = {mode: board_section(session, mode=mode, now=now, page=1, per_page=10)
                for mode in IncidentMode}
    assert [row.incident.id for row in sections[IncidentMode.LIVE].rows] == [live.id]
    assert [row.incident.id for row in sections[IncidentMode.EXERCISE].rows] == [exercise.id]


def test_the_board_comes_a_page_at_a_time(launch: Launch, session: Any, now: datetime) -> None:
    launched = [launch(title=f"Incident {number}", notified_at=now - timedelta(minutes=30 + number))
                for number in range(5)]
    pages = [board_section(session, mode=IncidentMode.LIVE, now=now, page=number, per_page=2)
             for number in (1, 2, 3)]
    assert [len(page.rows) for page in pages] == [2, 2, 1]
    assert {page.page.total for page in pages} == {5}
    assert sorted(row.incident.id for page in pages for row in page.rows) == sorted(i.id for i in launched)


def test_the_page_shows_counts_and_pages_keeping_the_other_list_in_place(
        app: Flask, client: FlaskClient, signed_in: Callable[..., User], launch: Launch) -> None:  # noqa: F811
    app.config["PAGE_SIZE"] = 2
    for number in range(5):
        launch(title=f"Stabbing {number}")
    for number in range(3):
        launch(title=f"Drill {number}", mode=IncidentMode.EXERCISE)
    signed_in(Role.DUTY_OFFICER)
    page = client.get("/incidents/?exercise_page=2").text
    assert "Live incidents (5)" in page and "Exercises (3)" in page
    assert page.count('class="app-board-item') == 2 + 1
    assert "Showing 1 to 2 of 5" in page and "Showing 3 to 3 of 3" in page
    assert 'href="/incidents/?page=2&amp;exercise_page=2"' in page
    assert 'href="/incidents/?page=1&amp;exercise_page=1"' in page


def test_the_rows_shown_and_the_queries_stay_the_same_with_many_incidents(
        app: Flask, client: FlaskClient, signed_in: Callable[..., User], launch: Launch,  # noqa: F811
        duty: User) -> None:
    app.config["PAGE_SIZE"] = 3
    signed_in(Role.DUTY_OFFICER)
    launch()

    def measure() -> tuple[int, int]:
        client.get("/incidents/")
        db.session.remove()
        with count_queries() as counter:
            page = client.get("/incidents/").text
        return counter.count, page.count('class="app-board-item')

    queries, rows = measure()
    db.session.add(duty)  # measuring starts each request afresh; the launcher's officer comes back
    for number in range(9):
        launch(title=f"Incident {number}")
    assert measure() == (queries, 3)
    assert rows == 1
