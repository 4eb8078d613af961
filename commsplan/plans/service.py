"""Plan rules: one plan per business unit and year, OASIS sections, and the review workflow.

draft → submitted → approved → active → closed. Submitting needs every OASIS section written, a
SMART objective, evaluation metrics that include the confidence measure, and something on the
calendar; it keeps a numbered snapshot of the whole plan. An approver who is not the plan's owner,
its submitter or its last editor approves that snapshot or sends it back with a comment. An approved
or active plan is revised by taking it back to draft; its calendar keeps counting meanwhile.

The document (details, sections, objectives, metrics) changes only in draft. The calendar
(activities and milestones) is the team's working tool and changes in draft, approved and active
plans, each change audited.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.messages.models import MessageMap
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import schedule
from commsplan.plans.models import (
    OASIS_SECTIONS,
    SECTION_NAMES,
    Activity,
    CommPlan,
    MetricLevel,
    Milestone,
    PlanMetric,
    PlanObjective,
    PlanStatus,
    PlanVersion,
)
from commsplan.plans.rules import PlanRules
from commsplan.reference.models import BusinessUnit
from commsplan.risk.models import RiskProfile, year_label
from commsplan.risk.profiles import FIRST_YEAR, LAST_YEAR

WRITERS = (Role.COMMS_OFFICER, Role.ADMIN)
APPROVERS = (Role.APPROVER,)
TITLE_LIMIT, SECTION_LIMIT, COMMENT_LIMIT = 200, 20_000, 2_000
CALENDAR_STATUSES = (PlanStatus.DRAFT, PlanStatus.APPROVED, PlanStatus.ACTIVE)
LEVEL_ORDER = {level: number for number, level in enumerate(MetricLevel)}


@dataclass(frozen=True)
class PlanDetails:
    unit_id: int | None
    year: int | None
    title: str
    owner_id: int | None
    review_date: date | None = None


@dataclass(frozen=True)
class Sections:
    objectives: str = ""
    audience_insight: str = ""
    strategy: str = ""
    implementation: str = ""
    scoring: str = ""

    @classmethod
    def of(cls, plan: CommPlan) -> Sections:
        return cls(**{name: getattr(plan, name) for name in SECTION_NAMES})


@dataclass(frozen=True)
class PlanFilter:
    year: int | None = None
    unit_id: int | None = None
    status: PlanStatus | None = None
    owner_id: int | None = None


# --- Reading -----------------------------------------------------------------------------------

def get_plan(session: Session, plan_id: int) -> CommPlan:
    plan = session.get(CommPlan, plan_id)
    if plan is None:
        raise NotFound("There is no such communication plan")
    return plan


def plans_query(criteria: PlanFilter) -> Select[Any]:
    """Newest year first; the corporate plan before business units; then by unit code."""
    query = (select(CommPlan).join(CommPlan.unit)
             .order_by(CommPlan.year.desc(), BusinessUnit.kind, BusinessUnit.code, CommPlan.id))
    for column, value in ((CommPlan.year, criteria.year), (CommPlan.unit_id, criteria.unit_id),
                          (CommPlan.status, criteria.status), (CommPlan.owner_id, criteria.owner_id)):
        if value is not None:
            query = query.where(column == value)
    return query


def find_plan(session: Session, *, unit_id: int, year: int) -> CommPlan | None:
    return session.scalar(select(CommPlan).where(CommPlan.unit_id == unit_id, CommPlan.year == year))


def linked_profile(session: Session, plan: CommPlan) -> RiskProfile | None:
    """The unit's risk profile for the plan's year, whenever it was made."""
    return session.scalar(select(RiskProfile).where(RiskProfile.unit_id == plan.unit_id,
                                                    RiskProfile.year == plan.year))


def objectives(session: Session, plan: CommPlan) -> list[PlanObjective]:
    return list(session.scalars(select(PlanObjective).where(PlanObjective.plan_id == plan.id)
                                .order_by(PlanObjective.deadline, PlanObjective.id)))


def metrics(session: Session, plan: CommPlan) -> list[PlanMetric]:
    rows = session.scalars(select(PlanMetric).where(PlanMetric.plan_id == plan.id))
    return sorted(rows, key=lambda metric: (LEVEL_ORDER[metric.level], metric.id))


def activities(session: Session, plan: CommPlan) -> list[Activity]:
    return list(session.scalars(select(Activity).where(Activity.plan_id == plan.id)
                                .order_by(Activity.starts_at, Activity.id)))


def milestones(session: Session, plan: CommPlan) -> list[Milestone]:
    return list(session.scalars(select(Milestone).where(Milestone.plan_id == plan.id)
                                .order_by(Milestone.target_date, Milestone.id)))


def versions(session: Session, plan: CommPlan) -> list[PlanVersion]:
    return list(session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan.id)
                                .order_by(PlanVersion.number.desc())))


def get_version(session: Session, plan: CommPlan, number: int) -> PlanVersion:
    version = session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id,
                                                       PlanVersion.number == number))
    if version is None:
        raise NotFound(f"This plan has no version {number}")
    return version


def authors(plan: CommPlan) -> set[int | None]:
    """Whoever owns, submitted or last changed the plan: none of them may approve it."""
    return {plan.owner_id, plan.submitted_by_id, plan.updated_by_id}


def may_approve(plan: CommPlan, user: User) -> bool:
    """An approver who is not one of the plan's authors, while it waits for a decision."""
    return user.has_role(*APPROVERS) and plan.status is PlanStatus.SUBMITTED and user.id not in authors(plan)


# --- Checks ------------------------------------------------------------------------------------

def check_details(session: Session, details: PlanDetails, *, current: CommPlan | None
                  ) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unit = session.get(BusinessUnit, details.unit_id) if details.unit_id is not None else None
    if unit is None or (unit.is_retired and (current is None or current.unit_id != unit.id)):
        errors["unit_id"] = ["Select the business unit the plan is for"]
    if details.year is None or not FIRST_YEAR <= details.year <= LAST_YEAR:
        errors["year"] = [f"Enter the financial year it starts, from {FIRST_YEAR} to {LAST_YEAR}"]
    elif unit is not None and _taken(session, unit.id, details.year, current):
        errors["year"] = [f"{unit.name} already has a plan for {year_label(details.year)}"]
    if not details.title.strip():
        errors["title"] = ["Enter a title for the plan"]
    elif len(details.title.strip()) > TITLE_LIMIT:
        errors["title"] = [f"The title must be {TITLE_LIMIT} characters or fewer"]
    owner = session.get(User, details.owner_id) if details.owner_id is not None else None
    if owner is None or not owner.is_active:
        errors["owner_id"] = ["Select an owner who has an active account"]
    return errors


def _taken(session: Session, unit_id: int, year: int, current: CommPlan | None) -> bool:
    found = session.scalar(select(CommPlan.id).where(CommPlan.unit_id == unit_id, CommPlan.year == year))
    return found is not None and (current is None or found != current.id)


def check_sections(sections: Sections) -> dict[str, list[str]]:
    return {name: [f"{heading} must be {SECTION_LIMIT:,} characters or fewer"]
            for name, heading, _ in OASIS_SECTIONS if len(getattr(sections, name)) > SECTION_LIMIT}


@dataclass(frozen=True)
class Contents:
    """What a plan holds, read once for a page that shows and checks it."""

    objectives: list[PlanObjective]
    metrics: list[PlanMetric]
    activities: list[Activity]
    milestones: list[Milestone]


def contents(session: Session, plan: CommPlan) -> Contents:
    return Contents(objectives(session, plan), metrics(session, plan), activities(session, plan),
                    milestones(session, plan))


def submission_problems(session: Session, plan: CommPlan) -> dict[str, list[str]]:
    """What stops the plan going for approval, by the part of the page that needs fixing."""
    plan_objectives, plan_metrics = objectives(session, plan), metrics(session, plan)
    errors = {name: [f"Write the {heading.lower()} section"]
              for name, heading, _ in OASIS_SECTIONS if not getattr(plan, name).strip()}
    if not plan_objectives:
        errors["objective_list"] = ["Add at least one SMART objective"]
    if not plan_metrics:
        errors["metric_list"] = ["Add the evaluation metrics, from inputs to impact"]
    elif not any(metric.is_confidence for metric in plan_metrics):
        errors["metric_list"] = ["Add the confidence measure to the evaluation metrics"]
    if not has_calendar(session, plan):
        errors["activity_list"] = ["Add at least one activity or milestone"]
    return errors


def has_calendar(session: Session, plan: CommPlan) -> bool:
    """Whether the plan has at least one activity or milestone."""
    return bool(session.scalar(select(select(Activity.id).where(Activity.plan_id == plan.id).exists()
                                      | select(Milestone.id).where(Milestone.plan_id == plan.id).exists())))


def warnings(session: Session, plan: CommPlan, profile: RiskProfile | None) -> list[str]:
    """What an approver should know but that does not block submission."""
    found = []
    if profile is None:
        found.append(f"There is no risk profile for {plan.unit.name} in {plan.year_label}, so the "
                     "plan's priorities cannot be checked against it")
    count, titles = unapproved_activities(session, plan)
    if count:
        found.append(f"{count} activit{'y uses' if count == 1 else 'ies use'} a "
                     f"message map not yet approved: {', '.join(titles)}")
    return found


def unapproved_activities(session: Session, plan: CommPlan, *, named: int = 5) -> tuple[int, list[str]]:
    """How many activities use a message map never approved, and the first few titles, soonest first."""
    rows = session.execute(select(Activity.title, func.count().over())
                           .join(MessageMap, MessageMap.id == Activity.message_map_id)
                           .where(Activity.plan_id == plan.id, MessageMap.approved_number.is_(None))
                           .order_by(Activity.starts_at, Activity.id).limit(named)).all()
    return (rows[0][1] if rows else 0), [row[0] for row in rows]


# --- Writing -----------------------------------------------------------------------------------

def touch(plan: CommPlan, *, actor: User, now: datetime) -> None:
    plan.updated_by_id, plan.updated_at = actor.id, now


def require_editable(plan: CommPlan) -> None:
    if plan.status is not PlanStatus.DRAFT:
        raise Conflict(f"This plan is {plan.status.label.lower()}: take it back to draft to change it"
                       if plan.status in (PlanStatus.APPROVED, PlanStatus.ACTIVE) else
                       f"This plan is {plan.status.label.lower()} and cannot change now")


def require_calendar_editable(plan: CommPlan) -> None:
    if plan.status not in CALENDAR_STATUSES:
        raise Conflict("This plan is waiting for approval; its calendar changes once it is decided"
                       if plan.status is PlanStatus.SUBMITTED else "This plan is closed")


def create_plan(session: Session, *, details: PlanDetails, sections: Sections = Sections(),
                actor: User, now: datetime, delivery: DeliverySettings) -> CommPlan:
    """A new draft plan for a unit and year; a second plan for the same unit and year is refused."""
    require_role(actor, WRITERS, "write communication plans")
    errors = check_details(session, details, current=None) | check_sections(sections)
    if errors:
        raise ValidationError(errors)
    fields = {name: value.strip() for name, value in asdict(sections).items()}
    plan = CommPlan(unit_id=details.unit_id, year=details.year, title=details.title.strip(),
                    owner_id=details.owner_id, review_date=details.review_date, status=PlanStatus.DRAFT,
                    version_number=1, updated_by_id=actor.id, created_at=now, updated_at=now, **fields)
    session.add(plan)
    session.flush()
    session.refresh(plan)
    audit.record_created(session, [plan], actor=actor, now=now)
    schedule.sync_review(session, plan, now=now, delivery=delivery, actor=actor)
    return plan


def update_details(session: Session, plan: CommPlan, *, details: PlanDetails, actor: User,
                   now: datetime, delivery: DeliverySettings, rules: PlanRules) -> bool:
    """Change title, owner or review date (and unit or year while a draft); False if nothing changed."""
    require_role(actor, WRITERS, "change communication plans")
    if plan.status is PlanStatus.CLOSED:
        raise Conflict("This plan is closed")
    moves = (details.unit_id, details.year) != (plan.unit_id, plan.year)
    if moves and plan.status is not PlanStatus.DRAFT:
        raise Conflict("Only a draft plan can move to another business unit or year")
    if errors := check_details(session, details, current=plan):
        raise ValidationError(errors)
    # Relationships, not ids, so the audit entry names the new unit and owner.
    values = {"unit": session.get(BusinessUnit, details.unit_id), "year": details.year,
              "title": details.title.strip(), "owner": session.get(User, details.owner_id),
              "review_date": details.review_date}
    if not audit.update_audited(session, plan, values, actor=actor, now=now):
        return False
    touch(plan, actor=actor, now=now)
    schedule.sync_review(session, plan, now=now, delivery=delivery, actor=actor)
    schedule.sync_calendar(session, plan, [], milestones(session, plan), now=now, delivery=delivery,
                           rules=rules, actor=actor)
    return True


def save_sections(session: Session, plan: CommPlan, *, sections: Sections, actor: User,
                  now: datetime) -> bool:
    """Write the OASIS sections of a draft; False if nothing changed."""
    require_role(actor, WRITERS, "write communication plans")
    require_editable(plan)
    if errors := check_sections(sections):
        raise ValidationError(errors)
    values = {name: value.strip() for name, value in asdict(sections).items()}
    if not audit.update_audited(session, plan, values, actor=actor, now=now):
        return False
    touch(plan, actor=actor, now=now)
    return True
