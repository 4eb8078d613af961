"""The OpenAPI paths and schemas of the press desk endpoints (api/press.py)."""

from __future__ import annotations

from typing import Any

from commsplan.api.doc_parts import (
    ID,
    NULLABLE_ID,
    PAGING_PARAMETERS,
    input_object,
    json_content,
    output_object,
    page_schema,
    path_ids,
    schema_ref,
)
from commsplan.numbers import LARGEST_MEASURE
from commsplan.press.models import (
    AnswerKind,
    ClaimStatus,
    EnquiryChannel,
    EnquiryStatus,
    Harm,
    Platform,
    ResponseChoice,
)

TAG = ["Press desk"]
AT = {"type": "string", "format": "date-time", "description": "UTC"}
NULLABLE_AT = {"type": ["string", "null"], "format": "date-time", "description": "UTC"}
INTEGER, TEXT, FLAG = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}
NULLABLE_COUNT = {"type": ["integer", "null"], "description": "Estimated people reached; null when not known"}
STAFF = " Staff only: a partner viewer's token is refused."


def enum(values: Any, description: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"enum": [item.value for item in values]}
    return {**found, "description": description} if description else found


ENQUIRY = output_object({
    "id": INTEGER, "outlet": TEXT, "journalist": TEXT, "channel": enum(EnquiryChannel), "question": TEXT,
    "received_at": AT, "deadline_at": AT,
    "deadline_given": {"type": "boolean",
                       "description": "False: the default time for the incident's severity"},
    "unit_id": INTEGER, "incident_id": NULLABLE_ID, "plan_id": NULLABLE_ID, "handler_id": INTEGER,
    "handler": TEXT, "status": enum(EnquiryStatus),
    "answer_kind": {"enum": [*(kind.value for kind in AnswerKind), None]},
    "answer_text": {"type": "string", "description": "The words given, as they were when given"},
    "background": {"type": "boolean", "description": "Off the record: background only, not to be quoted"},
    "answered_at": NULLABLE_AT, "answered_in_time": FLAG, "decline_reason": TEXT})
RESPONSE = output_object({"choice": enum(ResponseChoice), "reasons": TEXT, "decided_at": AT,
                          "decided_by": TEXT})
CLAIM_FIELDS = {
    "id": INTEGER, "summary": TEXT, "platform": enum(Platform), "link": TEXT, "first_seen_at": AT,
    "reach": NULLABLE_COUNT, "harm": enum(Harm),
    "names_private_person": {"type": "boolean", "description": "The names themselves are never sent"},
    "status": enum(ClaimStatus), "unit_id": INTEGER, "incident_id": NULLABLE_ID, "map_id": NULLABLE_ID,
    "has_screenshot": FLAG, "rebuttal": TEXT, "rebutted_at": NULLABLE_AT, "faded_at": NULLABLE_AT,
    "response_reach": NULLABLE_COUNT,
    "hours_circulating": {"type": "number", "description": "Until it faded, or so far"}}
CLAIM = output_object({**CLAIM_FIELDS, "responses": {"type": "array", "items": schema_ref("ClaimResponse")}})
WHEN = {"type": "string", "description": "ISO 8601 with an offset, or London time as YYYY-MM-DD HH:MM"}
ENQUIRY_INPUT = input_object({
    "outlet": TEXT, "journalist": TEXT, "channel": enum(EnquiryChannel), "question": TEXT, "unit_id": ID,
    "deadline_at": {**WHEN, "description": "In the future, within 60 days; when not sent, the default "
                    "time for the incident's severity. " + WHEN["description"]},
    "incident_id": NULLABLE_ID, "plan_id": NULLABLE_ID,
    "handler_id": {**NULLABLE_ID, "description": "A press team member; when not sent, the token's user"}},
    ["outlet", "journalist", "channel", "question", "unit_id"])
CLAIM_INPUT = input_object({
    "summary": TEXT, "platform": enum(Platform), "link": TEXT, "harm": enum(Harm), "unit_id": ID,
    "first_seen_at": {**WHEN, "description": "Not in the future. " + WHEN["description"]},
    "reach": {"type": ["integer", "null"], "minimum": 0, "maximum": LARGEST_MEASURE,
              "description": "Estimated people reached; null when not known"},
    "names_private_person": FLAG,
    "private_names": {"type": "string", "description": "Needed when it names a private person; kept, "
                      "never sent back"},
    "incident_id": NULLABLE_ID, "map_id": NULLABLE_ID},
    ["summary", "platform", "harm", "unit_id", "first_seen_at"])
CREATORS = " Needs the comms officer, approver or duty officer role; a partner viewer's token is refused."
INCIDENT_FILTER = {"name": "incident_id", "in": "query", "schema": NULLABLE_ID,
                   "description": "Only those about this incident"}


def _get(summary: str, result: str, *params: dict[str, Any], ids: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"get": {"tags": TAG, "summary": summary + STAFF,
                    "parameters": [*path_ids(*ids), *params, *([] if ids else PAGING_PARAMETERS)],
                    "responses": {"200": {"description": "Found", **json_content(schema_ref(result))}}}}


def _post(summary: str, body: str, result: str) -> dict[str, Any]:
    return {"post": {"tags": TAG, "summary": summary + CREATORS,
                     "requestBody": {"required": True, **json_content(schema_ref(body))},
                     "responses": {"201": {"description": "Logged", **json_content(schema_ref(result))}}}}


def press_schemas() -> dict[str, Any]:
    return {"MediaEnquiry": ENQUIRY, "MediaEnquiryPage": page_schema(schema_ref("MediaEnquiry")),
            "Claim": CLAIM, "ClaimSummary": output_object(CLAIM_FIELDS),
            "ClaimPage": page_schema(schema_ref("ClaimSummary")), "ClaimResponse": RESPONSE,
            "MediaEnquiryInput": ENQUIRY_INPUT, "ClaimInput": CLAIM_INPUT}


def press_paths() -> dict[str, Any]:
    search = {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100},
              "description": "Part of an outlet's or journalist's name"}
    return {
        "/press/enquiries": _get("Open enquiries, the nearest deadline first; with q or incident_id, every "
                                 "match, newest first.", "MediaEnquiryPage", search, INCIDENT_FILTER)
        | _post("Log a media enquiry, with its clock and the handler's reminders.", "MediaEnquiryInput",
                "MediaEnquiry"),
        "/press/enquiries/{id}": _get("One media enquiry.", "MediaEnquiry", ids=("id",)),
        "/press/claims": _get("The claim register: claims still circulating first, then the newest seen.",
                              "ClaimPage", INCIDENT_FILTER)
        | _post("Record a claim seen, watching. Screenshots are not accepted over the API: add one on "
                "the claim's page.", "ClaimInput", "Claim"),
        "/press/claims/{id}": _get("One claim with its response decisions.", "Claim", ids=("id",)),
    }
