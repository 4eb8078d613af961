"""The home page answers "what needs me now", per role: live incidents and their overdue tasks,
exercises apart, the person's own incident tasks, what waits for their approval and the rest of
their inbox, with nothing from closed incidents, nothing for partner viewers, and a fixed number
of queries however many incidents there are."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.incidents import closing
from commsplan.incidents import service as incidents
from commsplan.incidents.models import Incident, IncidentMode
from commsplan.notifications import approvals
from commsplan.notifications.expand import expand_due
from commsplan.notifications.service import Subject
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import to_london
from tests.conftest import count_queries, sign_in
from tests.factories import make_unit, make_user
from tests.incidents.conftest import fixture_playbook, good_inputs

SETTINGS = DeliverySettings()
FIRST_TASK = "Check social media for the footage"    # due 15 minutes after police were notified
SECOND_TASK = "Publish the holding statement"         # due after 45 minutes
MAP_REQUEST = Subject(type="message_map", id="9", title="Approve message: Safer routes home",
                      link="/messages/9")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """The home page and the header read the clock: pin both to the tests' Friday 10:00 UTC."""
    monkeypatch.setattr("commsplan.home.utcnow", lambda: now)
    monkeypatch.setattr("commsplan.notifications.views.utcnow", lambda: now)


@dataclass(frozen=True)
class People:
    viewer: User
    officer: User
    approver: User
    duty: User


@dataclass(frozen=True)
class World:
    live: Incident      # notified three hours ago: its first two tasks are overdue
    exercise: Incident  # notified 20 minutes ago: one task overdue
    closed: Incident    # stood down and closed


def launch(session: Session, now: datetime, duty: User, title: str, *, minutes_ago: int,
           mode: IncidentMode = IncidentMode.LIVE) -> Incident:
    unit = make_unit(session, now=now)
    notified = to_london(now - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%d %H:%M")
    request = incidents.LaunchRequest(title=title, mode=mode.value, notified_at=notified,
                                      inputs=good_inputs(unit.id))
    return incidents.launch(session, fixture_playbook(), request, actor=duty, now=now, settings=SETTINGS)


def deliver(session: Session, now: datetime) -> None:
    while expand_due(session, now=now, worker="test", settings=SETTINGS):
        pass
    session.commit()


@pytest.fixture
def people(session: Session, now: datetime) -> People:
    return People(viewer=make_user(session, roles=(Role.VIEWER,), name="Pat Partner", now=now),
                  officer=make_user(session, roles=(Role.COMMS_OFFICER,), name="Olu Officer", now=now),
                  approver=make_user(session, roles=(Role.APPROVER,), name="Helen Marsh", now=now),
                  duty=make_user(session, roles=(Role.DUTY_OFFICER,), name="Dana Duty", now=now))


@pytest.fixture
def world(session: Session, now: datetime, people: People) -> World:
    closed = launch(session, now - timedelta(hours=5), people.duty, "Closed case, Brixton Hill",
                    minutes_ago=300)
    deliver(session, now - timedelta(hours=4))
    closing.stand_down(session, closed, "Charged", actor=people.duty, now=now - timedelta(hours=3))
    closing.close(session, closed, closing.DebriefInput("Fast holding line", "Earlier family contact"),
                  actor=people.duty, now=now - timedelta(hours=2))
    live = launch(session, now, people.duty, "Robbery of a pupil, Acre Lane", minutes_ago=180)
    exercise = launch(session, now, people.duty, "Practice: robbery near a school", minutes_ago=20,
                      mode=IncidentMode.EXERCISE)
    approvals.ask_for_approval(session, key_prefix="message:9:approval:1:x:", approvers=None, exclude=(),
                               subject=MAP_REQUEST, body="Version 1.", now=now, settings=SETTINGS,
                               actor=people.officer)
    deliver(session, now)
    return World(live=live, exercise=exercise, closed=closed)


@pytest.fixture
def home_of(app: Flask, session: Session) -> Callable[[User], str]:
    def home(user: User) -> str:
        session.commit()
        client = app.test_client()
        sign_in(client, user)
        response = client.get("/")
        assert response.status_code == 200
        return response.text

    return home


def part(html: str, element_id: str) -> str:
    """The list (or empty-state paragraph) with this id."""
    match = re.search(rf'<(ul|p)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no #{element_id} on the page"
    return " ".join(match.group(2).split())


def test_a_viewer_sees_no_incident_at_all(world: World, people: People,
                                          home_of: Callable[[User], str]) -> None:
    page = home_of(people.viewer)
    for incident in (world.live, world.exercise, world.closed):
        assert incident.reference not in page and incident.title not in page
    assert "Live incidents" not in page and "Your incident tasks" not in page and "Exercises" not in page
    assert "Waiting for your approval" not in page
    assert "Nothing unread in your inbox." in page
    assert "Your roles" in page and "Get started" in page and "Recent changes" in page
    assert "<table" not in page  # lists, which narrow to a 320px screen without scrolling sideways


def test_a_comms_officer_sees_the_live_incident_with_its_overdue_tasks(
        world: World, people: People, home_of: Callable[[User], str]) -> None:
    page = home_of(people.officer)
    live = part(page, "live-incidents")
    assert f"{world.live.reference}: {world.live.title}" in live
    assert "2 overdue" in live and f"Next: {FIRST_TASK}, overdue since" in live
    assert world.exercise.reference not in live
    exercises = part(page, "exercises")
    assert f"{world.exercise.reference}: {world.exercise.title}" in exercises and "1 overdue" in exercises
    assert world.closed.reference not in page and world.closed.title not in page
    assert "None of your incident tasks is overdue" in part(page, "your-tasks")
    assert "Waiting for your approval" not in page  # not an approver, and nothing asked of them


def test_an_approver_sees_what_waits_for_them_until_someone_decides(
        session: Session, now: datetime, world: World, people: People,
        home_of: Callable[[User], str]) -> None:
    assert MAP_REQUEST.title in part(home_of(people.approver), "waiting-approval")
    approvals.resolve(session, key_prefix="message:9:approval:", now=now, actor=people.officer,
                      resolution="Approved by Bo Both at 10:00")
    page = home_of(people.approver)
    assert MAP_REQUEST.title not in page
    assert part(page, "waiting-approval") == "Nothing is waiting for your approval."
    assert "2 overdue" in part(page, "live-incidents")


def test_the_duty_officer_sees_their_live_tasks_and_no_exercise_or_closed_items(
        world: World, people: People, home_of: Callable[[User], str]) -> None:
    page = home_of(people.duty)
    tasks = part(page, "your-tasks")
    assert tasks.index(FIRST_TASK) < tasks.index(SECOND_TASK)  # the most overdue first
    assert tasks.count(world.live.reference) == 2 and "overdue since" in tasks
    assert world.exercise.reference not in tasks and world.closed.reference not in tasks
    unread = part(page, "unread")
    assert world.live.reference in unread
    assert world.exercise.reference not in unread and world.closed.reference not in unread
    assert world.exercise.reference in part(page, "exercises")
    assert world.closed.reference not in page
    assert "<table" not in page


def test_tasks_follow_the_role_holder_and_the_duty_officer_keeps_the_unheld_ones(
        session: Session, now: datetime, world: World, people: People,
        home_of: Callable[[User], str]) -> None:
    incidents.assign_role(session, world.live, "duty_press_officer", people.officer, note="",
                          actor=people.duty, now=now, settings=SETTINGS)
    officer_tasks = part(home_of(people.officer), "your-tasks")
    assert FIRST_TASK in officer_tasks and SECOND_TASK in officer_tasks
    duty_tasks = part(home_of(people.duty), "your-tasks")
    assert FIRST_TASK not in duty_tasks and "None of your incident tasks is overdue" in duty_tasks


def test_the_page_is_bounded_and_its_queries_do_not_grow_with_incidents(
        session: Session, now: datetime, world: World, people: People, app: Flask) -> None:
    session.commit()
    client = app.test_client()
    sign_in(client, people.duty)

    def queries() -> tuple[int, str]:
        with count_queries() as counter:
            response = client.get("/")
        assert response.status_code == 200
        return counter.count, response.text

    few, _ = queries()
    for number in range(27):
        launch(session, now, people.duty, f"Another robbery {number}", minutes_ago=180)
    deliver(session, now)
    many, page = queries()

    assert many == few
    assert part(page, "live-incidents").count("<li") == 10
    assert "and 18 more on the incident board" in page  # 28 live incidents in all
    assert part(page, "your-tasks").count("<li") == 15
    assert "and 41 more of your tasks are overdue or due in the next 30 minutes" in page
    assert part(page, "unread").count("<li") == 5
