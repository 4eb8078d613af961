"""A plan's evaluation report, by the levels of the government communication evaluation framework:
inputs (what was spent), outputs (activities delivered against those planned), out-takes and outcomes
(each objective and metric from baseline to target with its latest actual and status), and impact (the
plan unit's headline confidence measure, wave by wave, beside the force).

It sits in the confidence room because it reads plans and confidence results, and confidence is the
room above plans. Activities are counted and costed in SQL, so the report's queries do not grow with
them; the confidence series is the latest waves only (see `pictures.unit_series`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from commsplan.confidence import pictures, results
from commsplan.plans import actuals
from commsplan.plans import service as plans
from commsplan.plans.models import (
    Activity,
    ActivityStatus,
    CommPlan,
    MetricLevel,
    PlanMetric,
    PlanObjective,
    Rag,
)


@dataclass(frozen=True)
class Delivery:
    """What the plan set out to do and what it did: activities by state, and their recorded cost."""

    planned: int  # every activity not cancelled
    done: int
    under_way: int  # live, scheduled or in production
    not_started: int
    cancelled: int
    costed: int  # activities (not cancelled) with a cost recorded
    cost_pounds: int

    @property
    def delivered_share(self) -> str:
        return f"{round(100 * self.done / self.planned)}%" if self.planned else "None planned"


@dataclass(frozen=True)
class Line:
    """One objective or metric: where it started, where it should get to, and where it is."""

    kind: str  # "Objective" or a metric's level
    name: str
    unit_of_measure: str
    baseline: float | None
    target: float | None
    standing: actuals.Standing

    @property
    def rag(self) -> Rag | None:
        return self.standing.rag


@dataclass(frozen=True)
class Report:
    plan: CommPlan
    delivery: Delivery
    levels: dict[MetricLevel, list[Line]]  # objectives are outcomes
    impact: pictures.UnitSeries | None


def delivery(session: Session, plan: CommPlan) -> Delivery:
    """The plan's activities counted by state and costed, in one query."""
    status = Activity.status
    live = (ActivityStatus.LIVE, ActivityStatus.SCHEDULED, ActivityStatus.IN_PRODUCTION)
    kept = status != ActivityStatus.CANCELLED

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(select(
        count(kept), count(status == ActivityStatus.DONE), count(status.in_(live)),
        count(status == ActivityStatus.PLANNED), count(status == ActivityStatus.CANCELLED),
        count(kept & Activity.cost_pounds.is_not(None)),
        func.coalesce(func.sum(case((kept, Activity.cost_pounds), else_=0)), 0),
    ).where(Activity.plan_id == plan.id)).one()
    return Delivery(*(int(value) for value in row))


def build(session: Session, plan: CommPlan, *, show_incidents: bool) -> Report:
    objectives, metrics = plans.objectives(session, plan), plans.metrics(session, plan)
    standing = actuals.standings(session, plan, objectives, metrics)
    levels: dict[MetricLevel, list[Line]] = {level: [] for level in MetricLevel}
    for objective in objectives:
        levels[MetricLevel.OUTCOMES].append(
            line_of("Objective", objective, standing[("objective", objective.id)]))
    for metric in metrics:
        levels[metric.level].append(line_of(metric.level.label, metric, standing[("metric", metric.id)]))
    measure = results.headline(session)
    impact = pictures.unit_series(session, unit=plan.unit, measure=measure, show_incidents=show_incidents
                                  ) if measure is not None else None
    return Report(plan=plan, delivery=delivery(session, plan), levels=levels, impact=impact)


def line_of(kind: str, item: PlanObjective | PlanMetric, standing: actuals.Standing) -> Line:
    name = f"{item.statement}: {item.metric}" if isinstance(item, PlanObjective) else item.name
    return Line(kind, name, item.unit_of_measure, item.baseline, item.target, standing)


def number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def figures_csv(report: Report) -> str:
    """Every figure in the report, one a row: section, item, baseline, target, latest, measured on, status."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "baseline", "target", "latest", "measured_on", "status"])
    d = report.delivery
    for name, value in (("Activities planned (not cancelled)", d.planned), ("Activities done", d.done),
                        ("Activities under way", d.under_way), ("Activities not started", d.not_started),
                        ("Activities cancelled", d.cancelled), ("Activities with a cost recorded", d.costed),
                        ("Recorded cost (pounds)", d.cost_pounds)):
        writer.writerow(["Outputs" if "cost" not in name.lower() else "Inputs", name, "", "", value, "", ""])
    for level, lines in report.levels.items():
        for item in lines:
            latest = item.standing.latest
            writer.writerow([level.label, item.name, number(item.baseline), number(item.target),
                             number(latest.value) if latest else "",
                             latest.measured_on.isoformat() if latest else "",
                             item.rag.value if item.rag else ""])
    if report.impact is not None:
        for wave in report.impact.waves:
            writer.writerow(["Impact", f"{report.impact.measure.name}, {report.impact.unit.name}", "", "",
                             number(wave.unit.value) if wave.unit else "", wave.period.isoformat(), ""])
    return out.getvalue()


def markdown(report: Report) -> str:
    """The report as Markdown, the same figures as the page."""
    plan, d = report.plan, report.delivery
    lines = [f"# Evaluation: {plan.title}", "",
             f"{plan.unit.name}, {plan.year}/{(plan.year + 1) % 100:02d}", "", "## Inputs", "",
             f"- Recorded cost: £{d.cost_pounds:,} across {d.costed} of {d.planned} activities", "",
             "## Outputs", "", f"- Activities planned (not cancelled): {d.planned}",
             f"- Done: {d.done} ({d.delivered_share}); under way: {d.under_way}; "
             f"not started: {d.not_started}",
             f"- Cancelled: {d.cancelled}"]
    for level in (MetricLevel.OUTTAKES, MetricLevel.OUTCOMES):
        lines += ["", f"## {level.label}", ""]
        lines += [line_markdown(item) for item in report.levels[level]] or ["- None set"]
    lines += ["", "## Impact", ""]
    if report.impact is None or not report.impact.waves:
        lines.append("- No confidence results for this unit yet")
    else:
        lines.append(f"{report.impact.measure.name}, {report.impact.unit.name} (force alongside):")
        lines.append("")
        for wave in report.impact.waves:
            unit = f"{wave.unit.value:.0f}% ± {wave.unit.margin_of_error:.1f}" if wave.unit else "no result"
            force = f"{wave.force.value:.0f}%" if wave.force else "no result"
            lines.append(f"- {wave.label}: {unit}; force {force}")
    lines += [line_markdown(item) for item in report.levels[MetricLevel.IMPACT]]
    return "\n".join(lines) + "\n"


def line_markdown(item: Line) -> str:
    latest = item.standing.latest
    now = f"{number(latest.value)} on {latest.measured_on:%-d %b %Y}" if latest else "no actual yet"
    status = f" ({item.rag.label})" if item.rag else ""
    return (f"- {item.kind}: {item.name}: {number(item.baseline) or '?'} → {number(item.target) or '?'} "
            f"{item.unit_of_measure}; latest {now}{status}")
