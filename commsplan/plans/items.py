"""What a plan holds: SMART objectives and evaluation metrics (the document, changed in draft) and
milestones (the calendar, changed in draft, approved and active plans). Activities are in
activities.py. Every change is audited; milestones keep their reminders in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.notifications.settings import DeliverySettings
from commsplan.numbers import LARGEST_MEASURE
from commsplan.plans import actuals, schedule
from commsplan.plans.models import CommPlan, MetricLevel, Milestone, PlanMetric, PlanObjective, Rag
from commsplan.plans.rules import PlanRules
from commsplan.plans.service import WRITERS, require_calendar_editable, require_editable, touch
from commsplan.reference.models import ViolenceElement

Errors = dict[str, list[str]]
MAX_VALUE = LARGEST_MEASURE
NOTES_LIMIT = 4000


def clean_text(errors: Errors, name: str, value: str, *, label: str, limit: int,
               required: bool = True) -> str:
    """The value trimmed; a missing required value or an over-long one is added to `errors`."""
    text = value.strip()
    if required and not text:
        errors.setdefault(name, []).append(f"Enter {label}")
    elif len(text) > limit:
        errors.setdefault(name, []).append(f"Use {limit:,} characters or fewer")
    return text


def _number(errors: Errors, name: str, value: float | None, *, label: str, required: bool) -> None:
    if value is None:
        if required:
            errors.setdefault(name, []).append(f"Enter the {label} as a number")
    elif not -MAX_VALUE <= value <= MAX_VALUE:
        errors.setdefault(name, []).append(f"Enter a {label} under a trillion either way")


def get_item(session: Session, model: Any, plan: CommPlan, item_id: int) -> Any:
    """One objective, metric, milestone or activity of this plan, or NotFound."""
    item = session.get(model, item_id)
    if item is None or item.plan_id != plan.id:
        raise NotFound("There is no such item in this plan")
    return item


def save_item(session: Session, plan: CommPlan, item: Any, values: dict[str, Any], *, actor: User,
          now: datetime) -> bool:
    """Insert a new item or apply `values` to an existing one, with its audit entry."""
    if item.id is None:
        for name, value in values.items():
            setattr(item, name, value)
        audit.add_audited(session, item, actor=actor, now=now)
    elif not audit.update_audited(session, item, values, actor=actor, now=now):
        return False
    touch(plan, actor=actor, now=now)
    return True


def remove_item(session: Session, plan: CommPlan, item: Any, *, actor: User, now: datetime) -> None:
    require_role(actor, WRITERS, "change communication plans")
    (require_calendar_editable if isinstance(item, Milestone) else require_editable)(plan)
    if isinstance(item, PlanObjective | PlanMetric) and actuals.has_actuals(session, item):
        raise Conflict("Actuals have been recorded against it, and they are kept: it cannot be removed")
    if isinstance(item, Milestone):
        schedule.cancel_milestone(session, item, now=now, actor=actor)
    audit.delete_audited(session, item, actor=actor, now=now)
    touch(plan, actor=actor, now=now)


# --- SMART objectives --------------------------------------------------------------------------

@dataclass(frozen=True)
class ObjectiveValues:
    statement: str
    metric: str
    baseline: float | None
    target: float | None
    deadline: date | None
    unit_of_measure: str = ""
    element_id: int | None = None


def check_objective(session: Session, plan: CommPlan, values: ObjectiveValues
                    ) -> tuple[Errors, dict[str, Any]]:
    """Specific (a statement), measurable (metric, baseline, target) and time-bound (deadline)."""
    errors: Errors = {}
    fields: dict[str, Any] = {
        "statement": clean_text(errors, "statement", values.statement, label="what the objective is",
                                limit=300),
        "metric": clean_text(errors, "metric", values.metric, label="the metric it is measured by",
                             limit=200),
        "unit_of_measure": clean_text(errors, "unit_of_measure", values.unit_of_measure, label="the unit",
                                 limit=40, required=False),
        "baseline": values.baseline, "target": values.target, "deadline": values.deadline,
    }
    _number(errors, "baseline", values.baseline, label="baseline", required=True)
    _number(errors, "target", values.target, label="target", required=True)
    if values.baseline is not None and values.target is not None and values.baseline == values.target:
        errors.setdefault("target", []).append("The target must differ from the baseline")
    if values.deadline is None:
        errors["deadline"] = ["Enter the deadline"]
    elif values.deadline < date(plan.year, 4, 1):
        errors["deadline"] = [f"The deadline must be on or after 1 April {plan.year}, when the plan starts"]
    element = session.get(ViolenceElement, values.element_id) if values.element_id is not None else None
    if values.element_id is not None and (element is None or element.is_retired):
        errors["element_id"] = ["Select a violence element from the list"]
    fields["element"] = element
    return errors, fields


def save_objective(session: Session, plan: CommPlan, values: ObjectiveValues, *, actor: User, now: datetime,
                   objective: PlanObjective | None = None) -> PlanObjective:
    """Add an objective to a draft plan, or change one."""
    require_role(actor, WRITERS, "change communication plans")
    require_editable(plan)
    errors, fields = check_objective(session, plan, values)
    if errors:
        raise ValidationError(errors)
    item = objective or PlanObjective(plan_id=plan.id)
    save_item(session, plan, item, fields, actor=actor, now=now)
    return item


# --- Evaluation metrics ------------------------------------------------------------------------

@dataclass(frozen=True)
class MetricValues:
    level: str
    name: str
    data_source: str = ""
    unit_of_measure: str = ""
    baseline: float | None = None
    target: float | None = None
    is_confidence: bool = False


def check_metric(values: MetricValues) -> tuple[Errors, dict[str, Any]]:
    errors: Errors = {}
    if values.level not in set(MetricLevel):
        errors["level"] = ["Choose the level: inputs, outputs, out-takes, outcomes or impact"]
    fields: dict[str, Any] = {
        "level": MetricLevel(values.level) if values.level in set(MetricLevel) else None,
        "name": clean_text(errors, "name", values.name, label="what is measured", limit=200),
        "data_source": clean_text(errors, "data_source", values.data_source, label="the data source",
                             limit=200, required=False),
        "unit_of_measure": clean_text(errors, "unit_of_measure", values.unit_of_measure, label="the unit",
                                 limit=40, required=False),
        "baseline": values.baseline, "target": values.target, "is_confidence": values.is_confidence,
    }
    _number(errors, "baseline", values.baseline, label="baseline", required=False)
    _number(errors, "target", values.target, label="target", required=False)
    if values.is_confidence and values.level in set(MetricLevel) and \
            MetricLevel(values.level) is not MetricLevel.OUTCOMES:
        errors.setdefault("level", []).append("The confidence measure is an outcome: choose outcomes")
    return errors, fields


def save_metric(session: Session, plan: CommPlan, values: MetricValues, *, actor: User, now: datetime,
                metric: PlanMetric | None = None) -> PlanMetric:
    """Add an evaluation metric to a draft plan, or change one."""
    require_role(actor, WRITERS, "change communication plans")
    require_editable(plan)
    errors, fields = check_metric(values)
    if errors:
        raise ValidationError(errors)
    item = metric or PlanMetric(plan_id=plan.id)
    save_item(session, plan, item, fields, actor=actor, now=now)
    return item


# --- Milestones --------------------------------------------------------------------------------

@dataclass(frozen=True)
class MilestoneValues:
    title: str
    target_date: date | None
    lead_name: str = "TBD"
    lead_id: int | None = None
    rag: str = Rag.GREEN.value
    completed_on: date | None = None
    notes: str = ""


def check_milestone(session: Session, values: MilestoneValues) -> tuple[Errors, dict[str, Any]]:
    errors: Errors = {}
    lead = session.get(User, values.lead_id) if values.lead_id is not None else None
    if values.lead_id is not None and (lead is None or not lead.is_active):
        errors["lead_id"] = ["Select a lead who has an active account, or leave it blank"]
    fields: dict[str, Any] = {
        "title": clean_text(errors, "title", values.title, label="the milestone", limit=300),
        "lead_name": clean_text(errors, "lead_name", values.lead_name or "TBD", label="the lead", limit=120),
        "lead": lead, "target_date": values.target_date, "completed_on": values.completed_on,
        "notes": clean_text(errors, "notes", values.notes, label="notes", limit=NOTES_LIMIT, required=False),
        "rag": Rag(values.rag) if values.rag in set(Rag) else None,
    }
    if values.target_date is None:
        errors["target_date"] = ["Enter the target date"]
    if values.rag not in set(Rag):
        errors["rag"] = ["Choose red, amber or green"]
    return errors, fields


def save_milestone(session: Session, plan: CommPlan, values: MilestoneValues, *, actor: User,
                   now: datetime, delivery: DeliverySettings, rules: PlanRules,
                   milestone: Milestone | None = None) -> Milestone:
    """Add or change a milestone; a new date, lead or completion moves its reminders."""
    require_role(actor, WRITERS, "change communication plans")
    require_calendar_editable(plan)
    errors, fields = check_milestone(session, values)
    if errors:
        raise ValidationError(errors)
    item = milestone or Milestone(plan_id=plan.id, created_at=now, updated_at=now)
    if save_item(session, plan, item, fields, actor=actor, now=now):
        schedule.sync_milestone(session, plan, item, now=now, delivery=delivery, rules=rules, actor=actor)
    return item
