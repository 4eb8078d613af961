"""The OpenAPI paths and schemas of the message map endpoints (api/messages.py)."""

from __future__ import annotations

from typing import Any

from commsplan.api.doc_parts import ID, NULLABLE_ID, PAGING_PARAMETERS, json_content, page_schema, path_ids
from commsplan.messages.models import MessageStatus, RipeStrand, Tone, TranslationStatus

MAP_REF = {"$ref": "#/components/schemas/MessageMap"}

VARIANT = {"type": "object", "required": ["channel_id", "body"], "additionalProperties": False,
           "properties": {
               "channel_id": ID,
               "language": {"type": "string", "default": "en", "description": "Like en, so, pt-BR"},
               "body": {"type": "string", "maxLength": 20000,
                        "description": "Markdown; a channel's hard length limit is enforced"},
               "has_media": {"type": "boolean"}, "alt_text": {"type": "string", "maxLength": 300},
               "captions": {"type": "boolean"}, "easy_read": {"type": "boolean"},
               "bsl": {"type": "boolean"},
               "translation_status": {"enum": [t.value for t in TranslationStatus]}}}
KEY_MESSAGE = {"type": "object", "required": ["text"], "additionalProperties": False,
               "properties": {"text": {"type": "string", "maxLength": 400,
                                       "description": "27 words or fewer is the guide"},
                              "facts": {"type": "array", "maxItems": 3,
                                        "items": {"type": "string", "maxLength": 300}}}}
INPUT_PROPERTIES: dict[str, Any] = {
    "element_id": ID, "audience_id": ID,
    "qualifier_ids": {"type": "array", "items": ID},
    "unit_id": NULLABLE_ID, "owner_id": {**ID, "description": "Defaults to you"},
    "review_date": {"type": ["string", "null"], "format": "date"},
    "concern": {"type": "string", "maxLength": 500},
    "key_messages": {"type": "array", "minItems": 1, "maxItems": 3, "items": KEY_MESSAGE},
    "call_to_action": {"type": "string", "maxLength": 300},
    "ripe_strands": {"type": "array", "items": {"enum": [s.value for s in RipeStrand]}},
    "tone": {"enum": [t.value for t in Tone]},
    "variants": {"type": "array", "items": VARIANT},
}
VERSION = {"type": "object", "properties": {
    "number": {"type": "integer"}, "concern": {"type": "string"},
    "key_messages": {"type": "array", "items": KEY_MESSAGE}, "call_to_action": {"type": "string"},
    "ripe_strands": {"type": "array", "items": {"type": "string"}}, "tone": {"type": "string"},
    "change_note": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
    "approved_at": {"type": ["string", "null"], "format": "date-time"},
    "variants": {"type": "array", "items": {"type": "object"}}}}
MAP = {"type": "object", "properties": {
    "id": ID, "title": {"type": "string"}, "element_id": ID,
    "qualifier_ids": {"type": "array", "items": ID},
    "audience_id": ID, "unit_id": NULLABLE_ID, "owner_id": {"type": "integer"},
    "review_date": {"type": ["string", "null"], "format": "date"},
    "status": {"enum": [s.value for s in MessageStatus]}, "latest_number": {"type": "integer"},
    "approved_number": NULLABLE_ID, "updated_at": {"type": "string", "format": "date-time"},
    "latest": VERSION}}
DECISION = {"type": "object", "properties": {
    "version": {"type": "integer", "description": "The version you reviewed; defaults to the latest"},
    "comment": {"type": "string", "maxLength": 2000}}}


def _action(summary: str, body: dict[str, Any] | None = None, required: bool = False
            ) -> dict[str, Any]:
    operation: dict[str, Any] = {"tags": ["Message maps"], "summary": summary,
                                 "parameters": path_ids("id"),
                                 "responses": {"200": {"description": "The map", **json_content(MAP_REF)}}}
    if body is not None:
        operation["requestBody"] = {"required": required, **json_content(body)}
    return operation


def message_schemas() -> dict[str, Any]:
    return {"MessageMap": MAP,
            "MessageMapInput": {"type": "object", "additionalProperties": False,
                                "properties": INPUT_PROPERTIES,
                                "required": ["element_id", "audience_id", "concern", "key_messages",
                                             "call_to_action", "ripe_strands", "tone"]},
            "MessageMapPatch": {"type": "object", "additionalProperties": False,
                                "properties": {**INPUT_PROPERTIES,
                                               "change_note": {"type": "string", "maxLength": 300}}}}


def message_paths() -> dict[str, Any]:
    tag = ["Message maps"]
    page = page_schema(MAP_REF)
    return {
        "/messages": {
            "get": {"tags": tag, "summary": "List message maps (retired ones only when asked by status)",
                    "parameters": [*({"name": name, "in": "query", "schema": schema} for name, schema in (
                        ("element_id", ID), ("audience_id", ID),
                        ("status", {"enum": [s.value for s in MessageStatus]}))), *PAGING_PARAMETERS],
                    "responses": {"200": {"description": "A page of maps", **json_content(page)}}},
            "post": {"tags": tag, "summary": "Write a message map, in draft. Needs the comms officer "
                                             "or admin role.",
                     "requestBody": {"required": True,
                                     **json_content({"$ref": "#/components/schemas/MessageMapInput"})},
                     "responses": {"201": {"description": "The map", **json_content(MAP_REF)}}},
        },
        "/messages/{id}": {
            "get": {**_action("One message map with its latest version")},
            "patch": {**_action("Change settings in place; words or variants (replacing them all) "
                                "make a new draft version. Needs the comms officer or admin role.",
                                {"$ref": "#/components/schemas/MessageMapPatch"}, required=True)},
        },
        "/messages/{id}/submit": {"post": _action("Send the latest version for approval")},
        "/messages/{id}/approve": {"post": _action(
            "Approve the version in review. Needs the approver role; never your own work.", DECISION)},
        "/messages/{id}/return": {"post": _action(
            "Send the version in review back with a comment. Needs the approver role.",
            {**DECISION, "required": ["comment"]}, required=True)},
        "/messages/{id}/retire": {"post": _action("Take the map out of use")},
    }
