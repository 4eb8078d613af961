"""The OpenAPI 3.1 document, built from the same kinds and forms the endpoints use."""

from __future__ import annotations

from typing import Any

from wtforms import Field
from wtforms.validators import Length, NumberRange

from commsplan.api.catalogues import FORMS, KINDS
from commsplan.api.confidence_docs import confidence_paths, confidence_schemas
from commsplan.api.doc_parts import (
    ID,
    PAGING_PARAMETERS,
    complete_operations,
    error_response,
    json_content,
    page_schema,
    path_ids,
    problem_schema,
    schema_ref,
)
from commsplan.api.incident_docs import incident_paths, incident_schemas
from commsplan.api.message_docs import message_paths, message_schemas
from commsplan.api.plan_docs import plan_paths, plan_schemas
from commsplan.api.press_docs import press_paths, press_schemas
from commsplan.api.risk_docs import risk_paths, risk_schemas
from commsplan.api.window_docs import window_paths, window_schemas
from commsplan.formdata import is_required, json_type
from commsplan.forms import ChoiceField, optional_int
from commsplan.numbers import LARGEST_INTEGER
from commsplan.reference.kinds import ReferenceKind

ME = {"type": "object", "required": ["id", "name", "email", "roles"], "properties": {
    "id": ID, "name": {"type": "string"}, "email": {"type": "string"},
    "roles": {"type": "array", "items": {"type": "string"}}}}


def field_schema(field: Field) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": json_type(field), "description": str(field.label.text)}
    if schema["type"] == "array":
        schema["items"] = {"type": "string"}
        if getattr(field, "choices", None):
            schema["items"]["enum"] = [str(c[0] if isinstance(c, tuple) else c.value) for c in field.choices]
    if schema["type"] == "integer":
        schema |= {"minimum": -LARGEST_INTEGER - 1, "maximum": LARGEST_INTEGER}
    if isinstance(field, ChoiceField) and field.coerce is optional_int:
        schema |= {key: ID[key] for key in ("minimum", "maximum")}
    for check in field.validators:
        if isinstance(check, Length) and check.max >= 0:
            schema["maxLength"] = check.max
        if isinstance(check, NumberRange):
            schema["minimum"], schema["maximum"] = check.min, check.max
    if isinstance(field, ChoiceField) and schema["type"] == "string" and field.choices:
        schema["enum"] = [str(getattr(c.value, "value", c.value)) for c in field.choices
                          if c.value != ""]
    if not is_required(field):
        schema["type"] = [schema["type"], "null"]
    return schema


def kind_schemas(kind: ReferenceKind) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema of an item as sent (input) and as returned (output)."""
    form = FORMS[kind](formdata=None, meta={"csrf": False})
    properties = {name: field_schema(form[name]) for name in kind.fields}
    required = [name for name in kind.fields if is_required(form[name])]
    item_input = {"type": "object", "properties": properties, "required": required,
                  "additionalProperties": False}
    stamps = {"id": {"type": "integer"}, "retired": {"type": "boolean"},
              "retired_at": {"type": ["string", "null"], "format": "date-time"},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"}}
    item_output = {"type": "object", "properties": {**stamps, **properties},
                   "required": [*stamps, *kind.fields]}
    return item_input, item_output


def json_body(ref: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}


def json_response(description: str, ref: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": ref}}}}


def kind_paths(kind: ReferenceKind, name: str) -> dict[str, Any]:
    item_ref, input_ref = f"#/components/schemas/{name}", f"#/components/schemas/{name}Input"
    page_ref = f"#/components/schemas/{name}Page"
    tag = [kind.plural.capitalize()]
    id_param = path_ids("id")
    list_params = [
        *PAGING_PARAMETERS,
        {"name": "q", "in": "query", "schema": {"type": "string"}},
        {"name": "include_retired", "in": "query", "schema": {"type": "boolean"}},
    ]
    roles = " or ".join(role.label.lower() for role in kind.write_roles)
    admin = f" Needs the {roles} role."
    one = json_response(f"The {kind.singular}", item_ref)
    status_op = {"tags": tag, "parameters": id_param, "responses": {"200": one}}
    return {
        f"/{kind.slug}": {
            "get": {"tags": tag, "summary": f"List {kind.plural}", "parameters": list_params,
                    "responses": {"200": json_response("A page of items", page_ref)}},
            "post": {"tags": tag, "summary": f"Add {kind.a_singular}.{admin}",
                     "requestBody": json_body(input_ref),
                     "responses": {"201": one}},
        },
        f"/{kind.slug}/{{id}}": {
            "get": {"tags": tag, "summary": f"One {kind.singular}", "parameters": id_param,
                    "responses": {"200": one}},
            "patch": {"tags": tag, "summary": f"Change some fields of {kind.a_singular}.{admin}",
                      "parameters": id_param,
                      "requestBody": json_body(f"#/components/schemas/{name}Patch"),
                      "responses": {"200": one}},
        },
        f"/{kind.slug}/{{id}}/retire": {"post": {
            **status_op, "summary": f"Hide {kind.a_singular} from new choices.{admin}"}},
        f"/{kind.slug}/{{id}}/restore": {"post": {
            **status_op, "summary": f"Offer a retired {kind.singular} again.{admin}"}},
    }


def schema_name(kind: ReferenceKind) -> str:
    return "".join(word.capitalize() for word in kind.singular.split())


def openapi_document(server_url: str) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/me": {"get": {"tags": ["Account"], "summary": "The token's user and roles",
                        "responses": {"200": {"description": "The user", **json_content(ME)}}}},
        "/openapi.json": {"get": {"tags": ["Account"], "summary": "This document",
                                  "responses": {"200": {"description": "OpenAPI 3.1",
                                                        **json_content({"type": "object"})}}}},
    }
    schemas: dict[str, Any] = {"Problem": problem_schema()}
    for kind in KINDS.values():
        name = schema_name(kind)
        item_input, item_output = kind_schemas(kind)
        schemas[name], schemas[f"{name}Input"] = item_output, item_input
        # PATCH sends any subset; beside a $ref, a local "required": [] would not lift the ref's own.
        schemas[f"{name}Patch"] = {**item_input, "required": []}
        schemas[f"{name}Page"] = page_schema(schema_ref(name))
        paths.update(kind_paths(kind, name))
    paths.update(message_paths())
    schemas.update(message_schemas())
    paths.update(incident_paths())
    schemas.update(incident_schemas())
    paths.update(risk_paths())
    schemas.update(risk_schemas())
    paths.update(plan_paths())
    schemas.update(plan_schemas())
    paths.update(press_paths())
    schemas.update(press_schemas())
    paths.update(confidence_paths())
    schemas.update(confidence_schemas())
    paths.update(window_paths())
    schemas.update(window_schemas())
    complete_operations(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Commsplan API", "version": "1.0.0",
                 "description": "Every request needs 'Authorization: Bearer <token>'. An admin "
                                "creates tokens; a token acts with its user's roles."},
        "servers": [{"url": server_url.rstrip("/")}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {"Error": error_response()},
        },
    }
