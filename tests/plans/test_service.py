"""Plan rules: one plan per unit and year, the OASIS sections, submission, approval by another, revising."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.notifications.expand import expand_due
from commsplan.notifications.models import InboxItem, Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import items, service, workflow
from commsplan.plans.models import CommPlan, PlanStatus, PlanVersion, VersionOutcome
from commsplan.plans.rules import PlanRules
from tests.plans.conftest import YEAR, People, PlanMaker, Reference, approved, make_profile


def pending(prefix: str, kind: str | None = None) -> list[Reminder]:
    from commsplan.extensions import db

    query = select(Reminder).where(
        Reminder.idempotency_key.startswith(prefix), Reminder.status == ReminderStatus.PENDING
    )
    if kind:
        query = query.where(Reminder.kind == kind)
    return list(db.session.scalars(query))


def actions(session: Session, plan: CommPlan) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "comm_plan", AuditEntry.object_id == str(plan.id))
            .order_by(AuditEntry.id)
        )
    )


def details(reference: Reference, owner_id: int | None, **changes: Any) -> service.PlanDetails:
    values: dict[str, Any] = {
        "unit_id": reference.units["GD"].id,
        "year": YEAR,
        "title": "Hackney plan",
        "owner_id": owner_id,
        **changes,
    }
    return service.PlanDetails(**values)


def test_a_new_plan_is_a_draft_linked_to_the_units_profile(
    session: Session, now: datetime, people: People, reference: Reference, delivery: DeliverySettings
) -> None:
    profile = make_profile(
        session,
        unit=reference.units["GD"],
        year=YEAR,
        harms={reference.elements["ROB"]: 300.0},
        actor=people.officer,
        now=now,
    )
    plan = service.create_plan(
        session,
        details=details(reference, people.officer.id),
        actor=people.officer,
        now=now,
        delivery=delivery,
    )
    assert plan.status is PlanStatus.DRAFT and plan.version_number == 1
    assert service.linked_profile(session, plan) is profile
    assert actions(session, plan) == ["create"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter a title for the plan"),
        ({"title": "x" * 201}, "title", "The title must be 200 characters or fewer"),
        ({"year": None}, "year", "Enter the financial year it starts, from 2000 to 2100"),
        ({"year": 1999}, "year", "Enter the financial year it starts, from 2000 to 2100"),
        ({"unit_id": None}, "unit_id", "Select the business unit the plan is for"),
        ({"unit_id": 999_999}, "unit_id", "Select the business unit the plan is for"),
        ({"owner_id": None}, "owner_id", "Select an owner who has an active account"),
    ],
)
def test_bad_details_are_refused_by_field(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    delivery: DeliverySettings,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as raised:
        owner = changes.pop("owner_id", people.officer.id)
        service.create_plan(
            session,
            details=details(reference, owner, **changes),
            actor=people.officer,
            now=now,
            delivery=delivery,
        )
    assert raised.value.errors[field] == [message]
    assert session.scalar(select(CommPlan)) is None


def test_a_second_plan_for_the_same_unit_and_year_is_refused(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
) -> None:
    make_plan()
    with pytest.raises(ValidationError) as raised:
        service.create_plan(
            session,
            details=details(reference, people.officer.id),
            actor=people.officer,
            now=now,
            delivery=delivery,
        )
    assert raised.value.errors["year"] == ["Hackney borough command already has a plan for 2026–27"]


def test_viewers_and_approvers_cannot_write_plans(
    session: Session, now: datetime, people: People, reference: Reference, delivery: DeliverySettings
) -> None:
    for person in (people.viewer, people.approver):
        with pytest.raises(PermissionDenied):
            service.create_plan(
                session, details=details(reference, person.id), actor=person, now=now, delivery=delivery
            )


def test_submission_lists_every_missing_part(session: Session, make_plan: PlanMaker) -> None:
    plan = make_plan(complete=False)
    problems = service.submission_problems(session, plan)
    assert problems == {
        "objectives": ["Write the objectives section"],
        "audience_insight": ["Write the audience insight section"],
        "strategy": ["Write the strategy section"],
        "implementation": ["Write the implementation section"],
        "scoring": ["Write the scoring section"],
        "objective_list": ["Add at least one SMART objective"],
        "metric_list": ["Add the evaluation metrics, from inputs to impact"],
        "activity_list": ["Add at least one activity or milestone"],
    }
    with pytest.raises(ValidationError):
        workflow.submit_plan(
            session,
            plan,
            actor=plan.owner,
            now=datetime(2026, 11, 20, tzinfo=plan.created_at.tzinfo),
            delivery=DeliverySettings(),
        )
    assert plan.status is PlanStatus.DRAFT


def test_metrics_must_include_the_confidence_measure(
    session: Session, now: datetime, make_plan: PlanMaker
) -> None:
    plan = make_plan()
    metric = service.metrics(session, plan)[0]
    items.save_metric(
        session,
        plan,
        items.MetricValues(level="outputs", name="Leaflets delivered"),
        actor=plan.owner,
        now=now,
        metric=metric,
    )
    assert service.submission_problems(session, plan) == {
        "metric_list": ["Add the confidence measure to the evaluation metrics"]
    }


def test_one_empty_section_stops_submission(session: Session, now: datetime, make_plan: PlanMaker) -> None:
    plan = make_plan()
    sections = service.Sections.of(plan)
    service.save_sections(
        session,
        plan,
        sections=service.Sections(**{**sections.__dict__, "strategy": " "}),
        actor=plan.owner,
        now=now,
    )
    assert service.submission_problems(session, plan) == {"strategy": ["Write the strategy section"]}


def test_submit_keeps_a_snapshot_and_tells_the_approvers(
    session: Session, now: datetime, people: People, make_plan: PlanMaker, delivery: DeliverySettings
) -> None:
    plan = make_plan()
    version = workflow.submit_plan(session, plan, actor=plan.owner, now=now, delivery=delivery)
    assert plan.status is PlanStatus.SUBMITTED
    assert version.number == 1 and version.outcome is VersionOutcome.WAITING
    assert version.snapshot["sections"]["strategy"].startswith("Reassure with visible patrols")
    assert version.snapshot["activities"][0]["title"] == "Safer routes home assemblies"
    assert version.snapshot["activities"][0]["starts_at"] == "11 Jan 2027, 10:00"
    asked = pending(f"plan:{plan.id}:approval:")
    assert sorted(r.recipient_user_id or 0 for r in asked) == sorted(
        [people.approver.id, people.officer_approver.id])  # each approver, by name
    assert all(r.recipient_role is None and r.kind == "approval_waiting" for r in asked)


@pytest.mark.parametrize("excluded", ["owner", "submitter", "last_changed_by"])
def test_nobody_who_may_not_decide_is_asked_to(
    session: Session, now: datetime, people: People, make_plan: PlanMaker, delivery: DeliverySettings,
    excluded: str,
) -> None:
    plan = make_plan(owner=people.officer_approver if excluded == "owner" else people.officer)
    if excluded == "last_changed_by":
        sections = service.Sections(**{**service.Sections.of(plan).__dict__, "strategy": "Reassure first."})
        service.save_sections(session, plan, sections=sections, actor=people.officer_approver, now=now)
    submitter = people.officer_approver if excluded == "submitter" else plan.owner
    workflow.submit_plan(session, plan, actor=submitter, now=now, delivery=delivery)
    assert [r.recipient_user_id for r in pending(f"plan:{plan.id}:approval:")] == [people.approver.id]


@pytest.mark.parametrize(("decision", "said"), [("approve", "Approved by Helen Approver at 10:05"),
                                                 ("return", "Sent back by Helen Approver at 10:05")])
def test_a_decision_clears_the_request_from_every_approvers_inbox(
    session: Session, now: datetime, people: People, make_plan: PlanMaker, delivery: DeliverySettings,
    rules: PlanRules, decision: str, said: str,
) -> None:
    plan = make_plan()
    workflow.submit_plan(session, plan, actor=plan.owner, now=now, delivery=delivery)
    expand_due(session, now=now, worker="test", settings=delivery)
    later = now + timedelta(minutes=5)
    if decision == "approve":
        workflow.approve_plan(session, plan, number=1, actor=people.approver, now=later, delivery=delivery,
                              rules=rules)
    else:
        workflow.return_plan(session, plan, number=1, comment="Add the Somali-language work",
                             actor=people.approver, now=later, delivery=delivery)
    asked = session.scalars(select(InboxItem).where(InboxItem.kind == "approval_waiting")
                            .order_by(InboxItem.user_id)).all()
    assert [(i.user_id, i.resolution, i.resolved_at) for i in asked] == [
        (people.approver.id, said, later), (people.officer_approver.id, said, later)]
    assert pending(f"plan:{plan.id}:approval:") == []


@pytest.mark.parametrize("who", ["owner", "officer_approver_submitter"])
def test_nobody_approves_a_plan_they_own_or_submitted(
    session: Session,
    now: datetime,
    people: People,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
    who: str,
) -> None:
    plan = make_plan(owner=people.officer_approver)
    workflow.submit_plan(session, plan, actor=people.officer_approver, now=now, delivery=delivery)
    assert not service.may_approve(plan, people.officer_approver)
    with pytest.raises(PermissionDenied):
        workflow.approve_plan(
            session, plan, number=1, actor=people.officer_approver, now=now, delivery=delivery, rules=rules
        )
    assert plan.status is PlanStatus.SUBMITTED


def test_another_approver_approves_the_version_they_read(
    session: Session,
    now: datetime,
    people: People,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = make_plan()
    workflow.submit_plan(session, plan, actor=plan.owner, now=now, delivery=delivery)
    with pytest.raises(Conflict):
        workflow.approve_plan(
            session, plan, number=2, actor=people.approver, now=now, delivery=delivery, rules=rules
        )
    workflow.approve_plan(
        session,
        plan,
        number=1,
        actor=people.approver,
        now=now,
        delivery=delivery,
        rules=rules,
        comment="Good plan",
    )
    assert plan.status is PlanStatus.APPROVED and plan.approved_number == 1
    assert plan.approved_by_id == people.approver.id
    [version] = service.versions(session, plan)
    assert (version.outcome, version.decided_by_id, version.comment) == (
        VersionOutcome.APPROVED,
        people.approver.id,
        "Good plan",
    )
    assert pending(f"plan:{plan.id}:approval:") == []
    assert actions(session, plan)[-2:] == ["submit", "approve"]


def test_sending_back_needs_a_comment_and_starts_a_new_version(
    session: Session, now: datetime, people: People, make_plan: PlanMaker, delivery: DeliverySettings
) -> None:
    plan = make_plan()
    workflow.submit_plan(session, plan, actor=plan.owner, now=now, delivery=delivery)
    with pytest.raises(ValidationError) as raised:
        workflow.return_plan(
            session, plan, number=1, comment=" ", actor=people.approver, now=now, delivery=delivery
        )
    assert raised.value.errors == {"comment": ["Say what needs to change"]}
    workflow.return_plan(
        session,
        plan,
        number=1,
        comment="Add the Somali-language work",
        actor=people.approver,
        now=now,
        delivery=delivery,
    )
    assert plan.status is PlanStatus.DRAFT and plan.version_number == 2
    assert session.scalar(select(PlanVersion.outcome)) is VersionOutcome.RETURNED
    [note] = pending(f"plan:{plan.id}:note:")
    assert note.recipient_user_id == plan.owner_id and note.body == "Add the Somali-language work"


def test_a_submitted_plan_is_locked_until_decided(
    session: Session, now: datetime, make_plan: PlanMaker, delivery: DeliverySettings, rules: PlanRules
) -> None:
    plan = make_plan()
    workflow.submit_plan(session, plan, actor=plan.owner, now=now, delivery=delivery)
    with pytest.raises(Conflict):
        service.save_sections(session, plan, sections=service.Sections(), actor=plan.owner, now=now)
    with pytest.raises(Conflict):
        items.save_milestone(
            session,
            plan,
            items.MilestoneValues("Launch", date(2027, 1, 5)),
            actor=plan.owner,
            now=now,
            delivery=delivery,
            rules=rules,
        )


def test_delivery_closing_and_revising(
    session: Session,
    now: datetime,
    people: People,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    workflow.start_delivery(session, plan, actor=plan.owner, now=now)
    assert plan.status is PlanStatus.ACTIVE
    workflow.revise_plan(session, plan, actor=plan.owner, now=now)
    assert (plan.status, plan.version_number, plan.approved_number) == (PlanStatus.DRAFT, 2, 1)
    assert plan.has_been_approved
    with pytest.raises(Conflict):
        workflow.close_plan(session, plan, actor=plan.owner, now=now, delivery=delivery, rules=rules)
    approved(session, plan, people.approver, now=now, delivery=delivery, rules=rules)
    assert plan.approved_number == 2
    workflow.close_plan(session, plan, actor=plan.owner, now=now, delivery=delivery, rules=rules)
    assert plan.status is PlanStatus.CLOSED
    assert [r for r in pending(f"plan:{plan.id}:") if ":note:" not in r.idempotency_key] == []
    with pytest.raises(Conflict):
        service.update_details(
            session,
            plan,
            details=details(plan_reference(plan), plan.owner_id),
            actor=plan.owner,
            now=now,
            delivery=delivery,
            rules=rules,
        )


def plan_reference(plan: CommPlan) -> Reference:
    return Reference({}, {"GD": plan.unit})


def test_only_a_draft_moves_unit_or_year(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    with pytest.raises(Conflict):
        service.update_details(
            session,
            plan,
            details=details(reference, plan.owner_id, year=2027, title=plan.title),
            actor=plan.owner,
            now=now,
            delivery=delivery,
            rules=rules,
        )
    changed = service.update_details(
        session,
        plan,
        details=details(reference, people.second_officer.id, title="Hackney plan, revised"),
        actor=plan.owner,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    assert changed and plan.owner_id == people.second_officer.id
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "comm_plan").order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None and entry.changes["owner_name"] == ["Tom Officer", "Sam Second"]


def test_the_review_date_reminds_the_owner_and_follows_changes(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = service.create_plan(
        session,
        details=details(reference, people.officer.id, review_date=date(2027, 1, 15)),
        actor=people.officer,
        now=now,
        delivery=delivery,
    )
    [first] = pending(f"plan:{plan.id}:review:")
    assert first.due_at == datetime(2027, 1, 15, 9, 0, tzinfo=first.due_at.tzinfo)
    assert first.recipient_user_id == people.officer.id
    service.update_details(
        session,
        plan,
        details=details(reference, people.second_officer.id, review_date=date(2027, 2, 1)),
        actor=people.officer,
        now=now + timedelta(minutes=1),
        delivery=delivery,
        rules=rules,
    )
    [moved] = pending(f"plan:{plan.id}:review:")
    assert moved.recipient_user_id == people.second_officer.id
    assert moved.due_at.date() == date(2027, 2, 1)
