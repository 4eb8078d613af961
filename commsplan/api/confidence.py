"""Public confidence over the API, read only: the measures, results by measure and unit (each with
its margin of error), and a wave's league table. Anyone with a token may read them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select

from commsplan.api.jsonforms import page_json, paginate
from commsplan.api.views import bp
from commsplan.confidence import evaluation, pictures, results
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.db import current_session
from commsplan.errors import ValidationError
from commsplan.plans import service as plans
from commsplan.web import id_arg


def measure_json(measure: ConfidenceMeasure) -> dict[str, Any]:
    return {"id": measure.id, "code": measure.code, "name": measure.name, "question": measure.question,
            "source": measure.source, "is_headline": measure.is_headline}


def result_json(result: ConfidenceResult) -> dict[str, Any]:
    return {"id": result.id, "measure_id": result.measure_id, "unit_id": result.unit_id,
            "unit": result.unit.code, "period": result.period.isoformat(), "value": result.value,
            "sample_size": result.sample_size, "margin_of_error": round(result.margin_of_error, 2),
            "margin_is_computed": result.margin_is_computed}


@bp.get("/confidence/measures")
def list_confidence_measures() -> Response:
    return jsonify({"items": [measure_json(m) for m in results.measures(current_session())]})


@bp.get("/confidence/results")
def list_confidence_results() -> Response:
    """Results, newest wave first, filtered by measure and unit when asked."""
    query = select(ConfidenceResult).order_by(ConfidenceResult.period.desc(), ConfidenceResult.id)
    if (measure_id := id_arg("measure_id")) is not None:
        query = query.where(ConfidenceResult.measure_id == measure_id)
    if (unit_id := id_arg("unit_id")) is not None:
        query = query.where(ConfidenceResult.unit_id == unit_id)
    page = paginate(query)
    return jsonify(page_json(page, [result_json(r) for r in page.items]))


def period_arg() -> date | None:
    raw = request.args.get("period", "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError.single("period",
                                     "Send the wave's last day as a date, like 2026-03-31") from None


@bp.get("/confidence/measures/<int:item_id>/league")
def confidence_league(item_id: int) -> Response:
    """Every unit's result for the wave (the latest when none is asked) and its gap to the force."""
    session = current_session()
    measure = results.get_measure(session, item_id)
    found = pictures.league(session, measure=measure, period=period_arg(),
                            periods=pictures.wave_periods(session, measure))
    return jsonify({
        "measure": measure_json(measure), "period": found.period.isoformat() if found.period else None,
        "force": result_json(found.force) if found.force else None,
        "units": [{**result_json(row.result), "gap": row.gap,
                   "gap_margin": None if row.margin is None else round(row.margin, 2),
                   "within_margin": row.within_margin} for row in found.rows]})


@bp.get("/plans/<int:item_id>/evaluation")
def plan_evaluation(item_id: int) -> Response:
    """A plan's evaluation figures, as on its report (incidents are not counted here)."""
    session = current_session()
    report = evaluation.build(session, plans.get_plan(session, item_id), show_incidents=False)
    return jsonify(evaluation_json(report))


def evaluation_json(report: evaluation.Report) -> dict[str, Any]:
    impact = report.impact
    return {
        "plan_id": report.plan.id, "delivery": asdict(report.delivery),
        "levels": {level.value: [line_json(line) for line in lines]
                   for level, lines in report.levels.items()},
        "impact": None if impact is None else {
            "measure": measure_json(impact.measure), "unit_id": impact.unit.id,
            "waves": [{"period": wave.period.isoformat(), "activities": wave.activities,
                       "unit": result_json(wave.unit) if wave.unit else None,
                       "force": result_json(wave.force) if wave.force else None} for wave in impact.waves]},
    }


def line_json(line: evaluation.Line) -> dict[str, Any]:
    latest = line.standing.latest
    return {"kind": line.kind, "name": line.name, "unit_of_measure": line.unit_of_measure,
            "baseline": line.baseline, "target": line.target, "latest": latest.value if latest else None,
            "measured_on": latest.measured_on.isoformat() if latest else None,
            "rag": line.rag.value if line.rag else None}
