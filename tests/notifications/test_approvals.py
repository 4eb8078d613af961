"""Asking for approval and resolving: who is asked, and how a decision clears every inbox at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth import service as accounts
from commsplan.auth.models import Role, User
from commsplan.incidents import closing, task_reminders
from commsplan.incidents import service as incidents
from commsplan.incidents.models import Incident, IncidentMode
from commsplan.notifications import approvals, inbox, service
from commsplan.notifications.expand import expand_due
from commsplan.notifications.models import (
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    InboxItem,
    Reminder,
    ReminderStatus,
)
from commsplan.notifications.service import Recipient, Subject
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import to_london
from tests.conftest import count_queries
from tests.factories import make_unit, make_user
from tests.incidents.conftest import fixture_playbook, good_inputs

SETTINGS = DeliverySettings()
PREFIX = "message:1:approval:1:20261120T100000:"
SUBJECT = Subject(type="message_map", id="1", title="Approve message: Safer routes home", link="/messages/1")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """The inbox and the header read the clock: pin it to the tests' Friday 10:00 UTC."""
    monkeypatch.setattr("commsplan.notifications.views.utcnow", lambda: now)
    monkeypatch.setattr("commsplan.home.utcnow", lambda: now)


def approver(session: Session, now: datetime, name: str, *roles: Role) -> User:
    return make_user(session, roles=roles or (Role.APPROVER,), name=name, now=now)


def ask(session: Session, now: datetime, *, prefix: str = PREFIX, approvers: list[User] | None = None,
        exclude: set[int] | frozenset[int] = frozenset(), actor: User | None = None) -> list[Reminder]:
    return approvals.ask_for_approval(
        session, key_prefix=prefix, approvers=approvers, exclude=exclude, subject=SUBJECT,
        body="Version 1, submitted by Ada Author.", now=now, settings=SETTINGS, actor=actor)


def deliver(session: Session, now: datetime) -> None:
    expand_due(session, now=now, worker="test", settings=SETTINGS)
    session.commit()


def items(session: Session) -> list[InboxItem]:
    session.expire_all()
    return list(session.scalars(select(InboxItem).order_by(InboxItem.user_id)))


def count(session: Session, model: type, *criteria: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


# --- asking ------------------------------------------------------------------------------------


def test_every_active_approver_is_asked_by_name_but_never_an_author(session: Session, now: datetime) -> None:
    helen = approver(session, now, "Helen Marsh")
    author = approver(session, now, "Bo Both", Role.COMMS_OFFICER, Role.APPROVER)
    gone = approver(session, now, "Gone Away")
    accounts.set_active(session, gone, active=False, actor=helen, now=now)
    make_user(session, roles=(Role.COMMS_OFFICER,), name="Not An Approver", now=now)

    asked = ask(session, now, exclude={author.id}, actor=author)

    assert [(r.idempotency_key, r.recipient_user_id, r.recipient_role) for r in asked] == [
        (f"{PREFIX}{helen.id}", helen.id, None)]
    [reminder] = asked
    assert reminder.kind == "approval_waiting" and reminder.due_at == now
    assert reminder.status is ReminderStatus.PENDING
    assert reminder.subject_title == SUBJECT.title and reminder.body.startswith("Version 1")


def test_named_approvers_are_asked_instead_of_the_role(session: Session, now: datetime) -> None:
    approver(session, now, "Helen Marsh")
    sio = make_user(session, roles=(Role.DUTY_OFFICER,), name="Sam Senior", now=now)
    drafter = make_user(session, roles=(Role.DUTY_OFFICER,), name="Dana Duty", now=now)
    resting = make_user(session, roles=(Role.DUTY_OFFICER,), name="Rita Resting", now=now)
    accounts.set_active(session, resting, active=False, actor=sio, now=now)

    asked = ask(session, now, approvers=[sio, drafter, resting, sio], exclude={drafter.id})

    assert [r.recipient_user_id for r in asked] == [sio.id]


def test_nobody_left_to_ask_schedules_nothing(session: Session, now: datetime) -> None:
    author = approver(session, now, "Bo Both")
    assert ask(session, now, exclude={author.id}) == []
    assert count(session, Reminder) == 0


def test_asking_again_under_the_same_prefix_adds_nothing(session: Session, now: datetime) -> None:
    approver(session, now, "Helen Marsh")
    first = ask(session, now)
    again = ask(session, now)
    assert [r.id for r in again] == [r.id for r in first]
    assert count(session, Reminder) == 1


def test_asking_takes_the_same_queries_for_two_approvers_or_twenty(session: Session, now: datetime) -> None:
    def queries(prefix: str) -> int:
        session.commit()
        with count_queries() as counter:
            ask(session, now, prefix=prefix)
        return counter.count

    for number in range(2):
        approver(session, now, f"Approver {number}")
    few = queries("plan:1:approval:1:a:")
    for number in range(18):
        approver(session, now, f"More {number}")
    assert queries("plan:2:approval:1:a:") == few
    assert count(session, Reminder) == 22


# --- resolving ---------------------------------------------------------------------------------


def test_resolve_clears_every_inbox_and_stops_what_has_not_gone(session: Session, now: datetime) -> None:
    helen, omar, priya = (approver(session, now, name) for name in ("Helen Marsh", "Omar Ali", "Priya Shah"))
    ask(session, now, exclude={priya.id})
    deliver(session, now)  # Helen and Omar have it in their inboxes; emails are waiting to go
    later = service.schedule(session, key=f"{PREFIX}chase", kind="general",
                             recipient=Recipient.person(priya), subject=SUBJECT,
                             due_at=now + timedelta(days=1), now=now, settings=SETTINGS)
    other = ask(session, now, prefix="message:11:approval:1:20261120T100000:")  # a map whose id starts alike
    deliver(session, now)
    assert count(session, Delivery, Delivery.channel == DeliveryChannel.EMAIL,
                 Delivery.status == DeliveryStatus.PENDING) == 5

    decided = now + timedelta(minutes=20)
    resolved = approvals.resolve(session, key_prefix="message:1:approval:",
                                 resolution=approvals.decided_by("Approved", helen, decided),
                                 now=decided, actor=helen)
    session.commit()

    assert resolved == 2
    mine = [item for item in items(session) if item.title == SUBJECT.title]
    ours = [item for item in mine if item.reminder_id not in {r.id for r in other}]
    assert [(item.user_id, item.resolution) for item in ours] == [
        (helen.id, "Approved by Helen Marsh at 10:20"), (omar.id, "Approved by Helen Marsh at 10:20")]
    assert all(item.resolved_at == decided and item.read_at == decided for item in ours)
    assert all(item.resolved_at is None and item.read_at is None for item in mine if item not in ours)
    assert session.get(Reminder, later.id).status is ReminderStatus.CANCELLED
    assert all(session.get(Reminder, r.id).status is ReminderStatus.DISPATCHED for r in other)
    assert count(session, Delivery, Delivery.channel == DeliveryChannel.EMAIL,
                 Delivery.status == DeliveryStatus.CANCELLED) == 2
    assert count(session, Delivery, Delivery.channel == DeliveryChannel.EMAIL,
                 Delivery.status == DeliveryStatus.PENDING) == 3  # the other map's
    assert count(session, AuditEntry, AuditEntry.action == "resolve") == 2
    assert count(session, AuditEntry, AuditEntry.action == "cancel",
                 AuditEntry.object_id == str(later.id)) == 1
    for person in (helen, omar):
        assert inbox.unread_count(session, user_id=person.id, now=now) == 1  # the other map's request


def test_a_second_resolution_keeps_the_first(session: Session, now: datetime) -> None:
    helen = approver(session, now, "Helen Marsh")
    ask(session, now)
    deliver(session, now)
    assert approvals.resolve(session, key_prefix=PREFIX, resolution="Approved by Helen Marsh at 10:00",
                             now=now, actor=helen) == 1
    assert approvals.resolve(session, key_prefix=PREFIX, resolution="Retired by Helen Marsh at 10:05",
                             now=now + timedelta(minutes=5), actor=helen) == 0
    [item] = items(session)
    assert item.resolution == "Approved by Helen Marsh at 10:00"


def test_resolve_refuses_an_empty_prefix(session: Session, now: datetime) -> None:
    with pytest.raises(ValueError):
        approvals.resolve(session, key_prefix="", resolution="Approved", now=now, actor=None)


def test_resolve_uses_the_same_statements_for_two_inboxes_or_thirty(session: Session, now: datetime) -> None:
    def statements(prefix: str, new_approvers: int) -> tuple[int, int]:
        for number in range(new_approvers):
            approver(session, now, f"{prefix} approver {number}")
        ask(session, now, prefix=prefix)
        deliver(session, now)
        with count_queries() as counter:
            resolved = approvals.resolve(session, key_prefix=prefix, resolution="Approved", now=now,
                                         actor=None)
        return counter.count, resolved

    few, two = statements("plan:1:approval:", 2)
    many, thirty = statements("plan:2:approval:", 28)
    assert (two, thirty) == (2, 30)
    assert few == many <= 4


# --- the inbox and the header ------------------------------------------------------------------


def test_a_resolved_item_is_grey_in_the_inbox_and_not_counted_unread(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime) -> None:
    user = signed_in(Role.APPROVER)
    helen = approver(session, now, "Helen Marsh")
    ask(session, now)
    deliver(session, now)
    approvals.resolve(session, key_prefix=PREFIX, resolution=approvals.decided_by("Approved", helen, now),
                      now=now, actor=helen)
    session.commit()

    unread = client.get("/inbox").text
    everything = client.get("/inbox?show=all").text

    assert SUBJECT.title not in unread and "0 notifications unread" in unread
    assert "app-nav-count" not in unread
    assert "govuk-tag--grey" in everything
    assert "Dealt with: approved by Helen Marsh at 10:00" in everything
    assert "Unread: " not in everything and "Mark as read" not in everything
    assert inbox.unread_count(session, user_id=user.id, now=now) == 0


# --- incidents: work done leaves the inbox ----------------------------------------------------


def launch(session: Session, now: datetime, duty: User, *, minutes_ago: int = 30) -> Incident:
    """The test playbook, police notified `minutes_ago` before `now`: "Check social media" is due
    15 minutes after that and "Publish the holding statement" 45 minutes after."""
    unit = make_unit(session, now=now)
    notified = to_london(now - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%d %H:%M")
    request = incidents.LaunchRequest(title="Robbery of a pupil, Acre Lane", mode=IncidentMode.LIVE.value,
                                      notified_at=notified, inputs=good_inputs(unit.id))
    return incidents.launch(session, fixture_playbook(), request, actor=duty, now=now, settings=SETTINGS)


def incident_items(session: Session, incident: Incident) -> dict[str, InboxItem]:
    """The incident's inbox items by title (without the incident's reference)."""
    return {item.title.removeprefix(f"{incident.reference}: "): item for item in items(session)
            if item.link.startswith(f"/incidents/{incident.id}")}


def test_a_task_done_or_skipped_leaves_every_inbox(session: Session, now: datetime) -> None:
    duty = make_user(session, roles=(Role.DUTY_OFFICER,), name="Dana Duty", now=now)
    incident = launch(session, now, duty)
    later = now + timedelta(minutes=6)  # 10:06: "check" is overdue, "holding" due soon
    deliver(session, later)
    tasks = {task.title: task for task in incidents.tasks_of(session, incident)}
    check, holding = tasks["Check social media for the footage"], tasks["Publish the holding statement"]
    before = incident_items(session, incident)
    assert {"Check social media for the footage", "Publish the holding statement"} <= set(before)

    incidents.complete_task(session, incident, check, actor=duty, now=later, settings=SETTINGS)
    incidents.skip_task(session, incident, holding, reason="Footage taken down", actor=duty, now=later,
                        settings=SETTINGS)
    session.commit()

    after = incident_items(session, incident)
    assert after["Check social media for the footage"].resolution == "Done by Dana Duty at 10:06"
    assert after["Publish the holding statement"].resolution == "Skipped by Dana Duty at 10:06"
    assert all(item.read_at == later for title, item in after.items() if item.resolved_at)
    assert session.scalars(select(Reminder.status).where(
        Reminder.idempotency_key.startswith(task_reminders.task_key(holding)),
        Reminder.kind == "incident_task_overdue")).all() == [ReminderStatus.CANCELLED]


def test_standing_an_incident_down_clears_all_its_items(session: Session, now: datetime) -> None:
    duty = make_user(session, roles=(Role.DUTY_OFFICER,), name="Dana Duty", now=now)
    incident = launch(session, now, duty, minutes_ago=60)
    other = launch(session, now, duty, minutes_ago=60)
    deliver(session, now + timedelta(hours=3))  # overdue tasks and the status update, for both
    assert len(incident_items(session, incident)) >= 3

    closing.stand_down(session, incident, "Suspect charged; the family asked for privacy", actor=duty,
                       now=now + timedelta(hours=6, minutes=5))
    session.commit()

    assert {item.resolution for item in incident_items(session, incident).values()} == {
        "The incident was stood down at 16:05"}
    assert {item.resolved_at for item in incident_items(session, other).values()} == {None}
    assert inbox.unread_count(session, user_id=duty.id, now=now) == len(incident_items(session, other))
