"""Public confidence over the API, read only: the measures, results by measure and unit (each with
its margin of error), and a wave's league table. Anyone with a token may read them."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select

from commsplan.api.jsonforms import page_json, paginate
from commsplan.api.views import bp
from commsplan.confidence import pictures, results
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.db import current_session
from commsplan.errors import ValidationError
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
