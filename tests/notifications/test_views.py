"""Inbox, snooze, preferences, reminders, the delivery log and webhooks through the web pages."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from commsplan.audit.models import AuditEntry
from commsplan.auth import service as accounts
from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.notifications import inbox, jobs, service, webhooks
from commsplan.notifications.expand import expand_due
from commsplan.notifications.kinds import KINDS, ChannelChoice
from commsplan.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    DigestSubscription,
    InboxItem,
    NotificationPreference,
    Reminder,
    ReminderStatus,
    WebhookTarget,
)
from commsplan.notifications.notifiers import KEY_HEADER, SIGNATURE_HEADER, Message, NotifierError
from commsplan.notifications.service import Recipient, Subject
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference import membership
from tests.conftest import count_queries
from tests.factories import make_unit, make_user

SETTINGS = DeliverySettings()
SCHEDULERS = (Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER, Role.ADMIN)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> datetime:
    """The pages read the clock through utcnow(); pin it to the fixed Friday 10:00 UTC."""
    monkeypatch.setattr("commsplan.notifications.views.utcnow", lambda: now)
    return now


def count(model: Any, *criteria: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


def fresh(model: Any, item_id: Any) -> Any:
    db.session.expire_all()
    return db.session.get(model, item_id)


def deliver(session: Session, user: User, now: datetime, *titles: str, kind: str = "general",
            due_at: datetime | None = None, link: str = "/reference/business-units") -> list[InboxItem]:
    """Schedule reminders for `user` and let the dispatcher put them in the inbox."""
    for title in titles:
        service.schedule(session, key=f"test:{user.id}:{kind}:{title}", kind=kind,
                         recipient=Recipient.person(user),
                         subject=Subject(type="test", id="1", title=title, link=link),
                         due_at=due_at or now, now=now, settings=SETTINGS)
    expand_due(session, now=now, worker="test", settings=SETTINGS)
    session.commit()
    items = session.scalars(select(InboxItem).where(InboxItem.user_id == user.id,
                                                    InboxItem.title.in_(titles))).all()
    by_title = {item.title: item for item in items}
    return [by_title[title] for title in titles]


def flash_text(client: FlaskClient, response: Any) -> str:
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).text


# --- inbox -------------------------------------------------------------------------------


def test_inbox_lists_unread_items_by_default(client: FlaskClient, signed_in: Callable[..., User],
                                             session: Session, now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    first, read = deliver(session, user, now, "Review the leaflet", "Already seen")
    inbox.mark_read(session, item=read, actor=user, now=now)
    session.commit()

    page = client.get("/inbox")

    assert page.status_code == 200
    assert "Review the leaflet" in page.text and "Already seen" not in page.text
    assert "1 notification unread" in page.text
    assert f'action="/inbox/{first.id}/open"' in page.text
    assert f'href="/inbox/{first.id}/snooze"' in page.text


def test_inbox_show_all_includes_read_items(client: FlaskClient, signed_in: Callable[..., User],
                                            session: Session, now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    _, read = deliver(session, user, now, "Review the leaflet", "Already seen")
    inbox.mark_read(session, item=read, actor=user, now=now)
    session.commit()

    page = client.get("/inbox?show=all").text

    assert "Review the leaflet" in page and "Already seen" in page
    assert "2 notifications" in page


def test_inbox_filters_by_kind(client: FlaskClient, signed_in: Callable[..., User], session: Session,
                               now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    deliver(session, user, now, "Approve the statement", kind="approval_waiting")
    deliver(session, user, now, "General note")

    page = client.get("/inbox?kind=approval_waiting").text
    unknown = client.get("/inbox?kind=no_such_kind").text

    assert "Approve the statement" in page and "General note" not in page
    assert "Approve the statement" in unknown and "General note" in unknown


def test_inbox_filters_to_items_due_today(client: FlaskClient, signed_in: Callable[..., User],
                                          session: Session, now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    deliver(session, user, now, "Due today")
    deliver(session, user, now, "Due yesterday", due_at=now - timedelta(days=1))

    page = client.get("/inbox?due=today").text

    assert "Due today" in page and "Due yesterday" not in page
    assert "Due yesterday" in client.get("/inbox").text


def test_due_today_means_the_london_day_in_summer_time(
        client: FlaskClient, signed_in: Callable[..., User], session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    summer = datetime.fromisoformat("2026-07-15T10:00+00:00")  # 11:00 in London
    monkeypatch.setattr("commsplan.notifications.views.utcnow", lambda: summer)
    user = signed_in(Role.DUTY_OFFICER)
    dispatched_at = datetime.fromisoformat("2026-07-16T01:00+00:00")
    for title, due in [("Yesterday 23:30 London", "2026-07-14T22:30+00:00"),
                       ("Today 00:30 London", "2026-07-14T23:30+00:00"),
                       ("Today 23:59 London", "2026-07-15T22:59+00:00"),
                       ("Tomorrow 00:00 London", "2026-07-15T23:00+00:00")]:
        deliver(session, user, dispatched_at, title, kind="incident_task_due",
                due_at=datetime.fromisoformat(due))

    page = client.get("/inbox?due=today").text

    assert "Today 00:30 London" in page and "Today 23:59 London" in page
    assert "Yesterday 23:30 London" not in page and "Tomorrow 00:00 London" not in page


def test_inbox_hides_snoozed_items_and_other_peoples(client: FlaskClient, signed_in: Callable[..., User],
                                                     session: Session, now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    other = make_user(session, now=now)
    (snoozed,) = deliver(session, user, now, "Snoozed one")
    deliver(session, other, now, "Not yours")
    inbox.snooze(session, item=snoozed, until=now + timedelta(hours=1), actor=user, now=now)
    session.commit()

    page = client.get("/inbox?show=all").text

    assert "Snoozed one" not in page and "Not yours" not in page
    assert "Nothing here" in page


def test_header_shows_the_unread_count(client: FlaskClient, signed_in: Callable[..., User],
                                       session: Session, now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    assert "app-nav-count" not in client.get("/inbox").text
    deliver(session, user, now, "One", "Two", "Three")
    (read,) = deliver(session, user, now, "Read")
    inbox.mark_read(session, item=read, actor=user, now=now)
    session.commit()

    page = client.get("/account/notifications").text

    assert '<span class="app-nav-count">3<span class="govuk-visually-hidden"> unread</span>' in page


def test_open_marks_read_and_goes_to_the_link(client: FlaskClient, signed_in: Callable[..., User],
                                              session: Session, now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    (item,) = deliver(session, user, now, "Open me", link="/reference/qualifiers")

    response = client.post(f"/inbox/{item.id}/open")

    assert response.status_code == 302
    assert response.headers["Location"] == "/reference/qualifiers"
    assert fresh(InboxItem, item.id).read_at == now
    assert count(AuditEntry, AuditEntry.action == "mark_read") == 1


def test_mark_read(client: FlaskClient, signed_in: Callable[..., User], session: Session,
                   now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    item, other = deliver(session, user, now, "Mark me", "Leave me")

    page = flash_text(client, client.post(f"/inbox/{item.id}/read"))

    assert "Marked as read: Mark me" in page
    assert fresh(InboxItem, item.id).read_at == now
    assert fresh(InboxItem, other.id).read_at is None


def test_mark_all_read(client: FlaskClient, signed_in: Callable[..., User], session: Session,
                       now: datetime) -> None:
    user = signed_in(Role.VIEWER)
    deliver(session, user, now, "One", "Two")
    (theirs,) = deliver(session, make_user(session, now=now), now, "Theirs")

    page = flash_text(client, client.post("/inbox/read-all"))

    assert "2 notifications marked as read" in page
    assert count(InboxItem, InboxItem.user_id == user.id, InboxItem.read_at.is_(None)) == 0
    assert fresh(InboxItem, theirs.id).read_at is None
    assert "1 notification marked as read" not in flash_text(client, client.post("/inbox/read-all"))


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/inbox/{id}/open"),
    ("post", "/inbox/{id}/read"),
    ("get", "/inbox/{id}/snooze"),
    ("post", "/inbox/{id}/snooze"),
])
def test_someone_elses_item_is_404(client: FlaskClient, signed_in: Callable[..., User], session: Session,
                                   now: datetime, method: str, path: str) -> None:
    signed_in(Role.ADMIN)
    (theirs,) = deliver(session, make_user(session, now=now), now, "Private")

    response = getattr(client, method)(path.format(id=theirs.id), data={"period": "30m"})
    missing = getattr(client, method)(path.format(id=999_999), data={"period": "30m"})

    assert response.status_code == 404 and missing.status_code == 404
    item = fresh(InboxItem, theirs.id)
    assert item.read_at is None and item.snoozed_until is None


# --- snooze ------------------------------------------------------------------------------


def snooze_form(period: str | None, date: tuple[str, str, str] | None = None,
                time: str | None = None) -> MultiDict[str, str]:
    fields: list[tuple[str, str]] = []
    if period is not None:
        fields.append(("period", period))
    if date is not None:
        fields += [("until_date", part) for part in date]
    if time is not None:
        fields.append(("until_time", time))
    return MultiDict(fields)


@pytest.mark.parametrize(("form", "until"), [
    (snooze_form("30m"), datetime.fromisoformat("2026-11-20T10:30+00:00")),
    (snooze_form("2h"), datetime.fromisoformat("2026-11-20T12:00+00:00")),
    (snooze_form("tomorrow"), datetime.fromisoformat("2026-11-21T08:00+00:00")),
    (snooze_form("custom", ("24", "11", "2026"), "09:15"), datetime.fromisoformat("2026-11-24T09:15+00:00")),
    (snooze_form("custom", ("20", "11", "2026"), "10:01"), datetime.fromisoformat("2026-11-20T10:01+00:00")),
    (snooze_form("custom", ("20", "12", "2026"), "10:00"), datetime.fromisoformat("2026-12-20T10:00+00:00")),
])
def test_snooze(client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime,
                form: MultiDict[str, str], until: datetime) -> None:
    user = signed_in(Role.VIEWER)
    (item,) = deliver(session, user, now, "Snooze me")
    assert "Snooze this notification" in client.get(f"/inbox/{item.id}/snooze").text

    response = client.post(f"/inbox/{item.id}/snooze", data=form)

    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    assert fresh(InboxItem, item.id).snoozed_until == until
    assert f'action="/inbox/{item.id}/open"' not in client.get("/inbox?show=all").text


SNOOZE_ERRORS = [
    ("no period", snooze_form(None), "Choose how long to snooze for"),
    ("unknown period", snooze_form("forever"), "Choose how long to snooze for"),
    ("custom without date or time", snooze_form("custom"), "Enter the date to snooze until"),
    ("custom without time", snooze_form("custom", ("24", "11", "2026")),
     "Enter the time to snooze until, like 14:30"),
    ("custom without date", snooze_form("custom", None, "09:00"), "Enter the date to snooze until"),
    ("custom in the past", snooze_form("custom", ("20", "11", "2026"), "09:59"),
     "Choose a time in the future"),
    ("custom now", snooze_form("custom", ("20", "11", "2026"), "10:00"), "Choose a time in the future"),
    ("custom last year", snooze_form("custom", ("20", "11", "2025"), "12:00"),
     "Choose a time in the future"),
    ("more than 30 days", snooze_form("custom", ("21", "12", "2026"), "10:00"),
     "Snooze for 30 days at most"),
    ("far future", snooze_form("custom", ("31", "12", "2099"), "23:59"), "Snooze for 30 days at most"),
    ("beyond 2100", snooze_form("custom", ("31", "12", "9999"), "23:59"), "a year between 1900 and 2100"),
    ("impossible date", snooze_form("custom", ("30", "2", "2027"), "09:00"), "Date must be a real date"),
    ("letters for a date", snooze_form("custom", ("a", "b", "c"), "09:00"), "Date must be a real date"),
    ("part of a date", snooze_form("custom", ("24", "11", ""), "09:00"), "Date must be a real date"),
    ("bad time text", snooze_form("custom", ("24", "11", "2026"), "quarter past nine"),
     "Enter time as a 24-hour time, like 14:30"),
    ("hour out of range", snooze_form("custom", ("24", "11", "2026"), "25:00"),
     "Enter time as a 24-hour time, like 14:30"),
]


@pytest.mark.parametrize(("form", "message"), [case[1:] for case in SNOOZE_ERRORS],
                         ids=[case[0] for case in SNOOZE_ERRORS])
def test_snooze_bad_input_shows_field_errors_and_changes_nothing(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime,
        form: MultiDict[str, str], message: str) -> None:
    user = signed_in(Role.VIEWER)
    (item,) = deliver(session, user, now, "Keep me")
    audits = count(AuditEntry)

    response = client.post(f"/inbox/{item.id}/snooze", data=form)

    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text
    assert "<title>Error: " in response.text
    assert fresh(InboxItem, item.id).snoozed_until is None
    assert count(AuditEntry) == audits


# --- preferences -------------------------------------------------------------------------


def preference_form(digest: bool, **choices: str) -> dict[str, str]:
    values = {code: kind.default_channels.value for code, kind in KINDS.items() if kind.user_choice}
    values |= choices
    if digest:
        values["daily_digest"] = "y"
    return values


def checked(page: str, name: str) -> str:
    """The value of the checked radio or checkbox called `name`, or '' when none is."""
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if "checked" in tag:
            match = re.search(r'value="([^"]*)"', tag)
            assert match
            return match.group(1)
    return ""


def test_preferences_page_shows_the_defaults(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.VIEWER)

    page = client.get("/account/notifications").text

    for code, kind in KINDS.items():
        if kind.user_choice:
            assert checked(page, code) == kind.default_channels.value
    assert checked(page, "daily_digest") == ""


def test_preferences_page_saves_and_shows_the_choices(client: FlaskClient,
                                                       signed_in: Callable[..., User]) -> None:
    user = signed_in(Role.VIEWER)

    response = client.post("/account/notifications", data=preference_form(
        True, approval_waiting="in_app", general="email"))

    page = flash_text(client, response)
    assert "Your notification settings are saved" in page
    assert db.session.get(NotificationPreference, (user.id, "approval_waiting")).channels is (
        ChannelChoice.IN_APP)
    assert db.session.get(DigestSubscription, user.id) is not None
    page = client.get("/account/notifications").text
    assert checked(page, "approval_waiting") == "in_app"
    assert checked(page, "general") == "email"
    assert checked(page, "daily_digest") == "y"

    flash_text(client, client.post("/account/notifications", data=preference_form(False)))
    assert fresh(DigestSubscription, user.id) is None


@pytest.mark.parametrize(("change", "message"), [
    ({"general": ""}, "Choose how to get &#39;Reminder&#39; reminders"),
    ({"general": "pigeon"}, "Not a valid choice"),
])
def test_preferences_bad_input(client: FlaskClient, signed_in: Callable[..., User],
                               change: dict[str, str], message: str) -> None:
    signed_in(Role.VIEWER)
    data = {key: value for key, value in preference_form(True, **change).items() if value}

    response = client.post("/account/notifications", data=data)

    assert response.status_code == 200
    assert message in response.text
    assert count(NotificationPreference) == 0 and count(DigestSubscription) == 0


# --- reminders ---------------------------------------------------------------------------


def reminder_form(**overrides: Any) -> MultiDict[str, str]:
    values: dict[str, Any] = {"recipient_type": "person", "user_id": "", "role": "", "unit_id": "",
                              "title": "Call back the ward councillor", "link": "/reference/qualifiers",
                              "body": "About the Saturday patrols", "due_date": ("23", "11", "2026"),
                              "due_time": "14:30", **overrides}
    fields: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, tuple):
            fields += [(name, part) for part in value]
        else:
            fields.append((name, str(value)))
    return MultiDict(fields)


@pytest.fixture
def officer(client: FlaskClient, signed_in: Callable[..., User]) -> User:
    return signed_in(Role.COMMS_OFFICER)


@pytest.fixture
def colleague(session: Session, now: datetime) -> User:
    user = make_user(session, roles=(Role.APPROVER,), name="Cleo Colleague", now=now)
    session.commit()
    return user


def test_schedule_a_reminder_for_a_person(client: FlaskClient, officer: User, colleague: User) -> None:
    assert "Cleo Colleague" in client.get("/reminders/new").text

    response = client.post("/reminders/new", data=reminder_form(user_id=colleague.id))

    page = flash_text(client, response)
    assert response.headers["Location"] == "/reminders"
    assert "Reminder scheduled for Cleo Colleague" in page
    assert "Call back the ward councillor" in page
    reminder = db.session.scalars(select(Reminder)).unique().one()
    assert reminder.recipient_user_id == colleague.id and reminder.recipient_role is None
    assert reminder.created_by_id == officer.id and reminder.kind == "general"
    assert reminder.due_at == datetime.fromisoformat("2026-11-23T14:30+00:00")
    assert reminder.subject_link == "/reference/qualifiers"
    assert reminder.body == "About the Saturday patrols"
    assert reminder.status is ReminderStatus.PENDING


def test_schedule_a_reminder_for_a_role_in_a_unit(client: FlaskClient, officer: User, session: Session,
                                                  now: datetime) -> None:
    unit = make_unit(session, now=now, name="Hackney")
    session.commit()

    response = client.post("/reminders/new", data=reminder_form(
        recipient_type="role", role="duty_officer", unit_id=unit.id, urgent="y", link="",
        due_date=("21", "11", "2026"), due_time="03:00"))

    assert "Reminder scheduled for Duty officers in Hackney" in flash_text(client, response)
    reminder = db.session.scalars(select(Reminder)).unique().one()
    assert reminder.recipient_role is Role.DUTY_OFFICER and reminder.recipient_unit_id == unit.id
    assert reminder.recipient_user_id is None
    assert reminder.subject_link == "/inbox"  # a blank link opens the inbox
    assert reminder.urgency.value == "urgent"
    assert reminder.deliver_at == reminder.due_at == datetime.fromisoformat("2026-11-21T03:00+00:00")


def test_a_normal_reminder_in_summer_time_is_stored_in_utc_and_waits_for_work(
        client: FlaskClient, officer: User, colleague: User) -> None:
    client.post("/reminders/new", data=reminder_form(user_id=colleague.id, due_date=("4", "7", "2027"),
                                                     due_time="12:00"))

    reminder = db.session.scalars(select(Reminder)).unique().one()
    assert reminder.due_at == datetime.fromisoformat("2027-07-04T11:00+00:00")  # a Sunday, BST
    assert reminder.deliver_at == datetime.fromisoformat("2027-07-05T07:00+00:00")


BAD_REMINDERS: list[tuple[str, dict[str, Any], str]] = [
    ("no recipient type", {"recipient_type": None}, "Choose who should get the reminder"),
    ("unknown recipient type", {"recipient_type": "everyone"}, "Choose who should get the reminder"),
    ("person type without a person", {"user_id": ""}, "Select a person from the list"),
    ("unknown person", {"user_id": "999999"}, "Select a person from the list"),
    ("person id that is not a number", {"user_id": "abc"}, "Select a person from the list"),
    ("deactivated person", {"user_id": "deactivated"}, "Select a person from the list"),
    ("role type without a role", {"recipient_type": "role", "role": ""}, "Select a role from the list"),
    ("unknown role", {"recipient_type": "role", "role": "wizard"}, "Select a role from the list"),
    ("unknown unit", {"recipient_type": "role", "role": "approver", "unit_id": "999999"},
     "Select a business unit from the list"),
    ("missing title", {"title": ""}, "Enter what the reminder is about"),
    ("blank title", {"title": "   "}, "Enter what the reminder is about"),
    ("title too long", {"title": "x" * 201}, "What it is about must be 200 characters or fewer"),
    ("link to another site", {"link": "https://evil.example"}, "Enter a link to a page in Commsplan"),
    ("protocol-relative link", {"link": "//evil.example"}, "Enter a link to a page in Commsplan"),
    ("backslash link", {"link": "/\\evil.example"}, "Enter a link to a page in Commsplan"),
    ("script link", {"link": "javascript:alert(1)"}, "Enter a link to a page in Commsplan"),
    ("missing date", {"due_date": ("", "", "")}, "Enter the date the reminder is due"),
    ("no date fields at all", {"due_date": None}, "Enter the date the reminder is due"),
    ("impossible date", {"due_date": ("31", "2", "2027")}, "Date must be a real date"),
    ("date in words", {"due_date": ("first", "May", "2027")}, "Date must be a real date"),
    ("missing time", {"due_time": ""}, "Enter time as a 24-hour time, like 14:30"),
    ("bad time", {"due_time": "2pm"}, "Enter time as a 24-hour time, like 14:30"),
    ("time out of range", {"due_time": "23:60"}, "Enter time as a 24-hour time, like 14:30"),
    ("time in the past", {"due_date": ("20", "11", "2026"), "due_time": "09:59"},
     "Choose a date and time in the future"),
    ("time now", {"due_date": ("20", "11", "2026"), "due_time": "10:00"},
     "Choose a date and time in the future"),
]


@pytest.mark.parametrize(("change", "message"), [case[1:] for case in BAD_REMINDERS],
                         ids=[case[0] for case in BAD_REMINDERS])
def test_schedule_bad_input_shows_field_errors_and_writes_nothing(
        client: FlaskClient, officer: User, colleague: User, session: Session, now: datetime,
        change: dict[str, Any], message: str) -> None:
    values = {"user_id": colleague.id, **change}
    if values["user_id"] == "deactivated":
        gone = make_user(session, now=now)
        accounts.set_active(session, gone, active=False, actor=officer, now=now)
        session.commit()
        values["user_id"] = gone.id
    audits = count(AuditEntry)

    response = client.post("/reminders/new", data=reminder_form(**values))

    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text
    assert count(Reminder) == 0 and count(AuditEntry) == audits


def scheduled(client: FlaskClient, colleague: User, **values: Any) -> Reminder:
    response = client.post("/reminders/new", data=reminder_form(user_id=colleague.id, **values))
    assert response.status_code == 302, response.text
    return db.session.scalars(select(Reminder).order_by(Reminder.id.desc())).unique().first()


def test_list_shows_only_my_reminders(client: FlaskClient, officer: User, colleague: User,
                                      session: Session, now: datetime) -> None:
    scheduled(client, colleague, title="Mine")
    service.schedule(session, key="theirs", kind="general", recipient=Recipient.person(colleague),
                     subject=Subject(type="x", id="1", title="Someone else's", link="/inbox"),
                     due_at=now + timedelta(hours=1), now=now, settings=SETTINGS, actor=colleague)
    session.commit()

    page = client.get("/reminders").text

    assert "Mine" in page and "Someone else" not in page
    assert "1 reminder" in page


def test_edit_moves_the_due_time(client: FlaskClient, officer: User, colleague: User) -> None:
    reminder = scheduled(client, colleague)
    assert client.get(f"/reminders/{reminder.id}/edit").status_code == 200

    response = client.post(f"/reminders/{reminder.id}/edit", data=MultiDict([
        ("due_date", "25"), ("due_date", "11"), ("due_date", "2026"), ("due_time", "16:45")]))

    assert "Reminder moved: Call back the ward councillor" in flash_text(client, response)
    moved = fresh(Reminder, reminder.id)
    assert moved.due_at == moved.deliver_at == datetime.fromisoformat("2026-11-25T16:45+00:00")


@pytest.mark.parametrize(("date", "time", "message"), [
    (("19", "11", "2026"), "12:00", "Choose a date and time in the future"),
    (("31", "11", "2026"), "12:00", "Date must be a real date"),
    (("25", "11", "2026"), "noon", "Enter time as a 24-hour time, like 14:30"),
    (("", "", ""), "12:00", "Enter the date the reminder is due"),
])
def test_edit_bad_input(client: FlaskClient, officer: User, colleague: User, date: tuple[str, ...],
                        time: str, message: str) -> None:
    reminder = scheduled(client, colleague)
    due = reminder.due_at

    response = client.post(f"/reminders/{reminder.id}/edit", data=MultiDict(
        [("due_date", part) for part in date] + [("due_time", time)]))

    assert response.status_code == 200 and message in response.text
    assert fresh(Reminder, reminder.id).due_at == due


def test_cancel(client: FlaskClient, officer: User, colleague: User) -> None:
    reminder = scheduled(client, colleague)

    page = flash_text(client, client.post(f"/reminders/{reminder.id}/cancel"))

    assert "Reminder cancelled: Call back the ward councillor" in page
    assert fresh(Reminder, reminder.id).status is ReminderStatus.CANCELLED
    again = flash_text(client, client.post(f"/reminders/{reminder.id}/cancel"))
    assert "That reminder was already cancelled" in again


def test_editing_a_cancelled_reminder_is_an_error_not_a_500(client: FlaskClient, officer: User,
                                                            colleague: User) -> None:
    reminder = scheduled(client, colleague)
    client.post(f"/reminders/{reminder.id}/cancel")

    response = client.post(f"/reminders/{reminder.id}/edit", data=MultiDict([
        ("due_date", "25"), ("due_date", "11"), ("due_date", "2026"), ("due_time", "16:45")]))

    assert response.status_code == 200
    assert "This reminder was cancelled" in response.text
    assert fresh(Reminder, reminder.id).status is ReminderStatus.CANCELLED


def test_other_peoples_reminders_are_404(client: FlaskClient, officer: User, colleague: User,
                                         session: Session, now: datetime) -> None:
    theirs = service.schedule(session, key="theirs", kind="general", recipient=Recipient.person(officer),
                              subject=Subject(type="x", id="1", title="Theirs", link="/inbox"),
                              due_at=now + timedelta(hours=1), now=now, settings=SETTINGS,
                              actor=colleague)
    session.commit()

    assert client.get(f"/reminders/{theirs.id}/edit").status_code == 404
    assert client.post(f"/reminders/{theirs.id}/cancel").status_code == 404
    assert client.get("/reminders/999999/edit").status_code == 404
    assert fresh(Reminder, theirs.id).status is ReminderStatus.PENDING


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/reminders"),
    ("get", "/reminders/new"),
    ("post", "/reminders/new"),
    ("get", "/reminders/{id}/edit"),
    ("post", "/reminders/{id}/edit"),
    ("post", "/reminders/{id}/cancel"),
])
def test_viewers_cannot_schedule_reminders(client: FlaskClient, signed_in: Callable[..., User],
                                           session: Session, now: datetime, method: str,
                                           path: str) -> None:
    viewer = signed_in(Role.VIEWER)
    reminder = service.schedule(session, key="k", kind="general", recipient=Recipient.person(viewer),
                                subject=Subject(type="x", id="1", title="T", link="/inbox"),
                                due_at=now + timedelta(hours=1), now=now, settings=SETTINGS,
                                actor=viewer)
    session.commit()

    response = getattr(client, method)(path.format(id=reminder.id), data=reminder_form(user_id=viewer.id))

    assert response.status_code == 403
    assert count(Reminder) == 1
    assert fresh(Reminder, reminder.id).status is ReminderStatus.PENDING


@pytest.mark.parametrize("role", SCHEDULERS)
def test_every_scheduling_role_can_open_the_reminder_pages(client: FlaskClient,
                                                           signed_in: Callable[..., User],
                                                           role: Role) -> None:
    signed_in(role)

    assert client.get("/reminders").status_code == 200
    assert client.get("/reminders/new").status_code == 200


# --- the admin delivery log --------------------------------------------------------------


class FailSome:
    def __init__(self, word: str) -> None:
        self.word = word

    def __call__(self, message: Message, settings: DeliverySettings) -> None:
        if any(self.word in item.title for item in message.items):
            raise NotifierError("550 Mailbox unavailable")


def email_deliveries(session: Session, now: datetime, *titles: str, fail: str = "\0",
                     users: list[User] | None = None) -> list[Delivery]:
    """One email delivery per title (each to its own person unless `users` is given)."""
    for number, title in enumerate(titles):
        user = users[number % len(users)] if users else make_user(session, now=now)
        inbox.set_preferences(session, user=user, choices={"general": ChannelChoice.EMAIL},
                                digest=False, now=now)
        service.schedule(session, key=f"log:{number}:{title}", kind="general",
                         recipient=Recipient.person(user),
                         subject=Subject(type="x", id=str(number), title=title, link="/inbox"),
                         due_at=now, now=now, settings=SETTINGS)
    session.commit()
    jobs.run_dispatch(now=lambda: now, worker="test", send=FailSome(fail),
                      settings=DeliverySettings(max_attempts=1, batch_size=100))
    db.session.expire_all()
    return list(db.session.scalars(select(Delivery).order_by(Delivery.id)).unique())


def test_delivery_log_filters_by_status(admin_client: FlaskClient, session: Session,
                                        now: datetime) -> None:
    email_deliveries(session, now, "Bounced reminder", "Delivered reminder", fail="Bounced")

    failed = admin_client.get("/admin/deliveries?status=failed").text
    sent = admin_client.get("/admin/deliveries?status=sent").text
    every = admin_client.get("/admin/deliveries").text
    unknown = admin_client.get("/admin/deliveries?status=exploded")

    assert "Bounced reminder" in failed and "Delivered reminder" not in failed
    assert "550 Mailbox unavailable" in failed and "1 deliveries" in failed
    assert "Delivered reminder" in sent and "Bounced reminder" not in sent
    assert "Bounced reminder" in every and "Delivered reminder" in every
    assert unknown.status_code == 200 and "2 deliveries" in unknown.text


def test_resend_a_failed_delivery(admin_client: FlaskClient, session: Session, now: datetime) -> None:
    (failed,) = email_deliveries(session, now, "Bounced reminder", fail="Bounced")
    assert failed.status is DeliveryStatus.FAILED
    page = admin_client.get(f"/admin/deliveries/{failed.id}").text
    assert "550 Mailbox unavailable" in page and "Send again" in page

    response = admin_client.post(f"/admin/deliveries/{failed.id}/resend")

    assert response.headers["Location"] == f"/admin/deliveries/{failed.id}"
    assert "The delivery will be tried again" in flash_text(admin_client, response)
    delivery = fresh(Delivery, failed.id)
    assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 0
    assert delivery.next_attempt_at == now
    assert count(AuditEntry, AuditEntry.action == "resend") == 1


def test_resending_a_sent_delivery_says_why_not(admin_client: FlaskClient, session: Session,
                                                now: datetime) -> None:
    (sent,) = email_deliveries(session, now, "Delivered reminder")

    response = admin_client.post(f"/admin/deliveries/{sent.id}/resend")

    assert "Only failed deliveries can be sent again" in flash_text(admin_client, response)
    assert fresh(Delivery, sent.id).status is DeliveryStatus.SENT


def test_unknown_delivery_is_404(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/deliveries/999999").status_code == 404
    assert admin_client.post("/admin/deliveries/999999/resend").status_code == 404


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/admin/deliveries"),
    ("get", "/admin/deliveries/1"),
    ("post", "/admin/deliveries/1/resend"),
    ("get", "/admin/webhooks"),
    ("get", "/admin/webhooks/new"),
    ("post", "/admin/webhooks/new"),
    ("get", "/admin/webhooks/1"),
    ("post", "/admin/webhooks/1/test"),
])
@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMS_OFFICER, Role.DUTY_OFFICER])
def test_admin_pages_are_for_admins_only(client: FlaskClient, signed_in: Callable[..., User],
                                         method: str, path: str, role: Role) -> None:
    signed_in(role)

    assert getattr(client, method)(path, data={"name": "x", "url": "http://x.example"}).status_code == 403
    assert count(WebhookTarget) == 0


# --- webhooks ----------------------------------------------------------------------------


def webhook_form(**overrides: Any) -> dict[str, Any]:
    return {"name": "Hackney comms chat", "url": "https://chat.example/hooks/abc",
            "business_unit_id": "", "is_active": "y", **overrides}


@pytest.mark.parametrize(("change", "message"), [
    ({"url": "ftp://files.example/hook"}, "Enter a web address starting with http:// or https://"),
    ({"url": "not a url"}, "Enter a web address starting with http:// or https://"),
    ({"url": "https://"}, "Enter a web address starting with http:// or https://"),
    ({"url": ""}, "Enter the web address"),
    ({"name": ""}, "Enter a name for the webhook"),
    ({"name": "n" * 81}, "Name must be 80 characters or fewer"),
    ({"business_unit_id": "999999"}, "Select a business unit from the list"),
    ({"business_unit_id": "abc"}, "Select a business unit from the list"),
])
def test_new_webhook_bad_input(admin_client: FlaskClient, change: dict[str, str], message: str) -> None:
    response = admin_client.post("/admin/webhooks/new", data=webhook_form(**change))

    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text
    assert count(WebhookTarget) == 0


def test_new_webhook_with_a_name_already_used(admin_client: FlaskClient) -> None:
    admin_client.post("/admin/webhooks/new", data=webhook_form())

    response = admin_client.post("/admin/webhooks/new", data=webhook_form(name="HACKNEY comms chat"))

    assert response.status_code == 200 and "Another webhook already has this name" in response.text
    assert count(WebhookTarget) == 1


def test_create_and_edit_a_webhook(admin_client: FlaskClient, session: Session, now: datetime) -> None:
    unit = make_unit(session, now=now, name="Hackney")
    session.commit()

    response = admin_client.post("/admin/webhooks/new", data=webhook_form(business_unit_id=unit.id))

    target = db.session.scalars(select(WebhookTarget)).unique().one()
    assert response.headers["Location"] == f"/admin/webhooks/{target.id}"
    page = flash_text(admin_client, response)
    assert "Webhook Hackney comms chat added" in page and target.secret in page
    assert target.business_unit_id == unit.id and target.is_active and not target.urgent_only

    edited = admin_client.post(f"/admin/webhooks/{target.id}", data=webhook_form(
        name="Hackney duty chat", url="http://chat.example/other", urgent_only="y"))

    assert "Webhook Hackney duty chat saved" in flash_text(admin_client, edited)
    target = fresh(WebhookTarget, target.id)
    assert (target.name, target.url, target.business_unit_id, target.urgent_only) == (
        "Hackney duty chat", "http://chat.example/other", None, True)
    listing = admin_client.get("/admin/webhooks").text
    assert "Hackney duty chat" in listing and "Urgent reminders only" in listing


def test_editing_a_webhook_to_a_bad_url_keeps_the_old_one(admin_client: FlaskClient) -> None:
    admin_client.post("/admin/webhooks/new", data=webhook_form())
    target = db.session.scalars(select(WebhookTarget)).unique().one()

    response = admin_client.post(f"/admin/webhooks/{target.id}", data=webhook_form(url="ftp://x.example"))

    assert response.status_code == 200
    assert "Enter a web address starting with http:// or https://" in response.text
    assert fresh(WebhookTarget, target.id).url == "https://chat.example/hooks/abc"


def test_unknown_webhook_is_404(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/webhooks/999999").status_code == 404
    assert admin_client.post("/admin/webhooks/999999/test").status_code == 404


def test_webhook_test_against_a_closed_port_says_it_failed(admin_client: FlaskClient) -> None:
    admin_client.post("/admin/webhooks/new", data=webhook_form(url="http://127.0.0.1:9/"))
    target = db.session.scalars(select(WebhookTarget)).unique().one()

    response = admin_client.post(f"/admin/webhooks/{target.id}/test")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/webhooks/{target.id}"
    assert "The test failed: Webhook could not be reached" in flash_text(admin_client, response)


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (the http.server protocol)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
    thread.join()


def test_webhook_test_reaches_a_receiver_with_a_valid_signature(admin_client: FlaskClient,
                                                                receiver: str) -> None:
    admin_client.post("/admin/webhooks/new", data=webhook_form(url=receiver))
    target = db.session.scalars(select(WebhookTarget)).unique().one()

    response = admin_client.post(f"/admin/webhooks/{target.id}/test")

    assert "The test reached Hackney comms chat" in flash_text(admin_client, response)
    ((headers, body),) = Receiver.received
    expected = "sha256=" + hmac.new(target.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    payload = json.loads(body)
    assert payload["kind"] == "test" and headers[KEY_HEADER] == payload["idempotency_key"]


# --- bounded queries ---------------------------------------------------------------------


def queries(client: FlaskClient, url: str) -> int:
    client.get(url)  # warm up templates
    db.session.remove()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("url", ["/inbox", "/inbox?show=all", "/inbox?due=today&kind=general"])
def test_inbox_queries_do_not_grow_with_items(client: FlaskClient, signed_in: Callable[..., User],
                                              session: Session, now: datetime, url: str) -> None:
    user_id = signed_in(Role.VIEWER).id
    user = db.session.get(User, user_id)
    items = deliver(session, user, now, *(f"Item {n}" for n in range(3)))
    inbox.mark_read(session, item=items[0], actor=user, now=now)
    session.commit()
    few = queries(client, url)

    user = db.session.get(User, user_id)
    more = deliver(session, user, now, *(f"Item {n}" for n in range(3, 40)))
    for item in more[::3]:
        inbox.mark_read(session, item=item, actor=user, now=now)
    session.commit()
    many = queries(client, url)

    assert few == many


@pytest.mark.parametrize("url", ["/admin/deliveries", "/admin/deliveries?status=failed"])
def test_delivery_log_queries_do_not_grow_with_deliveries(admin_client: FlaskClient, session: Session,
                                                          now: datetime, url: str) -> None:
    email_deliveries(session, now, *(f"Fail {n}" for n in range(3)), fail="Fail")
    few = queries(admin_client, url)

    webhooks.create_webhook(session, values={"name": "Team chat", "url": "http://127.0.0.1:9/"},
                           actor=make_user(session, roles=(Role.ADMIN,), now=now), now=now)
    email_deliveries(session, now, *(f"Fail {n}" for n in range(3, 40)), fail="Fail")
    many = queries(admin_client, url)

    assert count(Delivery, Delivery.channel == DeliveryChannel.EMAIL) == 40
    assert count(Delivery, Delivery.channel == DeliveryChannel.WEBHOOK) == 37
    assert few == many


def test_delivery_page_queries_do_not_grow_with_attempts(admin_client: FlaskClient, session: Session,
                                                         now: datetime) -> None:
    keeper_id = make_user(session, roles=(Role.ADMIN,), now=now).id
    (delivery,) = email_deliveries(session, now, "Fail once", fail="Fail")
    delivery_id = delivery.id
    url = f"/admin/deliveries/{delivery_id}"
    few = queries(admin_client, url)
    for minute in range(1, 30):
        keeper = db.session.get(User, keeper_id)
        webhooks.resend(session, fresh(Delivery, delivery_id), actor=keeper, now=now)
        session.commit()
        jobs.run_dispatch(now=lambda m=minute: now + timedelta(minutes=m), worker=f"w{minute}",
                          send=FailSome("Fail"), settings=DeliverySettings(max_attempts=1))

    many = queries(admin_client, url)

    assert few == many
    assert count(DeliveryAttempt, DeliveryAttempt.delivery_id == delivery_id) == 30


def test_reminder_list_queries_do_not_grow_with_reminders(client: FlaskClient,
                                                          signed_in: Callable[..., User],
                                                          session: Session, now: datetime) -> None:
    officer_id = signed_in(Role.COMMS_OFFICER).id

    def add(numbers: range) -> None:
        officer = db.session.get(User, officer_id)
        unit = make_unit(session, now=now)
        for number in numbers:
            person = make_user(session, now=now)
            recipient = (Recipient.person(person) if number % 2
                         else Recipient.role_in(Role.APPROVER, unit.id))
            service.schedule(session, key=f"list:{number}", kind="general", recipient=recipient,
                             subject=Subject(type="x", id=str(number), title=f"Reminder {number}",
                                             link="/inbox"),
                             due_at=now + timedelta(days=number), now=now, settings=SETTINGS,
                             actor=officer)
        session.commit()

    add(range(3))
    few = queries(client, "/reminders")
    add(range(3, 40))
    many = queries(client, "/reminders")

    assert few == many


def test_membership_reaches_role_reminders_through_the_inbox(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime) -> None:
    user = signed_in(Role.DUTY_OFFICER)
    unit = make_unit(session, now=now, name="Hackney")
    membership.add_member(session, unit, user, actor=user, now=now)
    service.schedule(session, key="team", kind="incident_task_due",
                     recipient=Recipient.role_in(Role.DUTY_OFFICER, unit.id),
                     subject=Subject(type="task", id="9", title="Call the family liaison officer",
                                     link="/inbox"), due_at=now, now=now, settings=SETTINGS)
    session.commit()
    jobs.run_dispatch(now=lambda: now, worker="test", send=FailSome("\0"), settings=SETTINGS)

    page = client.get("/inbox").text

    assert "Call the family liaison officer" in page and "Urgent" in page
