"""Bank holidays admins add beyond the bundled list, and the warning before the known dates run out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, ValidationError
from commsplan.extensions import db
from commsplan.notifications import holidays, jobs, service
from commsplan.notifications.kinds import Urgency
from commsplan.notifications.models import BankHoliday, Reminder
from commsplan.notifications.service import Recipient, Subject
from commsplan.notifications.settings import DeliverySettings
from commsplan.notifications.workhours import bundled_holidays
from tests.factories import make_user

LAST_BUNDLED = max(bundled_holidays())  # 26 December 2028 in the package this project pins
NEW_YEAR_2029 = date(2029, 1, 1)  # a Monday
SETTINGS = DeliverySettings()


@pytest.fixture
def admin(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.ADMIN,), name="Ada Admin", now=now)


def remind(session: Any, person: User, key: str, due_at: datetime, now: datetime,
           urgency: Urgency | None = None) -> Reminder:
    return service.schedule(session, key=key, kind="general", recipient=Recipient.person(person),
                            subject=Subject(type="note", id="1", title="Send the leaflet proofs", link="/"),
                            due_at=due_at, now=now, settings=SETTINGS, urgency=urgency)


def test_the_bundled_list_is_known_until_its_last_date_and_warns_a_year_ahead(session: Any) -> None:
    assert holidays.known_until(session) == LAST_BUNDLED
    year_before = datetime.combine(LAST_BUNDLED - timedelta(days=366), datetime.min.time(), tzinfo=UTC)
    assert holidays.runs_out_soon(session, now=year_before) is None
    assert holidays.runs_out_soon(session, now=year_before + timedelta(days=2)) == LAST_BUNDLED


def test_an_added_holiday_holds_back_routine_reminders_that_day_and_is_audited(
        session: Any, admin: User, now: datetime) -> None:
    person = make_user(session, now=now)
    nine_am = datetime(2029, 1, 1, 9, 0, tzinfo=UTC)
    routine = remind(session, person, "routine", nine_am, now)
    urgent = remind(session, person, "urgent", nine_am, now, urgency=Urgency.URGENT)
    other_day = remind(session, person, "other", nine_am + timedelta(days=1), now)

    holiday = holidays.add_holiday(session, day=NEW_YEAR_2029, name=" New Year's Day ", actor=admin, now=now,
                                   settings=SETTINGS)

    assert (holiday.day, holiday.name) == (NEW_YEAR_2029, "New Year's Day")
    assert routine.deliver_at == datetime(2029, 1, 2, 8, 0, tzinfo=UTC)  # the next working morning
    assert urgent.deliver_at == nine_am and other_day.deliver_at == nine_am + timedelta(days=1)
    assert holidays.known_until(session) == NEW_YEAR_2029  # past the bundled list's end
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "bank_holiday")).all()
    assert actions == ["create", "move_reminders"]
    later = service.schedule(session, key="later", kind="general", recipient=Recipient.person(person),
                             subject=Subject(type="note", id="2", title="Call back", link="/"),
                             due_at=nine_am + timedelta(minutes=30), now=now,
                             settings=SETTINGS.with_holidays(holidays.added_holidays(session)))
    assert later.deliver_at == datetime(2029, 1, 2, 8, 0, tzinfo=UTC)


BAD_HOLIDAYS = [
    ("no date", None, "New Year's Day", "day", "Enter the date"),
    ("in the past", date(2026, 11, 19), "Made up", "day", "from today onwards"),
    ("a Saturday", date(2029, 1, 6), "Made up", "day", "weekdays"),
    ("already bundled", date(2027, 12, 27), "Christmas Day (substitute)", "day", "already a bank holiday"),
    ("after 2100", date(2101, 1, 3), "Far future", "day", "before 2101"),
    ("no name", NEW_YEAR_2029, "   ", "name", "Enter the holiday's name"),
    ("name too long", NEW_YEAR_2029, "x" * 101, "name", "100 characters at most"),
]


@pytest.mark.parametrize(("case", "day", "name", "field", "message"), BAD_HOLIDAYS,
                         ids=[case[0] for case in BAD_HOLIDAYS])
def test_a_bad_holiday_is_refused_with_a_field_error(session: Any, admin: User, now: datetime, case: str,
                                                     day: date | None, name: str, field: str,
                                                     message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        holidays.add_holiday(session, day=day, name=name, actor=admin, now=now, settings=SETTINGS)
    assert message in raised.value.errors[field][0]
    assert session.scalar(select(BankHoliday.id)) is None


def test_the_same_added_day_twice_is_refused(session: Any, admin: User, now: datetime) -> None:
    holidays.add_holiday(session, day=NEW_YEAR_2029, name="New Year's Day", actor=admin, now=now,
                         settings=SETTINGS)
    with pytest.raises(ValidationError, match="already"):
        holidays.add_holiday(session, day=NEW_YEAR_2029, name="Again", actor=admin, now=now,
                             settings=SETTINGS)


def test_an_added_holiday_can_be_removed_until_it_has_passed(session: Any, admin: User,
                                                             now: datetime) -> None:
    holiday = holidays.add_holiday(session, day=NEW_YEAR_2029, name="New Year's Day", actor=admin, now=now,
                                   settings=SETTINGS)
    with pytest.raises(Conflict):
        holidays.remove_holiday(session, holiday, actor=admin, now=datetime(2029, 1, 3, tzinfo=UTC))
    holidays.remove_holiday(session, holiday, actor=admin, now=now)
    assert holidays.added_holidays(session) == []


def test_the_app_settings_include_added_holidays(session: Any, admin: User, now: datetime) -> None:
    holidays.add_holiday(session, day=NEW_YEAR_2029, name="New Year's Day", actor=admin, now=now,
                         settings=SETTINGS)
    assert not jobs.current_settings().working_hours.is_working_day(NEW_YEAR_2029)


# --- the admin pages -------------------------------------------------------------------------------


def test_admins_add_a_holiday_from_the_page_and_see_it_listed(admin_client: FlaskClient) -> None:
    page = admin_client.get("/admin/bank-holidays")
    assert page.status_code == 200 and "Christmas Day" in page.text and "GOV.UK list" in page.text

    added = admin_client.post("/admin/bank-holidays", data={
        "day": ["1", "1", "2029"], "name": "New Year's Day"}, follow_redirects=True)

    assert added.status_code == 200 and "New Year&#39;s Day (1 January 2029) added" in added.text
    assert "Added by an admin" in added.text
    [holiday] = db.session.scalars(select(BankHoliday))
    removed = admin_client.post(f"/admin/bank-holidays/{holiday.id}/remove", follow_redirects=True)
    assert removed.status_code == 200 and db.session.scalar(select(BankHoliday.id)) is None


def test_a_bad_date_on_the_page_is_a_field_error_and_keeps_what_was_typed(admin_client: FlaskClient) -> None:
    page = admin_client.post("/admin/bank-holidays", data={"day": ["6", "1", "2029"], "name": "Made up"})
    assert page.status_code == 200
    assert "Error: Bank holidays" in page.text and "Bank holidays fall on weekdays" in page.text
    assert 'value="Made up"' in page.text
    nonsense = admin_client.post("/admin/bank-holidays",
                                 data={"day": ["31", "2", "99999999999"], "name": "x"})
    assert nonsense.status_code == 200 and "must be a real date" in nonsense.text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMS_OFFICER, Role.DUTY_OFFICER])
def test_only_admins_see_the_bank_holiday_pages(client: FlaskClient, signed_in: Any, role: Role) -> None:
    signed_in(role)
    assert client.get("/admin/bank-holidays").status_code == 403
    added = client.post("/admin/bank-holidays", data={"day": ["1", "1", "2029"], "name": "x"})
    assert added.status_code == 403


def test_the_admin_page_warns_when_the_known_holidays_run_out_within_a_year(
        client: FlaskClient, signed_in: Any) -> None:
    signed_in(Role.ADMIN)
    assert "add the next year" not in client.get("/admin").text
    with time_machine.travel(datetime(2028, 3, 1, 12, tzinfo=UTC), tick=False):
        signed_in(Role.ADMIN)  # a session from 2026 would have ended long before
        page = client.get("/admin").text
    assert f"Commsplan knows bank holidays only until {LAST_BUNDLED:%-d %B %Y}" in page
    assert "add the next year" in page
