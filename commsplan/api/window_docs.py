"""The OpenAPI description of the sensitivity window endpoints."""

from __future__ import annotations

from typing import Any

from commsplan.api.doc_parts import (
    ID,
    PAGING_PARAMETERS,
    input_object,
    json_content,
    output_object,
    page_schema,
    path_ids,
    schema_ref,
)
from commsplan.sensitivity.models import Severity, WindowKind
from commsplan.sensitivity.service import MAX_CHOICES, MAX_DAYS, NOTE_LIMIT

TAG = ["Sensitivity windows"]
WRITERS = " Needs the comms officer or admin role."
DAY = {"type": "string", "format": "date"}
IDS = {"type": "array", "items": ID, "maxItems": MAX_CHOICES, "description": "None for all"}
INPUT = {
    "title": {"type": "string", "maxLength": 200, "description": "What is happening"},
    "kind": {"enum": [kind.value for kind in WindowKind]},
    "severity": {"enum": [severity.value for severity in Severity]},
    "first_day": DAY,
    "last_day": {**DAY, "description": f"The same as or after first_day, at most {MAX_DAYS} days on"},
    "unit_ids": IDS, "element_ids": IDS, "audience_ids": IDS,
    "note": {"type": "string", "maxLength": NOTE_LIMIT},
}
WINDOW = output_object({
    "id": {"type": "integer"}, "title": {"type": "string"}, "kind": INPUT["kind"],
    "severity": INPUT["severity"], "first_day": DAY, "last_day": DAY, "note": {"type": "string"},
    **{name: {"type": "array", "items": {"type": "integer"}} for name in ("unit_ids", "element_ids",
                                                                          "audience_ids")},
    "starts_at": {"type": "string", "format": "date-time", "description": "Midnight London time, in UTC"},
    "ends_at": {"type": "string", "format": "date-time", "description": "Midnight after the last day"},
    "updated_at": {"type": "string", "format": "date-time"}})


def _operation(summary: str, status: str, description: str, *params: str, body: str | None = None
               ) -> dict[str, Any]:
    answer = {"description": description, **json_content(schema_ref("SensitivityWindow"))}
    operation: dict[str, Any] = {"tags": TAG, "summary": summary, "parameters": path_ids(*params),
                                 "responses": {status: answer}}
    if body is not None:
        operation["requestBody"] = {"required": True, **json_content(schema_ref(body))}
    return operation


def window_schemas() -> dict[str, Any]:
    return {"SensitivityWindow": WINDOW,
            "SensitivityWindowPage": page_schema(schema_ref("SensitivityWindow")),
            "SensitivityWindowInput": input_object(INPUT, ["title", "kind", "severity", "first_day",
                                                           "last_day"]),
            "SensitivityWindowPatch": input_object(INPUT, [])}


def window_paths() -> dict[str, Any]:
    when = {"name": "when", "in": "query", "schema": {"enum": ["current", "past"], "default": "current"},
            "description": "current: running or to come, soonest first; past: over, latest first"}
    listing = {"tags": TAG, "summary": "List sensitivity windows", "parameters": [when, *PAGING_PARAMETERS],
               "responses": {"200": {"description": "A page of windows",
                                     **json_content(schema_ref("SensitivityWindowPage"))}}}
    return {
        "/sensitivity-windows": {
            "get": listing,
            "post": _operation(f"Add a window.{WRITERS}", "201", "The new window",
                               body="SensitivityWindowInput"),
        },
        "/sensitivity-windows/{id}": {
            "get": _operation("One window", "200", "The window", "id"),
            "patch": _operation(f"Change a window; send only what changes.{WRITERS}", "200", "The window",
                                "id", body="SensitivityWindowPatch"),
            "delete": {"tags": TAG, "summary": f"Remove a window (the audit log keeps it).{WRITERS}",
                       "parameters": path_ids("id"), "responses": {"204": {"description": "Removed"}}},
        },
    }
