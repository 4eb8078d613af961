"""The OpenAPI paths and schemas of the incident endpoints (api/incidents.py)."""

from __future__ import annotations

from typing import Any

from commsplan.api.message_docs import ERRORS
from commsplan.incidents.decisions import NDM_PARTS
from commsplan.incidents.models import IncidentMode, IncidentStatus, TaskStatus

TAG = ["Incidents"]
INCIDENT_REF = {"$ref": "#/components/schemas/Incident"}
TIME = {"type": "string", "description": "ISO 8601 with an offset, or London time as YYYY-MM-DD HH:MM"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
SUMMARY: dict[str, Any] = {
    "id": {"type": "integer"}, "reference": {"type": "string"}, "title": {"type": "string"},
    "playbook_id": {"type": "string"}, "playbook_version": {"type": "integer"},
    "mode": {"enum": [m.value for m in IncidentMode]}, "status": {"enum": [s.value for s in IncidentStatus]},
    "severity": {"type": "string"}, "launched_at": {"type": "string", "format": "date-time"},
    "launched_by": {"type": "string"}, "overdue_tasks": {"type": "integer"}, "next_due_at": NULLABLE_TIME}
TASK = {"type": "object", "properties": {
    "id": {"type": "integer"}, "step_id": {"type": "string"}, "title": {"type": "string"},
    "owner_role": {"type": "string"}, "anchor": {"type": "string"}, "due_at": NULLABLE_TIME,
    "waiting_for": {"type": ["string", "null"], "description": "The clock the task waits for"},
    "status": {"enum": [s.value for s in TaskStatus]}, "occurrence": {"type": "integer"}}}
INCIDENT = {"type": "object", "properties": {
    **SUMMARY, "inputs": {"type": "object"},
    "anchors": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "label": {"type": "string"},
        "occurred_at": {"type": "string", "format": "date-time"}}}},
    "tasks": {"type": "array", "items": TASK}}}
LAUNCH = {"type": "object", "additionalProperties": False,
          "required": ["playbook_id", "title", "notified_at"],
          "properties": {"playbook_id": {"type": "string"}, "title": {"type": "string", "maxLength": 200},
                         "mode": {"enum": [m.value for m in IncidentMode], "default": "live"},
                         "notified_at": TIME,
                         "inputs": {"type": "object", "additionalProperties": {"type": "string"},
                                    "description": "The playbook's inputs by id, as text"}}}
DECISION_INPUT = {"type": "object", "additionalProperties": False, "required": ["decision_role", "decision"],
                  "properties": {"decision_role": {"type": "string"},
                                 "decision": {"type": "string", "maxLength": 5000},
                                 **{part: {"type": "string", "maxLength": 5000, "description": label}
                                    for part, label in NDM_PARTS.items()},
                                 "supersedes_id": {"type": ["integer", "null"]}}}
DECISION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "sequence": {"type": "integer"},
    "at": {"type": "string", "format": "date-time"},
    "decided_by": {"type": "string"}, "decision_role": {"type": "string"}, "decision": {"type": "string"},
    **{part: {"type": "string"} for part in NDM_PARTS}, "supersedes_id": {"type": ["integer", "null"]},
    "hash": {"type": "string", "description": "SHA-256 chaining this entry to the one before"}}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _params(*names: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}} for name in names]


def _post(summary: str, body: dict[str, Any] | None, status: str, result: dict[str, Any], *params: str
          ) -> dict[str, Any]:
    operation: dict[str, Any] = {"tags": TAG, "summary": summary, "parameters": _params(*params),
                                 "responses": {status: {"description": "Done", **_json(result)}, **ERRORS}}
    if body is not None:
        operation["requestBody"] = {"required": True, **_json(body)}
    return operation


def incident_schemas() -> dict[str, Any]:
    return {"Incident": INCIDENT, "IncidentLaunch": LAUNCH, "DecisionInput": DECISION_INPUT,
            "Decision": DECISION}


def incident_paths() -> dict[str, Any]:
    page = {"type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": SUMMARY}},
        "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
        "pages": {"type": "integer"}}}
    return {
        "/incidents": {
            "get": {"tags": TAG, "summary": "List incidents, newest first",
                    "parameters": [{"name": name, "in": "query", "schema": schema} for name, schema in (
                        ("status", {"enum": [s.value for s in IncidentStatus]}),
                        ("mode", {"enum": [m.value for m in IncidentMode]}),
                        ("page", {"type": "integer", "minimum": 1}),
                        ("per_page", {"type": "integer", "maximum": 100}))],
                    "responses": {"200": {"description": "A page of incidents", **_json(page)}, **ERRORS}},
            "post": _post("Launch a playbook as an incident. Needs the duty officer role.",
                          {"$ref": "#/components/schemas/IncidentLaunch"}, "201", INCIDENT_REF),
        },
        "/incidents/{id}": {"get": {"tags": TAG, "summary": "One incident with its clocks and tasks",
                                    "parameters": _params("id"),
                                    "responses": {"200": {"description": "The incident",
                                                          **_json(INCIDENT_REF)}, **ERRORS}}},
        "/incidents/{id}/anchors": {"post": _post(
            "Record a clock (such as arrest); tasks waiting for it get their due times",
            {"type": "object", "required": ["anchor", "occurred_at"], "additionalProperties": False,
             "properties": {"anchor": {"type": "string"}, "occurred_at": TIME,
                            "note": {"type": "string", "maxLength": 2000}}}, "201", INCIDENT_REF, "id")},
        "/incidents/{id}/tasks/{task_id}/complete": {"post": _post(
            "Mark a task done; a repeating step comes back", None, "200", INCIDENT_REF, "id", "task_id")},
        "/incidents/{id}/tasks/{task_id}/skip": {"post": _post(
            "Skip a task, saying why",
            {"type": "object", "required": ["reason"], "additionalProperties": False,
             "properties": {"reason": {"type": "string", "maxLength": 2000}}},
            "200", INCIDENT_REF, "id", "task_id")},
        "/incidents/{id}/decisions": {"post": _post(
            "Append a decision to the incident's log. Needs the duty officer or approver role.",
            {"$ref": "#/components/schemas/DecisionInput"}, "201",
            {"$ref": "#/components/schemas/Decision"}, "id")},
    }
