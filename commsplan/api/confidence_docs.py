"""The OpenAPI paths and schemas of the confidence endpoints (api/confidence.py) and of plan
actuals (api/plan_actuals.py)."""

from __future__ import annotations

from typing import Any

from commsplan.api.doc_parts import (
    ID,
    PAGING_PARAMETERS,
    json_content,
    output_object,
    page_schema,
    schema_ref,
)

TAG = ["Confidence"]
INTEGER, TEXT, NUMBER = {"type": "integer"}, {"type": "string"}, {"type": "number"}
DAY = {"type": "string", "format": "date"}
MEASURE = output_object({
    "id": INTEGER, "code": TEXT, "name": TEXT,
    "question": {"type": "string", "description": "The survey question word for word"},
    "source": TEXT, "is_headline": {"type": "boolean", "description": "The force's headline measure"}})
RESULT_FIELDS = {
    "id": INTEGER, "measure_id": INTEGER, "unit_id": INTEGER,
    "unit": {"type": "string", "description": "The business unit's code"},
    "period": {**DAY, "description": "The survey wave's last day"},
    "value": {"type": "number", "minimum": 0, "maximum": 100, "description": "Percentage agreeing"},
    "sample_size": INTEGER,
    "margin_of_error": {"type": "number", "description": "95%, in percentage points"},
    "margin_is_computed": {"type": "boolean", "description": "True when the source gave no margin and "
                           "it was worked out from value and sample size (simple random sample)"}}
LEAGUE_ROW = output_object({
    **RESULT_FIELDS, "gap": {"type": ["number", "null"], "description": "Unit minus force, in points"},
    "gap_margin": {"type": ["number", "null"], "description": "95% margin of the gap"},
    "within_margin": {"type": ["boolean", "null"], "description": "The survey cannot tell the unit "
                      "from the force"}})


def _get(summary: str, schema: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"get": {"tags": TAG, "summary": summary, "parameters": parameters,
                    "responses": {"200": {"description": summary, **json_content(schema_ref(schema))}}}}


ACTUAL = output_object({
    "id": INTEGER, "measured_on": DAY, "value": NUMBER, "source": TEXT,
    "entered_by": {"type": ["string", "null"], "description": "Who entered it"},
    "entered_at": {"type": "string", "format": "date-time"}})
ACTUALS = output_object({
    "baseline": {"type": ["number", "null"]}, "target": {"type": ["number", "null"]},
    "due": {**DAY, "description": "When the target is due: the objective's deadline, or the plan year's end"},
    "rag": {"enum": ["red", "amber", "green", None], "description": "From the latest actual against the "
            "straight line from baseline (1 April) to target (due); null without an actual or a line"},
    "actuals": {"type": "array", "items": schema_ref("PlanActual"),
                "description": "Latest 50, newest first"}})


NULL_NUMBER, NULL_TEXT = {"type": ["number", "null"]}, {"type": ["string", "null"]}
EVALUATION_LINE = output_object({
    "kind": TEXT, "name": TEXT, "unit_of_measure": TEXT, "baseline": NULL_NUMBER, "target": NULL_NUMBER,
    "latest": NULL_NUMBER, "measured_on": {"type": ["string", "null"], "format": "date"},
    "rag": {"type": ["string", "null"], "enum": ["red", "amber", "green", None]}})
EVALUATION = output_object({
    "plan_id": INTEGER,
    "delivery": output_object({name: INTEGER for name in (
        "planned", "done", "under_way", "not_started", "cancelled", "costed", "cost_pounds")}),
    "levels": {"type": "object", "description": "inputs, outputs, outtakes, outcomes, impact",
               "additionalProperties": {"type": "array", "items": EVALUATION_LINE}},
    "impact": {"oneOf": [{"type": "null"}, output_object({
        "measure": schema_ref("ConfidenceMeasure"), "unit_id": INTEGER,
        "waves": {"type": "array", "items": output_object({
            "period": DAY, "activities": INTEGER,
            "unit": {"oneOf": [schema_ref("ConfidenceResult"), {"type": "null"}]},
            "force": {"oneOf": [schema_ref("ConfidenceResult"), {"type": "null"}]}})}})]},
})


def confidence_schemas() -> dict[str, Any]:
    return {
        "PlanActual": ACTUAL, "PlanActuals": ACTUALS,
        "ConfidenceMeasure": MEASURE,
        "ConfidenceMeasureList": output_object({"items": {"type": "array",
                                                          "items": schema_ref("ConfidenceMeasure")}}),
        "ConfidenceResult": output_object(RESULT_FIELDS),
        "ConfidenceResultPage": page_schema(schema_ref("ConfidenceResult")),
        "ConfidenceLeagueRow": LEAGUE_ROW,
        "PlanEvaluation": EVALUATION,
        "ConfidenceLeague": output_object({
            "measure": schema_ref("ConfidenceMeasure"),
            "period": {"type": ["string", "null"], "format": "date"},
            "force": {"oneOf": [schema_ref("ConfidenceResult"), {"type": "null"}]},
            "units": {"type": "array", "items": schema_ref("ConfidenceLeagueRow"),
                      "description": "Biggest shortfall against the force first"}}),
    }


def actual_paths() -> dict[str, Any]:
    ids = [{"name": name, "in": "path", "required": True, "schema": ID} for name in ("id", "part_id")]
    return {f"/plans/{{id}}/{part}/{{part_id}}/actuals": _get(
        f"The actuals recorded for one of the plan's {part}, with its status", "PlanActuals", ids)
        for part in ("objectives", "metrics")}


def confidence_paths() -> dict[str, Any]:
    return {
        **actual_paths(),
        "/plans/{id}/evaluation": _get(
            "A plan's evaluation figures: delivery and cost, each level's measures with their latest actual "
            "and status, and the unit's headline confidence waves", "PlanEvaluation",
            [{"name": "id", "in": "path", "required": True, "schema": ID}]),
        "/confidence/measures": _get("Every confidence measure, the headline first",
                                     "ConfidenceMeasureList", []),
        "/confidence/results": _get(
            "Confidence results, newest wave first", "ConfidenceResultPage",
            [{"name": "measure_id", "in": "query", "schema": ID},
             {"name": "unit_id", "in": "query", "schema": ID}, *PAGING_PARAMETERS]),
        "/confidence/measures/{id}/league": _get(
            "A wave's results by unit with each unit's gap to the force", "ConfidenceLeague",
            [{"name": "id", "in": "path", "required": True, "schema": ID},
             {"name": "period", "in": "query", "schema": DAY,
              "description": "The wave's last day; the latest wave when absent"}]),
    }
