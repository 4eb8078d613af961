"""Incident pages as duty staff use them: launch, the incident page, clocks, tasks, roles, board."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.incidents.models import Incident, IncidentMode, IncidentTask, TaskStatus
from commsplan.reference.models import BusinessUnit
from tests.conftest import count_queries, csrf_token
from tests.factories import make_user
from tests.incidents.conftest import FIXTURE

Launch = Callable[..., Incident]


@pytest.fixture
def app(make_app: Callable[..., Flask], tmp_path: Any) -> Any:
    (tmp_path / FIXTURE.name).write_text(FIXTURE.read_text())
    app = make_app(PLAYBOOKS_DIR=str(tmp_path))
    with app.app_context():
        yield app


def launch_form(client: FlaskClient, unit: BusinessUnit, **changes: str) -> dict[str, str]:
    token = csrf_token(client.get("/incidents/launch/street-robbery-test").text)
    return {"csrf_token": token, "title": "Robbery, Acre Lane", "mode": "live",
            "notified_at": "2026-11-20T09:30", "in_general_location": "Acre Lane",
            "in_called_at": "2026-11-20T09:25", "in_victim_age": "15", "in_weapon": "knife",
            "in_footage_online": "yes", "in_unit": str(unit.id), **changes}


def test_a_duty_officer_launches_from_the_form(client: FlaskClient, signed_in: Callable[..., User],
                                              unit: BusinessUnit) -> None:
    signed_in(Role.DUTY_OFFICER)
    page = client.get("/incidents/launch/street-robbery-test")
    assert page.status_code == 200
    for words in ("General location", "Name of the victim (optional)", "Kept out of statements",
                  'type="datetime-local"', "Lambeth borough command", "none seen"):
        assert words in page.text, words
    response = client.post("/incidents/launch/street-robbery-test", data=launch_form(client, unit))
    assert response.status_code == 302
    incident = db.session.scalar(select(Incident))
    assert incident is not None and response.headers["Location"].endswith(f"/incidents/{incident.id}")
    shown = client.get(response.headers["Location"]).text
    for words in ("CI-2026-0001 launched", "Publish the holding statement", "Waiting for: first arrest",
                  "10:15, 20 Nov", "Acre Lane", "Duty officer"):
        assert words in shown, words


def test_bad_answers_come_back_by_field_with_what_was_typed(
        client: FlaskClient, signed_in: Callable[..., User], unit: BusinessUnit) -> None:
    signed_in(Role.DUTY_OFFICER)
    data = launch_form(client, unit, in_victim_age="fifteen", in_weapon="", title="", mode="drill")
    response = client.post("/incidents/launch/street-robbery-test", data=data)
    assert response.status_code == 422
    text = response.text
    assert text.count("govuk-error-message") >= 2
    assert "Choose live or exercise" in text and "<title>Error:" in text
    data["mode"] = "live"
    text = client.post("/incidents/launch/street-robbery-test", data=data).text
    for words in ("Enter a short title", "Age of the victim: enter a number", "Enter weapon",
                  'href="#in_victim_age"', 'value="fifteen"', 'value="Acre Lane"'):
        assert words in text, words
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0


@pytest.mark.parametrize("role", [Role.COMMS_OFFICER, Role.APPROVER, Role.ADMIN])
def test_only_duty_officers_launch_or_change_incidents(client: FlaskClient, signed_in: Callable[..., User],
                                                      unit: BusinessUnit, launch: Launch, role: Role) -> None:
    incident = launch()
    signed_in(role)
    assert client.get("/incidents/launch/street-robbery-test").status_code == 403
    page = client.get(f"/incidents/{incident.id}")
    assert page.status_code == 200 and "Record clock" not in page.text and ">Done" not in page.text
    for path in ("anchors", "notes", "roles", "tasks/1/complete", "tasks/1/skip"):
        assert client.post(f"/incidents/{incident.id}/{path}", data={"text": "x"}).status_code == 403


def test_partner_viewers_see_no_incident_at_all(client: FlaskClient, signed_in: Callable[..., User],
                                                launch: Launch) -> None:
    """Incidents name victims, complainants and suspects: a viewer-only account reads none of it."""
    incident = launch()
    signed_in(Role.VIEWER)
    for path in ("/incidents/", f"/incidents/{incident.id}", f"/incidents/{incident.id}/report",
                 f"/incidents/{incident.id}/report.md", f"/incidents/{incident.id}/decisions/verify",
                 "/incidents/figures"):
        assert client.get(path).status_code == 403, path
    assert ">Incidents<" not in client.get("/").text


def test_recording_a_clock_and_finishing_tasks_from_the_page(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    token = csrf_token(page)
    response = client.post(f"/incidents/{incident.id}/anchors", data={
        "csrf_token": token, "anchor": "arrest", "occurred_at": "2026-11-20T09:50", "note": "One arrest"})
    assert response.status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "Recorded: First arrest." in page and "10:20, 20 Nov" in page
    monitor = db.session.scalar(select(IncidentTask).where(IncidentTask.step_id == "monitor"))
    assert monitor is not None
    assert client.post(f"/incidents/{incident.id}/tasks/{monitor.id}/complete",
                       data={"csrf_token": token}).status_code == 302
    holding = db.session.scalar(select(IncidentTask).where(IncidentTask.step_id == "holding"))
    assert holding is not None
    refused = client.post(f"/incidents/{incident.id}/tasks/{holding.id}/skip",
                          data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 422 and "Say why the task is being skipped" in refused.text
    db.session.expire_all()
    assert monitor.status is TaskStatus.DONE and holding.status is TaskStatus.OPEN
    assert "(number 2)" in client.get(f"/incidents/{incident.id}").text


def test_bad_clock_input_is_shown_by_field(client: FlaskClient, signed_in: Callable[..., User],
                                           launch: Launch) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    token = csrf_token(client.get(f"/incidents/{incident.id}").text)
    response = client.post(f"/incidents/{incident.id}/anchors",
                           data={"csrf_token": token, "anchor": "arrest", "occurred_at": "soon"})
    assert response.status_code == 422 and "Enter a date and time" in response.text
    response = client.post(f"/incidents/{incident.id}/anchors",
                           data={"csrf_token": token, "anchor": "notified",
                                 "occurred_at": "2026-11-20T09:00"})
    assert response.status_code == 409


def test_roles_and_notes_from_the_page(client: FlaskClient, signed_in: Callable[..., User], launch: Launch,
                                       session: Any, now: datetime) -> None:
    incident = launch()
    press = make_user(session, roles=(Role.COMMS_OFFICER,), name="Pat Press", now=now)
    session.commit()
    signed_in(Role.DUTY_OFFICER)
    token = csrf_token(client.get(f"/incidents/{incident.id}").text)
    assert client.post(f"/incidents/{incident.id}/roles", data={
        "csrf_token": token, "role": "duty_press_officer", "user_id": str(press.id)}).status_code == 302
    bad = client.post(f"/incidents/{incident.id}/roles",
                      data={"csrf_token": token, "role": "x", "user_id": ""})
    assert bad.status_code == 422
    assert "Choose one of this playbook" in bad.text and "Choose a person" in bad.text
    assert client.post(f"/incidents/{incident.id}/notes", data={
        "csrf_token": token, "text": "Gold group called for 14:00"}).status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "Duty press officer: Pat Press" in page and "Gold group called for 14:00" in page
    empty = client.post(f"/incidents/{incident.id}/notes", data={"csrf_token": token, "text": " "})
    assert empty.status_code == 422 and "Write what happened" in empty.text


def test_exercises_are_marked_on_every_incident_page(client: FlaskClient, signed_in: Callable[..., User],
                                                     launch: Launch) -> None:
    incident = launch(mode=IncidentMode.EXERCISE)
    signed_in(Role.COMMS_OFFICER)
    assert "This is an exercise, not a real incident" in client.get(f"/incidents/{incident.id}").text
    assert "Exercise</strong>" in client.get("/incidents/").text


def test_the_board_flags_overdue_in_words_and_refreshes_itself(client: FlaskClient,
                                                              signed_in: Callable[..., User],
                                                              launch: Launch) -> None:
    launch()
    signed_in(Role.DUTY_OFFICER)
    page = client.get("/incidents/").text
    assert "2 overdue" in page and ">Overdue<" in page  # the test incident was launched days ago
    assert "board.js" in page
    assert "refreshes itself every 60 seconds" in page
    assert "Launch a playbook" in page


def test_the_board_and_incident_page_use_a_bounded_number_of_queries(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch) -> None:
    signed_in(Role.DUTY_OFFICER)
    first_id = launch().id

    def measure(path: str) -> int:
        client.get(path)  # the playbook library is read once per change of the folder
        db.session.remove()
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    small = measure("/incidents/"), measure(f"/incidents/{first_id}")
    for number in range(8):
        launch(title=f"Incident {number}")
    assert (measure("/incidents/"), measure(f"/incidents/{first_id}")) == small


def test_unknown_incidents_and_playbooks_are_404(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.DUTY_OFFICER)
    assert client.get("/incidents/999").status_code == 404
    assert client.get("/incidents/launch/no-such-playbook").status_code == 404


def test_each_task_says_how_to_do_it_from_the_launched_playbook(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    assert "How to do it" in page
    assert "<li>Facts checked with the SIO</li>" in page and "<li>Family told first</li>" in page


def test_partner_viewers_are_not_offered_incident_roles_and_cannot_be_given_one(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, session: Any,
        now: datetime) -> None:
    incident = launch()
    partner = make_user(session, roles=(Role.VIEWER,), name="Ana Partner", now=now)
    staff = make_user(session, roles=(Role.COMMS_OFFICER,), name="Pat Press", now=now)
    session.commit()
    signed_in(Role.DUTY_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    assert f'<option value="{staff.id}">Pat Press</option>' in page
    assert "Ana Partner" not in page
    token = csrf_token(page)
    refused = client.post(f"/incidents/{incident.id}/roles", data={
        "csrf_token": token, "role": "duty_press_officer", "user_id": str(partner.id)})
    assert refused.status_code == 422 and "Ana Partner has a viewer account" in refused.text


def test_numbers_read_back_as_they_were_typed(client: FlaskClient, signed_in: Callable[..., User],
                                              launch: Launch) -> None:
    incident = launch(victim_age="15")
    signed_in(Role.DUTY_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    assert '<dd class="govuk-summary-list__value">15</dd>' in page and "15.0" not in page


def test_the_viewer_role_says_it_cannot_read_incidents() -> None:
    assert "not incidents" in Role.VIEWER.description
