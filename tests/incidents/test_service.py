"""Launching incidents, starting clocks, working tasks, handing over roles, and their reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.extensions import db
from commsplan.incidents import records, service, task_reminders
from commsplan.incidents.models import (
    Incident,
    IncidentMode,
    IncidentTask,
    PlaybookRevision,
    TaskStatus,
    TimelineEvent,
)
from commsplan.notifications.jobs import current_settings, run_dispatch
from commsplan.notifications.models import InboxItem, Reminder, ReminderStatus
from commsplan.playbooks.loader import load_text
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from tests.factories import make_user
from tests.incidents.conftest import good_inputs

Launch = Callable[..., Incident]


def tasks(incident: Incident) -> dict[str, IncidentTask]:
    rows = db.session.scalars(select(IncidentTask).where(IncidentTask.incident_id == incident.id)
                              .order_by(IncidentTask.occurrence))
    return {f"{t.step_id}#{t.occurrence}" if t.occurrence > 1 else t.step_id: t for t in rows}


def pending(prefix: str) -> list[Reminder]:
    return list(db.session.scalars(select(Reminder).where(
        Reminder.idempotency_key.startswith(prefix), Reminder.status == ReminderStatus.PENDING)
        .order_by(Reminder.idempotency_key)))


def test_launch_lays_out_the_tasks_from_the_clocks(launch: Launch, now: datetime) -> None:
    incident = launch()
    notified = now - timedelta(minutes=30)
    found = tasks(incident)
    assert set(found) == {"holding", "schools", "monitor", "arrest-release", "assembly", "charge-check"}
    assert found["holding"].due_at == notified + timedelta(minutes=45)
    assert found["monitor"].due_at == notified + timedelta(minutes=15)
    assert [found[s].due_at for s in ("schools", "arrest-release", "assembly", "charge-check")] == [None] * 4
    assert found["schools"].anchor == "declared" and found["schools"].offset_minutes == 120
    assert incident.reference == "CI-2026-0001"
    assert incident.inputs["victim_age"] == 15 and incident.inputs["footage_online"] is True
    assert incident.inputs["called_at"] == "2026-11-20T09:40:00+00:00"
    assert incident.unit_id == incident.inputs["unit"]
    assert incident.anchor_times() == {"notified": notified}


def test_steps_whose_condition_fails_are_left_out(launch: Launch) -> None:
    found = tasks(launch(victim_age="19", weapon="none seen", footage_online="no"))
    assert "schools" not in found and "monitor" not in found
    assert "holding" in found


def test_an_incident_keeps_the_playbook_version_it_was_launched_from(
        launch: Launch, playbook: Playbook, session: Any, now: datetime, duty: User,
        unit: BusinessUnit) -> None:
    first = launch()
    changed_text = playbook.source_text.replace("version: 2", "version: 3").replace(
        "Publish the holding statement", "Publish the first statement")
    changed = load_text(changed_text, playbook.source_path, elements={"ROB"}, qualifiers={"WEAPON"}).playbook
    assert changed is not None
    second = service.launch(session, changed, service.LaunchRequest(
        "Second", "live", "2026-11-20 09:00", good_inputs(unit.id)), actor=duty, now=now,
        settings=current_settings())
    again = launch()
    assert (first.playbook_version, second.playbook_version) == (2, 3)
    assert records.playbook_of(first).steps[0].title == "Publish the holding statement"
    assert records.playbook_of(second).steps[0].title == "Publish the first statement"
    assert first.revision_id == again.revision_id != second.revision_id
    assert session.scalar(select(func.count()).select_from(PlaybookRevision)) == 2


def test_exercise_references_are_numbered_apart_and_stay_in_the_app(launch: Launch) -> None:
    exercise = launch(mode=IncidentMode.EXERCISE)
    live = launch()
    assert (exercise.reference, live.reference) == ("EX-2026-0001", "CI-2026-0001")
    assert all(r.in_app_only for r in pending(f"incident:{exercise.id}:"))
    assert not any(r.in_app_only for r in pending(f"incident:{live.id}:"))


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"general_location": ""}, "general_location", "Enter general location"),
    ({"general_location": "x" * 501}, "general_location", "500 characters at most"),
    ({"victim_age": "fifteen"}, "victim_age", "enter a number"),
    ({"victim_age": "3"}, "victim_age", "at least 5"),
    ({"victim_age": "40"}, "victim_age", "no more than 25"),
    ({"weapon": "sword"}, "weapon", "choose one of: knife, none seen"),
    ({"footage_online": "maybe"}, "footage_online", "choose yes or no"),
    ({"unit": "999999"}, "unit", "choose an active business unit"),
    ({"unit": "Lambeth"}, "unit", "choose an active business unit"),
    ({"called_at": "yesterday"}, "called_at", "enter a date and time"),
    ({"title": "  "}, "title", "Enter a short title"),
    ({"title": "t" * 201}, "title", "200 characters or fewer"),
])
def test_bad_launch_answers_are_named_and_nothing_is_written(
        launch: Launch, changes: dict[str, str], field: str, words: str, session: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        launch(**changes)
    assert any(words in message for message in raised.value.errors[field]), raised.value.errors
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_every_bad_answer_is_reported_at_once(launch: Launch) -> None:
    with pytest.raises(ValidationError) as raised:
        launch(title="", victim_age="old", weapon="", notified_at=datetime(2030, 1, 1, tzinfo=UTC))
    assert set(raised.value.errors) == {"title", "victim_age", "weapon", "notified_at"}


def test_only_duty_officers_launch(session: Any, now: datetime, playbook: Playbook,
                                   unit: BusinessUnit) -> None:
    officer = make_user(session, roles=(Role.COMMS_OFFICER, Role.APPROVER, Role.ADMIN), now=now)
    with pytest.raises(PermissionDenied):
        service.launch(session, playbook, service.LaunchRequest("T", "live", "2026-11-20 09:00",
                       good_inputs(unit.id)), actor=officer, now=now, settings=current_settings())


def test_recording_a_clock_times_the_tasks_waiting_for_it(launch: Launch, session: Any, now: datetime,
                                                          duty: User) -> None:
    incident = launch()
    arrest_time = now - timedelta(minutes=5)
    service.record_anchor(session, incident, "arrest", occurred_at=arrest_time, note="Youth detained",
                          actor=duty, now=now, settings=current_settings())
    session.commit()
    assert tasks(incident)["arrest-release"].due_at == arrest_time + timedelta(minutes=30)
    assert tasks(incident)["schools"].due_at is None
    assert incident.anchor_times()["arrest"] == arrest_time
    assert len(pending(f"incident:{incident.id}:task:{tasks(incident)['arrest-release'].id}:")) == 2
    events = [e.text for e in session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "anchor"))]
    assert events == ["First arrest at 09:55 on 20 November: Youth detained. 1 task(s) now timed."]


@pytest.mark.parametrize(("anchor", "when", "error", "words"), [
    ("arrest", timedelta(hours=1), ValidationError, "Record a time that has passed"),
    ("funeral", timedelta(), ValidationError, "Choose one of this playbook's clocks"),
    ("notified", timedelta(), Conflict, "already recorded"),
])
def test_bad_clocks_are_refused(launch: Launch, session: Any, now: datetime, duty: User, anchor: str,
                                when: timedelta, error: type[Exception], words: str) -> None:
    incident = launch()
    with pytest.raises(error, match=words):
        service.record_anchor(session, incident, anchor, occurred_at=now + when, note="", actor=duty,
                              now=now, settings=current_settings())


def test_done_stops_the_reminders_and_a_repeating_step_comes_back(launch: Launch, session: Any,
                                                                   now: datetime, duty: User) -> None:
    incident = launch()
    monitor = tasks(incident)["monitor"]
    assert pending(task_reminders.task_key(monitor))
    service.complete_task(session, incident, monitor, actor=duty, now=now, settings=current_settings())
    session.commit()
    assert monitor.status is TaskStatus.DONE and monitor.completed_by_id == duty.id
    assert pending(task_reminders.task_key(monitor)) == []
    again = tasks(incident)["monitor#2"]
    assert again.due_at == now + timedelta(hours=2) and again.status is TaskStatus.OPEN
    assert pending(task_reminders.task_key(again))
    with pytest.raises(Conflict, match="already done"):
        service.complete_task(session, incident, monitor, actor=duty, now=now, settings=current_settings())


def test_skipping_needs_a_reason_and_is_audited(launch: Launch, session: Any, now: datetime,
                                                duty: User) -> None:
    incident = launch()
    holding = tasks(incident)["holding"]
    with pytest.raises(ValidationError, match="Say why"):
        service.skip_task(session, incident, holding, reason=" ", actor=duty, now=now,
                          settings=current_settings())
    service.skip_task(session, incident, holding, reason="Press office issued it already", actor=duty,
                      now=now, settings=current_settings())
    session.commit()
    assert holding.status is TaskStatus.SKIPPED
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "incident_task")
                            .order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.changes["status"] == ["open", "skipped"]
    assert "Skipped (Press office issued it already): Publish the holding statement" in [
        e.text for e in session.scalars(select(TimelineEvent))]


def test_overdue_tasks_reach_the_duty_officer_and_a_new_holder_gets_one_summary(
        launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = launch()
    press = make_user(session, roles=(Role.COMMS_OFFICER,), name="Pat Press", now=now)
    service.assign_role(session, incident, "duty_press_officer", press, note="Call the SIO first", actor=duty,
                        now=now, settings=current_settings())
    session.commit()
    run_dispatch(now=lambda: now)
    items = list(session.scalars(select(InboxItem)))
    inbox = {(item.user_id, item.kind, item.title) for item in items}
    monitor = "CI-2026-0001: Check social media for the footage"
    assert (duty.id, "incident_task_overdue", monitor) in inbox
    [summary] = [item for item in items if item.user_id == press.id]
    assert summary.kind == "incident_role_given"
    assert summary.title == "CI-2026-0001: you are now Duty press officer"
    assert "Handover note: Call the SIO first" in summary.body
    assert "- Check social media for the footage (overdue since 09:45 on 20 November)" in summary.body
    holding = "CI-2026-0001: Publish the holding statement"  # due 10:15: "due soon" comes at 10:05
    assert not any(title == holding for _, _, title in inbox)
    run_dispatch(now=lambda: now + timedelta(minutes=5))
    titles = {(item.user_id, item.kind, item.title) for item in session.scalars(select(InboxItem))}
    assert (press.id, "incident_task_due", holding) in titles


def test_handover_ends_the_old_holder_and_moves_the_reminders(launch: Launch, session: Any, now: datetime,
                                                               duty: User) -> None:
    incident = launch()
    first = make_user(session, roles=(Role.COMMS_OFFICER,), name="First Press", now=now)
    second = make_user(session, roles=(Role.COMMS_OFFICER,), name="Second Press", now=now)
    settings = current_settings()
    service.assign_role(session, incident, "duty_press_officer", first, note="", actor=duty, now=now,
                        settings=settings)
    service.assign_role(session, incident, "duty_press_officer", second, note="Holding line agreed",
                        actor=duty, now=now + timedelta(minutes=5), settings=settings)
    session.commit()
    holders = records.role_holders(session, incident)
    assert holders["duty_press_officer"].user_id == second.id
    holding = tasks(incident)["holding"]  # due 10:15; handed over at 10:05, when "due soon" is due
    waiting = {(r.kind, r.recipient_user_id) for r in pending(task_reminders.task_key(holding))}
    assert waiting == {("incident_task_overdue", second.id), ("incident_task_overdue", duty.id)}
    summaries = pending(f"incident:{incident.id}:role:duty_press_officer:")
    assert [r.recipient_user_id for r in summaries] == [first.id, second.id]  # each told once, in one summary
    assert ("Duty press officer: Second Press from First Press. Handover: Holding line agreed"
            in [e.text for e in session.scalars(select(TimelineEvent))])
    with pytest.raises(ValidationError, match="already holds"):
        service.assign_role(session, incident, "duty_press_officer", second, note="", actor=duty, now=now,
                            settings=settings)
    with pytest.raises(ValidationError):
        service.assign_role(session, incident, "chief_constable", second, note="", actor=duty, now=now,
                            settings=settings)


def test_launch_audits_and_starts_the_timeline(launch: Launch, session: Any) -> None:
    incident = launch()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.object_type == "incident"))
    assert entry is not None and entry.action == "create"
    texts = [e.text for e in session.scalars(select(TimelineEvent))]
    assert texts == ["Launched from “Test response to a robbery near a school” version 2 (live)."]
    assert records.role_holders(session, incident)["duty_officer"].user.name == "Dana Duty"


def test_exercise_reminders_never_leave_the_app(launch: Launch, session: Any, now: datetime) -> None:
    from commsplan.notifications.models import Delivery, DeliveryChannel, WebhookTarget

    session.add(WebhookTarget(name="Duty pager", url="https://pager.example.test/hook", secret="s" * 32,
                              urgent_only=False, is_active=True, created_at=now, updated_at=now))
    exercise, live = launch(mode=IncidentMode.EXERCISE), launch()
    run_dispatch(now=lambda: now, send=lambda *args, **kwargs: None)
    channels = {(d.reminder.subject_id, d.channel) for d in session.scalars(select(Delivery))}
    assert (str(exercise.id), DeliveryChannel.IN_APP) in channels
    assert not any(subject == str(exercise.id) and channel is not DeliveryChannel.IN_APP
                   for subject, channel in channels)
    assert (str(live.id), DeliveryChannel.EMAIL) in channels
    assert (str(live.id), DeliveryChannel.WEBHOOK) in channels


def test_a_snoozed_incident_reminder_goes_on_the_timeline(launch: Launch, session: Any, now: datetime,
                                                          duty: User) -> None:
    from commsplan.notifications import inbox

    incident = launch()
    run_dispatch(now=lambda: now)
    item = session.scalars(select(InboxItem).where(InboxItem.user_id == duty.id)).first()
    assert item is not None
    inbox.snooze(session, item=item, until=now + timedelta(minutes=30), actor=duty, now=now)
    texts = [e.text for e in session.scalars(select(TimelineEvent).where(
        TimelineEvent.incident_id == incident.id, TimelineEvent.kind == "snooze"))]
    assert texts == [f"Dana Duty snoozed “{item.title}” until 10:30 on 20 November."]


def test_status_updates_fall_due_on_the_playbooks_cadence(launch: Any, session: Any, now: datetime,
                                                          duty: User) -> None:
    """Every two hours (the fixture's cadence) from launch, then two hours from each update posted."""
    incident = launch()

    def pending_updates() -> list[Reminder]:
        return list(session.scalars(select(Reminder).where(Reminder.kind == "status_update_due",
                                                           Reminder.subject_id == str(incident.id),
                                                           Reminder.status == ReminderStatus.PENDING)))

    [first] = pending_updates()
    assert first.due_at == now + timedelta(hours=2) and first.urgency.value == "urgent"
    later = now + timedelta(minutes=50)
    service.post_status_update(session, incident, "Cordon lifted; appeal continues", actor=duty, now=later,
                               settings=current_settings())
    [second] = pending_updates()
    assert second.due_at == later + timedelta(hours=2)
    assert session.get(Reminder, first.id).status is ReminderStatus.CANCELLED
    assert [e.text for e in service.timeline(session, incident) if e.kind == "status_update"] == [
        "Cordon lifted; appeal continues"]


def test_status_update_reminders_carry_the_decision_logs_head(launch: Any, session: Any, now: datetime,
                                                              duty: User) -> None:
    """Each reminder that goes out is a copy of the log's head held outside the database."""
    from commsplan.incidents import decision_chain, decisions

    incident = launch()

    def pending_body() -> str:
        [reminder] = session.scalars(select(Reminder).where(
            Reminder.kind == "status_update_due", Reminder.subject_id == str(incident.id),
            Reminder.status == ReminderStatus.PENDING))
        return reminder.body

    assert pending_body().endswith("Decision log: no entries yet.")
    decisions.add_decision(session, incident, decisions.DecisionInput("duty_officer", "Open a Gold group"),
                           actor=duty, now=now)
    head = decision_chain.chain_head(session, incident)
    assert head is not None and head.count == 1
    assert decision_chain.format_chain_head(head) in pending_body()
    assert "verify-log --checkpoint CI-2026-0001:1:" in pending_body()
