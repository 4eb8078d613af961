"""A plan's objectives, metrics, milestones and activities over the API: list (paged), add, get, change
and remove, through the same services and roles as the plan pages. A change sends only the fields that
change: they are laid over the item's current values and the whole is checked as the page checks it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, jsonify
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from commsplan.api.auth import api_user
from commsplan.api.jsonforms import (
    Reader,
    is_record_id,
    iso,
    page_json,
    paginate,
    request_object,
    unknown_fields,
)
from commsplan.api.plan_docs import EMBEDDED
from commsplan.api.views import bp
from commsplan.auth.service import require_role
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.notifications.jobs import current_settings
from commsplan.plans import activities, items, service
from commsplan.plans.items import Errors
from commsplan.plans.models import (
    Activity,
    ActivityStatus,
    CommPlan,
    Milestone,
    PlanMetric,
    PlanObjective,
    Rag,
)
from commsplan.plans.rules import PlanRules, plan_rules
from commsplan.timeutil import utcnow

LEVEL_ORDER = case(service.LEVEL_ORDER, value=PlanMetric.level)  # inputs first, impact last


def current_rules() -> PlanRules:
    return plan_rules(current_app.config)


def day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# --- Each kind: its JSON, how it is read and saved --------------------------------------------

def objective_json(item: PlanObjective) -> dict[str, Any]:
    return {"id": item.id, "plan_id": item.plan_id, "statement": item.statement,
            "element_id": item.element_id, "metric": item.metric, "unit_of_measure": item.unit_of_measure,
            "baseline": item.baseline, "target": item.target, "deadline": day(item.deadline)}


def read_objective(reader: Reader) -> items.ObjectiveValues:
    return items.ObjectiveValues(
        statement=reader.text("statement"), metric=reader.text("metric"),
        unit_of_measure=reader.text("unit_of_measure"), baseline=reader.number("baseline"),
        target=reader.number("target"), deadline=reader.day("deadline"),
        element_id=reader.record_id("element_id"))


def metric_json(item: PlanMetric) -> dict[str, Any]:
    return {"id": item.id, "plan_id": item.plan_id, "level": item.level.value, "name": item.name,
            "data_source": item.data_source, "unit_of_measure": item.unit_of_measure,
            "baseline": item.baseline, "target": item.target, "is_confidence": item.is_confidence}


def read_metric(reader: Reader) -> items.MetricValues:
    return items.MetricValues(
        level=reader.text("level"), name=reader.text("name"), data_source=reader.text("data_source"),
        unit_of_measure=reader.text("unit_of_measure"), baseline=reader.number("baseline"),
        target=reader.number("target"), is_confidence=reader.flag("is_confidence"))


def milestone_json(item: Milestone) -> dict[str, Any]:
    return {"id": item.id, "plan_id": item.plan_id, "title": item.title,
            "target_date": day(item.target_date), "lead_name": item.lead_name, "lead_id": item.lead_id,
            "rag": item.rag.value, "completed_on": day(item.completed_on), "notes": item.notes}


def read_milestone(reader: Reader) -> items.MilestoneValues:
    return items.MilestoneValues(
        title=reader.text("title"), target_date=reader.day("target_date"),
        lead_name=reader.text("lead_name", "TBD"), lead_id=reader.record_id("lead_id"),
        rag=reader.text("rag", Rag.GREEN.value), completed_on=reader.day("completed_on"),
        notes=reader.text("notes"))


def activity_json(item: Activity) -> dict[str, Any]:
    return {"id": item.id, "plan_id": item.plan_id, "title": item.title, "element_id": item.element_id,
            "audience_ids": [audience.id for audience in item.audiences], "channel_id": item.channel_id,
            "message_map_id": item.message_map_id, "starts_at": iso(item.starts_at),
            "ends_at": iso(item.ends_at), "owner_id": item.owner_id, "status": item.status.value,
            "ripe_strand": item.ripe_strand.value, "cost_pounds": item.cost_pounds,
            "reminder_days": item.reminder_days, "notes": item.notes,
            "uses_unapproved_message": item.uses_unapproved_message}


def read_activity(reader: Reader) -> activities.ActivityValues:
    return activities.ActivityValues(
        title=reader.text("title"), element_id=reader.record_id("element_id"),
        audience_ids=tuple(reader.list_of("audience_ids", is_record_id, "record ids")),
        channel_id=reader.record_id("channel_id"), starts_at=reader.moment("starts_at"),
        ends_at=reader.moment("ends_at"), owner_id=reader.record_id("owner_id") or api_user().id,
        status=reader.text("status", ActivityStatus.PLANNED.value), ripe_strand=reader.text("ripe_strand"),
        message_map_id=reader.record_id("message_map_id"), cost_pounds=reader.whole("cost_pounds"),
        reminder_days=reader.whole("reminder_days"), notes=reader.text("notes"))


def check_objective(session: Session, plan: CommPlan, values: Any) -> Errors:
    return items.check_objective(session, plan, values)[0]


def check_metric(session: Session, plan: CommPlan, values: Any) -> Errors:
    return items.check_metric(values)[0]


def check_milestone(session: Session, plan: CommPlan, values: Any) -> Errors:
    return items.check_milestone(session, values)[0]


def check_activity(session: Session, plan: CommPlan, values: Any) -> Errors:
    return activities.check_activity(session, plan, values, current_rules())[0]


def save_objective(session: Session, plan: CommPlan, values: Any, item: Any) -> Any:
    return items.save_objective(session, plan, values, actor=api_user(), now=utcnow(), objective=item)


def save_metric(session: Session, plan: CommPlan, values: Any, item: Any) -> Any:
    return items.save_metric(session, plan, values, actor=api_user(), now=utcnow(), metric=item)


def save_milestone(session: Session, plan: CommPlan, values: Any, item: Any) -> Any:
    return items.save_milestone(session, plan, values, actor=api_user(), now=utcnow(),
                                delivery=current_settings(), rules=current_rules(), milestone=item)


def warn_activity(session: Session, plan: CommPlan, values: Any, item: Any) -> list[str]:
    shortfall = activities.lead_time_warning(session, values, utcnow(), item)
    return [f"Check the timing: {shortfall}"] if shortfall else []


def save_activity(session: Session, plan: CommPlan, values: Any, item: Any) -> Any:
    return activities.save_activity(session, plan, values, actor=api_user(), now=utcnow(),
                                    delivery=current_settings(), rules=current_rules(), activity=item)


def remove_activity(session: Session, plan: CommPlan, item: Any) -> None:
    activities.remove_activity(session, plan, item, actor=api_user(), now=utcnow())


def remove_other(session: Session, plan: CommPlan, item: Any) -> None:
    items.remove_item(session, plan, item, actor=api_user(), now=utcnow())


@dataclass(frozen=True)
class PartKind:
    """One kind of plan item: where it lives in the API, its order, and how it is shown, read and saved."""

    slug: str
    model: Any
    fields: tuple[str, ...]
    order: tuple[Any, ...]
    to_json: Callable[[Any], dict[str, Any]]
    read: Callable[[Reader], Any]
    check: Callable[[Session, CommPlan, Any], Errors]  # the service's own checks, field by field
    save: Callable[[Session, CommPlan, Any, Any], Any]
    remove: Callable[[Session, CommPlan, Any], None]
    # What to check before going ahead, answered as "warnings" beside what was saved (activities)
    warn: Callable[[Session, CommPlan, Any, Any], list[str]] | None = None

    def input_of(self, item: Any) -> dict[str, Any]:
        """The item's current values as they would be sent."""
        return {name: value for name, value in self.to_json(item).items() if name in self.fields}


PARTS = {kind.slug: kind for kind in (
    PartKind("objectives", PlanObjective,
             ("statement", "element_id", "metric", "unit_of_measure", "baseline", "target", "deadline"),
             (PlanObjective.deadline, PlanObjective.id), objective_json, read_objective, check_objective,
             save_objective, remove_other),
    PartKind("metrics", PlanMetric,
             ("level", "name", "data_source", "unit_of_measure", "baseline", "target", "is_confidence"),
             (LEVEL_ORDER, PlanMetric.id), metric_json, read_metric, check_metric, save_metric,
             remove_other),
    PartKind("milestones", Milestone,
             ("title", "target_date", "lead_name", "lead_id", "rag", "completed_on", "notes"),
             (Milestone.target_date, Milestone.id), milestone_json, read_milestone, check_milestone,
             save_milestone, remove_other),
    PartKind("activities", Activity,
             ("title", "element_id", "audience_ids", "channel_id", "message_map_id", "starts_at", "ends_at",
              "owner_id", "status", "ripe_strand", "cost_pounds", "reminder_days", "notes"),
             (Activity.starts_at, Activity.id), activity_json, read_activity, check_activity, save_activity,
             remove_activity, warn_activity),
)}


def of_plan(kind: PartKind, plan: CommPlan) -> Any:
    return select(kind.model).where(kind.model.plan_id == plan.id).order_by(*kind.order)


def first_of(kind: PartKind, plan: CommPlan) -> dict[str, Any]:
    """The plan's first few items of the kind, in one query with how many there are in all."""
    rows = current_session().execute(of_plan(kind, plan).add_columns(func.count().over())
                                     .limit(EMBEDDED)).all()
    return {"items": [kind.to_json(row[0]) for row in rows], "total": rows[0][1] if rows else 0}


def read_values(kind: PartKind, plan: CommPlan, payload: dict[str, Any], item: Any) -> Any:
    """The values to save: the payload over the item's current ones. A field sent wrongly is a 422
    that also names every field the service would refuse, so one answer lists everything to fix."""
    reader = Reader({**(kind.input_of(item) if item is not None else {}), **payload})
    values = kind.read(reader)
    reader.errors |= unknown_fields(payload, kind.fields)
    if reader.errors:
        raise ValidationError({**kind.check(current_session(), plan, values), **reader.errors})
    return values


def saved(kind: PartKind, plan: CommPlan, item: Any) -> dict[str, Any]:
    """Read the request and save it through the service, which checks it again and audits it; the
    answer is what was saved, with any warnings the kind gives."""
    values = read_values(kind, plan, request_object(), item)
    with unit_of_work() as session:
        warnings = kind.warn(session, plan, values, item) if kind.warn else None
        answer = kind.to_json(kind.save(session, plan, values, item))
    return answer if warnings is None else {**answer, "warnings": warnings}


def writer(kind: PartKind) -> None:
    require_role(api_user(), service.WRITERS, f"change a plan's {kind.slug}")


# --- Endpoints, one set per kind ----------------------------------------------------------------

def list_parts(item_id: int, part: str) -> Response:
    kind = PARTS[part]
    plan = service.get_plan(current_session(), item_id)
    page = paginate(of_plan(kind, plan))
    return jsonify(page_json(page, [kind.to_json(item) for item in page.items]))


def add_part(item_id: int, part: str) -> tuple[Response, int]:
    kind = PARTS[part]
    writer(kind)
    plan = service.get_plan(current_session(), item_id)
    return jsonify(saved(kind, plan, None)), 201


def get_part(item_id: int, part_id: int, part: str) -> Response:
    kind = PARTS[part]
    plan = service.get_plan(current_session(), item_id)
    return jsonify(kind.to_json(items.get_item(current_session(), kind.model, plan, part_id)))


def update_part(item_id: int, part_id: int, part: str) -> Response:
    kind = PARTS[part]
    writer(kind)
    plan = service.get_plan(current_session(), item_id)
    item = items.get_item(current_session(), kind.model, plan, part_id)
    return jsonify(saved(kind, plan, item))


def remove_part(item_id: int, part_id: int, part: str) -> tuple[str, int]:
    kind = PARTS[part]
    writer(kind)
    plan = service.get_plan(current_session(), item_id)
    item = items.get_item(current_session(), kind.model, plan, part_id)
    with unit_of_work() as session:
        kind.remove(session, plan, item)
    return "", 204


def add_routes() -> None:
    """Five routes for each kind; each knows its kind from the `part` default."""
    for slug in PARTS:
        collection, one = f"/plans/<int:item_id>/{slug}", f"/plans/<int:item_id>/{slug}/<int:part_id>"
        defaults = {"part": slug}
        bp.add_url_rule(collection, f"list_plan_{slug}", list_parts, methods=["GET"], defaults=defaults)
        bp.add_url_rule(collection, f"add_plan_{slug}", add_part, methods=["POST"], defaults=defaults)
        bp.add_url_rule(one, f"get_plan_{slug}", get_part, methods=["GET"], defaults=defaults)
        bp.add_url_rule(one, f"update_plan_{slug}", update_part, methods=["PATCH"], defaults=defaults)
        bp.add_url_rule(one, f"remove_plan_{slug}", remove_part, methods=["DELETE"], defaults=defaults)


add_routes()
