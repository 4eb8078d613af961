"""The integrated plan for a financial year over the API: units, coverage of element × audience weighted
by harm, gaps and audience overload, each list capped with its total (integrated.build reads it all
in a fixed number of queries)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from commsplan.api.plan_items import current_rules
from commsplan.api.views import bp
from commsplan.db import current_session
from commsplan.plans import integrated
from commsplan.risk.profiles import financial_year
from commsplan.timeutil import to_london, utcnow
from commsplan.web import number_arg, year_arg

LISTED = 200  # of units and gaps; overloads are capped by integrated.build
CELLS_LISTED = 500


def capped(rows: list[Any], limit: int = LISTED) -> dict[str, Any]:
    return {"items": rows[:limit], "total": len(rows)}


def gap_json(gap: integrated.Gap) -> dict[str, Any]:
    return {"unit_id": gap.unit.id, "unit": gap.unit.name, "element_id": gap.element.id,
            "element": gap.element.name, "rank": gap.rank, "harm": gap.harm,
            "audience_id": gap.audience.id if gap.audience else None,
            "audience": gap.audience.name if gap.audience else None, "text": gap.text}


def unit_json(summary: integrated.UnitSummary) -> dict[str, Any]:
    return {"unit_id": summary.unit.id, "unit": summary.unit.name,
            "plan_id": summary.plan.id if summary.plan else None,
            "plan_status": summary.plan.status.value if summary.plan else None,
            "risk_profile_id": summary.profile.id if summary.profile else None,
            "top_priority": summary.top.element.name if summary.top else None,
            "activities": summary.activities, "gaps": summary.gaps}


def coverage_json(result: integrated.IntegratedPlan) -> list[dict[str, Any]]:
    """The cells with an activity or an approved message, by element then audience as the page orders them."""
    rows = []
    for element in result.elements:
        for audience in result.audiences:
            cell = result.cells.get((element.id, audience.id))
            if cell is not None:
                rows.append({"element_id": element.id, "audience_id": audience.id,
                             "activities": cell.activities, "units": len(cell.units),
                             "share_of_harm": cell.share(result.element_harm.get(element.id, 0.0)),
                             "approved_message": cell.approved_message})
    return rows


def integrated_json(result: integrated.IntegratedPlan) -> dict[str, Any]:
    return {"year": result.year, "plans": len(result.plans), "approved_plans": len(result.counted_plan_ids),
            "counted_activities": result.counted_total, "overload_per_week": result.per_week,
            "units": capped([unit_json(summary) for summary in result.units]),
            "coverage": capped(coverage_json(result), CELLS_LISTED),
            "gaps": capped([gap_json(gap) for gap in result.gaps]),
            "overloads": {"items": [{"audience_id": o.audience.id, "audience": o.audience.name,
                                     "week": o.week.isoformat(), "activities": o.count,
                                     "titles": list(o.titles)} for o in result.overloads],
                          "total": result.overload_total},
            "months": [{"year": year, "month": month, "activities": count}
                       for year, month, count in result.months]}


@bp.get("/integrated")
def integrated_plan() -> Response:
    year = year_arg(financial_year(to_london(utcnow())))
    per_week = number_arg("per_week", 1, integrated.MAX_PER_WEEK)
    result = integrated.build(current_session(), year, rules=current_rules(), per_week=per_week)
    return jsonify(integrated_json(result))
