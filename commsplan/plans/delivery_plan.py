"""The Anti-Violence Board's draft delivery plan (seed 000), Reassurance workstream, as a plan.

The plan ran from 1 June to 31 December 2010, in financial year 2010–11. Its five Reassurance
deliverables become milestones with the plan's own target dates; leads were "TBD" in the plan and
stay so until someone is nominated. Tracking them here makes the delivery plan itself visible next
to the work it asked for.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import items, service, workflow
from commsplan.plans.models import CommPlan
from commsplan.plans.rules import PlanRules
from commsplan.reference.models import BusinessUnit

DELIVERY_PLAN_YEAR = 2010
TITLE = "Anti-Violence Board delivery plan 2010: Reassurance workstream"
NOTE = "Target date from the draft delivery plan (1 June to 31 December 2010); lead to be nominated."
DELIVERABLES = (
    ("1A – Defined enforcement tactics that enhance or maintain public confidence", date(2010, 7, 1)),
    ("1B – Tactics embedded in operational planning systems (PATPs, events and the like)", date(2010, 9, 1)),
    (
        "2A – Model communication response for specified critical incidents that damage confidence",
        date(2010, 7, 1),
    ),
    (
        "2B – Corporate and business-unit communication plans for violence linked to the annual "
        "risk profiles",
        date(2010, 9, 1),
    ),
    (
        "2C – Audiences, messages and channels for each violence element, drawn together in an integrated "
        "communication plan",
        date(2010, 8, 1),
    ),
)
SECTIONS = service.Sections(
    objectives="The Reassurance (confidence) workstream has two objectives: (1) develop, put in place and "
    "review enforcement tactics that enhance public confidence; (2) design and deliver an "
    "integrated communication and marketing strategy for violence prevention. Success is measured "
    "by public trust and confidence.",
    audience_insight="Violent crime is a key concern for London's communities. The strategy defines violence "
    "by public concern and its effect on confidence, not only by the statute book: it includes "
    "robbery, and ASB aimed at vulnerable victims that may escalate.",
    strategy="Communication follows the RIPE model (reassurance, intelligence, prevention, enforcement) and "
    "focuses on people (victims and offenders) and places, using the VOLT model to target effort.",
    implementation="Five deliverables, 1A to 2C, with target dates between July and September 2010. Leads "
    "are to be nominated and dates refined through detailed project planning.",
    scoring="Public trust and confidence, measured by the force's confidence measure, with each deliverable "
    "tracked against its target date.",
)


def add_delivery_plan(
    session: Session,
    *,
    owner: User,
    approver: User,
    now: datetime,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> CommPlan | None:
    """The delivery plan as an active corporate plan for 2010–11; None if it is there already or there
    is no corporate unit."""
    unit = session.scalar(select(BusinessUnit).where(BusinessUnit.code == "CORP"))
    if unit is None or service.find_plan(session, unit_id=unit.id, year=DELIVERY_PLAN_YEAR) is not None:
        return None
    plan = service.create_plan(
        session,
        details=service.PlanDetails(unit.id, DELIVERY_PLAN_YEAR, TITLE, owner.id),
        sections=SECTIONS,
        actor=owner,
        now=now,
        delivery=delivery,
    )
    items.save_objective(
        session,
        plan,
        items.ObjectiveValues(
            statement="Enhance public trust and confidence in the response to violence",
            unit_of_measure="%",
            metric="Confidence in local policing, the force's overarching measure",
            baseline=49.3,
            target=52.0,
            deadline=date(2011, 3, 31),
        ),
        actor=owner,
        now=now,
    )
    items.save_metric(
        session,
        plan,
        items.MetricValues(
            "outcomes",
            "Confidence in local policing",
            "Public attitude survey",
            "%",
            49.3,
            52.0,
            is_confidence=True,
        ),
        actor=owner,
        now=now,
    )
    items.save_metric(
        session,
        plan,
        items.MetricValues(
            "outputs", "Reassurance deliverables completed", "Milestones in this plan", "deliverables", 0, 5
        ),
        actor=owner,
        now=now,
    )
    for title, target in DELIVERABLES:
        items.save_milestone(
            session,
            plan,
            items.MilestoneValues(title, target, lead_name="TBD", rag="amber", notes=NOTE),
            actor=owner,
            now=now,
            delivery=delivery,
            rules=rules,
        )
    workflow.submit_plan(session, plan, actor=owner, now=now, delivery=delivery)
    workflow.approve_plan(
        session, plan, number=plan.version_number, actor=approver, now=now, delivery=delivery, rules=rules
    )
    workflow.start_delivery(session, plan, actor=owner, now=now)
    return plan
