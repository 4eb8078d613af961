"""The reminders a plan sends, through the reminders engine.

Each thing that reminds keeps its reminders under one key prefix. Any change (a new date, a new
owner, a new status) cancels what is pending under the prefix and schedules afresh, so a moved date
reschedules and a deleted item cancels. Reminders go only for plans that have been approved and
are not closed: a draft is not yet agreed work.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.notifications import approvals
from commsplan.notifications import service as reminders
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans.models import Activity, ActivityStatus, CommPlan, Milestone, PlanStatus
from commsplan.plans.rules import PlanRules
from commsplan.timeutil import london_moment, to_london

REMINDER_TIME = "09:00"


def stamp(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S%f}"


def plan_link(plan: CommPlan) -> str:
    return f"/plans/{plan.id}"


def plan_subject(plan: CommPlan, verb: str) -> reminders.Subject:
    return reminders.Subject(type="comm_plan", id=str(plan.id), title=f"{verb}: {plan.title}"[:200],
                             link=plan_link(plan))


def reminds(plan: CommPlan) -> bool:
    """Whether the plan's calendar sends reminders: approved at least once, not closed."""
    return plan.has_been_approved and plan.status is not PlanStatus.CLOSED


# --- Activities --------------------------------------------------------------------------------

def activity_prefix(activity: Activity) -> str:
    return f"plan:{activity.plan_id}:activity:{activity.id}:"


def activity_reminder_at(activity: Activity) -> datetime:
    """09:00 London time `reminder_days` before the day it starts (never after it starts)."""
    start_day = to_london(activity.starts_at).date()
    return min(london_moment(start_day - timedelta(days=activity.reminder_days), REMINDER_TIME),
               activity.starts_at)


def sync_activity(session: Session, plan: CommPlan, activity: Activity, *, now: datetime,
                  delivery: DeliverySettings, actor: User | None) -> None:
    """Remind the owner before the activity starts; nothing once it has started or stopped counting."""
    reminders.cancel_matching(session, activity_prefix(activity), now=now, actor=actor)
    finished = activity.status in (ActivityStatus.DONE, ActivityStatus.CANCELLED)
    if not reminds(plan) or finished or activity.paused_at is not None or activity.starts_at <= now:
        return
    start = to_london(activity.starts_at)
    reminders.schedule(
        session, key=f"{activity_prefix(activity)}{activity.owner_id}:{stamp(now)}",
        kind="campaign_activity", recipient=reminders.Recipient.person(activity.owner),
        due_at=max(activity_reminder_at(activity), now), now=now, settings=delivery, actor=actor,
        subject=reminders.Subject(type="plan_activity", id=str(activity.id),
                                  title=f"Starts {start:%-d %b %Y}: {activity.title}"[:200],
                                  link=f"{plan_link(plan)}#activity-{activity.id}"),
        body=f"{activity.channel.name}, for {', '.join(activity.audience_names)}. {plan.title}.")


def cancel_activity(session: Session, activity: Activity, *, now: datetime, actor: User | None) -> None:
    reminders.cancel_matching(session, activity_prefix(activity), now=now, actor=actor)


# --- Milestones --------------------------------------------------------------------------------

def milestone_prefix(milestone: Milestone) -> str:
    return f"plan:{milestone.plan_id}:milestone:{milestone.id}:"


def milestone_recipient(plan: CommPlan, milestone: Milestone) -> User:
    """The lead when they have an account, otherwise the plan's owner (leads are often "TBD")."""
    return milestone.lead if milestone.lead is not None and milestone.lead.is_active else plan.owner


def milestone_moments(milestone: Milestone, rules: PlanRules) -> tuple[datetime, datetime]:
    """When "due soon" and "overdue" go: days before the target date, and the morning after it."""
    due: date = milestone.target_date - timedelta(days=rules.milestone_reminder_days)
    return (london_moment(due, REMINDER_TIME),
            london_moment(milestone.target_date + timedelta(days=1), REMINDER_TIME))


def sync_milestone(session: Session, plan: CommPlan, milestone: Milestone, *, now: datetime,
                   delivery: DeliverySettings, rules: PlanRules, actor: User | None) -> None:
    """"Due soon" before the target date and "overdue" after it, until the milestone is complete."""
    cancel_milestone(session, milestone, now=now, actor=actor)
    if not reminds(plan) or milestone.completed_on is not None:
        return
    due_soon, overdue = milestone_moments(milestone, rules)
    recipient = milestone_recipient(plan, milestone)
    target = f"{milestone.target_date:%-d %b %Y}"
    for kind, moment, verb in (("milestone_due", due_soon, "Due"), ("milestone_overdue", overdue, "Overdue")):
        if kind == "milestone_due" and moment <= now:
            continue  # too late for "due soon"; "overdue" still follows
        subject = reminders.Subject(type="plan_milestone", id=str(milestone.id),
                                    title=f"{verb} {target}: {milestone.title}"[:200],
                                    link=f"{plan_link(plan)}#milestone-{milestone.id}")
        reminders.schedule(
            session, key=f"{milestone_prefix(milestone)}{kind}:{recipient.id}:{stamp(now)}", kind=kind,
            recipient=reminders.Recipient.person(recipient), due_at=max(moment, now), now=now,
            settings=delivery, actor=actor, subject=subject, body=f"Target date {target}. {plan.title}.")


def cancel_milestone(session: Session, milestone: Milestone, *, now: datetime, actor: User | None) -> None:
    reminders.cancel_matching(session, milestone_prefix(milestone), now=now, actor=actor)


# --- The plan itself ---------------------------------------------------------------------------

def review_prefix(plan: CommPlan) -> str:
    return f"plan:{plan.id}:review:"


def approval_prefix(plan: CommPlan) -> str:
    return f"plan:{plan.id}:approval:"


def sync_review(session: Session, plan: CommPlan, *, now: datetime, delivery: DeliverySettings,
                actor: User | None) -> None:
    """Remind the owner at 09:00 on the review date; a new date or owner replaces the reminder."""
    reminders.cancel_matching(session, review_prefix(plan), now=now, actor=actor)
    if plan.review_date is None or plan.status is PlanStatus.CLOSED:
        return
    reminders.schedule(
        session, key=f"{review_prefix(plan)}{plan.owner_id}:{stamp(now)}", kind="review_due",
        recipient=reminders.Recipient.person(plan.owner),
        due_at=max(london_moment(plan.review_date, REMINDER_TIME), now), now=now, settings=delivery,
        actor=actor, subject=plan_subject(plan, "Review plan"))


def request_approval(session: Session, plan: CommPlan, *, number: int, exclude: Collection[int],
                     now: datetime, delivery: DeliverySettings, actor: User) -> None:
    """Ask every approver who may decide on this version (nobody in `exclude`), each by name."""
    approvals.ask_for_approval(
        session, key_prefix=f"{approval_prefix(plan)}{number}:{stamp(now)}:", approvers=None,
        exclude=exclude, subject=plan_subject(plan, "Approve plan"), now=now, settings=delivery,
        actor=actor, body=f"Version {number} of the {plan.year_label} plan for {plan.unit.name}, "
                          f"submitted by {actor.name}.")


def withdraw_approval(session: Session, plan: CommPlan, *, verb: str, now: datetime, actor: User) -> None:
    """The version is decided ("Approved", "Sent back"): the request leaves every approver's inbox."""
    approvals.resolve(session, key_prefix=approval_prefix(plan),
                      resolution=approvals.decided_by(verb, actor, now), now=now, actor=actor)


def tell_owner(session: Session, plan: CommPlan, *, verb: str, body: str, now: datetime,
               delivery: DeliverySettings, actor: User) -> None:
    """A one-off note to the plan's owner (sent back, approved)."""
    reminders.schedule(
        session, key=f"plan:{plan.id}:note:{stamp(now)}", kind="general",
        recipient=reminders.Recipient.person(plan.owner), due_at=now, now=now, settings=delivery,
        actor=actor, subject=plan_subject(plan, verb), body=body[:1000])


def sync_calendar(session: Session, plan: CommPlan, activities: Iterable[Activity],
                  milestones: Iterable[Milestone], *, now: datetime, delivery: DeliverySettings,
                  rules: PlanRules, actor: User | None) -> None:
    """Bring every activity and milestone reminder in line with the plan's state (approved, closed)."""
    for activity in activities:
        sync_activity(session, plan, activity, now=now, delivery=delivery, actor=actor)
    for milestone in milestones:
        sync_milestone(session, plan, milestone, now=now, delivery=delivery, rules=rules, actor=actor)
