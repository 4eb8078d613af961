"""An objective's or metric's actuals over the API, read only: the latest 50, newest first, with the
item's status from its trajectory (plans/actuals.py explains the rule)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from commsplan.api.views import bp
from commsplan.db import current_session
from commsplan.plans import actuals, items, service
from commsplan.plans.models import PlanActual, PlanMetric, PlanObjective

MODELS = {"objectives": PlanObjective, "metrics": PlanMetric}


def actual_json(actual: PlanActual) -> dict[str, Any]:
    return {"id": actual.id, "measured_on": actual.measured_on.isoformat(), "value": actual.value,
            "source": actual.source, "entered_by": actual.entered_by.name if actual.entered_by else None,
            "entered_at": actual.entered_at.isoformat()}


def item_actuals(item_id: int, part_id: int, part: str) -> Response:
    session = current_session()
    plan = service.get_plan(session, item_id)
    item = items.get_item(session, MODELS[part], plan, part_id)
    found = actuals.history(session, item)
    status = actuals.standing(plan, item, found[0] if found else None)
    return jsonify({"baseline": item.baseline, "target": item.target,
                    "due": actuals.due_by(plan, item).isoformat(),
                    "rag": status.rag.value if status.rag else None,
                    "actuals": [actual_json(actual) for actual in found]})


for _slug in MODELS:
    bp.add_url_rule(f"/plans/<int:item_id>/{_slug}/<int:part_id>/actuals", f"plan_{_slug}_actuals",
                    item_actuals, methods=["GET"], defaults={"part": _slug})
