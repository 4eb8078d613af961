"""Pieces every part of the OpenAPI document shares: ids, paging, JSON bodies and the error answers
every operation may give (RFC 9457 problem details)."""

from __future__ import annotations

import re
from typing import Any

from commsplan.numbers import LARGEST_ID, MAX_PAGE, MAX_PER_PAGE

PROBLEM_JSON = "application/problem+json"
ERROR_REF = {"$ref": "#/components/responses/Error"}
# Every operation may answer these (405, with Allow, to a method the path does not take).
COMMON_ERRORS = ("400", "401", "403", "404", "405", "409", "413", "414", "422")
ID = {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1, "maximum": LARGEST_ID}
PAGING_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
     "description": "Which page, from 1; past the last page the list is empty"},
    {"name": "per_page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 50}},
]


def output_object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """An object the API answers with: every property is always present unless `required` says."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


def input_object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An object the API is sent: only these properties, with `required` among them."""
    return {"type": "object", "additionalProperties": False, "required": required, "properties": properties}


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def path_ids(*names: str) -> list[dict[str, Any]]:
    """Path parameters that are record ids."""
    return [{"name": name, "in": "path", "required": True, "schema": ID} for name in names]


def page_schema(item: dict[str, Any]) -> dict[str, Any]:
    integer = {"type": "integer"}
    return {"type": "object", "required": ["items", "page", "per_page", "total", "pages"], "properties": {
        "items": {"type": "array", "items": item}, "page": integer, "per_page": integer,
        "total": integer, "pages": integer}}


def problem_schema() -> dict[str, Any]:
    return {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
        "type": {"type": "string", "description": "Always about:blank: the status says what kind"},
        "title": {"type": "string", "description": "The status's name"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, in words a person can act on"},
        "fields": {"type": "object", "description": "Each field at fault, with its messages",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}


def error_response() -> dict[str, Any]:
    return {"description": "An error as RFC 9457 problem details, with field messages where a field "
                           "was at fault",
            "content": {PROBLEM_JSON: {"schema": schema_ref("Problem")}}}


def complete_operations(paths: dict[str, Any]) -> None:
    """Give every operation an operationId and the error answers any operation may give."""
    for path, operations in paths.items():
        for method, operation in operations.items():
            operation.setdefault("operationId", operation_id(method, path))
            for status in COMMON_ERRORS:
                operation["responses"].setdefault(status, ERROR_REF)


def operation_id(method: str, path: str) -> str:
    """Like getMessagesByIdVersions for GET /messages/{id}/versions."""
    words = [method] + [f"by_{part[1:-1]}" if part.startswith("{") else part
                        for part in path.strip("/").split("/")]
    parts = [piece for word in words for piece in re.split(r"[^A-Za-z0-9]+", word) if piece]
    return parts[0].lower() + "".join(piece.capitalize() for piece in parts[1:])
