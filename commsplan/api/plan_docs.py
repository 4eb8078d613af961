"""The OpenAPI paths and schemas of plans, their items and the integrated plan (api/plans.py,
api/plan_items.py, api/integrated.py)."""

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
from commsplan.api.incident_docs import TIME
from commsplan.api.risk_docs import YEAR
from commsplan.messages.models import RipeStrand
from commsplan.numbers import EARLIEST_DATE_YEAR, LARGEST_INTEGER, LARGEST_MEASURE, LATEST_DATE_YEAR
from commsplan.plans import activities, integrated, items, service
from commsplan.plans.models import (
    OASIS_SECTIONS,
    ActivityStatus,
    MetricLevel,
    PlanStatus,
    Rag,
    VersionOutcome,
)

EMBEDDED = 50  # of each kind of item, in a plan's own answer; /plans/{id}/<kind> pages through them all
TAG, ITEM_TAG, INTEGRATED_TAG = ["Plans"], ["Plan items"], ["Integrated plan"]
INTEGER, TEXT, NUMBER, FLAG = {"type": "integer"}, {"type": "string"}, {"type": "number"}, {"type": "boolean"}
AT = {"type": "string", "format": "date-time", "description": "UTC"}
NULLABLE_AT = {"type": ["string", "null"], "format": "date-time", "description": "UTC"}
DATES = f"YYYY-MM-DD, in the years {EARLIEST_DATE_YEAR} to {LATEST_DATE_YEAR}"
DATE = {"type": "string", "format": "date", "description": DATES}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date", "description": DATES}
MEASURE = {"type": "number", "minimum": -LARGEST_MEASURE, "maximum": LARGEST_MEASURE}
NULLABLE_MEASURE = {**MEASURE, "type": ["number", "null"]}
WRITERS = " Needs the comms officer or admin role."
APPROVERS = (" Needs the approver role, and someone other than the plan's owner, its submitter and its "
             "last editor.")


def _text(limit: int, description: str = "") -> dict[str, Any]:
    return {"type": "string", "maxLength": limit, **({"description": description} if description else {})}


def _enum(enum: Any) -> dict[str, Any]:
    return {"enum": [member.value for member in enum]}


SECTIONS = {name: _text(service.SECTION_LIMIT, f"{heading}: {hint}. Markdown")
            for name, heading, hint in OASIS_SECTIONS}
DETAILS = {"unit_id": {**ID, "description": "The business unit; choose Corporate for the force-wide plan"},
           "year": YEAR, "title": _text(service.TITLE_LIMIT),
           "owner_id": {**ID, "description": "Gets the review and approval reminders; defaults to you"},
           "review_date": {**NULLABLE_DATE, "description": f"When it is next reviewed; {DATES}"}}
SECTIONS_INPUT = input_object(SECTIONS, [])

# What each kind of item is sent as (input) and answered with (output, adding id and plan_id).
OBJECTIVE = {"statement": _text(300, "Specific: what should change"), "element_id": NULLABLE_ID,
             "metric": _text(200, "The figure that shows progress"), "unit_of_measure": _text(40),
             "baseline": MEASURE, "target": {**MEASURE, "description": "Must differ from the baseline"},
             "deadline": {**DATE, "description": f"On or after 1 April of the plan's year; {DATES}"}}
METRIC = {"level": _enum(MetricLevel), "name": _text(200, "What is measured"), "data_source": _text(200),
          "unit_of_measure": _text(40), "baseline": NULLABLE_MEASURE, "target": NULLABLE_MEASURE,
          "is_confidence": {"type": "boolean", "description": "The force's confidence measure; an outcome"}}
MILESTONE = {"title": _text(300), "target_date": DATE, "lead_name": _text(120, "A name or team; TBD until "
                                                                              "nominated"),
             "lead_id": {**NULLABLE_ID, "description": "The lead's account, who gets the reminders"},
             "rag": _enum(Rag), "completed_on": NULLABLE_DATE, "notes": _text(items.NOTES_LIMIT)}
ACTIVITY = {
    "title": _text(200), "element_id": ID,
    "audience_ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": activities.MAX_AUDIENCES},
    "channel_id": ID, "message_map_id": {**NULLABLE_ID, "description": "About the same element, for one "
                                                                     "of its audiences"},
    "starts_at": {**TIME, "description": f"Within the plan's financial year. {TIME['description']}"},
    "ends_at": {**TIME, "description": f"After the start, a year at most later. {TIME['description']}"},
    "owner_id": {**ID, "description": "Defaults to you"}, "status": _enum(ActivityStatus),
    "ripe_strand": _enum(RipeStrand),
    "cost_pounds": {"type": ["integer", "null"], "minimum": 0, "maximum": activities.MAX_COST},
    "reminder_days": {"type": ["integer", "null"], "minimum": 0, "maximum": activities.MAX_REMINDER_DAYS,
                      "description": "Days before the start the owner is reminded; null for the default, "
                                     "never fewer than the channel's lead time"},
    "notes": _text(items.NOTES_LIMIT)}
PART_SCHEMAS: dict[str, tuple[str, dict[str, Any], list[str], dict[str, Any]]] = {
    # slug: (schema name, input properties, required when adding, output properties)
    "objectives": ("PlanObjective", OBJECTIVE, ["statement", "metric", "baseline", "target", "deadline"],
                   {**OBJECTIVE, "baseline": NUMBER, "target": NUMBER, "deadline": DATE}),
    "metrics": ("PlanMetric", METRIC, ["level", "name"],
                {**METRIC, "baseline": {"type": ["number", "null"]}, "target": {"type": ["number", "null"]}}),
    "milestones": ("PlanMilestone", MILESTONE, ["title", "target_date"], MILESTONE),
    "activities": ("PlanActivity", ACTIVITY,
                   ["title", "element_id", "audience_ids", "channel_id", "starts_at", "ends_at",
                    "ripe_strand"],
                   {**ACTIVITY, "starts_at": AT, "ends_at": AT, "reminder_days": INTEGER,
                    "audience_ids": {"type": "array", "items": ID},
                    "uses_unapproved_message": {"type": "boolean", "description": "Its message map has "
                                                "never been approved"},
                    "warnings": {"type": "array", "items": {"type": "string"},
                                 "description": "Only when adding or changing: what to check, such as a "
                                                "start inside a non-strict channel's lead time"}}),
}

SUMMARY = {
    "id": INTEGER, "unit_id": INTEGER, "unit": TEXT, "year": INTEGER, "year_label": TEXT,
    "level": {"type": "string", "description": "Corporate plan or Business-unit plan"}, "title": TEXT,
    "owner_id": INTEGER, "owner": TEXT, "review_date": NULLABLE_DATE, "status": _enum(PlanStatus),
    "version_number": {"type": "integer", "description": "The version being written, or waiting"},
    "approved_number": {"type": ["integer", "null"], "description": "The version last approved"},
    "submitted_at": NULLABLE_AT, "approved_at": NULLABLE_AT, "updated_at": AT}
VERSION = output_object({
    "number": INTEGER, "outcome": _enum(VersionOutcome), "submitted_at": AT,
    "submitted_by": {"type": ["string", "null"]}, "decided_at": NULLABLE_AT,
    "decided_by": {"type": ["string", "null"]}, "comment": {"type": "string", "description": "The "
                                                            "approver's comment"}})


def _shown(name: str) -> dict[str, Any]:
    return output_object({"items": {"type": "array", "items": schema_ref(name), "maxItems": EMBEDDED},
                          "total": INTEGER})


PLAN = output_object({
    **SUMMARY, "sections": output_object({name: TEXT for name in SECTIONS}),
    "risk_profile_id": {"type": ["integer", "null"], "description": "The unit's profile for the year"},
    **{slug: {**_shown(name), "description": f"The first {EMBEDDED} and how many in all; "
              f"/plans/{{id}}/{slug} pages through them"} for slug, (name, *_) in PART_SCHEMAS.items()},
    "versions": {"type": "array", "items": VERSION, "description": "Submissions, newest first (at most 20)"},
    "submission_problems": {"type": "object", "additionalProperties": {"type": "array", "items": TEXT},
                            "description": "What stops a draft going for approval, by part"},
    "warnings": {"type": "array", "items": TEXT}, "you_may_approve": FLAG})
DECISION = input_object({"version": {"type": "integer", "minimum": 1, "maximum": LARGEST_INTEGER,
                                     "description": "The version you reviewed; defaults to the one waiting"},
                         "comment": _text(service.COMMENT_LIMIT)}, [])


def _capped(item: dict[str, Any]) -> dict[str, Any]:
    return output_object({"items": {"type": "array", "items": item}, "total": INTEGER})


INTEGRATED = output_object({
    "year": INTEGER, "plans": INTEGER, "approved_plans": INTEGER,
    "counted_activities": {"type": "integer", "description": "Activities of plans approved at least once "
                                                              "that still reach people"},
    "overload_per_week": INTEGER,
    "units": _capped(output_object({
        "unit_id": INTEGER, "unit": TEXT, "plan_id": {"type": ["integer", "null"]},
        "plan_status": {"type": ["string", "null"]}, "risk_profile_id": {"type": ["integer", "null"]},
        "top_priority": {"type": ["string", "null"]}, "activities": INTEGER, "gaps": INTEGER})),
    "coverage": _capped(output_object({
        "element_id": INTEGER, "audience_id": INTEGER, "activities": INTEGER, "units": INTEGER,
        "share_of_harm": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                          "description": "The share of the element's harm, over every profile, in units "
                                         "whose plans reach this audience about it"},
        "approved_message": FLAG})),
    "gaps": _capped(output_object({
        "unit_id": INTEGER, "unit": TEXT, "element_id": INTEGER, "element": TEXT, "rank": INTEGER,
        "harm": NUMBER, "audience_id": {"type": ["integer", "null"]},
        "audience": {"type": ["string", "null"]},
        "text": TEXT})),
    "overloads": _capped(output_object({
        "audience_id": INTEGER, "audience": TEXT, "week": DATE, "activities": INTEGER,
        "titles": {"type": "array", "items": TEXT}})),
    "months": {"type": "array", "items": output_object({"year": INTEGER, "month": INTEGER,
                                                        "activities": INTEGER})}})


def plan_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Plan": PLAN, "PlanSummary": output_object(SUMMARY),
        "PlanPage": page_schema(schema_ref("PlanSummary")),
        "PlanInput": input_object({**DETAILS, "sections": SECTIONS_INPUT}, ["unit_id", "year", "title"]),
        "PlanPatch": input_object({**DETAILS, "sections": SECTIONS_INPUT}, []),
        "PlanDecision": DECISION, "IntegratedPlan": INTEGRATED}
    for name, sent, required, answered in PART_SCHEMAS.values():
        properties = {"id": INTEGER, "plan_id": INTEGER, **answered}
        schemas[name] = output_object(properties, [key for key in properties if key != "warnings"])
        schemas[f"{name}Input"] = input_object(sent, required)
        schemas[f"{name}Patch"] = input_object(sent, [])
        schemas[f"{name}Page"] = page_schema(schema_ref(name))
    return schemas


def _answer(status: str, description: str, schema: str) -> dict[str, Any]:
    return {status: {"description": description, **json_content(schema_ref(schema))}}


def _operation(tag: list[str], summary: str, responses: dict[str, Any], *params: str,
               body: str | None = None, body_required: bool = True) -> dict[str, Any]:
    operation: dict[str, Any] = {"tags": tag, "summary": summary, "parameters": path_ids(*params),
                                 "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": body_required, **json_content(schema_ref(body))}
    return operation


def _step(summary: str, body: str | None = None) -> dict[str, Any]:
    return {"post": _operation(TAG, summary, _answer("200", "The plan", "Plan"), "id", body=body,
                               body_required=False)}


def plan_paths() -> dict[str, Any]:
    plan = _answer("200", "The plan", "Plan")
    filters = [{"name": "unit_id", "in": "query", "schema": ID},
               {"name": "year", "in": "query", "schema": YEAR},
               {"name": "status", "in": "query", "schema": _enum(PlanStatus)},
               {"name": "mine", "in": "query", "schema": {"type": "boolean"},
                "description": "Only plans you own"}]
    paths: dict[str, Any] = {
        "/plans": {
            "get": {**_operation(TAG, "List plans: newest year first, the corporate plan first, then by unit",
                                 _answer("200", "A page of plans", "PlanPage")),
                    "parameters": [*filters, *PAGING_PARAMETERS]},
            "post": _operation(TAG, "Start a draft plan for a business unit and year (one per unit and "
                               f"year).{WRITERS}", _answer("201", "The new plan", "Plan"), body="PlanInput"),
        },
        "/plans/{id}": {
            "get": _operation(TAG, "One plan: details, sections, the first of its objectives, metrics, "
                              "milestones and activities, versions, and what stops it being submitted",
                              plan, "id"),
            "patch": _operation(TAG, "Change details (unit and year only in draft; nothing once closed) and "
                                f"sections (only in draft); send only what changes.{WRITERS}", plan, "id",
                                body="PlanPatch"),
        },
        "/plans/{id}/submit": _step("Send a complete draft for approval as a numbered version; a 422 lists "
                                    f"what is missing.{WRITERS}"),
        "/plans/{id}/approve": _step(f"Approve the version waiting, with an optional comment.{APPROVERS}",
                                     "PlanDecision"),
        "/plans/{id}/return": _step(f"Send the version waiting back to draft; the comment saying what must "
                                    f"change is required.{APPROVERS}", "PlanDecision"),
        "/plans/{id}/activate": _step("Start delivering an approved plan. Needs the comms officer, admin or "
                                      "approver role."),
        "/plans/{id}/close": _step("Close an approved or active plan: it stops changing and its reminders "
                                   "stop. Needs the comms officer, admin or approver role."),
        "/plans/{id}/revise": _step("Take an approved or active plan back to draft as a new version; its "
                                    f"calendar keeps counting.{WRITERS}"),
        "/integrated": {"get": {
            **_operation(INTEGRATED_TAG, "The integrated plan for a financial year: units, coverage of "
                         "element × audience weighted by harm, gaps and audience overload",
                         _answer("200", "The integrated plan", "IntegratedPlan")),
            "parameters": [{**{"name": "year", "in": "query", "schema": YEAR},
                            "description": "Defaults to the current financial year"},
                           {"name": "per_week", "in": "query", "description": "The overload threshold",
                            "schema": {"type": "integer", "minimum": 1,
                                       "maximum": integrated.MAX_PER_WEEK}}]}},
    }
    for slug, (name, *_) in PART_SCHEMAS.items():
        paths.update(part_paths(slug, name))
    return paths


def part_paths(slug: str, name: str) -> dict[str, Any]:
    one = _answer("200", "The item", name)
    when = (" The plan must be a draft, approved or active." if slug in ("milestones", "activities")
            else " The plan must be a draft.")
    return {
        f"/plans/{{id}}/{slug}": {
            "get": {**_operation(ITEM_TAG, f"The plan's {slug}, a page at a time",
                                 _answer("200", f"A page of {slug}", f"{name}Page"), "id"),
                    "parameters": [*path_ids("id"), *PAGING_PARAMETERS]},
            "post": _operation(ITEM_TAG, f"Add to the plan's {slug}.{WRITERS}{when}",
                               _answer("201", "The new item", name), "id", body=f"{name}Input"),
        },
        f"/plans/{{id}}/{slug}/{{part_id}}": {
            "get": _operation(ITEM_TAG, f"One of the plan's {slug}", one, "id", "part_id"),
            "patch": _operation(ITEM_TAG, f"Change one of the plan's {slug}; send only what changes."
                                f"{WRITERS}{when}", one, "id", "part_id", body=f"{name}Patch"),
            "delete": _operation(ITEM_TAG, f"Remove one of the plan's {slug} (the audit log keeps it)."
                                 f"{WRITERS}{when}", {"204": {"description": "Removed"}}, "id", "part_id"),
        },
    }
