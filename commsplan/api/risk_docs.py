"""The OpenAPI paths and schemas of the risk profile endpoints (api/risk_profiles.py)."""

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
from commsplan.numbers import EARLIEST_YEAR, LARGEST_INTEGER, LARGEST_MEASURE, LATEST_YEAR
from commsplan.risk.models import Likelihood, ProfileStatus
from commsplan.risk.profiles import MAX_RANK, NOTES_LIMIT, TEXT_LIMITS

TAG = ["Risk profiles"]
INTEGER, TEXT, NUMBER = {"type": "integer"}, {"type": "string"}, {"type": "number"}
NULLABLE_AT = {"type": ["string", "null"], "format": "date-time", "description": "UTC"}
YEAR = {"type": "integer", "minimum": EARLIEST_YEAR, "maximum": LATEST_YEAR,
        "description": "The financial year it starts: 2026 is April 2026 to March 2027"}
PERCENT = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
WRITERS = " Needs the comms officer or admin role; the profile must be a draft."

ENTRY_INPUT = {
    "volume": {"type": "integer", "minimum": 0, "maximum": LARGEST_INTEGER,
               "description": "Recorded offences in the year"},
    "harm_score": {"type": "number", "minimum": 0, "maximum": LARGEST_MEASURE},
    "harm_method": {"type": "string", "maxLength": TEXT_LIMITS["harm_method"],
                    "description": "For example Cambridge Crime Harm Index"},
    "likelihood": {"enum": [item.value for item in Likelihood], "default": Likelihood.MEDIUM.value},
    "priority_override": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_RANK,
                          "description": "Pins the entry to this rank (1 is highest); needs override_reason"},
    "override_reason": {"type": "string", "maxLength": TEXT_LIMITS["override_reason"]},
    **{name: {"type": "string", "maxLength": TEXT_LIMITS[name], "description": f"VOLT: {name}"}
       for name in ("victims", "offenders", "locations", "times")},
    "confidence": {**PERCENT, "description": "The unit's confidence measure, %"},
    "force_confidence": {**PERCENT, "description": "The force's confidence measure, %"},
}
ENTRY = output_object({
    "id": INTEGER, "element_id": INTEGER, "element": {"type": "string", "description": "The element's name"},
    "rank": {"type": "integer", "description": "Priority rank: pinned ranks first, then by harm"},
    "harm_rank": {"type": "integer", "description": "Rank by harm alone"},
    "trend": {"type": ["string", "null"], "description": "Volume against the year before (like 'up 12%' "
              "or 'new'); null when the unit has no profile for the year before"},
    "volume": INTEGER, "harm_score": NUMBER, "harm_method": TEXT,
    "likelihood": {"enum": [item.value for item in Likelihood]},
    "priority_override": {"type": ["integer", "null"]}, "override_reason": TEXT,
    **{name: TEXT for name in ("victims", "offenders", "locations", "times")},
    "confidence": {"type": ["number", "null"]}, "force_confidence": {"type": ["number", "null"]}})
SUMMARY = {
    "id": INTEGER, "unit_id": INTEGER, "unit": {"type": "string", "description": "The business unit's name"},
    "year": INTEGER, "year_label": {"type": "string", "description": "Like 2026–27"},
    "status": {"enum": [status.value for status in ProfileStatus]}, "notes": TEXT,
    "entry_count": {"type": "integer", "description": "How many elements it covers"},
    "approved_at": NULLABLE_AT, "updated_at": {"type": "string", "format": "date-time"}}
PROFILE = output_object({**SUMMARY, "entries": {"type": "array", "items": schema_ref("RiskEntry"),
                                                "description": "In priority order"}})
NOTES = {"type": "string", "maxLength": NOTES_LIMIT, "description": "Sources, scope or caveats"}


def _answer(status: str, description: str, schema: str) -> dict[str, Any]:
    return {status: {"description": description, **json_content(schema_ref(schema))}}


def _operation(summary: str, responses: dict[str, Any], *params: str, body: str | None = None
               ) -> dict[str, Any]:
    operation: dict[str, Any] = {"tags": TAG, "summary": summary, "parameters": path_ids(*params),
                                 "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, **json_content(schema_ref(body))}
    return operation


def risk_schemas() -> dict[str, Any]:
    return {
        "RiskProfile": PROFILE, "RiskProfileSummary": output_object(SUMMARY),
        "RiskProfilePage": page_schema(schema_ref("RiskProfileSummary")), "RiskEntry": ENTRY,
        "RiskProfileInput": input_object({"unit_id": ID, "year": YEAR, "notes": NOTES}, ["unit_id", "year"]),
        "RiskProfilePatch": input_object({"notes": NOTES}, []),
        "RiskEntryInput": input_object({"element_id": ID, **ENTRY_INPUT},
                                       ["element_id", "volume", "harm_score", "harm_method"]),
        "RiskEntryPatch": input_object(ENTRY_INPUT, []),
    }


def risk_paths() -> dict[str, Any]:
    profile, entry = _answer("200", "The profile", "RiskProfile"), _answer("200", "The entry", "RiskEntry")
    filters = [{"name": "unit_id", "in": "query", "schema": ID},
               {"name": "year", "in": "query", "schema": YEAR},
               {"name": "status", "in": "query", "schema": {"enum": [s.value for s in ProfileStatus]}}]
    return {
        "/risk-profiles": {
            "get": _operation("List risk profiles, newest year first, then by unit",
                              _answer("200", "A page of profiles", "RiskProfilePage")) | {
                "parameters": [*filters, *PAGING_PARAMETERS]},
            "post": _operation("Start a draft profile for a business unit and year (one per unit and year). "
                               "Needs the comms officer or admin role.",
                               _answer("201", "The new profile", "RiskProfile"), body="RiskProfileInput"),
        },
        "/risk-profiles/{id}": {
            "get": _operation("One profile with its entries, ranked, with trends", profile, "id"),
            "patch": _operation(f"Change the notes.{WRITERS}", profile, "id", body="RiskProfilePatch"),
        },
        "/risk-profiles/{id}/approve": {"post": _operation(
            "Approve a draft with at least one entry. Needs the approver role; whoever made the last "
            "change may not approve it.", profile, "id")},
        "/risk-profiles/{id}/entries": {"post": _operation(
            f"Add a violence element the profile does not cover yet.{WRITERS}",
            _answer("201", "The new entry", "RiskEntry"), "id", body="RiskEntryInput")},
        "/risk-profiles/{id}/entries/{entry_id}": {
            "get": _operation("One entry with its rank and trend", entry, "id", "entry_id"),
            "patch": _operation(f"Change an entry; send only what changes.{WRITERS}", entry, "id", "entry_id",
                                body="RiskEntryPatch"),
            "delete": _operation(f"Take the element out of the profile (the audit log keeps what it held)."
                                 f"{WRITERS}", {"204": {"description": "Removed"}}, "id", "entry_id"),
        },
    }
