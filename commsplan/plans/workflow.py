"""The plan's review workflow: submit a snapshot, approve or send it back, deliver, close, revise."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.audit.service import jsonable
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import schedule
from commsplan.plans.models import SECTION_NAMES, CommPlan, PlanStatus, PlanVersion, VersionOutcome
from commsplan.plans.rules import PlanRules
from commsplan.plans.service import (
    APPROVERS,
    COMMENT_LIMIT,
    WRITERS,
    activities,
    authors,
    get_version,
    metrics,
    milestones,
    objectives,
    submission_problems,
)
from commsplan.timeutil import to_london


def day_text(day: date | None) -> str:
    return "" if day is None else f"{day:%-d %B %Y}"


def london_text(moment: datetime) -> str:
    return to_london(moment).strftime("%-d %b %Y, %H:%M")


def snapshot(session: Session, plan: CommPlan) -> dict[str, Any]:
    """Everything an approver reads, as plain values, so the version stays readable for good."""
    return jsonable({
        "title": plan.title, "unit": plan.unit.name, "year": plan.year_label, "owner": plan.owner.name,
        "review_date": day_text(plan.review_date),
        "sections": {name: getattr(plan, name) for name in SECTION_NAMES},
        "objectives": [{"statement": o.statement, "element": o.element.name if o.element else "",
                        "metric": o.metric, "unit_of_measure": o.unit_of_measure, "baseline": o.baseline,
                        "target": o.target, "deadline": day_text(o.deadline)}
                       for o in objectives(session, plan)],
        "metrics": [{"level": m.level.label, "name": m.name, "data_source": m.data_source,
                     "unit_of_measure": m.unit_of_measure, "baseline": m.baseline, "target": m.target,
                     "is_confidence": m.is_confidence} for m in metrics(session, plan)],
        "activities": [{"title": a.title, "element": a.element.name, "audiences": a.audience_names,
                        "channel": a.channel.name, "message": a.message_map.title if a.message_map else "",
                        "starts_at": london_text(a.starts_at), "ends_at": london_text(a.ends_at),
                        "owner": a.owner.name,
                        "status": a.status.label, "ripe": a.ripe_strand.label, "cost": a.cost_pounds}
                       for a in activities(session, plan)],
        "milestones": [{"title": m.title, "target_date": day_text(m.target_date), "lead": m.lead_label,
                        "rag": m.rag.label, "completed_on": day_text(m.completed_on)}
                       for m in milestones(session, plan)],
    })


def _set_status(session: Session, plan: CommPlan, status: PlanStatus, *, action: str, actor: User,
                now: datetime, **values: Any) -> None:
    audit.update_audited(session, plan, {"status": status, **values}, actor=actor, now=now, action=action)


def submit_plan(session: Session, plan: CommPlan, *, actor: User, now: datetime,
                delivery: DeliverySettings) -> PlanVersion:
    """Send a complete draft for approval as version `plan.version_number`, telling the approvers."""
    require_role(actor, WRITERS, "submit communication plans")
    if plan.status is not PlanStatus.DRAFT:
        raise Conflict(f"Only a draft can be submitted; this plan is {plan.status.label.lower()}")
    if errors := submission_problems(session, plan):
        raise ValidationError(errors)
    version = PlanVersion(plan_id=plan.id, number=plan.version_number, snapshot=snapshot(session, plan),
                          submitted_by_id=actor.id, submitted_at=now, outcome=VersionOutcome.WAITING)
    audit.add_audited(session, version, actor=actor, now=now)
    plan.submitted_by_id, plan.submitted_at = actor.id, now
    _set_status(session, plan, PlanStatus.SUBMITTED, action="submit", actor=actor, now=now)
    # Not the owner, the submitter or whoever last changed it: they may not decide (_waiting_version).
    schedule.request_approval(session, plan, number=version.number,
                              exclude={i for i in authors(plan) if i is not None}, now=now,
                              delivery=delivery, actor=actor)
    session.flush()
    return version


def _waiting_version(session: Session, plan: CommPlan, number: int, actor: User) -> PlanVersion:
    """The version waiting for a decision, if `number` is still it and `actor` may decide on it."""
    require_role(actor, APPROVERS, "approve communication plans")
    if plan.status is not PlanStatus.SUBMITTED:
        raise Conflict("This plan is not waiting for approval")
    if number != plan.version_number:
        raise Conflict(f"Version {plan.version_number} is the one waiting; review that version")
    if actor.id in authors(plan):
        raise PermissionDenied("You own, submitted or last changed this plan, so another approver "
                               "must decide on it")
    return get_version(session, plan, number)


def _decide(session: Session, version: PlanVersion, outcome: VersionOutcome, comment: str, *,
            actor: User, now: datetime) -> None:
    audit.update_audited(session, version, {"outcome": outcome, "comment": comment.strip()},
                         actor=actor, now=now, action=outcome.value)
    version.decided_by_id, version.decided_at = actor.id, now


def approve_plan(session: Session, plan: CommPlan, *, number: int, actor: User, now: datetime,
                 delivery: DeliverySettings, rules: PlanRules, comment: str = "") -> None:
    """Approve the submitted version; its calendar starts sending reminders."""
    version = _waiting_version(session, plan, number, actor)
    _check_comment(comment, required=False)
    _decide(session, version, VersionOutcome.APPROVED, comment, actor=actor, now=now)
    _set_status(session, plan, PlanStatus.APPROVED, action="approve", actor=actor, now=now,
                approved_number=number, approved_by_id=actor.id, approved_at=now)
    schedule.withdraw_approval(session, plan, verb="Approved", now=now, actor=actor)
    schedule.tell_owner(session, plan, verb="Plan approved", now=now, delivery=delivery, actor=actor,
                        body=f"Version {number} approved by {actor.name}. {comment.strip()}")
    schedule.sync_calendar(session, plan, activities(session, plan), milestones(session, plan), now=now,
                           delivery=delivery, rules=rules, actor=actor)


def return_plan(session: Session, plan: CommPlan, *, number: int, comment: str, actor: User,
                now: datetime, delivery: DeliverySettings) -> None:
    """Send the submitted version back to draft, saying what needs to change."""
    version = _waiting_version(session, plan, number, actor)
    _check_comment(comment, required=True)
    _decide(session, version, VersionOutcome.RETURNED, comment, actor=actor, now=now)
    _set_status(session, plan, PlanStatus.DRAFT, action="return", actor=actor, now=now,
                version_number=plan.version_number + 1)
    schedule.withdraw_approval(session, plan, verb="Sent back", now=now, actor=actor)
    schedule.tell_owner(session, plan, verb="Changes asked for", body=comment.strip(), now=now,
                        delivery=delivery, actor=actor)


def _check_comment(comment: str, *, required: bool) -> None:
    if required and not comment.strip():
        raise ValidationError.single("comment", "Say what needs to change")
    if len(comment.strip()) > COMMENT_LIMIT:
        raise ValidationError.single("comment", f"A comment must be {COMMENT_LIMIT:,} characters or fewer")


def start_delivery(session: Session, plan: CommPlan, *, actor: User, now: datetime) -> None:
    """An approved plan goes live."""
    require_role(actor, (*WRITERS, *APPROVERS), "start delivering plans")
    if plan.status is not PlanStatus.APPROVED:
        raise Conflict("Only an approved plan can start delivery")
    _set_status(session, plan, PlanStatus.ACTIVE, action="activate", actor=actor, now=now)


def close_plan(session: Session, plan: CommPlan, *, actor: User, now: datetime,
               delivery: DeliverySettings, rules: PlanRules) -> None:
    """The year's work is over: the plan stops changing and its reminders stop."""
    require_role(actor, (*WRITERS, *APPROVERS), "close plans")
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.ACTIVE):
        raise Conflict("Only an approved or active plan can be closed")
    _set_status(session, plan, PlanStatus.CLOSED, action="close", actor=actor, now=now)
    schedule.sync_review(session, plan, now=now, delivery=delivery, actor=actor)
    schedule.sync_calendar(session, plan, activities(session, plan), milestones(session, plan), now=now,
                           delivery=delivery, rules=rules, actor=actor)


def revise_plan(session: Session, plan: CommPlan, *, actor: User, now: datetime) -> None:
    """Take an approved or active plan back to draft as a new version; its calendar keeps counting."""
    require_role(actor, WRITERS, "revise communication plans")
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.ACTIVE):
        raise Conflict("Only an approved or active plan can be revised")
    _set_status(session, plan, PlanStatus.DRAFT, action="revise", actor=actor, now=now,
                version_number=plan.version_number + 1)
    plan.updated_by_id = actor.id
