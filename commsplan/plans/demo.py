"""Demo plans: the delivery plan's own Reassurance deliverables, a force-wide plan and borough plans.

Everything goes through the plan services, so audit entries and reminders are as in real use.
Borough plans are drafted from their risk profiles by the same proposal a comms officer sees, then
taken to different points of the workflow, so the integrated plan has coverage, gaps and overload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, items, proposal, service, workflow
from commsplan.plans.delivery_plan import DELIVERY_PLAN_YEAR, add_delivery_plan
from commsplan.plans.models import CommPlan, PlanStatus
from commsplan.plans.rules import PlanRules
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk.models import RiskProfile
from commsplan.risk.profiles import financial_year
from commsplan.timeutil import london_moment, to_london

# (borough code, where the demo leaves its plan)
BOROUGH_PLANS = (
    ("GD", PlanStatus.ACTIVE),
    ("LX", PlanStatus.APPROVED),
    ("MD", PlanStatus.ACTIVE),
    ("ZD", PlanStatus.SUBMITTED),
    ("KF", PlanStatus.DRAFT),
)


@dataclass(frozen=True)
class DemoActivity:
    title: str
    element: str
    audiences: tuple[str, ...]
    channel: str
    starts: tuple[tuple[int, int], str]  # ((month, day), "HH:MM") within the financial year
    ends: tuple[tuple[int, int], str]
    status: str  # where it stands while still to come; once its dates come it is live, then done
    ripe: str
    cost: int | None = None
    notes: str = ""


PUPILS, YOUNG_ADULTS = "Pupils aged 11–16 in secondary schools", "Young people aged 16–21 outside education"
PARENTS, RESIDENTS = (
    "Parents and carers of secondary-age children",
    "Residents of wards affected by a recent incident",
)
CORPORATE_ACTIVITIES = (
    DemoActivity(
        "Summer of safety: knife crime posts for young people",
        "MSV",
        (PUPILS, YOUNG_ADULTS),
        "Snapchat paid campaign",
        ((7, 14), "16:00"),
        ((8, 31), "22:00"),
        "done",
        "prevention",
        18_000,
        "Targeted at 13–21 year olds in the twelve boroughs with most knife injuries.",
    ),
    DemoActivity(
        "Back to school: safer journeys assemblies",
        "ROB",
        (PUPILS,),
        "School assemblies and lessons",
        ((9, 7), "09:00"),
        ((9, 25), "15:30"),
        "done",
        "prevention",
        notes="Safer schools officers used the 'phones away, heads up' lesson plan.",
    ),
    DemoActivity(
        "Hate crime awareness week: report it, stop it",
        "HATE",
        ("Victims of hate crime and their families", "Faith and community leaders"),
        "Community and diaspora radio",
        ((10, 10), "07:00"),
        ((10, 17), "20:00"),
        "done",
        "reassurance",
        4_500,
    ),
    DemoActivity(
        "Operation Sceptre week of action: results and reassurance",
        "MSV",
        (RESIDENTS,),
        "Press releases and briefings",
        ((11, 16), "08:00"),
        ((11, 22), "18:00"),
        "done",
        "enforcement",
        notes="Weapon sweeps, knife arches at stations and test purchases.",
    ),
    DemoActivity(
        "Winter nights: Ask for Angela and safer travel home",
        "SSO",
        ("Women in the night-time economy", "Venue staff and door supervisors"),
        "Posters and screens at transport hubs",
        ((12, 1), "06:00"),
        ((1, 3), "23:00"),
        "live",
        "prevention",
        22_000,
    ),
    DemoActivity(
        "Briefing officers on speaking to young people after a stabbing",
        "MSV",
        ("Officers and staff",),
        "Internal briefing and intranet",
        ((1, 12), "08:00"),
        ((1, 12), "17:00"),
        "scheduled",
        "reassurance",
    ),
    DemoActivity(
        "February half term: phones away on the way home",
        "ROB",
        (PUPILS,),
        "Snapchat paid campaign",
        ((2, 12), "15:00"),
        ((2, 21), "21:00"),
        "in_production",
        "prevention",
        9_000,
    ),
    DemoActivity(
        "Spring safer streets: knife bins and weapon sweeps",
        "MSV",
        (RESIDENTS, PARENTS),
        "Neighbourhood alert messages",
        ((3, 8), "10:00"),
        ((3, 21), "18:00"),
        "planned",
        "enforcement",
    ),
)

CORPORATE_SECTIONS = service.Sections(
    objectives="Reduce most serious violence and robbery affecting young Londoners, and raise confidence "
    "that the police and councils deal with the issues that matter, towards the force's target.",
    audience_insight="Young people aged 11–21 are most at risk as victims of knife crime and robbery, mostly "
    "after school and in the evening. Many do not report because they fear being seen as "
    "informers; parents want to know what is being done on the routes their children use. "
    "Women in the night-time economy worry about getting home safely.",
    strategy="Lead with reassurance (visible patrols, results) and practical prevention (what to do, "
    "where to get help), never glamorising violence or naming groups. Borough plans localise the force-wide "
    "campaigns; partners and youth workers carry messages we cannot.",
    implementation="Four seasonal campaigns (summer, back to school, winter nights, spring) with the knife "
    "crime week of action in November, paid social for young people, transport-hub posters, "
    "school sessions, community radio and internal briefings. Each borough adds its own work.",
    scoring="Outputs and out-takes after each campaign; the confidence measure every quarter from the "
    "public attitude survey; harm and volume from the risk profiles at year end, reported to the "
    "Anti-Violence Board.",
)


def _named(session: Session, model: type[Audience] | type[Channel], names: tuple[str, ...]) -> list[int]:
    """Ids of the named audiences or channels, in the order named; names not found are left out."""
    found = {
        name: item_id
        for name, item_id in session.execute(select(model.name, model.id).where(model.name.in_(names)))
    }
    return [found[name] for name in names if name in found]


def add_corporate_plan(
    session: Session,
    *,
    year: int,
    officer: User,
    approver: User,
    now: datetime,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> CommPlan | None:
    unit = session.scalar(select(BusinessUnit).where(BusinessUnit.code == "CORP"))
    if unit is None:
        return None
    details = service.PlanDetails(
        unit.id,
        year,
        f"Force-wide violence communication plan {year}–{(year + 1) % 100}",
        officer.id,
        review_date=date(year + 1, 1, 20),
    )
    plan = service.create_plan(
        session, details=details, sections=CORPORATE_SECTIONS, actor=officer, now=now, delivery=delivery
    )
    elements = {e.code: e.id for e in session.scalars(select(ViolenceElement))}
    for item in CORPORATE_ACTIVITIES:
        channel = _named(session, Channel, (item.channel,))
        audience_ids = _named(session, Audience, item.audiences)
        if not channel or not audience_ids:
            continue
        activities.save_activity(
            session,
            plan,
            activities.ActivityValues(
                title=item.title,
                element_id=elements[item.element],
                audience_ids=tuple(audience_ids),
                channel_id=channel[0],
                starts_at=london_moment(in_year(year, item.starts[0]), item.starts[1]),
                ends_at=london_moment(in_year(year, item.ends[0]), item.ends[1]),
                owner_id=officer.id,
                ripe_strand=item.ripe,
                status=corporate_status(item, year, to_london(now).date()),
                cost_pounds=item.cost,
                notes=item.notes,
            ),
            actor=officer,
            now=now,
            delivery=delivery,
            rules=rules,
        )
    add_contents(session, plan, officer, year=year, now=now)
    for title, day, done in (
        ("Mid-year review with the Anti-Violence Board", date(year, 10, 15), True),
        ("Quarter 3 confidence survey results", date(year + 1, 1, 31), False),
        ("Year-end evaluation report to the Board", date(year + 1, 3, 31), False),
    ):
        items.save_milestone(
            session,
            plan,
            items.MilestoneValues(
                title, day, lead_name="Head of Campaigns", completed_on=day if done else None
            ),
            actor=officer,
            now=now,
            delivery=delivery,
            rules=rules,
        )
    approve(session, plan, officer=officer, approver=approver, now=now, delivery=delivery, rules=rules)
    workflow.start_delivery(session, plan, actor=officer, now=now)
    return plan


def add_contents(session: Session, plan: CommPlan, officer: User, *, year: int, now: datetime) -> None:
    items.save_objective(
        session,
        plan,
        items.ObjectiveValues(
            statement="Raise confidence in local policing across London",
            unit_of_measure="%",
            metric="Confidence measure: the police and council deal with the issues that matter",
            baseline=48.0,
            target=51.0,
            deadline=date(year + 1, 3, 31),
        ),
        actor=officer,
        now=now,
    )
    for values in (
        items.MetricValues(
            "outcomes",
            "Confidence measure",
            "Public attitude survey, quarterly",
            "%",
            48.0,
            51.0,
            is_confidence=True,
        ),
        items.MetricValues(
            "outputs",
            "Campaign activities delivered as planned",
            "Activity status in Commsplan",
            "activities",
        ),
        items.MetricValues(
            "outtakes",
            "Prompted recall of the summer campaign among 13–21 year olds",
            "Post-campaign survey",
            "%",
            None,
            35.0,
        ),
    ):
        items.save_metric(session, plan, values, actor=officer, now=now)


def approve(
    session: Session,
    plan: CommPlan,
    *,
    officer: User,
    approver: User,
    now: datetime,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    workflow.submit_plan(session, plan, actor=officer, now=now, delivery=delivery)
    workflow.approve_plan(
        session,
        plan,
        number=plan.version_number,
        actor=approver,
        now=now,
        delivery=delivery,
        rules=rules,
        comment="Approved at the Anti-Violence Board's communications meeting.",
    )


def in_year(year: int, month_day: tuple[int, int]) -> date:
    """A month and day within the financial year starting in April of `year`."""
    month, day = month_day
    return date(year + (month < 4), month, day)


def corporate_status(item: DemoActivity, year: int, today: date) -> str:
    computed = status_on(in_year(year, item.starts[0]), in_year(year, item.ends[0]), today)
    return (
        item.status
        if computed in ("scheduled", "planned") and item.status not in ("done", "live")
        else computed
    )


def status_on(first: date, last: date, today: date) -> str:
    """Where an activity stands today, for demo data drafted earlier in the year."""
    if last < today:
        return "done"
    if first <= today:
        return "live"
    return "scheduled" if first <= today + timedelta(days=30) else "planned"


def add_borough_plan(
    session: Session,
    profile: RiskProfile,
    status: PlanStatus,
    *,
    officer: User,
    approver: User,
    now: datetime,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> CommPlan:
    """A plan as the officer drafted it from the profile early in the year, taken to `status`; its
    activities are done, live, scheduled or planned according to where `now` falls."""
    drafted_at = min(now, london_moment(date(profile.year, 4, 7), "10:00"))
    drafted = proposal.propose(session, profile, now=drafted_at, rules=rules)
    kept = [
        (
            number,
            activities.ActivityValues(
                title=planned.title,
                element_id=planned.element.id,
                audience_ids=(planned.audience.id,),
                channel_id=planned.channel.id,
                starts_at=london_moment(planned.starts_on, "10:00"),
                ends_at=london_moment(planned.ends_on, "17:00"),
                owner_id=officer.id,
                ripe_strand=planned.ripe_strand.value,
                message_map_id=planned.message_map.id if planned.message_map else None,
                status=status_on(planned.starts_on, planned.ends_on, to_london(now).date()),
            ),
        )
        for number, planned in enumerate(drafted.activities)
    ]
    plan = proposal.confirm(
        session,
        profile,
        proposal.Confirmed(drafted.title, officer.id, drafted.sections, kept),
        proposal=drafted,
        actor=officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    if status is PlanStatus.DRAFT:
        return plan
    if status is PlanStatus.SUBMITTED:
        workflow.submit_plan(session, plan, actor=officer, now=now, delivery=delivery)
        return plan
    approve(session, plan, officer=officer, approver=approver, now=now, delivery=delivery, rules=rules)
    if status is PlanStatus.ACTIVE:
        workflow.start_delivery(session, plan, actor=officer, now=now)
    return plan


def load_plans(
    session: Session,
    *,
    officer: User,
    approver: User,
    now: datetime,
    delivery: DeliverySettings | None = None,
    rules: PlanRules | None = None,
) -> list[str]:
    """Add the demo plans unless there are plans already; returns what was added."""
    if session.scalar(select(CommPlan.id).limit(1)) is not None:
        return []
    delivery, rules = delivery or DeliverySettings(), rules or PlanRules()
    added = []
    if add_delivery_plan(session, owner=officer, approver=approver, now=now, delivery=delivery, rules=rules):
        added.append(f"plan: delivery plan {DELIVERY_PLAN_YEAR}")
    year = financial_year(to_london(now))
    if (
        add_corporate_plan(
            session, year=year, officer=officer, approver=approver, now=now, delivery=delivery, rules=rules
        )
        is not None
    ):
        added.append(f"plan: corporate {year}")
    for code, status in BOROUGH_PLANS:
        profile = session.scalar(
            select(RiskProfile)
            .join(RiskProfile.unit)
            .where(BusinessUnit.code == code, RiskProfile.year == year)
        )
        if profile is not None:
            add_borough_plan(
                session,
                profile,
                status,
                officer=officer,
                approver=approver,
                now=now,
                delivery=delivery,
                rules=rules,
            )
            added.append(f"plan: {code} {year} ({status.value})")
    return added
