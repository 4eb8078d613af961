"""Actuals: what each objective and evaluation metric measured, over time, and whether it is on track.

Actuals are append-only: a figure found to be wrong is put right by recording the corrected figure
with a later entry, and both stay in the record. The latest actual is the one measured most
recently (the later entry when two share a day).

The RAG status compares progress with the straight line from baseline to target:

* the plan starts on 1 April of its year with the baseline; an objective should reach its target by
  its deadline, a metric by the end of the plan's year (31 March);
* progress is how far the latest actual has gone from baseline towards target (0 at the baseline,
  1 at the target, negative when it moved the wrong way); expected progress is the share of that
  time gone by the day it was measured (0 to 1);
* green when progress is at least what was expected; amber when it is behind by no more than a
  quarter of the whole change; red when it is further behind than that.

There is no status without an actual, or when the baseline or target is missing or they are equal
(nothing to move towards).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import ValidationError
from commsplan.numbers import LARGEST_MEASURE
from commsplan.plans.models import CommPlan, PlanActual, PlanMetric, PlanObjective, Rag
from commsplan.plans.service import WRITERS
from commsplan.timeutil import to_london

AMBER_SLACK = 0.25
SOURCE_LIMIT = 200
HISTORY_LIMIT = 50
Item = PlanObjective | PlanMetric


def plan_start(plan: CommPlan) -> date:
    return date(plan.year, 4, 1)


def due_by(plan: CommPlan, item: Item) -> date:
    return item.deadline if isinstance(item, PlanObjective) else date(plan.year + 1, 3, 31)


def trajectory_rag(*, baseline: float | None, target: float | None, start: date, due: date,
                   value: float, measured_on: date) -> Rag | None:
    """Green, amber or red for an actual against the straight line from baseline to target (see the
    module's docstring); None when there is no line to compare with."""
    if baseline is None or target is None or baseline == target:
        return None
    progress = (value - baseline) / (target - baseline)
    span = max((due - start).days, 1)
    expected = min(max((measured_on - start).days / span, 0.0), 1.0)
    if progress >= expected:
        return Rag.GREEN
    return Rag.AMBER if progress >= expected - AMBER_SLACK else Rag.RED


@dataclass(frozen=True)
class Standing:
    """An item's latest actual and its status."""

    latest: PlanActual | None
    rag: Rag | None


def standing(plan: CommPlan, item: Item, latest: PlanActual | None) -> Standing:
    if latest is None:
        return Standing(None, None)
    return Standing(latest, trajectory_rag(baseline=item.baseline, target=item.target,
                                           start=plan_start(plan), due=due_by(plan, item),
                                           value=latest.value, measured_on=latest.measured_on))


def latest_actuals(session: Session, plan: CommPlan) -> dict[tuple[str, int], PlanActual]:
    """Each objective's and metric's latest actual, keyed ("objective" or "metric", id), in one query."""
    order = func.row_number().over(
        partition_by=(PlanActual.objective_id, PlanActual.metric_id),
        order_by=(PlanActual.measured_on.desc(), PlanActual.id.desc())).label("position")
    ranked = select(PlanActual.id, order).where(PlanActual.plan_id == plan.id).subquery()
    found = session.scalars(select(PlanActual).join(ranked, ranked.c.id == PlanActual.id)
                            .where(ranked.c.position == 1))
    return {(("objective", a.objective_id) if a.objective_id is not None else ("metric", a.metric_id or 0)): a
            for a in found}


def standings(session: Session, plan: CommPlan, objectives: list[PlanObjective], metrics: list[PlanMetric]
              ) -> dict[tuple[str, int], Standing]:
    latest = latest_actuals(session, plan)
    return {**{("objective", o.id): standing(plan, o, latest.get(("objective", o.id))) for o in objectives},
            **{("metric", m.id): standing(plan, m, latest.get(("metric", m.id))) for m in metrics}}


def history(session: Session, item: Item) -> list[PlanActual]:
    """The item's latest actuals, newest first."""
    column = PlanActual.objective_id if isinstance(item, PlanObjective) else PlanActual.metric_id
    return list(session.scalars(select(PlanActual).where(column == item.id)
                                .order_by(PlanActual.measured_on.desc(), PlanActual.id.desc())
                                .limit(HISTORY_LIMIT)))


def has_actuals(session: Session, item: Item) -> bool:
    column = PlanActual.objective_id if isinstance(item, PlanObjective) else PlanActual.metric_id
    return session.scalar(select(PlanActual.id).where(column == item.id).limit(1)) is not None


def check_actual(plan: CommPlan, *, measured_on: date | None, value: float | None, source: str,
                 now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = to_london(now).date()
    if measured_on is None:
        errors["measured_on"] = ["Enter the day it was measured"]
    elif measured_on > today:
        errors["measured_on"] = ["The day it was measured must be today or earlier"]
    elif measured_on < date(plan.year - 1, 4, 1):
        errors["measured_on"] = [f"The day it was measured must be on or after 1 April {plan.year - 1}"]
    if value is None:
        errors["value"] = ["Enter the figure as a number"]
    elif not -LARGEST_MEASURE <= value <= LARGEST_MEASURE:
        errors["value"] = ["Enter a figure under a trillion either way"]
    if not source.strip():
        errors["source"] = ["Enter where the figure comes from"]
    elif len(source.strip()) > SOURCE_LIMIT:
        errors["source"] = [f"Use {SOURCE_LIMIT} characters or fewer"]
    return errors


def record_actual(session: Session, plan: CommPlan, item: Item, *, measured_on: date | None,
                  value: float | None, source: str, actor: User, now: datetime) -> PlanActual:
    """Add a figure to the item's series; nothing already recorded changes."""
    require_role(actor, WRITERS, "record actuals")
    if errors := check_actual(plan, measured_on=measured_on, value=value, source=source, now=now):
        raise ValidationError(errors)
    assert measured_on is not None and value is not None  # checked above
    actual = PlanActual(plan_id=plan.id, measured_on=measured_on, value=value, source=source.strip(),
                        entered_by_id=actor.id, entered_at=now,
                        objective_id=item.id if isinstance(item, PlanObjective) else None,
                        metric_id=item.id if isinstance(item, PlanMetric) else None)
    audit.add_audited(session, actual, actor=actor, now=now)
    return actual
