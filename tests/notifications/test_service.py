"""Reminder rules: scheduling, expansion into inbox items and deliveries, digests, retries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth import service as accounts
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.notifications import inbox, jobs, service, webhooks
from commsplan.notifications.deliveries import DispatchReport
from commsplan.notifications.expand import expand_due
from commsplan.notifications.kinds import DIGEST, KINDS, ChannelChoice, Urgency
from commsplan.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    InboxItem,
    Reminder,
    ReminderStatus,
    WebhookTarget,
)
from commsplan.notifications.notifiers import Message, NotifierError, Outgoing
from commsplan.notifications.service import Recipient, Subject
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference import membership
from commsplan.reference import service as reference
from commsplan.reference.kinds import UNITS
from commsplan.reference.models import BusinessUnit
from tests.factories import make_unit, make_user

SETTINGS = DeliverySettings()
WORKER = "test-worker"


class FakeSender:
    """Stands in for SMTP and webhook posts: records what it was asked to send, or fails."""

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.sent: list[Outgoing] = []

    def __call__(self, message: Message, settings: DeliverySettings) -> None:
        self.sent.extend(message.items)
        if self.fail:
            raise NotifierError("Connection refused by the mail server")

    def channel(self, name: str) -> list[Outgoing]:
        return [item for item in self.sent if item.channel == name]


def run_at(moment: datetime, send: FakeSender | None = None,
           settings: DeliverySettings = SETTINGS) -> DispatchReport:
    return jobs.run_dispatch(now=lambda: moment, worker=WORKER, settings=settings,
                             send=send or FakeSender())


def about(title: str = "Review the Hackney plan", link: str = "/plans/7") -> Subject:
    return Subject(type="plan", id="7", title=title, link=link)


def remind(session: Session, *, recipient: Recipient, due_at: datetime, now: datetime,
           key: str = "plan:7:review", kind: str = "general", title: str = "Review the Hackney plan",
           **extra: Any) -> Reminder:
    return service.schedule(session, key=key, kind=kind, recipient=recipient, subject=about(title),
                            due_at=due_at, now=now, settings=SETTINGS, **extra)


def count(session: Session, model: Any, *criteria: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


def audit_actions(session: Session, object_type: str) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == object_type)
                                .order_by(AuditEntry.id)))


def inbox_of(session: Session, user: User) -> list[InboxItem]:
    session.expire_all()
    return list(session.scalars(select(InboxItem).where(InboxItem.user_id == user.id)
                                .order_by(InboxItem.id)))


def deliveries(session: Session, *criteria: Any) -> list[Delivery]:
    session.expire_all()
    return list(session.scalars(select(Delivery).where(*criteria).order_by(Delivery.id)).unique())


@pytest.fixture
def admin(session: Session, now: datetime) -> User:
    return make_user(session, roles=(Role.ADMIN,), name="Ada Admin", now=now)


@pytest.fixture
def person(session: Session, now: datetime) -> User:
    return make_user(session, roles=(Role.COMMS_OFFICER,), name="Pat Officer", now=now)


@pytest.fixture
def unit(session: Session, now: datetime) -> BusinessUnit:
    return make_unit(session, now=now, name="Hackney")


@pytest.fixture
def soon(now: datetime) -> datetime:
    """An hour from the fixed clock: Friday 11:00, inside working hours."""
    return now + timedelta(hours=1)


def choose(session: Session, user: User, kind: str, choice: ChannelChoice, *, digest: bool = False,
           now: datetime) -> None:
    inbox.set_preferences(session, user=user, choices={kind: choice}, digest=digest, now=now)


# --- schedule ----------------------------------------------------------------------------


def test_schedule_writes_a_pending_reminder_with_an_audit_entry(
        session: Session, person: User, admin: User, now: datetime, soon: datetime) -> None:
    reminder = remind(session, recipient=Recipient.person(person), due_at=soon, now=now, actor=admin,
                      body="Bring the figures")

    assert reminder.status is ReminderStatus.PENDING
    assert reminder.recipient_user_id == person.id and reminder.recipient_role is None
    assert reminder.due_at == soon and reminder.deliver_at == soon
    assert reminder.urgency is Urgency.NORMAL
    assert reminder.round == 1 and reminder.created_by_id == admin.id
    assert reminder.body == "Bring the figures"
    assert audit_actions(session, "reminder") == ["create"]


def test_scheduling_the_same_key_twice_gives_one_row(
        session: Session, person: User, now: datetime, soon: datetime) -> None:
    first = remind(session, recipient=Recipient.person(person), due_at=soon, now=now)
    second = remind(session, recipient=Recipient.person(person), due_at=soon, now=now)

    assert second.id == first.id
    assert count(session, Reminder) == 1
    assert audit_actions(session, "reminder") == ["create"]


def test_scheduling_a_pending_key_again_with_a_new_time_moves_it(
        session: Session, person: User, now: datetime, soon: datetime) -> None:
    first = remind(session, recipient=Recipient.person(person), due_at=soon, now=now)
    later = soon + timedelta(hours=2)

    second = remind(session, recipient=Recipient.person(person), due_at=later, now=now)

    assert second.id == first.id and count(session, Reminder) == 1
    assert second.due_at == later and second.deliver_at == later


def test_scheduling_a_dispatched_key_again_sends_nothing_new(
        session: Session, person: User, now: datetime, soon: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)
    run_at(now)

    again = remind(session, recipient=Recipient.person(person), due_at=soon, now=now)
    run_at(soon + timedelta(hours=1))

    assert again.status is ReminderStatus.DISPATCHED
    assert count(session, Reminder) == 1
    assert len(inbox_of(session, person)) == 1


BAD_SCHEDULES: list[tuple[str, dict[str, Any], str]] = [
    ("unknown kind", {"kind": "birthday"}, "kind"),
    ("blank key", {"key": ""}, "key"),
    ("key too long", {"key": "k" * 201}, "key"),
    ("neither person nor role", {"recipient": Recipient()}, "recipient"),
    ("both person and role", {"recipient": "both"}, "recipient"),
    ("unit without a role", {"recipient": "unit only"}, "recipient"),
    ("unknown person", {"recipient": Recipient(user_id=999_999)}, "recipient"),
    ("deactivated person", {"recipient": "deactivated"}, "recipient"),
    ("unknown unit", {"recipient": Recipient(role=Role.APPROVER, unit_id=999_999)}, "unit"),
    ("retired unit", {"recipient": "retired unit"}, "unit"),
    ("blank title", {"subject": about(title="   ")}, "title"),
    ("title too long", {"subject": about(title="x" * 201)}, "title"),
    ("link to another site", {"subject": about(link="https://evil.example")}, "link"),
    ("protocol-relative link", {"subject": about(link="//evil.example")}, "link"),
    ("script link", {"subject": about(link="javascript:alert(1)")}, "link"),
    ("backslash link", {"subject": about(link="/\\evil.example")}, "link"),
    ("link with a tab", {"subject": about(link="/\t/evil.example")}, "link"),
    ("relative link", {"subject": about(link="plans/7")}, "link"),
    ("empty link", {"subject": about(link="")}, "link"),
    ("link too long", {"subject": about(link="/" + "a" * 500)}, "link"),
]


@pytest.mark.parametrize(("change", "field"), [case[1:] for case in BAD_SCHEDULES],
                         ids=[case[0] for case in BAD_SCHEDULES])
def test_schedule_rejects_bad_input(session: Session, person: User, admin: User, unit: BusinessUnit,
                                    now: datetime, soon: datetime, change: dict[str, Any],
                                    field: str) -> None:
    special: dict[str, Callable[[], Recipient]] = {
        "both": lambda: Recipient(user_id=person.id, role=Role.COMMS_OFFICER),
        "unit only": lambda: Recipient(unit_id=unit.id),
        "deactivated": lambda: deactivated(session, person, admin, now),
        "retired unit": lambda: retired(session, unit, admin, now),
    }
    values: dict[str, Any] = {"key": "plan:7:review", "kind": "general",
                              "recipient": Recipient.person(person), "subject": about(),
                              **change}
    if isinstance(values["recipient"], str):
        values["recipient"] = special[values["recipient"]]()
    before = count(session, AuditEntry)

    with pytest.raises(ValidationError) as raised:
        service.schedule(session, due_at=soon, now=now, settings=SETTINGS, **values)

    assert field in raised.value.errors
    assert raised.value.message
    assert count(session, Reminder) == 0
    assert count(session, AuditEntry) == before


def deactivated(session: Session, user: User, admin: User, now: datetime) -> Recipient:
    accounts.set_active(session, user, active=False, actor=admin, now=now)
    return Recipient.person(user)


def retired(session: Session, unit: BusinessUnit, admin: User, now: datetime) -> Recipient:
    reference.retire_item(session, UNITS, unit, actor=admin, now=now)
    return Recipient.role_in(Role.COMMS_OFFICER, unit.id)


def test_a_title_of_exactly_200_characters_and_a_query_string_link_are_fine(
        session: Session, person: User, now: datetime, soon: datetime) -> None:
    reminder = service.schedule(
        session, key="k", kind="general", recipient=Recipient.person(person),
        subject=about(title="x" * 200, link="/plans/7?tab=activities#a3"), due_at=soon, now=now,
        settings=SETTINGS)

    assert len(reminder.subject_title) == 200
    assert reminder.subject_link == "/plans/7?tab=activities#a3"


@pytest.mark.parametrize(("kind", "urgency", "due", "expected"), [
    # Saturday 03:00 → Monday 08:00 for normal reminders; urgent ones keep their time.
    ("general", None, datetime.fromisoformat("2026-11-21T03:00+00:00"),
     datetime.fromisoformat("2026-11-23T08:00+00:00")),
    ("milestone_due", None, datetime.fromisoformat("2026-11-20T19:00+00:00"),
     datetime.fromisoformat("2026-11-23T08:00+00:00")),
    ("general", None, datetime.fromisoformat("2026-11-20T11:00+00:00"),
     datetime.fromisoformat("2026-11-20T11:00+00:00")),
    ("incident_task_due", None, datetime.fromisoformat("2026-11-21T03:00+00:00"),
     datetime.fromisoformat("2026-11-21T03:00+00:00")),
    ("general", Urgency.URGENT, datetime.fromisoformat("2026-12-25T06:00+00:00"),
     datetime.fromisoformat("2026-12-25T06:00+00:00")),
    ("general", None, datetime.fromisoformat("2026-12-25T06:00+00:00"),
     datetime.fromisoformat("2026-12-29T08:00+00:00")),
])
def test_deliver_at_respects_working_hours_only_for_normal_reminders(
        session: Session, person: User, now: datetime, kind: str, urgency: Urgency | None,
        due: datetime, expected: datetime) -> None:
    reminder = remind(session, recipient=Recipient.person(person), due_at=due, now=now, kind=kind,
                      urgency=urgency)

    assert reminder.due_at == due
    assert reminder.deliver_at == expected
    assert reminder.urgency is (urgency or KINDS[kind].urgency)


def test_a_normal_reminder_due_at_the_weekend_is_not_dispatched_until_monday_morning(
        session: Session, person: User, now: datetime) -> None:
    saturday = datetime.fromisoformat("2026-11-21T10:00+00:00")
    remind(session, recipient=Recipient.person(person), due_at=saturday, now=now)

    assert run_at(saturday).reminders == 0
    assert run_at(datetime.fromisoformat("2026-11-23T07:59+00:00")).reminders == 0
    assert inbox_of(session, person) == []
    assert run_at(datetime.fromisoformat("2026-11-23T08:00+00:00")).reminders == 1
    assert len(inbox_of(session, person)) == 1


# --- reschedule and cancel ---------------------------------------------------------------


def test_reschedule_moves_a_pending_reminder(session: Session, person: User, admin: User,
                                             now: datetime, soon: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=soon, now=now)
    sunday = datetime.fromisoformat("2026-11-22T12:00+00:00")

    moved = service.reschedule(session, key="plan:7:review", due_at=sunday, now=now,
                               settings=SETTINGS, actor=admin)

    assert moved.status is ReminderStatus.PENDING and moved.round == 1
    assert moved.due_at == sunday
    assert moved.deliver_at == datetime.fromisoformat("2026-11-23T08:00+00:00")
    assert audit_actions(session, "reminder") == ["create", "reschedule"]


def test_rescheduling_a_dispatched_reminder_sends_it_again_as_a_new_round(
        session: Session, person: User, now: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)
    run_at(now + timedelta(minutes=5))  # late, so we can see the flag reset
    later = now + timedelta(hours=3)

    moved = service.reschedule(session, key="plan:7:review", due_at=later, now=now + timedelta(hours=1),
                               settings=SETTINGS)
    session.commit()

    assert moved.status is ReminderStatus.PENDING
    assert moved.round == 2 and moved.dispatched_at is None and moved.late is False
    assert run_at(later - timedelta(seconds=1)).reminders == 0
    assert run_at(later).reminders == 1
    items = inbox_of(session, person)
    assert [item.round for item in items] == [1, 2]
    assert items[1].due_at == later and items[1].late is False


def test_rescheduling_a_cancelled_reminder_is_a_conflict(session: Session, person: User, now: datetime,
                                                         soon: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=soon, now=now)
    assert service.cancel(session, key="plan:7:review", now=now) is True

    with pytest.raises(Conflict):
        service.reschedule(session, key="plan:7:review", due_at=soon, now=now, settings=SETTINGS)


def test_rescheduling_an_unknown_key_is_not_found(session: Session, now: datetime) -> None:
    with pytest.raises(NotFound):
        service.reschedule(session, key="nothing", due_at=now, now=now, settings=SETTINGS)


def test_cancel_stops_a_pending_reminder(session: Session, person: User, admin: User, now: datetime,
                                         soon: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=soon, now=now)

    assert service.cancel(session, key="plan:7:review", now=now, actor=admin) is True
    assert service.cancel(session, key="plan:7:review", now=now, actor=admin) is False
    assert service.cancel(session, key="no such key", now=now) is False
    session.commit()

    assert run_at(soon + timedelta(hours=1)).reminders == 0
    assert inbox_of(session, person) == []
    assert service.get(session, "plan:7:review").status is ReminderStatus.CANCELLED
    assert audit_actions(session, "reminder") == ["create", "cancel"]


def test_cancel_cancels_deliveries_not_yet_sent(session: Session, person: User, now: datetime) -> None:
    choose(session, person, "general", ChannelChoice.BOTH, now=now)
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)
    expand_due(session, now=now, worker=WORKER, settings=SETTINGS)  # expanded, email not sent
    session.commit()

    assert service.cancel(session, key="plan:7:review", now=now) is True
    session.commit()
    sender = FakeSender()
    run_at(now + timedelta(minutes=1), sender)

    assert sender.sent == []
    assert [d.status for d in deliveries(session, Delivery.channel == DeliveryChannel.EMAIL)] == [
        DeliveryStatus.CANCELLED]
    assert [d.status for d in deliveries(session, Delivery.channel == DeliveryChannel.IN_APP)] == [
        DeliveryStatus.SENT]


# --- the inbox ---------------------------------------------------------------------------


def deliver(session: Session, user: User, now: datetime, *titles: str) -> list[InboxItem]:
    for number, title in enumerate(titles):
        remind(session, recipient=Recipient.person(user), due_at=now, now=now, title=title,
               key=f"note:{user.id}:{title}:{number}")
    run_at(now)
    return [item for item in inbox_of(session, user) if item.title in titles]


def visible(session: Session, user: User, at: datetime) -> list[str]:
    return [item.title for item in session.scalars(inbox.visible_items(user.id, at))]


def test_snooze_hides_an_item_until_the_time_then_it_comes_back_unread(
        session: Session, person: User, now: datetime) -> None:
    item, other = deliver(session, person, now, "Snoozed", "Stays")
    inbox.mark_read(session, item=item, actor=person, now=now)
    until = now + timedelta(hours=2)

    inbox.snooze(session, item=item, until=until, actor=person, now=now)
    session.commit()

    assert visible(session, person, now) == ["Stays"]
    assert inbox.unread_count(session, user_id=person.id, now=now) == 1
    assert visible(session, person, until - timedelta(seconds=1)) == ["Stays"]
    assert sorted(visible(session, person, until)) == ["Snoozed", "Stays"]
    assert inbox.unread_count(session, user_id=person.id, now=until) == 2
    assert item.read_at is None and item.snoozed_until == until
    assert audit_actions(session, "inbox_item") == ["mark_read", "snooze"]


@pytest.mark.parametrize(("offset", "message"), [
    (timedelta(minutes=-1), "Choose a time in the future"),
    (timedelta(0), "Choose a time in the future"),
    (timedelta(days=30, seconds=1), "Snooze for 30 days at most"),
    (timedelta(days=400), "Snooze for 30 days at most"),
])
def test_snooze_rejects_the_past_and_more_than_30_days(
        session: Session, person: User, now: datetime, offset: timedelta, message: str) -> None:
    (item,) = deliver(session, person, now, "Keep me")

    with pytest.raises(ValidationError) as raised:
        inbox.snooze(session, item=item, until=now + offset, actor=person, now=now)

    assert "until" in raised.value.errors
    assert raised.value.errors["until"] == [message]
    assert item.snoozed_until is None
    assert audit_actions(session, "inbox_item") == []


def test_snooze_for_exactly_30_days_is_allowed(session: Session, person: User, now: datetime) -> None:
    (item,) = deliver(session, person, now, "Later")

    inbox.snooze(session, item=item, until=now + timedelta(days=30), actor=person, now=now)

    assert item.snoozed_until == now + timedelta(days=30)


def test_someone_elses_item_is_not_found(session: Session, person: User, admin: User,
                                         now: datetime) -> None:
    (item,) = deliver(session, person, now, "Mine")

    with pytest.raises(NotFound):
        inbox.inbox_item(session, item.id, user=admin)
    with pytest.raises(NotFound):
        inbox.inbox_item(session, 999_999, user=person)
    assert inbox.inbox_item(session, item.id, user=person).id == item.id


def test_mark_read_records_once(session: Session, person: User, now: datetime) -> None:
    (item,) = deliver(session, person, now, "Read me")
    later = now + timedelta(minutes=5)

    inbox.mark_read(session, item=item, actor=person, now=later)
    inbox.mark_read(session, item=item, actor=person, now=later + timedelta(minutes=1))

    assert item.read_at == later
    assert audit_actions(session, "inbox_item") == ["mark_read"]
    assert inbox.unread_count(session, user_id=person.id, now=later) == 0


def test_mark_all_read_marks_visible_unread_items_only(session: Session, person: User, admin: User,
                                                       now: datetime) -> None:
    first, second, read, snoozed = deliver(session, person, now, "One", "Two", "Read", "Snoozed")
    deliver(session, admin, now, "Someone else's")
    inbox.mark_read(session, item=read, actor=person, now=now)
    inbox.snooze(session, item=snoozed, until=now + timedelta(hours=1), actor=person, now=now)

    marked = inbox.mark_all_read(session, user=person, now=now + timedelta(minutes=1))

    assert marked == 2
    assert first.read_at == second.read_at == now + timedelta(minutes=1)
    assert read.read_at == now and snoozed.read_at is None
    assert inbox.unread_count(session, user_id=admin.id, now=now) == 1
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "mark_all_read")).one()
    assert entry.actor_id == person.id and entry.changes == {"notifications": [2, 0]}
    assert inbox.mark_all_read(session, user=person, now=now) == 0
    assert count(session, AuditEntry, AuditEntry.action == "mark_all_read") == 1


# --- preferences -------------------------------------------------------------------------


def test_preferences_default_to_each_kinds_channels(session: Session, person: User) -> None:
    chosen = inbox.preferences(session, person)

    assert chosen == {code: kind.default_channels for code, kind in KINDS.items() if kind.user_choice}
    assert DIGEST not in chosen
    assert inbox.has_digest(session, person.id) is False


def test_set_preferences_saves_and_audits(session: Session, person: User, now: datetime) -> None:
    inbox.set_preferences(session, user=person, now=now, digest=True, choices={
        "approval_waiting": ChannelChoice.IN_APP, "general": ChannelChoice.BOTH})

    chosen = inbox.preferences(session, person)
    assert chosen["approval_waiting"] is ChannelChoice.IN_APP
    assert chosen["general"] is ChannelChoice.BOTH
    assert chosen["milestone_due"] is KINDS["milestone_due"].default_channels
    assert inbox.has_digest(session, person.id) is True
    entry = session.scalars(select(AuditEntry)
                            .where(AuditEntry.action == "update_notification_preferences")).one()
    assert entry.actor_id == person.id and entry.object_id == str(person.id)
    assert entry.changes == {"approval_waiting": ["both", "in_app"], "general": ["in_app", "both"],
                             "daily_digest": [False, True]}


def test_saving_the_same_preferences_again_records_nothing(session: Session, person: User,
                                                           now: datetime) -> None:
    choose(session, person, "general", ChannelChoice.EMAIL, digest=True, now=now)
    choose(session, person, "general", ChannelChoice.EMAIL, digest=True, now=now)
    choose(session, person, "general", ChannelChoice.EMAIL, digest=False, now=now)

    assert count(session, AuditEntry, AuditEntry.action == "update_notification_preferences") == 2
    assert inbox.has_digest(session, person.id) is False


@pytest.mark.parametrize("kind", ["birthday", DIGEST])
def test_set_preferences_rejects_kinds_people_cannot_choose(session: Session, person: User,
                                                            now: datetime, kind: str) -> None:
    with pytest.raises(ValidationError):
        choose(session, person, kind, ChannelChoice.EMAIL, now=now)


# --- webhook targets ---------------------------------------------------------------------


def webhook(session: Session, admin: User, now: datetime, **values: Any) -> WebhookTarget:
    return webhooks.create_webhook(session, actor=admin, now=now, values={
        "name": "Hackney chat", "url": "https://chat.example/hooks/abc", "business_unit_id": None,
        "urgent_only": False, **values})


def test_create_webhook_makes_a_secret_and_an_audit_entry(session: Session, admin: User,
                                                          unit: BusinessUnit, now: datetime) -> None:
    target = webhook(session, admin, now, name="  Hackney chat ", business_unit_id=unit.id,
                     urgent_only=True)

    assert target.name == "Hackney chat" and target.is_active and target.urgent_only
    assert target.business_unit_id == unit.id
    assert len(target.secret) >= 32
    assert webhook(session, admin, now, name="Other").secret != target.secret
    assert audit_actions(session, "webhook_target") == ["create", "create"]


BAD_WEBHOOKS: list[tuple[str, dict[str, Any], str]] = [
    ("ftp address", {"url": "ftp://files.example/hook"}, "url"),
    ("not a url", {"url": "not a url"}, "url"),
    ("no host", {"url": "https://"}, "url"),
    ("script", {"url": "javascript:alert(1)"}, "url"),
    ("blank url", {"url": ""}, "url"),
    ("too long", {"url": "https://chat.example/" + "a" * 500}, "url"),
    ("blank name", {"name": "  "}, "name"),
    ("duplicate name", {"name": "EXISTING chat"}, "name"),
    ("unknown unit", {"business_unit_id": 999_999}, "business_unit_id"),
]


@pytest.mark.parametrize(("change", "field"), [case[1:] for case in BAD_WEBHOOKS],
                         ids=[case[0] for case in BAD_WEBHOOKS])
def test_create_webhook_rejects_bad_input(session: Session, admin: User, now: datetime,
                                          change: dict[str, Any], field: str) -> None:
    webhook(session, admin, now, name="Existing chat")

    with pytest.raises(ValidationError) as raised:
        webhook(session, admin, now, **change)

    assert field in raised.value.errors
    assert count(session, WebhookTarget) == 1


def test_update_webhook_keeps_its_own_name_but_not_anothers(session: Session, admin: User,
                                                            now: datetime) -> None:
    target = webhook(session, admin, now)
    webhook(session, admin, now, name="Camden chat")

    webhooks.update_webhook(session, target, actor=admin, now=now, values={
        "name": "Hackney chat", "url": "http://chat.example/new", "urgent_only": True,
        "is_active": False})
    with pytest.raises(ValidationError) as raised:
        webhooks.update_webhook(session, target, actor=admin, now=now, values={
            "name": "camden chat", "url": "http://chat.example/new"})

    assert "name" in raised.value.errors
    assert target.url == "http://chat.example/new" and target.urgent_only and not target.is_active
    with pytest.raises(ValidationError):
        webhooks.update_webhook(session, target, actor=admin, now=now, values={
            "name": "Hackney chat", "url": "ftp://chat.example/new"})
    assert target.url == "http://chat.example/new"


# --- expansion through the dispatcher ----------------------------------------------------


def test_a_person_gets_one_inbox_item_with_the_reminders_details(session: Session, person: User,
                                                                 now: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=now, now=now, body="Bring figures")

    report = run_at(now)
    again = run_at(now + timedelta(minutes=1))

    assert report.reminders == 1 and again.reminders == 0
    (item,) = inbox_of(session, person)
    assert (item.title, item.link, item.body, item.kind) == (
        "Review the Hackney plan", "/plans/7", "Bring figures", "general")
    assert item.due_at == now and item.delivered_at == now and item.read_at is None
    (delivery,) = deliveries(session)
    assert delivery.channel is DeliveryChannel.IN_APP and delivery.status is DeliveryStatus.SENT
    assert delivery.attempts == 1 and delivery.user_id == person.id
    assert count(session, DeliveryAttempt, DeliveryAttempt.delivery_id == delivery.id) == 1
    reminder = service.get(session, "plan:7:review")
    assert reminder.status is ReminderStatus.DISPATCHED and reminder.dispatched_at == now


def test_nothing_is_dispatched_before_it_is_due(session: Session, person: User, now: datetime,
                                                soon: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=soon, now=now)

    assert run_at(soon - timedelta(seconds=1)).reminders == 0
    assert inbox_of(session, person) == []


def test_a_role_in_a_unit_reaches_only_active_members_with_that_role(
        session: Session, admin: User, unit: BusinessUnit, now: datetime) -> None:
    other_unit = make_unit(session, now=now, name="Camden")
    member = make_user(session, roles=(Role.COMMS_OFFICER,), name="In unit", now=now)
    both_roles = make_user(session, roles=(Role.APPROVER, Role.COMMS_OFFICER), name="Two roles", now=now)
    outsider = make_user(session, roles=(Role.COMMS_OFFICER,), name="Other unit", now=now)
    wrong_role = make_user(session, roles=(Role.APPROVER,), name="Wrong role", now=now)
    gone = make_user(session, roles=(Role.COMMS_OFFICER,), name="Deactivated", now=now)
    for user in (member, both_roles, wrong_role, gone):
        membership.add_member(session, unit, user, actor=admin, now=now)
    membership.add_member(session, other_unit, outsider, actor=admin, now=now)
    accounts.set_active(session, gone, active=False, actor=admin, now=now)
    remind(session, recipient=Recipient.role_in(Role.COMMS_OFFICER, unit.id), due_at=now, now=now)

    run_at(now)

    reached = session.scalars(select(InboxItem.user_id).order_by(InboxItem.user_id)).all()
    assert reached == sorted([member.id, both_roles.id])


def test_a_role_without_a_unit_reaches_everyone_active_with_the_role(
        session: Session, admin: User, unit: BusinessUnit, now: datetime) -> None:
    member = make_user(session, roles=(Role.DUTY_OFFICER,), now=now)
    loose = make_user(session, roles=(Role.DUTY_OFFICER,), now=now)
    make_user(session, roles=(Role.VIEWER,), now=now)
    membership.add_member(session, unit, member, actor=admin, now=now)
    remind(session, recipient=Recipient.role_in(Role.DUTY_OFFICER), due_at=now, now=now)

    run_at(now)

    reached = session.scalars(select(InboxItem.user_id).order_by(InboxItem.user_id)).all()
    assert reached == sorted([member.id, loose.id])


def test_a_person_deactivated_before_the_due_time_gets_nothing(
        session: Session, person: User, admin: User, now: datetime) -> None:
    choose(session, person, "general", ChannelChoice.BOTH, now=now)
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)
    accounts.set_active(session, person, active=False, actor=admin, now=now)
    sender = FakeSender()

    run_at(now, sender)

    assert inbox_of(session, person) == [] and sender.sent == []


@pytest.mark.parametrize(("choice", "in_app", "emails"), [
    (ChannelChoice.IN_APP, 1, 0),
    (ChannelChoice.EMAIL, 0, 1),
    (ChannelChoice.BOTH, 1, 1),
])
def test_channel_choice_decides_inbox_and_email(session: Session, person: User, now: datetime,
                                                choice: ChannelChoice, in_app: int, emails: int) -> None:
    choose(session, person, "general", choice, now=now)
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)
    sender = FakeSender()

    report = run_at(now, sender)

    assert len(inbox_of(session, person)) == in_app
    assert len(sender.channel("email")) == emails and report.sent == emails
    if emails:
        (email,) = sender.channel("email")
        assert email.email == person.email and email.title == "Review the Hackney plan"
        assert email.key.startswith("plan:7:review#1:email:")
        assert [d.status for d in deliveries(session, Delivery.channel == DeliveryChannel.EMAIL)] == [
            DeliveryStatus.SENT]


def test_a_choice_for_one_kind_leaves_other_kinds_on_their_defaults(session: Session, person: User,
                                                                    now: datetime) -> None:
    choose(session, person, "general", ChannelChoice.EMAIL, now=now)
    remind(session, recipient=Recipient.person(person), due_at=now, now=now, kind="approval_waiting")
    sender = FakeSender()

    run_at(now, sender)

    assert len(inbox_of(session, person)) == 1 and len(sender.channel("email")) == 1  # default: both


def test_digest_subscribers_get_no_individual_emails_for_normal_reminders(
        session: Session, person: User, now: datetime) -> None:
    choose(session, person, "approval_waiting", ChannelChoice.BOTH, digest=True, now=now)
    remind(session, recipient=Recipient.person(person), due_at=now, now=now, kind="approval_waiting",
           key="normal")
    remind(session, recipient=Recipient.person(person), due_at=now, now=now, kind="incident_task_due",
           key="urgent", title="Brief the family liaison officer")
    sender = FakeSender()

    run_at(now, sender)

    assert sorted(item.title for item in inbox_of(session, person)) == [
        "Brief the family liaison officer", "Review the Hackney plan"]
    assert [email.title for email in sender.channel("email")] == ["Brief the family liaison officer"]


def test_people_without_the_digest_get_emails_for_normal_reminders(session: Session, person: User,
                                                                   now: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=now, now=now, kind="approval_waiting")
    sender = FakeSender()

    run_at(now, sender)

    assert len(sender.channel("email")) == 1


def test_webhook_targets_get_reminders_for_their_unit_and_urgency(
        session: Session, admin: User, person: User, unit: BusinessUnit, now: datetime) -> None:
    camden = make_unit(session, now=now, name="Camden")
    membership.add_member(session, unit, person, actor=admin, now=now)
    webhook(session, admin, now, name="Hackney chat", business_unit_id=unit.id)
    webhook(session, admin, now, name="Camden chat", business_unit_id=camden.id)
    webhook(session, admin, now, name="Force chat")
    webhook(session, admin, now, name="Duty pager", urgent_only=True)
    off = webhook(session, admin, now, name="Old chat", business_unit_id=unit.id)
    webhooks.update_webhook(session, off, actor=admin, now=now, values={
        "name": "Old chat", "url": off.url, "business_unit_id": unit.id, "is_active": False})
    remind(session, recipient=Recipient.role_in(Role.COMMS_OFFICER, unit.id), due_at=now, now=now,
           key="normal-role")
    remind(session, recipient=Recipient.person(person), due_at=now, now=now, key="urgent-person",
           kind="incident_task_overdue")
    remind(session, recipient=Recipient.role_in(Role.COMMS_OFFICER, camden.id), due_at=now, now=now,
           key="camden-role")
    sender = FakeSender()

    run_at(now, sender)

    posted: dict[str, set[str]] = {}
    for delivery in deliveries(session, Delivery.channel == DeliveryChannel.WEBHOOK):
        assert delivery.status is DeliveryStatus.SENT
        assert delivery.webhook_target is not None
        posted.setdefault(delivery.reminder.idempotency_key, set()).add(delivery.webhook_target.name)
    assert posted == {
        "normal-role": {"Hackney chat", "Force chat"},
        "urgent-person": {"Hackney chat", "Force chat", "Duty pager"},
        "camden-role": {"Camden chat", "Force chat"},
    }
    hooks = sender.channel("webhook")
    assert len(hooks) == 7
    assert all(hook.webhook_url == "https://chat.example/hooks/abc" and hook.webhook_secret
               for hook in hooks)


def test_a_person_outside_any_unit_reaches_only_force_wide_webhooks(
        session: Session, admin: User, person: User, unit: BusinessUnit, now: datetime) -> None:
    webhook(session, admin, now, name="Hackney chat", business_unit_id=unit.id)
    webhook(session, admin, now, name="Force chat")
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)

    run_at(now)

    assert [d.target_label for d in deliveries(session, Delivery.channel == DeliveryChannel.WEBHOOK)] == [
        "Webhook: Force chat"]


@pytest.mark.parametrize(("delay", "late"), [
    (timedelta(0), False),
    (timedelta(seconds=30), False),
    (timedelta(seconds=60), False),
    (timedelta(seconds=61), True),
    (timedelta(hours=3), True),
])
def test_late_flag_when_dispatched_after_late_after(session: Session, person: User, now: datetime,
                                                    soon: datetime, delay: timedelta,
                                                    late: bool) -> None:
    remind(session, recipient=Recipient.person(person), due_at=soon, now=now)

    run_at(soon + delay)

    assert service.get(session, "plan:7:review").late is late
    (item,) = inbox_of(session, person)
    assert item.late is late


def test_late_is_measured_from_working_hours_not_the_due_time(session: Session, person: User,
                                                              now: datetime) -> None:
    saturday = datetime.fromisoformat("2026-11-21T10:00+00:00")
    monday = datetime.fromisoformat("2026-11-23T08:00+00:00")
    remind(session, recipient=Recipient.person(person), due_at=saturday, now=now)

    run_at(monday + timedelta(seconds=5))

    assert service.get(session, "plan:7:review").late is False


# --- the daily digest --------------------------------------------------------------------


@pytest.fixture
def subscriber(session: Session, admin: User, unit: BusinessUnit, now: datetime) -> User:
    user = make_user(session, roles=(Role.APPROVER,), name="Sam Subscriber", now=now)
    membership.add_member(session, unit, user, actor=admin, now=now)
    choose(session, user, "general", ChannelChoice.IN_APP, digest=True, now=now)
    return user


def digests(session: Session) -> list[Reminder]:
    session.expire_all()
    return list(session.scalars(select(Reminder).where(Reminder.kind == DIGEST)
                                .order_by(Reminder.id)).unique())


def test_digest_lists_what_is_due_this_week_and_what_is_overdue(
        session: Session, subscriber: User, unit: BusinessUnit, now: datetime) -> None:
    yesterday = now - timedelta(days=1)
    remind(session, recipient=Recipient.person(subscriber), due_at=yesterday, now=yesterday,
           key="overdue", title="Sign off the Hackney plan")
    remind(session, recipient=Recipient.person(subscriber), due_at=yesterday, now=yesterday,
           key="overdue-read", title="Already read")
    run_at(now)
    (read,) = [item for item in inbox_of(session, subscriber) if item.title == "Already read"]
    inbox.mark_read(session, item=read, actor=subscriber, now=now)
    remind(session, recipient=Recipient.person(subscriber), due_at=now + timedelta(days=3), now=now,
           key="upcoming", title="Check the Camden leaflet")
    remind(session, recipient=Recipient.role_in(Role.APPROVER, unit.id), due_at=now + timedelta(days=2),
           now=now, key="team", title="Approve the team statement")
    remind(session, recipient=Recipient.role_in(Role.APPROVER), due_at=now + timedelta(days=1),
           now=now, key="everyone", title="Force-wide approval")
    other = make_unit(session, now=now, name="Camden")
    remind(session, recipient=Recipient.role_in(Role.APPROVER, other.id), due_at=now + timedelta(days=1),
           now=now, key="other-unit", title="Camden only")
    remind(session, recipient=Recipient.person(subscriber), due_at=now + timedelta(days=10), now=now,
           key="far", title="Next month's review")

    assert jobs.schedule_digests(session, now=now, settings=SETTINGS) == 1

    (digest,) = digests(session)
    assert digest.idempotency_key == f"digest:{subscriber.id}:2026-11-20"
    assert digest.recipient_user_id == subscriber.id and digest.subject_link == "/inbox"
    body = digest.body
    assert body.index("Overdue:") < body.index("Sign off the Hackney plan")
    assert body.index("Due in the next 7 days:") < body.index("Check the Camden leaflet")
    for shown in ("Approve the team statement", "Force-wide approval"):
        assert shown in body
    for hidden in ("Already read", "Camden only", "Next month's review"):
        assert hidden not in body


def test_no_digest_when_there_is_nothing_to_report(session: Session, subscriber: User,
                                                   now: datetime) -> None:
    assert jobs.schedule_digests(session, now=now, settings=SETTINGS) == 0
    assert digests(session) == []


def test_only_subscribers_who_are_active_get_a_digest(session: Session, subscriber: User, person: User,
                                                      admin: User, now: datetime) -> None:
    remind(session, recipient=Recipient.person(person), due_at=now + timedelta(days=1), now=now,
           key="for-person")
    gone = make_user(session, roles=(Role.VIEWER,), now=now)
    choose(session, gone, "general", ChannelChoice.IN_APP, digest=True, now=now)
    remind(session, recipient=Recipient.person(gone), due_at=now + timedelta(days=1), now=now,
           key="for-gone")
    accounts.set_active(session, gone, active=False, actor=admin, now=now)

    assert jobs.schedule_digests(session, now=now, settings=SETTINGS) == 0
    assert digests(session) == []


def test_digest_is_scheduled_once_per_subscriber_per_day(session: Session, subscriber: User,
                                                         now: datetime) -> None:
    remind(session, recipient=Recipient.person(subscriber), due_at=now + timedelta(days=5), now=now)

    jobs.schedule_digests(session, now=now, settings=SETTINGS)
    jobs.schedule_digests(session, now=now, settings=SETTINGS)
    jobs.schedule_digests(session, now=now + timedelta(hours=3), settings=SETTINGS)
    session.commit()
    assert len(digests(session)) == 1

    jobs.schedule_digests(session, now=now + timedelta(days=3), settings=SETTINGS)  # Monday
    assert [d.idempotency_key for d in digests(session)] == [
        f"digest:{subscriber.id}:2026-11-20", f"digest:{subscriber.id}:2026-11-23"]


@pytest.mark.parametrize("days_on", [1, 2, 35])  # Saturday, Sunday, Christmas Day 2026
def test_no_digest_on_weekends_or_bank_holidays(session: Session, subscriber: User, now: datetime,
                                                days_on: int) -> None:
    """A weekend digest would only arrive on the next working morning, stale beside that day's."""
    day = now + timedelta(days=days_on)
    remind(session, recipient=Recipient.person(subscriber), due_at=day + timedelta(days=1), now=now)
    assert jobs.schedule_digests(session, now=day, settings=SETTINGS) == 0
    assert digests(session) == []


def test_digest_is_delivered_by_email_only(session: Session, subscriber: User, now: datetime) -> None:
    remind(session, recipient=Recipient.person(subscriber), due_at=now + timedelta(days=2), now=now)
    jobs.schedule_digests(session, now=now, settings=SETTINGS)
    session.commit()
    sender = FakeSender()

    run_at(now, sender)

    (email,) = sender.channel("email")
    assert email.kind == DIGEST and email.email == subscriber.email
    assert "Review the Hackney plan" in email.body
    assert [item.kind for item in inbox_of(session, subscriber)] == []
    assert sender.channel("webhook") == []


# --- retries, backoff, failure and resend ------------------------------------------------


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    settings = DeliverySettings(retry_base=timedelta(seconds=30), retry_cap=timedelta(minutes=3))

    waits = [settings.backoff(attempts) for attempts in range(1, 7)]

    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 180, 180, 180)]


def email_delivery(session: Session) -> Delivery:
    (delivery,) = deliveries(session, Delivery.channel == DeliveryChannel.EMAIL)
    return delivery


def test_a_failing_email_is_retried_with_backoff_then_failed_then_resent(
        session: Session, person: User, admin: User, now: datetime) -> None:
    settings = DeliverySettings(retry_base=timedelta(seconds=10), retry_cap=timedelta(seconds=25),
                                max_attempts=4)
    choose(session, person, "general", ChannelChoice.EMAIL, now=now)
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)
    failing = FakeSender(fail=True)
    expected = [  # (when it runs, next attempt afterwards)
        (now, now + timedelta(seconds=10)),
        (now + timedelta(seconds=10), now + timedelta(seconds=30)),
        (now + timedelta(seconds=30), now + timedelta(seconds=55)),
    ]

    for attempt, (moment, next_at) in enumerate(expected, start=1):
        report = run_at(moment, failing, settings)
        delivery = email_delivery(session)
        assert report.retried == 1 and report.failed == 0
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
            DeliveryStatus.PENDING, attempt, next_at)
        assert delivery.last_error == "Connection refused by the mail server"
        assert run_at(next_at - timedelta(seconds=1), failing, settings).retried == 0

    report = run_at(now + timedelta(seconds=55), failing, settings)
    delivery = email_delivery(session)
    assert report.failed == 1 and report.errors == ["Connection refused by the mail server"]
    assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == 4
    assert len(failing.sent) == 4
    attempts = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery.id)
                               .order_by(DeliveryAttempt.id)).all()
    assert [a.succeeded for a in attempts] == [False] * 4
    assert [a.at for a in attempts] == [moment for moment, _ in expected] + [now + timedelta(seconds=55)]
    assert all(a.worker == WORKER and a.error for a in attempts)

    assert run_at(now + timedelta(days=1), failing, settings).retried == 0  # failed stays failed
    assert len(failing.sent) == 4

    resent_at = now + timedelta(days=1)
    webhooks.resend(session, email_delivery(session), actor=admin, now=resent_at)
    session.commit()
    delivery = email_delivery(session)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.PENDING, 0, resent_at)
    assert audit_actions(session, "delivery")[-1] == "resend"

    working = FakeSender()
    assert run_at(resent_at, working, settings).sent == 1
    delivery = email_delivery(session)
    assert delivery.status is DeliveryStatus.SENT and delivery.sent_at == resent_at
    assert delivery.attempts == 1 and delivery.last_error is None
    assert len(working.sent) == 1 and working.sent[0].key == delivery.idempotency_key


def test_a_retry_keeps_the_same_idempotency_key(session: Session, person: User, now: datetime) -> None:
    choose(session, person, "general", ChannelChoice.EMAIL, now=now)
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)
    failing = FakeSender(fail=True)

    run_at(now, failing)
    run_at(now + SETTINGS.backoff(1), failing)

    assert len(failing.sent) == 2 and failing.sent[0].key == failing.sent[1].key


@pytest.mark.parametrize("status", [DeliveryStatus.SENT, DeliveryStatus.PENDING])
def test_only_failed_deliveries_can_be_resent(session: Session, person: User, admin: User,
                                              now: datetime, status: DeliveryStatus) -> None:
    choose(session, person, "general", ChannelChoice.EMAIL, now=now)
    remind(session, recipient=Recipient.person(person), due_at=now, now=now)
    if status is DeliveryStatus.SENT:
        run_at(now)
    else:
        expand_due(session, now=now, worker=WORKER, settings=SETTINGS)

    with pytest.raises(Conflict):
        webhooks.resend(session, email_delivery(session), actor=admin, now=now)
    assert email_delivery(session).status is status
