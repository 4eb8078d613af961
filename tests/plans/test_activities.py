"""Activities, milestones and objectives: field checks, lead times and the reminders that follow them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.errors import ValidationError
from commsplan.messages.models import MessageStatus
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, items, schedule, service
from commsplan.plans.models import Activity, ActivityStatus
from commsplan.plans.rules import PlanRules
from tests.plans.conftest import Catalogue, People, PlanMaker, Reference, activity_values, approved, london


def reminders_of(prefix: str, status: ReminderStatus = ReminderStatus.PENDING) -> list[Reminder]:
    from commsplan.extensions import db

    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.idempotency_key.startswith(prefix), Reminder.status == status)
            .order_by(Reminder.id)
        )
    )


def activity_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Activity)) or 0


BAD_ACTIVITIES: list[tuple[dict[str, Any], str, str]] = [
    ({"title": ""}, "title", "Enter a title for the activity"),
    ({"audience_ids": ()}, "audience_ids", "Select at least one audience from the list"),
    ({"audience_ids": (999_999,)}, "audience_ids", "Select at least one audience from the list"),
    ({"channel_id": None}, "channel_id", "Select the channel it uses"),
    ({"element_id": 999_999}, "element_id", "Select the violence element it addresses"),
    ({"owner_id": None}, "owner_id", "Select an owner who has an active account"),
    ({"starts_at": None}, "starts_at", "Enter when it starts"),
    (
        {"starts_at": london(date(2026, 3, 31))},
        "starts_at",
        "It must start within the plan's year: 1 April 2026 to 31 March 2027",
    ),
    ({"ends_at": london(date(2027, 1, 10))}, "ends_at", "It must end after it starts"),
    ({"cost_pounds": -1}, "cost_pounds", "Enter a cost from £0 to £10,000,000, in whole pounds"),
    (
        {"reminder_days": 1},
        "reminder_days",
        "Borough SMS alerts needs 2 days' notice: remind at least 2 days before it starts",
    ),
    ({"status": "finished"}, "status", "Choose the activity's status from the list"),
    (
        {"ripe_strand": "deterrence"},
        "ripe_strand",
        "Choose the RIPE strand: reassurance, intelligence, prevention or enforcement",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_ACTIVITIES)
def test_bad_activities_are_refused_by_field(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    plan = make_plan()
    before = activity_count(session)
    with pytest.raises(ValidationError) as raised:
        activities.save_activity(
            session,
            plan,
            activity_values(catalogue, reference, people.officer, **changes),
            actor=people.officer,
            now=now,
            delivery=delivery,
            rules=rules,
        )
    assert raised.value.errors[field] == [message]
    assert activity_count(session) == before


def test_reminder_days_default_to_the_longer_of_the_setting_and_the_lead_time(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = make_plan()
    sms = service.activities(session, plan)[0]
    posters = activities.save_activity(
        session,
        plan,
        activity_values(catalogue, reference, people.officer, channel_id=catalogue.posters.id),
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    assert (sms.reminder_days, posters.reminder_days) == (7, 21)


def test_a_message_map_must_fit_the_element_and_an_audience(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    from commsplan.messages import checks, maps
    from tests.messages.helpers import CONTENT

    settings = checks.MapSettings(
        element_id=reference.elements["ROB"].id,
        audience_id=catalogue.parents.id,
        qualifier_ids=(),
        unit_id=None,
        owner_id=people.officer.id,
        review_date=None,
    )
    parents_map = maps.create_map(
        session,
        settings=settings,
        content=CONTENT,
        variants=(),
        actor=people.officer,
        now=now,
        delivery=delivery,
    )
    plan = make_plan()
    with pytest.raises(ValidationError) as raised:
        activities.save_activity(
            session,
            plan,
            activity_values(catalogue, reference, people.officer, message_map_id=parents_map.id),
            actor=people.officer,
            now=now,
            delivery=delivery,
            rules=rules,
        )
    assert raised.value.errors["message_map_id"] == [
        "Select a message map about personal robbery for one of the chosen audiences"
    ]
    kept = activities.save_activity(
        session,
        plan,
        activity_values(
            catalogue,
            reference,
            people.officer,
            message_map_id=parents_map.id,
            audience_ids=(catalogue.pupils.id, catalogue.parents.id),
        ),
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    assert parents_map.status is MessageStatus.DRAFT and kept.uses_unapproved_message
    warned = service.warnings(session, plan, service.linked_profile(session, plan))
    assert any("not yet approved" in warning for warning in warned)


def test_a_draft_plan_sends_no_activity_reminders_until_approved(
    session: Session,
    now: datetime,
    people: People,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = make_plan()
    activity = service.activities(session, plan)[0]
    assert reminders_of(schedule.activity_prefix(activity)) == []
    approved(session, plan, people.approver, now=now, delivery=delivery, rules=rules)
    [reminder] = reminders_of(schedule.activity_prefix(activity))
    # 7 days before 11 January 2027, at 09:00 London time (GMT in January)
    assert reminder.due_at == datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    assert reminder.kind == "campaign_activity" and reminder.recipient_user_id == people.officer.id
    assert reminder.subject_link == f"/plans/{plan.id}#activity-{activity.id}"


def test_moving_an_activity_reschedules_and_removing_it_cancels(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    activity = service.activities(session, plan)[0]
    later = now + timedelta(minutes=10)
    activities.save_activity(
        session,
        plan,
        activity_values(
            catalogue,
            reference,
            people.second_officer,
            starts_at=london(date(2026, 7, 14)) + timedelta(days=180),
            ends_at=london(date(2027, 1, 20)),
        ),
        actor=people.officer,
        now=later,
        delivery=delivery,
        rules=rules,
        activity=activity,
    )
    [moved] = reminders_of(schedule.activity_prefix(activity))
    assert moved.recipient_user_id == people.second_officer.id
    assert moved.due_at == datetime(2027, 1, 3, 9, 0, tzinfo=UTC)
    assert len(reminders_of(schedule.activity_prefix(activity), ReminderStatus.CANCELLED)) == 1
    activities.remove_activity(session, plan, activity, actor=people.officer, now=later)
    assert reminders_of(schedule.activity_prefix(activity)) == []
    deleted = session.scalar(
        select(AuditEntry).where(AuditEntry.object_type == "plan_activity", AuditEntry.action == "delete")
    )
    assert deleted is not None and deleted.changes["title"][0] == "Safer routes home assemblies"


def test_finished_and_started_activities_do_not_remind(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    activity = service.activities(session, plan)[0]
    for status in (ActivityStatus.CANCELLED, ActivityStatus.DONE):
        activities.save_activity(
            session,
            plan,
            activity_values(catalogue, reference, people.officer, status=status.value),
            actor=people.officer,
            now=now,
            delivery=delivery,
            rules=rules,
            activity=activity,
        )
        assert reminders_of(schedule.activity_prefix(activity)) == []
    started = activities.save_activity(
        session,
        plan,
        activity_values(
            catalogue,
            reference,
            people.officer,
            starts_at=london(date(2026, 11, 2)),
            ends_at=london(date(2026, 12, 2)),
        ),
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    assert reminders_of(schedule.activity_prefix(started)) == []


def test_milestones_remind_the_lead_or_else_the_owner(
    session: Session,
    now: datetime,
    people: People,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    milestone = items.save_milestone(
        session,
        plan,
        items.MilestoneValues("2C – Audiences, messages and channels defined", date(2027, 2, 1)),
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    due, overdue = reminders_of(schedule.milestone_prefix(milestone))
    assert (due.kind, due.due_at) == ("milestone_due", datetime(2027, 1, 25, 9, 0, tzinfo=UTC))
    assert (overdue.kind, overdue.due_at) == ("milestone_overdue", datetime(2027, 2, 2, 9, 0, tzinfo=UTC))
    assert {due.recipient_user_id, overdue.recipient_user_id} == {plan.owner_id}
    assert milestone.lead_label == "TBD"
    items.save_milestone(
        session,
        plan,
        items.MilestoneValues(
            "2C – Audiences, messages and channels defined",
            date(2027, 2, 1),
            lead_id=people.second_officer.id,
        ),
        actor=people.officer,
        now=now + timedelta(minutes=1),
        delivery=delivery,
        rules=rules,
        milestone=milestone,
    )
    assert {r.recipient_user_id for r in reminders_of(schedule.milestone_prefix(milestone))} == {
        people.second_officer.id
    }
    items.save_milestone(
        session,
        plan,
        items.MilestoneValues(
            "2C – Audiences, messages and channels defined",
            date(2027, 2, 1),
            rag="green",
            completed_on=date(2027, 1, 20),
        ),
        actor=people.officer,
        now=now + timedelta(minutes=2),
        delivery=delivery,
        rules=rules,
        milestone=milestone,
    )
    assert reminders_of(schedule.milestone_prefix(milestone)) == []


def test_a_past_due_milestone_is_reminded_as_overdue_only(
    session: Session,
    now: datetime,
    people: People,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    milestone = items.save_milestone(
        session,
        plan,
        items.MilestoneValues("Launch", date(2026, 11, 1), rag="red"),
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    [overdue] = reminders_of(schedule.milestone_prefix(milestone))
    assert overdue.kind == "milestone_overdue" and overdue.due_at == now


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"statement": ""}, "statement", "Enter what the objective is"),
        ({"metric": ""}, "metric", "Enter the metric it is measured by"),
        ({"baseline": None}, "baseline", "Enter the baseline as a number"),
        ({"target": 620.0}, "target", "The target must differ from the baseline"),
        ({"deadline": None}, "deadline", "Enter the deadline"),
        (
            {"deadline": date(2026, 3, 1)},
            "deadline",
            "The deadline must be on or after 1 April 2026, when the plan starts",
        ),
    ],
)
def test_objectives_must_be_smart(
    session: Session, now: datetime, make_plan: PlanMaker, changes: dict[str, Any], field: str, message: str
) -> None:
    plan = make_plan(complete=False)
    values: dict[str, Any] = {
        "statement": "Reduce robbery",
        "metric": "Robbery",
        "baseline": 620.0,
        "target": 558.0,
        "deadline": date(2027, 3, 31),
        **changes,
    }
    with pytest.raises(ValidationError) as raised:
        items.save_objective(session, plan, items.ObjectiveValues(**values), actor=plan.owner, now=now)
    assert raised.value.errors[field] == [message]


def test_the_confidence_measure_is_an_outcome(session: Session, now: datetime, make_plan: PlanMaker) -> None:
    plan = make_plan(complete=False)
    with pytest.raises(ValidationError) as raised:
        items.save_metric(
            session,
            plan,
            items.MetricValues("impact", "Confidence", is_confidence=True),
            actor=plan.owner,
            now=now,
        )
    assert raised.value.errors["level"] == ["The confidence measure is an outcome: choose outcomes"]
