"""The incident API: launch, clocks, tasks and decisions over JSON, with field errors that write nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commsplan.api import incidents as api
from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.incidents import service
from commsplan.incidents.decisions import EthicsPrinciple
from commsplan.incidents.models import Incident, IncidentMode, IncidentStatus, IncidentTask
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from tests.conftest import Headers, TokenFactory, count_queries
from tests.factories import make_unit, make_user
from tests.incidents.conftest import fixture_playbook, good_inputs, launch
from tests.incidents.test_views import app

SHARED_FIXTURES = (app, launch)  # the app reads the test playbook folder; `launch` uses the fixtures below
Launch = Callable[..., Incident]
BASE = "/api/v1/incidents"


@pytest.fixture
def playbook() -> Playbook:
    return fixture_playbook()


@pytest.fixture
def duty(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.DUTY_OFFICER,), name="Dana Duty", now=now)


@pytest.fixture
def unit(session: Any, now: datetime) -> BusinessUnit:
    """Committed, so that requests (each in its own session) can read it and write beside it."""
    made = make_unit(session, now=now, name="Lambeth borough command")
    db.session.commit()
    return made


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """The API reads the clock through utcnow(); pin it to the fixtures' Friday 10:00 UTC."""
    monkeypatch.setattr(api, "utcnow", lambda: now)


@pytest.fixture
def headers(token_for: TokenFactory) -> Headers:
    return token_for(Role.DUTY_OFFICER)[1]


@pytest.fixture
def reader(token_for: TokenFactory) -> Headers:
    """A comms officer's token: staff read incidents; partner viewers do not."""
    return token_for(Role.COMMS_OFFICER)[1]


def launch_body(unit: BusinessUnit, **changes: Any) -> dict[str, Any]:
    return {"playbook_id": "street-robbery-test", "title": "Robbery, Acre Lane", "mode": "live",
            "notified_at": "2026-11-20T09:30:00+00:00",
            "inputs": {"general_location": "Acre Lane", "called_at": "2026-11-20 09:25", "victim_age": "15",
                       "weapon": "knife", "footage_online": "yes", "unit": str(unit.id)}, **changes}


def table_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables}


@contextmanager
def nothing_written() -> Iterator[None]:
    db.session.expire_all()
    before = table_counts()
    yield
    db.session.expire_all()
    assert table_counts() == before


def by_step(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {task["step_id"]: task for task in body["tasks"] if task["status"] == "open"}


def task_id(incident: Incident, step_id: str) -> int:
    found = db.session.scalar(select(IncidentTask.id).where(
        IncidentTask.incident_id == incident.id, IncidentTask.step_id == step_id))
    assert found is not None
    return found


def field_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    return dict(response.json["fields"])


# --- Launch --------------------------------------------------------------------------------------

def test_launch_returns_the_incident_with_its_clocks_tasks_and_inputs(
        client: FlaskClient, headers: Headers, unit: BusinessUnit) -> None:
    response = client.post(BASE, json=launch_body(unit), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["reference"], body["mode"], body["status"], body["severity"]) == (
        "CI-2026-0001", "live", "active", "medium")
    assert (body["playbook_id"], body["playbook_version"]) == ("street-robbery-test", 2)
    assert body["launched_at"] == "2026-11-20T10:00:00+00:00"
    assert body["inputs"]["victim_age"] == 15 and body["inputs"]["footage_online"] is True
    assert body["anchors"] == [{"id": "notified", "label": body["anchors"][0]["label"],
                                "occurred_at": "2026-11-20T09:30:00+00:00", "occurrence": 1}]
    tasks = by_step(body)
    assert tasks["holding"]["due_at"] == "2026-11-20T10:15:00+00:00"
    assert tasks["holding"]["waiting_for"] is None and tasks["holding"]["owner_role"] == "duty_press_officer"
    assert tasks["arrest-release"]["due_at"] is None
    assert tasks["arrest-release"]["waiting_for"] == "First arrest"
    assert tasks["monitor"]["occurrence"] == 1 and tasks["monitor"]["anchor"] == "notified"
    assert body["overdue_tasks"] == 1  # checking social media was due at 09:45
    assert body["next_due_at"] == "2026-11-20T09:45:00+00:00"
    incident = db.session.get(Incident, body["id"])
    assert incident is not None and incident.launched_by.name == body["launched_by"]


@pytest.mark.parametrize(("sent", "stored"), [
    ("2026-11-20 09:30", "2026-11-20T09:30:00+00:00"),
    ("2026-11-20T09:30", "2026-11-20T09:30:00+00:00"),
    ("2026-11-20T09:30:00Z", "2026-11-20T09:30:00+00:00"),
    ("2026-11-20T10:30:00+01:00", "2026-11-20T09:30:00+00:00"),
    ("2026-07-01 13:00", "2026-07-01T12:00:00+00:00"),  # British Summer Time
    ("2026-07-01T12:00:00+00:00", "2026-07-01T12:00:00+00:00"),
])
def test_launch_takes_london_time_or_an_offset(client: FlaskClient, headers: Headers, unit: BusinessUnit,
                                               sent: str, stored: str) -> None:
    response = client.post(BASE, json=launch_body(unit, notified_at=sent), headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["anchors"][0]["occurred_at"] == stored


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"playbook_id": "nope"}, "playbook_id", "valid playbook"),
    ({"playbook_id": None}, "playbook_id", "valid playbook"),
    ({"playbook_id": 3}, "playbook_id", "Send text"),
    ({"title": 7}, "title", "Send text"),
    ({"title": ""}, "title", "Enter a short title"),
    ({"title": "x" * 201}, "title", "200 characters or fewer"),
    ({"mode": "drill"}, "mode", "Choose live or exercise"),
    ({"mode": True}, "mode", "Send text"),
    ({"notified_at": "yesterday"}, "notified_at", "ISO 8601"),
    ({"notified_at": "2026-11-20"}, "notified_at", "ISO 8601"),
    ({"notified_at": "2026-11-20T09:30:00"}, "notified_at", "with an offset"),
    ({"notified_at": 1763631000}, "notified_at", "Send text"),
    ({"notified_at": ""}, "notified_at", "enter a date and time"),
    ({"notified_at": "2026-11-20T10:10:00+00:00"}, "notified_at", "in the future"),
    ({"inputs": {"victim_age": 15}}, "inputs", "an object of text values"),
    ({"inputs": ["Acre Lane"]}, "inputs", "an object of text values"),
    ({"colour": "red"}, "colour", "Unknown field"),
])
def test_bad_launches_name_the_field_and_write_nothing(client: FlaskClient, headers: Headers,
                                                      unit: BusinessUnit, changes: dict[str, Any], field: str,
                                                      words: str) -> None:
    with nothing_written():
        fields = field_errors(client.post(BASE, json=launch_body(unit, **changes), headers=headers))
    assert any(words in message for message in fields[field]), fields


@pytest.mark.parametrize(("changes", "words"), [
    ({"victim_age": "old"}, "enter a number"),
    ({"victim_age": "3"}, "at least 5"),
    ({"weapon": ""}, "Enter weapon"),
    ({"weapon": "bat"}, "choose one of"),
    ({"footage_online": "maybe"}, "yes or no"),
    ({"unit": "99999"}, "active business unit"),
    ({"called_at": "teatime"}, "enter a date and time"),
    ({"shoe_size": "9"}, "no such input"),
])
def test_bad_inputs_come_back_by_input_id(client: FlaskClient, headers: Headers, unit: BusinessUnit,
                                          changes: dict[str, str], words: str) -> None:
    body = launch_body(unit)
    body["inputs"] = {**body["inputs"], **changes}
    with nothing_written():
        fields = field_errors(client.post(BASE, json=body, headers=headers))
    [name] = changes
    assert set(fields) == {name} and words in fields[name][0], fields


def test_every_bad_input_comes_back_at_once(client: FlaskClient, headers: Headers,
                                            unit: BusinessUnit) -> None:
    body = launch_body(unit, title="", notified_at="2026-11-21 09:00")
    body["inputs"] = {**body["inputs"], "victim_age": "old", "weapon": ""}
    fields = field_errors(client.post(BASE, json=body, headers=headers))
    assert set(fields) == {"title", "notified_at", "victim_age", "weapon"}


@pytest.mark.parametrize("sent", [b"not json", b"[1, 2]", b"null"])
def test_a_body_that_is_not_a_json_object_is_refused(client: FlaskClient, headers: Headers,
                                                     sent: bytes) -> None:
    response = client.post(BASE, data=sent, headers={**headers, "Content-Type": "application/json"})
    assert "body" in field_errors(response)


# --- Exercises -----------------------------------------------------------------------------------

def test_an_exercise_says_so_in_every_response(client: FlaskClient, headers: Headers,
                                               unit: BusinessUnit) -> None:
    launched = client.post(BASE, json=launch_body(unit, mode="exercise"), headers=headers)
    assert launched.status_code == 201
    body = launched.json
    assert body["mode"] == "exercise" and body["reference"].startswith("EX-2026-")
    url, tasks = f"{BASE}/{body['id']}", by_step(body)
    responses = [
        client.get(url, headers=headers),
        client.post(f"{url}/anchors", headers=headers,
                    json={"anchor": "arrest", "occurred_at": "2026-11-20 09:50"}),
        client.post(f"{url}/tasks/{tasks['monitor']['id']}/complete", headers=headers),
        client.post(f"{url}/tasks/{tasks['schools']['id']}/skip", headers=headers,
                    json={"reason": "Half term"}),
        client.post(f"{url}/decisions", headers=headers,
                    json={"decision_role": "duty_officer", "decision": "Appeal"}),  # they launched it
    ]
    for response in responses:
        assert response.status_code in (200, 201), response.text
        assert response.json["mode"] == "exercise", response.request.path
    listed = client.get(f"{BASE}?mode=exercise", headers=headers).json["items"]
    assert [(item["id"], item["mode"]) for item in listed] == [(body["id"], "exercise")]


# --- Reading -------------------------------------------------------------------------------------

def test_the_list_is_newest_first_filtered_and_paginated(client: FlaskClient, reader: Headers,
                                                         launch: Launch) -> None:
    first, second = launch(title="First"), launch(title="Second", mode=IncidentMode.EXERCISE)
    third = launch(title="Third")
    third.status = IncidentStatus.STOOD_DOWN
    db.session.commit()
    listing = client.get(BASE, headers=reader).json
    assert [item["id"] for item in listing["items"]] == [third.id, second.id, first.id]
    assert (listing["page"], listing["per_page"], listing["total"], listing["pages"]) == (1, 50, 3, 1)
    item = listing["items"][2]
    assert set(item) == {"id", "reference", "title", "playbook_id", "playbook_version", "mode", "status",
                         "severity", "launched_at", "launched_by", "overdue_tasks", "next_due_at"}
    assert (item["overdue_tasks"], item["next_due_at"], item["launched_by"]) == (
        1, "2026-11-20T09:45:00+00:00", "Dana Duty")

    def ids(query: str) -> list[int]:
        return [i["id"] for i in client.get(f"{BASE}?{query}", headers=reader).json["items"]]

    assert ids("status=active") == [second.id, first.id]
    assert ids("status=stood_down") == [third.id]
    assert ids("status=closed") == []
    assert ids("mode=live") == [third.id, first.id]
    assert ids("mode=exercise&status=active") == [second.id]
    assert ids("per_page=1&page=2") == [second.id]
    assert ids("page=9") == []


@pytest.mark.parametrize("query", ["status=open", "mode=drill"])
def test_an_unknown_filter_is_a_field_error(client: FlaskClient, reader: Headers, query: str) -> None:
    assert query.split("=")[0] in field_errors(client.get(f"{BASE}?{query}", headers=reader))


def test_one_incident_has_its_clocks_tasks_and_inputs(client: FlaskClient, reader: Headers,
                                                      launch: Launch) -> None:
    incident = launch()
    body = client.get(f"{BASE}/{incident.id}", headers=reader).json
    assert body["id"] == incident.id and body["reference"] == incident.reference
    assert body["inputs"]["general_location"] == "Acre Lane"
    assert [a["id"] for a in body["anchors"]] == ["notified"]
    task = by_step(body)["arrest-release"]
    assert set(task) == {"id", "step_id", "title", "owner_role", "anchor", "due_at", "waiting_for", "status",
                         "occurrence"}
    assert (task["due_at"], task["waiting_for"], task["status"]) == (None, "First arrest", "open")


def test_the_list_uses_a_bounded_number_of_queries(client: FlaskClient, reader: Headers, session: Any,
                                                   playbook: Playbook, unit: BusinessUnit,
                                                   now: datetime) -> None:
    """Each incident has its own launcher, so a lazy load per row would show."""
    def add(count: int) -> None:
        for _ in range(count):
            person = make_user(session, roles=(Role.DUTY_OFFICER,), now=now)
            request = service.LaunchRequest(title="Robbery", mode="live", notified_at="2026-11-20 09:30",
                                            inputs=good_inputs(unit.id))
            service.launch(session, playbook, request, actor=person, now=now, settings=current_settings())
        db.session.commit()

    def measure() -> int:
        client.get(BASE, headers=reader)
        with count_queries() as counter:
            response = client.get(BASE, headers=reader)
        assert response.status_code == 200
        return counter.count

    add(2)
    small = measure()
    add(18)
    assert measure() == small
    assert len(client.get(BASE, headers=reader).json["items"]) == 20


# --- Clocks --------------------------------------------------------------------------------------

@pytest.mark.parametrize("sent", ["2026-11-20T09:50:00Z", "2026-11-20 09:50", "2026-11-20T10:50:00+01:00"])
def test_recording_a_clock_times_the_tasks_waiting_for_it(client: FlaskClient, headers: Headers,
                                                          launch: Launch, sent: str) -> None:
    incident = launch()
    response = client.post(f"{BASE}/{incident.id}/anchors", headers=headers,
                           json={"anchor": "arrest", "occurred_at": sent, "note": "One teenager"})
    assert response.status_code == 201, response.json
    assert [(a["id"], a["occurred_at"]) for a in response.json["anchors"]][-1] == (
        "arrest", "2026-11-20T09:50:00+00:00")
    task = by_step(response.json)["arrest-release"]
    assert (task["due_at"], task["waiting_for"]) == ("2026-11-20T10:20:00+00:00", None)


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"anchor": "funeral", "occurred_at": "2026-11-20T09:50:00Z"}, "anchor", "this playbook's clocks"),
    ({"anchor": "", "occurred_at": "2026-11-20T09:50:00Z"}, "anchor", "this playbook's clocks"),
    ({"anchor": 1, "occurred_at": "2026-11-20T09:50:00Z"}, "anchor", "Send text"),
    ({"anchor": "arrest", "occurred_at": "soon"}, "occurred_at", "ISO 8601"),
    ({"anchor": "arrest", "occurred_at": "2026-11-20T09:50:00"}, "occurred_at", "with an offset"),
    ({"anchor": "arrest"}, "occurred_at", "Send the time"),
    ({"anchor": "arrest", "occurred_at": "2026-11-20T10:30:00Z"}, "occurred_at", "a time that has passed"),
    ({"anchor": "arrest", "occurred_at": "2026-11-20 09:50", "note": "x" * 2001}, "note", "2,000 characters"),
    ({"anchor": "arrest", "occurred_at": "2026-11-20 09:50", "note": ["x"]}, "note", "Send text"),
    ({"anchor": "arrest", "occurred_at": "2026-11-20 09:50", "when": "now"}, "when", "Unknown field"),
])
def test_bad_clocks_name_the_field_and_write_nothing(client: FlaskClient, headers: Headers, launch: Launch,
                                                     body: dict[str, Any], field: str, words: str) -> None:
    incident = launch()
    with nothing_written():
        fields = field_errors(client.post(f"{BASE}/{incident.id}/anchors", headers=headers, json=body))
    assert any(words in message for message in fields[field]), fields


def test_a_clock_is_recorded_once(client: FlaskClient, headers: Headers, launch: Launch) -> None:
    incident = launch()
    body = {"anchor": "arrest", "occurred_at": "2026-11-20 09:50"}
    assert client.post(f"{BASE}/{incident.id}/anchors", headers=headers, json=body).status_code == 201
    with nothing_written():
        again = client.post(f"{BASE}/{incident.id}/anchors", headers=headers, json=body)
    assert again.status_code == 409 and "already recorded" in again.json["detail"]


# --- Tasks ---------------------------------------------------------------------------------------

def test_completing_a_task_brings_back_a_repeating_step(client: FlaskClient, headers: Headers,
                                                        launch: Launch) -> None:
    incident = launch()
    response = client.post(f"{BASE}/{incident.id}/tasks/{task_id(incident, 'monitor')}/complete",
                           headers=headers)
    assert response.status_code == 200, response.json
    monitors = [t for t in response.json["tasks"] if t["step_id"] == "monitor"]
    assert sorted((t["occurrence"], t["status"]) for t in monitors) == [(1, "done"), (2, "open")]
    assert response.json["overdue_tasks"] == 0


def test_completing_a_done_task_is_a_conflict(client: FlaskClient, headers: Headers, launch: Launch) -> None:
    incident = launch()
    url = f"{BASE}/{incident.id}/tasks/{task_id(incident, 'holding')}/complete"
    assert client.post(url, headers=headers).status_code == 200
    with nothing_written():
        again = client.post(url, headers=headers)
    assert again.status_code == 409 and "already done" in again.json["detail"]


def test_skipping_a_task_says_why(client: FlaskClient, headers: Headers, launch: Launch) -> None:
    incident = launch()
    response = client.post(f"{BASE}/{incident.id}/tasks/{task_id(incident, 'schools')}/skip",
                           headers=headers, json={"reason": "Half term"})
    assert response.status_code == 200, response.json
    [schools] = [t for t in response.json["tasks"] if t["step_id"] == "schools"]
    assert schools["status"] == "skipped"
    skipped = db.session.get(IncidentTask, schools["id"])
    assert skipped is not None and skipped.skip_reason == "Half term"


@pytest.mark.parametrize(("body", "words"), [
    ({}, "Say why"), ({"reason": "  "}, "Say why"), ({"reason": 5}, "Send text"),
    ({"reason": "x" * 2001}, "2,000 characters"),
])
def test_a_skip_needs_a_reason(client: FlaskClient, headers: Headers, launch: Launch,
                               body: dict[str, Any], words: str) -> None:
    incident = launch()
    with nothing_written():
        fields = field_errors(client.post(f"{BASE}/{incident.id}/tasks/{task_id(incident, 'schools')}/skip",
                                          headers=headers, json=body))
    assert set(fields) == {"reason"} and words in fields["reason"][0]


def test_tasks_of_a_stood_down_incident_cannot_change(client: FlaskClient, headers: Headers,
                                                      launch: Launch) -> None:
    incident = launch()
    holding = task_id(incident, "holding")
    incident.status = IncidentStatus.STOOD_DOWN
    db.session.commit()
    with nothing_written():
        done = client.post(f"{BASE}/{incident.id}/tasks/{holding}/complete", headers=headers)
        assert done.status_code == 409
        assert client.post(f"{BASE}/{incident.id}/anchors", headers=headers, json={
            "anchor": "arrest", "occurred_at": "2026-11-20 09:50"}).status_code == 409


# --- Decisions -----------------------------------------------------------------------------------

def test_logging_a_decision_returns_the_entry(client: FlaskClient, token_for: TokenFactory, launch: Launch,
                                              duty: User, now: datetime) -> None:
    incident = launch()
    person, headers = token_for(Role.DUTY_OFFICER)
    service.assign_role(db.session, incident, "sio", person, note="", actor=duty, now=now,
                        settings=current_settings())
    db.session.commit()
    url = f"{BASE}/{incident.id}/decisions"
    first = client.post(url, headers=headers, json={
        "decision_role": "sio", "decision": "Appeal for footage", "information": "Video shared at 09:40",
        "threat_risk": "Reprisals", "powers_policy": "", "options": "Wait",
        "action_review": "Review at 12:00", "ethics": ["openness", "fairness"],
        "ethics_note": "People have a right to know what we are asking for and why."})
    assert first.status_code == 201, first.json
    entry = first.json
    assert set(entry) == {"id", "incident_id", "mode", "sequence", "at", "decided_by", "decided_by_id",
                          "recorded_by", "recorded_by_id", "on_behalf", "decision_role", "role", "decision",
                          "information", "threat_risk", "powers_policy", "options", "action_review", "ethics",
                          "ethics_note", "supersedes_id", "hash", "key_id", "signature"}
    assert (entry["sequence"], entry["at"], entry["decided_by"], entry["decision_role"]) == (
        1, "2026-11-20T10:00:00+00:00", person.name, "sio")
    assert (entry["recorded_by"], entry["recorded_by_id"], entry["on_behalf"]) == (
        person.name, person.id, False)
    assert entry["role"] == "Senior investigating officer"
    assert (entry["incident_id"], entry["mode"], entry["supersedes_id"]) == (incident.id, "live", None)
    assert entry["information"] == "Video shared at 09:40" and len(entry["hash"]) == 64
    assert entry["ethics"] == ["fairness", "openness"] and entry["ethics_note"].startswith("People have")
    assert entry["key_id"] == "local" and len(entry["signature"]) == 64
    correction = client.post(url, headers=headers, json={"decision_role": "sio", "decision": "Appeal at noon",
                                                         "supersedes_id": entry["id"]})
    assert correction.status_code == 201
    assert (correction.json["sequence"], correction.json["supersedes_id"]) == (2, entry["id"])
    assert correction.json["hash"] != entry["hash"] and correction.json["ethics"] == []


def test_an_approver_records_a_decision_on_behalf_of_the_role_holder(
        client: FlaskClient, token_for: TokenFactory, launch: Launch, duty: User) -> None:
    incident = launch()
    approver, headers = token_for(Role.APPROVER)
    response = client.post(f"{BASE}/{incident.id}/decisions", headers=headers, json={
        "decision_role": "duty_officer", "on_behalf_of_id": duty.id, "decision": "Override the guardrail"})
    assert response.status_code == 201, response.json
    assert (response.json["decided_by"], response.json["decided_by_id"]) == ("Dana Duty", duty.id)
    assert (response.json["recorded_by"], response.json["on_behalf"]) == (approver.name, True)


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"decision_role": "mayor", "decision": "Appeal"}, "decision_role", "Choose the role"),
    ({"decision": "Appeal"}, "decision_role", "Choose the role"),
    ({"decision_role": "sio", "decision": "  "}, "decision", "Write the decision"),
    ({"decision_role": "sio", "decision": ["Appeal"]}, "decision", "Send text"),
    ({"decision_role": "sio", "decision": "Appeal", "options": "x" * 5001}, "options", "5,000 characters"),
    ({"decision_role": "sio", "decision": "Appeal", "supersedes_id": "one"}, "supersedes_id", "record id"),
    ({"decision_role": "sio", "decision": "Appeal", "supersedes_id": True}, "supersedes_id", "record id"),
    ({"decision_role": "sio", "decision": "Appeal", "supersedes_id": 99999}, "supersedes_id",
     "this incident"),
    ({"decision_role": "sio", "decision": "Appeal", "supersedes_id": 2**70}, "supersedes_id",
     "record id (1 to 2,147,483,647)"),
    ({"decision_role": "sio", "decision": "Appeal", "mood": "calm"}, "mood", "Unknown field"),
])
def test_bad_decisions_name_the_field_and_write_nothing(client: FlaskClient, headers: Headers, launch: Launch,
                                                        body: dict[str, Any], field: str, words: str) -> None:
    incident = launch()
    with nothing_written():
        fields = field_errors(client.post(f"{BASE}/{incident.id}/decisions", headers=headers, json=body))
    assert any(words in message for message in fields[field]), fields


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"decision_role": "sio"}, "decision_role", "Nobody holds the Senior investigating officer role"),
    ({"on_behalf_of_id": None}, "decision_role", "Dana Duty holds the Duty officer role, not you"),
    ({"on_behalf_of_id": 99999}, "on_behalf_of_id", "does not hold the Duty officer role: Dana Duty does"),
    ({"on_behalf_of_id": 2**70}, "on_behalf_of_id", "Send a record id"),
    ({"on_behalf_of_id": "Dana"}, "on_behalf_of_id", "Send a record id"),
    ({"on_behalf_of_id": 1.5}, "on_behalf_of_id", "Send a record id"),
    ({"ethics": ["integrity", "kindness"]}, "ethics", "“kindness” is not one of them"),
    ({"ethics": "integrity"}, "ethics", "Send a list of text"),
    ({"ethics": [1, 2]}, "ethics", "Send a list of text"),
    ({"ethics": {"integrity": True}}, "ethics", "Send a list of text"),
    ({"ethics_note": "x" * 5001}, "ethics_note", "Use 5,000 characters at most (this is 5,001)"),
    ({"ethics_note": ["Fair"]}, "ethics_note", "Send text"),
])
def test_bad_decision_makers_and_ethics_are_named_by_field(
        client: FlaskClient, headers: Headers, launch: Launch, duty: User, changes: dict[str, Any],
        field: str, words: str) -> None:
    incident = launch()
    body = {"decision_role": "duty_officer", "on_behalf_of_id": duty.id, "decision": "Appeal", **changes}
    with nothing_written():
        fields = field_errors(client.post(f"{BASE}/{incident.id}/decisions", headers=headers, json=body))
    assert set(fields) == {field} and any(words in message for message in fields[field]), fields


# --- Tokens, roles, missing things ---------------------------------------------------------------

def operations(incident_id: int, task: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    url = f"{BASE}/{incident_id}"
    return [("GET", BASE, None), ("GET", url, None), ("POST", BASE, {}),
            ("POST", f"{url}/anchors", {"anchor": "arrest", "occurred_at": "2026-11-20 09:50"}),
            ("POST", f"{url}/tasks/{task}/complete", None),
            ("POST", f"{url}/tasks/{task}/skip", {"reason": "Not needed"}),
            ("POST", f"{url}/decisions", {"decision_role": "sio", "decision": "Appeal"})]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_every_operation_needs_a_token(client: FlaskClient, launch: Launch,
                                       authorization: str | None) -> None:
    incident = launch()
    sent = {"Authorization": authorization} if authorization else {}
    with nothing_written():
        for method, url, body in operations(incident.id, task_id(incident, "holding")):
            response = client.open(url, method=method, json=body, headers=sent)
            assert response.status_code == 401, (method, url)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMS_OFFICER, Role.ADMIN])
def test_writes_need_the_duty_officer_role(client: FlaskClient, token_for: TokenFactory, launch: Launch,
                                           unit: BusinessUnit, role: Role) -> None:
    incident = launch()
    _, sent = token_for(role)
    with nothing_written():
        for method, url, body in operations(incident.id, task_id(incident, "holding"))[2:]:
            if url == BASE:
                body = launch_body(unit)
            response = client.open(url, method=method, json=body, headers=sent)
            assert response.status_code == 403, (method, url, response.text)
            assert response.json["status"] == 403
        for method, url, _ in operations(incident.id, 1)[:2]:
            # Staff read incidents; a partner's viewer token reads none of them.
            expected = 403 if role is Role.VIEWER else 200
            assert client.open(url, method=method, headers=sent).status_code == expected


def test_unknown_incidents_and_tasks_are_not_found(client: FlaskClient, headers: Headers,
                                                  launch: Launch) -> None:
    incident, other = launch(), launch(title="Another")
    stranger = task_id(other, "holding")
    with nothing_written():
        for method, url, body in operations(99999, task_id(incident, "holding"))[1:]:
            if url == BASE:
                continue
            assert client.open(url, method=method, json=body, headers=headers).status_code == 404, url
        for action, body in (("complete", None), ("skip", {"reason": "Not needed"})):
            for task in (99999, stranger):
                response = client.post(f"{BASE}/{incident.id}/tasks/{task}/{action}", headers=headers,
                                       json=body)
                assert response.status_code == 404 and response.json["status"] == 404


# --- The OpenAPI document ------------------------------------------------------------------------

def test_the_document_describes_what_the_endpoints_send_and_take(client: FlaskClient, headers: Headers,
                                                                 launch: Launch, duty: User) -> None:
    document = client.get("/api/v1/openapi.json", headers=headers).json
    paths, schemas = document["paths"], document["components"]["schemas"]

    expected = {("/incidents", "get"): (None, "200", "IncidentPage"),
                ("/incidents", "post"): ("IncidentLaunch", "201", "Incident"),
                ("/incidents/{id}", "get"): (None, "200", "Incident"),
                ("/incidents/{id}/anchors", "post"): ("IncidentAnchorInput", "201", "Incident"),
                ("/incidents/{id}/tasks/{task_id}/complete", "post"): (None, "200", "Incident"),
                ("/incidents/{id}/tasks/{task_id}/skip", "post"): ("TaskSkipInput", "200", "Incident"),
                ("/incidents/{id}/decisions", "post"): ("DecisionInput", "201", "Decision")}
    for (path, method), (request_name, status, response_name) in expected.items():
        operation = paths[path][method]
        assert operation["tags"] == ["Incidents"]
        response = operation["responses"][status]["content"]["application/json"]["schema"]
        assert response == {"$ref": f"#/components/schemas/{response_name}"}, path
        assert {"401", "403", "404", "409", "422"} <= set(operation["responses"]), path
        if request_name:
            assert operation["requestBody"]["content"]["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{request_name}"}, path
        else:
            assert "requestBody" not in operation, path
    assert set(schemas["IncidentLaunch"]["properties"]) == set(api.LAUNCH_FIELDS)
    assert set(schemas["IncidentAnchorInput"]["properties"]) == set(api.ANCHOR_FIELDS)
    assert set(schemas["DecisionInput"]["properties"]) == set(api.DECISION_FIELDS)
    assert set(schemas["TaskSkipInput"]["properties"]) == {"reason"}

    incident = launch()
    shown = client.get(f"{BASE}/{incident.id}", headers=headers).json
    assert set(shown) == set(schemas["Incident"]["properties"]) == set(schemas["Incident"]["required"])
    task_schema = schemas["Incident"]["properties"]["tasks"]["items"]
    assert set(shown["tasks"][0]) == set(task_schema["properties"])
    anchor_schema = schemas["Incident"]["properties"]["anchors"]["items"]
    assert set(shown["anchors"][0]) == set(anchor_schema["properties"])
    listed = client.get(BASE, headers=headers).json
    assert set(listed) == set(schemas["IncidentPage"]["properties"])
    assert set(listed["items"][0]) == set(schemas["IncidentSummary"]["properties"])
    decided = client.post(f"{BASE}/{incident.id}/decisions", headers=headers, json={
        "decision_role": "duty_officer", "on_behalf_of_id": duty.id, "decision": "Appeal"}).json
    assert set(decided) == set(schemas["Decision"]["properties"]) == set(schemas["Decision"]["required"])
    principles = schemas["DecisionInput"]["properties"]["ethics"]["items"]["enum"]
    assert principles == [principle.value for principle in EthicsPrinciple]


@pytest.mark.parametrize("schema", ["IncidentLaunch", "IncidentAnchorInput", "TaskSkipInput",
                                    "DecisionInput"])
def test_leaving_out_a_required_field_is_refused(client: FlaskClient, headers: Headers, launch: Launch,
                                                 unit: BusinessUnit, schema: str) -> None:
    incident = launch()
    document = client.get("/api/v1/openapi.json", headers=headers).json
    required = document["components"]["schemas"][schema]["required"]
    url, full = {
        "IncidentLaunch": (BASE, launch_body(unit)),
        "IncidentAnchorInput": (f"{BASE}/{incident.id}/anchors",
                                {"anchor": "arrest", "occurred_at": "2026-11-20 09:50"}),
        "TaskSkipInput": (f"{BASE}/{incident.id}/tasks/{task_id(incident, 'schools')}/skip",
                          {"reason": "No"}),
        "DecisionInput": (f"{BASE}/{incident.id}/decisions", {"decision_role": "sio", "decision": "Appeal"}),
    }[schema]
    for name in required:
        partial = {key: value for key, value in full.items() if key != name}
        assert name in field_errors(client.post(url, headers=headers, json=partial)), name
