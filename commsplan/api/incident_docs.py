"""The OpenAPI paths and schemas of the incident endpoints (api/incidents.py)."""

from __future__ import annotations

from typing import Any

from commsplan.api.doc_parts import (
    NULLABLE_ID,
    PAGING_PARAMETERS,
    input_object,
    json_content,
    output_object,
    page_schema,
    path_ids,
    schema_ref,
)
from commsplan.incidents.decisions import LONGEST_PART, NDM_PARTS, PRINCIPLES
from commsplan.incidents.models import IncidentMode, IncidentStatus, TaskStatus
from commsplan.incidents.records import LONGEST_REASON

TAG = ["Incidents"]
MODE = {"enum": [m.value for m in IncidentMode],
        "description": "An exercise never sends email or webhooks; every response says which it is"}
TIME = {"type": "string", "description": "ISO 8601 with an offset, like 2026-11-22T21:40:00+00:00, "
                                         "or London time as YYYY-MM-DD HH:MM"}
AT = {"type": "string", "format": "date-time", "description": "UTC"}
NULLABLE_AT = {"type": ["string", "null"], "format": "date-time", "description": "UTC"}
INTEGER, TEXT = {"type": "integer"}, {"type": "string"}


SUMMARY = {
    "id": INTEGER, "reference": {"type": "string", "description": "CI-… when live, EX-… for an exercise"},
    "title": TEXT, "playbook_id": TEXT, "playbook_version": INTEGER, "mode": MODE,
    "status": {"enum": [s.value for s in IncidentStatus]}, "severity": TEXT, "launched_at": AT,
    "launched_by": {"type": "string", "description": "The name of the person who launched it"},
    "overdue_tasks": {"type": "integer", "description": "Open tasks past their due time"},
    "next_due_at": {**NULLABLE_AT, "description": "The earliest due time of an open task"}}
ANCHOR = output_object({"id": TEXT, "label": TEXT, "occurred_at": AT, "occurrence": {
    "type": "integer", "description": "1, then 2, 3… each time a repeatable clock is recorded again"}})
TASK = output_object({
    "id": INTEGER, "step_id": TEXT, "title": TEXT, "owner_role": TEXT,
    "anchor": {"type": "string", "description": "The clock the due time counts from"},
    "due_at": {**NULLABLE_AT, "description": "Null while the task waits for its clock"},
    "waiting_for": {"type": ["string", "null"], "description": "The clock's label, while due_at is null"},
    "status": {"enum": [s.value for s in TaskStatus]}, "occurrence": {
        "type": "integer", "description": "1, then 2, 3… each time a repeating step comes back"}})
INCIDENT = output_object({**SUMMARY, "inputs": {
    "type": "object", "description": "The playbook's inputs by id, as typed values"},
    "anchors": {"type": "array", "items": ANCHOR}, "tasks": {"type": "array", "items": TASK}})
LAUNCH = input_object({
    "playbook_id": TEXT, "title": {"type": "string", "maxLength": 200},
    "mode": {**MODE, "default": "live"}, "notified_at": {**TIME, "description": "When police were notified; "
                                                         f"{TIME['description']}"},
    "inputs": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "The playbook's inputs by id, as text; errors come back under the input's id"}},
    ["playbook_id", "title", "notified_at"])
ANCHOR_INPUT = input_object({"anchor": {"type": "string", "description": "One of the playbook's clocks"},
                       "occurred_at": TIME, "note": {"type": "string", "maxLength": LONGEST_REASON}},
                      ["anchor", "occurred_at"])
SKIP_INPUT = input_object({"reason": {"type": "string", "maxLength": LONGEST_REASON}}, ["reason"])
NDM = {part: {"type": "string", "maxLength": LONGEST_PART, "description": label}
       for part, label in NDM_PARTS.items()}
PRINCIPLE = {"enum": list(PRINCIPLES), "description": "A Code of Ethics principle: " + "; ".join(
    f"{name}: {principle.description}" for name, principle in PRINCIPLES.items())}
DECISION_INPUT = input_object({
    "decision_role": {"type": "string", "description": "The incident role the decision was made in, like "
                      "sio. Whoever made it must hold that role now"},
    "on_behalf_of_id": {**NULLABLE_ID, "description": "When you record someone else's decision: the id of "
                        "the person who made it, who must hold decision_role now. Leave out for your own"},
    "decision": {"type": "string", "maxLength": LONGEST_PART}, **NDM,
    "ethics": {"type": "array", "items": PRINCIPLE,
               "description": "The Code of Ethics principles that applied (the centre of the NDM)"},
    "ethics_note": {"type": "string", "maxLength": LONGEST_PART,
                    "description": "How the mission, values and Code of Ethics shaped the decision"},
    "supersedes_id": {**NULLABLE_ID, "description": "The entry this one corrects"}},
    ["decision_role", "decision"])
DECISION = output_object({
    "id": INTEGER, "incident_id": INTEGER, "mode": MODE, "sequence": INTEGER, "at": AT,
    "decided_by": {"type": "string", "description": "The name of the person who made the decision"},
    "decided_by_id": INTEGER,
    "recorded_by": {"type": "string", "description": "The name of the person who wrote it in the log"},
    "recorded_by_id": INTEGER,
    "on_behalf": {"type": "boolean", "description": "Recorded by someone on behalf of the decision-maker"},
    "decision_role": TEXT, "role": {"type": "string", "description": "The decision role's name"},
    "decision": TEXT, **{part: TEXT for part in NDM_PARTS},
    "ethics": {"type": "array", "items": PRINCIPLE, "description": "Empty when not recorded"},
    "ethics_note": TEXT, "supersedes_id": NULLABLE_ID,
    "hash": {"type": "string", "description": "SHA-256 of the entry, chained to the one before"},
    "key_id": {"type": ["string", "null"], "description": "The key that signed it; null if logged before "
               "signing began"},
    "signature": {"type": ["string", "null"], "description": "HMAC-SHA256 of the entry and the previous "
                  "signature; null if logged before signing began"}})
PAGE = page_schema(schema_ref("IncidentSummary"))


def _post(summary: str, body: str | None, status: str, result: str, *params: str) -> dict[str, Any]:
    done = {"description": "Done", **json_content(schema_ref(result))}
    operation: dict[str, Any] = {"tags": TAG, "summary": summary, "parameters": path_ids(*params),
                                 "responses": {status: done}}
    if body is not None:
        operation["requestBody"] = {"required": True, **json_content(schema_ref(body))}
    return operation


def incident_schemas() -> dict[str, Any]:
    return {"Incident": INCIDENT, "IncidentSummary": output_object(SUMMARY), "IncidentPage": PAGE,
            "IncidentLaunch": LAUNCH, "IncidentAnchorInput": ANCHOR_INPUT, "TaskSkipInput": SKIP_INPUT,
            "DecisionInput": DECISION_INPUT, "Decision": DECISION}


def incident_paths() -> dict[str, Any]:
    workers = " Needs the duty officer role."
    return {
        "/incidents": {
            "get": {"tags": TAG, "summary": "List incidents, newest first",
                    "parameters": [*({"name": name, "in": "query", "schema": schema} for name, schema in (
                        ("status", {"enum": [s.value for s in IncidentStatus]}),
                        ("mode", {"enum": [m.value for m in IncidentMode]}))), *PAGING_PARAMETERS],
                    "responses": {"200": {"description": "A page of incidents",
                                          **json_content(schema_ref("IncidentPage"))}}},
            "post": _post(f"Launch a playbook as an incident.{workers}", "IncidentLaunch", "201", "Incident"),
        },
        "/incidents/{id}": {"get": {"tags": TAG, "summary": "One incident with its clocks, tasks and inputs",
                                    "parameters": path_ids("id"),
                                    "responses": {"200": {"description": "The incident",
                                                          **json_content(schema_ref("Incident"))}}}},
        "/incidents/{id}/anchors": {"post": _post(
            f"Record a clock (such as arrest); tasks waiting for it get their due times.{workers}",
            "IncidentAnchorInput", "201", "Incident", "id")},
        "/incidents/{id}/tasks/{task_id}/complete": {"post": _post(
            f"Mark a task done; a repeating step comes back.{workers}", None, "200", "Incident",
            "id", "task_id")},
        "/incidents/{id}/tasks/{task_id}/skip": {"post": _post(
            f"Skip a task, saying why.{workers}", "TaskSkipInput", "200", "Incident", "id", "task_id")},
        "/incidents/{id}/decisions": {"post": _post(
            "Append a decision to the incident's log. Needs the duty officer or approver role.",
            "DecisionInput", "201", "Decision", "id")},
    }
