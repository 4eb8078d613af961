"""The incident API: launch, clocks, tasks and decisions over JSON, with field errors that write nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commsplan.auth.models import Role
from commsplan.extensions import db
from commsplan.incidents.models import DecisionEntry, Incident, IncidentTask
from commsplan.reference.models import BusinessUnit
from tests.conftest import TokenFactory, count_queries
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]


def launch_body(unit: BusinessUnit, **changes: Any) -> dict[str, Any]:
    return {"playbook_id": "street-robbery-test", "title": "Robbery, Acre Lane", "mode": "live",
            "notified_at": "2026-11-20T09:30:00+00:00",
            "inputs": {"general_location": "Acre Lane", "called_at": "2026-11-20 09:25", "victim_age": "15",
                       "weapon": "knife", "footage_online": "yes", "unit": str(unit.id)}, **changes}


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_launch_record_a_clock_work_tasks_and_log_a_decision(client: FlaskClient, token_for: TokenFactory,
                                                            unit: BusinessUnit) -> None:
    _, headers = token_for(Role.DUTY_OFFICER)
    response = client.post("/api/v1/incidents", json=launch_body(unit), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["reference"] == "CI-2026-0001" and body["mode"] == "live"
    tasks = {t["step_id"]: t for t in body["tasks"]}
    assert tasks["holding"]["due_at"] == "2026-11-20T10:15:00+00:00"
    arrest = tasks["arrest-release"]
    assert arrest["waiting_for"] == "First arrest" and arrest["due_at"] is None
    incident_id = body["id"]
    anchored = client.post(f"/api/v1/incidents/{incident_id}/anchors", headers=headers,
                           json={"anchor": "arrest", "occurred_at": "2026-11-20T09:50:00Z", "note": "One"})
    assert anchored.status_code == 201
    tasks = {t["step_id"]: t for t in anchored.json["tasks"]}
    assert tasks["arrest-release"]["due_at"] == "2026-11-20T10:20:00+00:00"
    done = client.post(f"/api/v1/incidents/{incident_id}/tasks/{tasks['monitor']['id']}/complete",
                       headers=headers)
    assert done.status_code == 200
    again = client.post(f"/api/v1/incidents/{incident_id}/tasks/{tasks['monitor']['id']}/complete",
                        headers=headers)
    assert again.status_code == 409
    skipped = client.post(f"/api/v1/incidents/{incident_id}/tasks/{tasks['schools']['id']}/skip",
                          headers=headers, json={"reason": "Half term"})
    assert skipped.status_code == 200
    decided = client.post(f"/api/v1/incidents/{incident_id}/decisions", headers=headers,
                          json={"decision_role": "sio", "decision": "Appeal for footage", "options": "Wait"})
    assert decided.status_code == 201
    assert decided.json["sequence"] == 1 and len(decided.json["hash"]) == 64
    listing = client.get("/api/v1/incidents?status=active", headers=headers).json
    assert [item["reference"] for item in listing["items"]] == ["CI-2026-0001"]
    one = client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json
    assert [anchor["id"] for anchor in one["anchors"]] == ["notified", "arrest"]


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"playbook_id": "nope"}, "playbook_id", "valid playbook"),
    ({"title": 7}, "title", "Send text"),
    ({"mode": "drill"}, "mode", "Choose live or exercise"),
    ({"notified_at": "yesterday"}, "notified_at", "ISO 8601"),
    ({"notified_at": "2099-01-01T10:00:00+00:00"}, "notified_at", "in the future"),
    ({"inputs": {"victim_age": 15}}, "inputs", "an object of text values"),
    ({"colour": "red"}, "colour", "Unknown field"),
])
def test_bad_launches_name_the_field_and_write_nothing(client: FlaskClient, token_for: TokenFactory,
                                                      unit: BusinessUnit, changes: dict[str, Any], field: str,
                                                      words: str) -> None:
    _, headers = token_for(Role.DUTY_OFFICER)
    response = client.post("/api/v1/incidents", json=launch_body(unit, **changes), headers=headers)
    assert response.status_code == 422
    assert any(words in message for message in response.json["error"]["fields"][field]), response.json
    assert count(Incident) == 0


def test_bad_inputs_come_back_by_input_id(client: FlaskClient, token_for: TokenFactory,
                                          unit: BusinessUnit) -> None:
    _, headers = token_for(Role.DUTY_OFFICER)
    body = launch_body(unit)
    body["inputs"] = {**body["inputs"], "victim_age": "old", "weapon": ""}
    fields = client.post("/api/v1/incidents", json=body, headers=headers).json["error"]["fields"]
    assert set(fields) == {"victim_age", "weapon"}


def test_clock_task_and_decision_errors(client: FlaskClient, token_for: TokenFactory, launch: Launch) -> None:
    incident = launch()
    _, headers = token_for(Role.DUTY_OFFICER)
    base = f"/api/v1/incidents/{incident.id}"
    assert client.post(f"{base}/anchors", headers=headers, json={"anchor": "funeral",
                       "occurred_at": "2026-11-20T09:50:00Z"}).status_code == 422
    assert client.post(f"{base}/anchors", headers=headers, json={"anchor": "arrest",
                       "occurred_at": "soon"}).json["error"]["fields"]["occurred_at"]
    task = db.session.scalar(select(IncidentTask).where(IncidentTask.step_id == "holding"))
    assert task is not None
    skip = client.post(f"{base}/tasks/{task.id}/skip", headers=headers, json={})
    assert skip.status_code == 422 and "skip_reason" in skip.json["error"]["fields"]
    assert client.post(f"{base}/tasks/99999/complete", headers=headers).status_code == 404
    assert client.post("/api/v1/incidents/99999/decisions", headers=headers, json={}).status_code == 404
    bad = client.post(f"{base}/decisions", headers=headers, json={"decision_role": "sio", "decision": "",
                                                                  "supersedes_id": "one"})
    assert set(bad.json["error"]["fields"]) == {"supersedes_id"}
    assert count(DecisionEntry) == 0


def test_tokens_and_roles(client: FlaskClient, token_for: TokenFactory, launch: Launch,
                          unit: BusinessUnit) -> None:
    incident = launch()
    assert client.get("/api/v1/incidents").status_code == 401
    _, viewer = token_for(Role.VIEWER)
    assert client.get("/api/v1/incidents", headers=viewer).status_code == 200
    assert client.post("/api/v1/incidents", json=launch_body(unit), headers=viewer).status_code == 403
    assert client.post(f"/api/v1/incidents/{incident.id}/decisions", headers=viewer,
                       json={"decision_role": "sio", "decision": "x"}).status_code == 403
    assert client.get("/api/v1/incidents/99999", headers=viewer).status_code == 404


def test_the_list_uses_a_bounded_number_of_queries(client: FlaskClient, token_for: TokenFactory,
                                                   launch: Launch) -> None:
    _, headers = token_for(Role.VIEWER)
    for _ in range(2):
        launch()

    def measure() -> int:
        client.get("/api/v1/incidents", headers=headers)
        with count_queries() as counter:
            assert client.get("/api/v1/incidents", headers=headers).status_code == 200
        return counter.count

    small = measure()
    for _ in range(18):
        launch()
    assert measure() == small
