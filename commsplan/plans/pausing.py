"""Holding campaign work back while an incident runs, and letting it go again.

An incident finds the activities it may affect here: those of its unit's plans about its violence
elements that are still to run (planned, in production or scheduled, not paused) and start or run
within the next weeks. A paused activity keeps its place on the plan, flagged, and its reminder is
cancelled; resuming it puts the reminder back. Each change is audited; the incident records its
own decision for each pause.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import schedule
from commsplan.plans.models import Activity, ActivityStatus, CommPlan, PlanStatus
from commsplan.plans.service import WRITERS

PAUSERS = (*WRITERS, Role.DUTY_OFFICER)  # those who run incidents, as well as those who plan
STILL_TO_RUN = (ActivityStatus.PLANNED, ActivityStatus.IN_PRODUCTION, ActivityStatus.SCHEDULED)
LOOK_AHEAD = timedelta(weeks=4)


def affected_query(*, unit_id: int, element_ids: Collection[int], now: datetime,
                   ahead: timedelta = LOOK_AHEAD) -> Select[Activity]:
    """The unit's activities about these elements still to run, under way or starting before
    `now + ahead`, soonest first. No elements means any element."""
    query = (select(Activity).join(CommPlan, CommPlan.id == Activity.plan_id)
             .where(CommPlan.unit_id == unit_id, CommPlan.status != PlanStatus.CLOSED,
                    Activity.status.in_(STILL_TO_RUN), Activity.paused_at.is_(None),
                    Activity.ends_at >= now, Activity.starts_at < now + ahead))
    if element_ids:
        query = query.where(Activity.element_id.in_(list(element_ids)))
    return query.order_by(Activity.starts_at, Activity.id)


def queued_reminders(session: Session, activity_ids: Collection[int]) -> dict[int, datetime]:
    """When each activity's pending reminder is due (one query)."""
    rows = session.execute(select(Reminder.subject_id, Reminder.due_at).where(
        Reminder.subject_type == "plan_activity", Reminder.status == ReminderStatus.PENDING,
        Reminder.subject_id.in_([str(i) for i in activity_ids])))
    return {int(subject_id): due_at for subject_id, due_at in rows}


def pause_activity(session: Session, activity: Activity, *, incident_id: int, note: str, actor: User,
                   now: datetime) -> None:
    """Hold the activity back for the incident; its reminder is cancelled."""
    require_role(actor, PAUSERS, "pause campaign activities")
    if activity.paused_at is not None:
        raise Conflict(f"“{activity.title}” is already paused")
    schedule.cancel_activity(session, activity, now=now, actor=actor)
    audit.update_audited(session, activity, {"paused_at": now, "paused_for_id": incident_id,
                                             "pause_note": note}, actor=actor, now=now, action="pause")


def resume_activity(session: Session, plan: CommPlan, activity: Activity, *, actor: User, now: datetime,
                    delivery: DeliverySettings) -> None:
    """Let a paused activity go ahead; its reminder is scheduled again."""
    require_role(actor, PAUSERS, "resume campaign activities")
    if activity.paused_at is None:
        raise Conflict(f"“{activity.title}” is not paused")
    audit.update_audited(session, activity, {"paused_at": None, "paused_for_id": None, "pause_note": ""},
                         actor=actor, now=now, action="resume")
    schedule.sync_activity(session, plan, activity, now=now, delivery=delivery, actor=actor)


def paused_for(session: Session, incident_id: int, *, limit: int | None = None) -> list[Activity]:
    """The activities still paused for an incident, soonest first (the first `limit` of them)."""
    return list(session.scalars(select(Activity).where(Activity.paused_for_id == incident_id)
                                .order_by(Activity.starts_at, Activity.id).limit(limit)))
