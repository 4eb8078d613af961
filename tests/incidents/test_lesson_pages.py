"""Lessons on the incident page and the playbook page: raising one, refused answers by field, marking
lessons once the file's version rises, who sees what, and the playbook page's bounded queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.incidents import closing, lessons
from commsplan.incidents.models import Incident, PlaybookLesson
from commsplan.notifications.jobs import current_settings
from tests.conftest import count_queries, csrf_token
from tests.factories import make_user
from tests.incidents.conftest import FIXTURE
from tests.incidents.test_lessons import DEBRIEF

Launch = Callable[..., Incident]
PLAYBOOK = "/playbooks/street-robbery-test"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / FIXTURE.name).write_text(FIXTURE.read_text())
    return tmp_path


@pytest.fixture
def app(make_app: Callable[..., Flask], folder: Path) -> Iterator[Flask]:
    app = make_app(PLAYBOOKS_DIR=str(folder))
    with app.app_context():
        yield app


@pytest.fixture
def closed(launch: Launch, duty: User, now: datetime) -> Incident:
    incident = launch()
    closing.stand_down(db.session, incident, "Charged", actor=duty, now=now)
    closing.close(db.session, incident, DEBRIEF, actor=duty, now=now)
    db.session.commit()
    return incident


def add_lessons(incident: Incident, owner: User, duty: User, now: datetime, count: int) -> None:
    for number in range(count):
        answers = lessons.LessonInput(f"Change {number}", owner.id, "1/12/2026")
        lessons.raise_lesson(db.session, incident, answers, actor=duty, now=now, settings=current_settings())
    db.session.commit()


def test_a_closer_records_a_lesson_from_the_incident_page(
        client: FlaskClient, signed_in: Callable[..., User], closed: Incident) -> None:
    approver = signed_in(Role.APPROVER)
    page = client.get(f"/incidents/{closed.id}").text
    assert "Record a lesson for the playbook" in page
    form = {"csrf_token": csrf_token(page), "proposed_change": "Brief head teachers within the hour",
            "owner": str(approver.id), "due_on": "1/6/2027"}
    response = client.post(f"/incidents/{closed.id}/lessons", data=form)
    assert response.status_code == 302
    shown = client.get(f"/incidents/{closed.id}").text
    assert "Brief head teachers within the hour" in shown and "Open</strong>" in shown


def test_bad_lesson_answers_are_shown_by_field_and_nothing_is_saved(
        client: FlaskClient, signed_in: Callable[..., User], closed: Incident) -> None:
    signed_in(Role.DUTY_OFFICER)
    token = csrf_token(client.get(f"/incidents/{closed.id}").text)
    response = client.post(f"/incidents/{closed.id}/lessons", data={
        "csrf_token": token, "proposed_change": "", "owner": "abc", "due_on": "32/13/2026"})
    assert response.status_code == 422
    for message in ("Say what should change in the playbook", "Choose who owns this lesson",
                    "Enter the due date as day/month/year"):
        assert message in response.text
    assert db.session.scalar(select(func.count()).select_from(PlaybookLesson)) == 0


def test_the_owner_marks_lessons_once_the_version_rises(
        client: FlaskClient, signed_in: Callable[..., User], closed: Incident, duty: User, now: datetime,
        folder: Path) -> None:
    owner = signed_in(Role.COMMS_OFFICER)
    add_lessons(closed, owner, duty, now, 2)
    first, second = db.session.scalars(select(PlaybookLesson).order_by(PlaybookLesson.id))
    page = client.get(PLAYBOOK).text
    assert "2 open lessons" in page and "Change 0" in page and "Mark as addressed" not in page
    too_soon = client.post("/incidents/lessons/street-robbery-test/addressed", data={
        "csrf_token": csrf_token(page), "lessons": [str(first.id)], "note": "Done"})
    assert too_soon.status_code == 422 and "publish a later version" in too_soon.text
    text = (folder / FIXTURE.name).read_text().replace("version: 2\n", "version: 3\n", 1)
    (folder / FIXTURE.name).write_text(text)
    page = client.get(PLAYBOOK).text
    assert "Mark as addressed" in page
    no_note = client.post("/incidents/lessons/street-robbery-test/addressed", data={
        "csrf_token": csrf_token(page), "lessons": [str(first.id)], "note": ""})
    assert no_note.status_code == 422 and "Say how the new version addresses the lessons" in no_note.text
    done = client.post("/incidents/lessons/street-robbery-test/addressed", data={
        "csrf_token": csrf_token(page), "lessons": [str(first.id)], "note": "New task 4 briefs schools"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(PlaybookLesson, first.id).addressed_in_version == 3
    assert db.session.get(PlaybookLesson, second.id).addressed_at is None
    assert "1 open lesson " in client.get(PLAYBOOK).text


def test_partner_viewers_see_the_playbook_but_no_lessons_and_cannot_mark(
        client: FlaskClient, signed_in: Callable[..., User], closed: Incident, duty: User, now: datetime,
        session: Any) -> None:
    owner = make_user(session, roles=(Role.COMMS_OFFICER,), name="Olu Owner", now=now)
    add_lessons(closed, owner, duty, now, 1)
    signed_in(Role.VIEWER)
    page = client.get(PLAYBOOK)
    assert page.status_code == 200 and "Open lessons" not in page.text and "Change 0" not in page.text
    response = client.post("/incidents/lessons/street-robbery-test/addressed",
                           data={"csrf_token": csrf_token(page.text), "lessons": ["1"], "note": "x"})
    assert response.status_code == 403
    assert client.post(f"/incidents/{closed.id}/lessons", data={"csrf_token": csrf_token(page.text)}
                       ).status_code == 403


def test_the_playbook_page_queries_stay_flat_with_ten_times_the_lessons(
        client: FlaskClient, signed_in: Callable[..., User], closed: Incident, duty: User,
        now: datetime) -> None:
    owner = signed_in(Role.COMMS_OFFICER)

    def measure() -> int:
        client.get(PLAYBOOK)
        db.session.remove()
        with count_queries() as counter:
            assert client.get(PLAYBOOK).status_code == 200
        return counter.count

    ids = closed.id, owner.id, duty.id
    add_lessons(closed, owner, duty, now, 3)
    small = measure()
    add_lessons(db.session.get(Incident, ids[0]), db.session.get(User, ids[1]), db.session.get(User, ids[2]),
                now, 27)
    assert measure() == small
    page = client.get(PLAYBOOK).text
    assert "30 open lessons" in page and "Page 1 of 2" in page
    assert "Page 2 of 2" in client.get(PLAYBOOK + "?lessons_page=2").text
