"""Demo plans: the delivery plan's own Reassurance deliverables, a force-wide plan and borough plans.

The force-wide plan is written out in `data/plans.yaml`. Borough plans are drafted from their risk
profiles by the same proposal a comms officer sees, then taken to different points of the workflow,
so the integrated plan has coverage, gaps and overload. Everything goes through the plan services,
so audit entries and reminders are as in real use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.demo.files import read_yaml
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, items, proposal, service, workflow
from commsplan.plans.delivery_plan import DELIVERY_PLAN_YEAR, add_delivery_plan
from commsplan.plans.models import CommPlan, PlanStatus
from commsplan.plans.rules import PlanRules
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk.models import RiskProfile
from commsplan.risk.profiles import financial_year
from commsplan.timeutil import london_moment, to_london


@dataclass(frozen=True)
class Context:
    """Who plans, who approves and the settings every plan service takes."""

    officer: User
    approver: User
    now: datetime
    delivery: DeliverySettings
    rules: PlanRules


def in_year(year: int, month_day: str) -> date:
    """'MM-DD' within the financial year starting in April of `year`."""
    month, day = (int(part) for part in month_day.split("-"))
    return date(year + (month < 4), month, day)


def moment(year: int, when: str) -> datetime:
    """'MM-DD HH:MM' within the financial year, in London time."""
    day, time = when.split()
    return london_moment(in_year(year, day), time)


def status_on(first: date, last: date, today: date) -> str:
    """Where an activity stands today, for demo data drafted earlier in the year."""
    if last < today:
        return "done"
    if first <= today:
        return "live"
    return "scheduled" if first <= today + timedelta(days=30) else "planned"


def written_status(row: dict[str, Any], year: int, today: date) -> str:
    """The status the data gives while the activity is still to come; otherwise where today puts it."""
    first, last = (in_year(year, row[end].split()[0]) for end in ("starts", "ends"))
    computed = status_on(first, last, today)
    still_to_come = computed in ("scheduled", "planned") and row["status"] not in ("done", "live")
    return str(row["status"]) if still_to_come else computed


def named_ids(session: Session, model: type[Audience] | type[Channel], names: list[str]) -> list[int]:
    """Ids of the named audiences or channels, in the order named; names not found are left out."""
    query = select(model.name, model.id).where(model.name.in_(names))
    found = {name: item_id for name, item_id in session.execute(query)}
    return [found[name] for name in names if name in found]


def add_activities(session: Session, plan: CommPlan, rows: list[dict[str, Any]], ctx: Context) -> None:
    elements = {e.code: e.id for e in session.scalars(select(ViolenceElement))}
    today = to_london(ctx.now).date()
    for row in rows:
        channel = named_ids(session, Channel, [row["channel"]])
        audience_ids = named_ids(session, Audience, row["audiences"])
        if not channel or not audience_ids:
            continue
        values = activities.ActivityValues(
            title=row["title"], element_id=elements[row["element"]], audience_ids=tuple(audience_ids),
            channel_id=channel[0], starts_at=moment(plan.year, row["starts"]),
            ends_at=moment(plan.year, row["ends"]), owner_id=ctx.officer.id, ripe_strand=row["ripe"],
            status=written_status(row, plan.year, today), cost_pounds=row.get("cost"),
            notes=row.get("notes", ""))
        activities.save_activity(session, plan, values, actor=ctx.officer, now=ctx.now,
                                 delivery=ctx.delivery, rules=ctx.rules)


def add_contents(session: Session, plan: CommPlan, written: dict[str, Any], ctx: Context) -> None:
    """Objectives, metrics and milestones as written."""
    for row in written["objectives"]:
        objective = items.ObjectiveValues(**{**row, "deadline": in_year(plan.year, row["deadline"])})
        items.save_objective(session, plan, objective, actor=ctx.officer, now=ctx.now)
    for row in written["metrics"]:
        items.save_metric(session, plan, items.MetricValues(**row), actor=ctx.officer, now=ctx.now)
    for row in written["milestones"]:
        due = in_year(plan.year, row["due"])
        values = items.MilestoneValues(row["title"], due, lead_name=row["lead"],
                                       completed_on=due if row.get("done") else None)
        items.save_milestone(session, plan, values, actor=ctx.officer, now=ctx.now, delivery=ctx.delivery,
                             rules=ctx.rules)


def add_corporate_plan(session: Session, year: int, ctx: Context) -> CommPlan | None:
    written = read_yaml("plans.yaml")["corporate"]
    unit = session.scalar(select(BusinessUnit).where(BusinessUnit.code == written["unit"]))
    if unit is None:
        return None
    title = written["title"].format(year=year, next_year=f"{(year + 1) % 100:02d}")
    details = service.PlanDetails(unit.id, year, title, ctx.officer.id,
                                  review_date=in_year(year, written["review_on"]))
    plan = service.create_plan(session, details=details, sections=service.Sections(**written["sections"]),
                               actor=ctx.officer, now=ctx.now, delivery=ctx.delivery)
    add_activities(session, plan, written["activities"], ctx)
    add_contents(session, plan, written, ctx)
    approve(session, plan, ctx)
    workflow.start_delivery(session, plan, actor=ctx.officer, now=ctx.now)
    return plan


def approve(session: Session, plan: CommPlan, ctx: Context) -> None:
    workflow.submit_plan(session, plan, actor=ctx.officer, now=ctx.now, delivery=ctx.delivery)
    workflow.approve_plan(session, plan, number=plan.version_number, actor=ctx.approver, now=ctx.now,
                          delivery=ctx.delivery, rules=ctx.rules,
                          comment=read_yaml("plans.yaml")["corporate"]["approval_comment"])


def add_borough_plan(session: Session, profile: RiskProfile, status: PlanStatus, ctx: Context) -> CommPlan:
    """A plan as the officer drafted it from the profile early in the year, taken to `status`; its
    activities are done, live, scheduled or planned according to where `now` falls."""
    drafted_at = min(ctx.now, london_moment(date(profile.year, 4, 7), "10:00"))
    drafted = proposal.propose(session, profile, now=drafted_at, rules=ctx.rules)
    today = to_london(ctx.now).date()
    kept = [(number, activities.ActivityValues(
        title=planned.title, element_id=planned.element.id, audience_ids=(planned.audience.id,),
        channel_id=planned.channel.id, starts_at=london_moment(planned.starts_on, "10:00"),
        ends_at=london_moment(planned.ends_on, "17:00"), owner_id=ctx.officer.id,
        ripe_strand=planned.ripe_strand.value,
        message_map_id=planned.message_map.id if planned.message_map else None,
        status=status_on(planned.starts_on, planned.ends_on, today)))
        for number, planned in enumerate(drafted.activities)]
    confirmed = proposal.Confirmed(drafted.title, ctx.officer.id, drafted.sections, kept)
    plan = proposal.confirm(session, profile, confirmed, proposal=drafted, actor=ctx.officer, now=ctx.now,
                            delivery=ctx.delivery, rules=ctx.rules)
    if status is PlanStatus.SUBMITTED:
        workflow.submit_plan(session, plan, actor=ctx.officer, now=ctx.now, delivery=ctx.delivery)
    elif status in (PlanStatus.APPROVED, PlanStatus.ACTIVE):
        approve(session, plan, ctx)
    if status is PlanStatus.ACTIVE:
        workflow.start_delivery(session, plan, actor=ctx.officer, now=ctx.now)
    return plan


def load_plans(session: Session, *, officer: User, approver: User, now: datetime,
               delivery: DeliverySettings | None = None, rules: PlanRules | None = None) -> list[str]:
    """Add the demo plans unless there are plans already; returns what was added."""
    if session.scalar(select(CommPlan.id).limit(1)) is not None:
        return []
    ctx = Context(officer, approver, now, delivery or DeliverySettings(), rules or PlanRules())
    added = []
    if add_delivery_plan(session, owner=officer, approver=approver, now=now, delivery=ctx.delivery,
                         rules=ctx.rules):
        added.append(f"plan: delivery plan {DELIVERY_PLAN_YEAR}")
    year = financial_year(to_london(now))
    if add_corporate_plan(session, year, ctx) is not None:
        added.append(f"plan: corporate {year}")
    for row in read_yaml("plans.yaml")["boroughs"]:
        profile = session.scalar(select(RiskProfile).join(RiskProfile.unit)
                                 .where(BusinessUnit.code == row["unit"], RiskProfile.year == year))
        if profile is not None:
            status = PlanStatus(row["status"])
            add_borough_plan(session, profile, status, ctx)
            added.append(f"plan: {row['unit']} {year} ({status.value})")
    return added
