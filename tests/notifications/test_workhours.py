"""Working hours in London: next working moment, weekends, bank holidays and the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from commsplan.notifications.kinds import Urgency
from commsplan.notifications.service import deliver_time
from commsplan.notifications.settings import DeliverySettings
from commsplan.notifications.workhours import WorkingHours, bank_holidays, working_hours_from_config
from commsplan.timeutil import LONDON


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# (what the case is, due moment in UTC, expected delivery moment in UTC)
CASES = [
    # November 2026 is GMT: London time equals UTC. 20 Nov 2026 is a Friday.
    ("inside hours", utc(2026, 11, 19, 10, 0), utc(2026, 11, 19, 10, 0)),
    ("at the start of the day", utc(2026, 11, 19, 8, 0), utc(2026, 11, 19, 8, 0)),
    ("a minute before the end", utc(2026, 11, 19, 17, 59), utc(2026, 11, 19, 17, 59)),
    ("before 08:00", utc(2026, 11, 19, 6, 15), utc(2026, 11, 19, 8, 0)),
    ("just after midnight", utc(2026, 11, 19, 0, 1), utc(2026, 11, 19, 8, 0)),
    ("at 18:00 exactly", utc(2026, 11, 18, 18, 0), utc(2026, 11, 19, 8, 0)),
    ("after 18:00", utc(2026, 11, 18, 19, 30), utc(2026, 11, 19, 8, 0)),
    ("late evening", utc(2026, 11, 18, 23, 59), utc(2026, 11, 19, 8, 0)),
    ("Friday evening to Monday", utc(2026, 11, 20, 18, 30), utc(2026, 11, 23, 8, 0)),
    ("Saturday", utc(2026, 11, 21, 12, 0), utc(2026, 11, 23, 8, 0)),
    ("Sunday night", utc(2026, 11, 22, 23, 59), utc(2026, 11, 23, 8, 0)),
    ("Monday before work", utc(2026, 11, 23, 7, 59), utc(2026, 11, 23, 8, 0)),
    # Christmas 2026: Friday 25 Dec, and Boxing Day's substitute on Monday 28 Dec.
    ("Christmas Eve evening", utc(2026, 12, 24, 18, 30), utc(2026, 12, 29, 8, 0)),
    ("Christmas Day", utc(2026, 12, 25, 10, 0), utc(2026, 12, 29, 8, 0)),
    ("Boxing Day substitute Monday", utc(2026, 12, 28, 9, 0), utc(2026, 12, 29, 8, 0)),
    ("New Year's Eve evening", utc(2026, 12, 31, 19, 0), utc(2027, 1, 4, 8, 0)),
    # Easter 2026 (British Summer Time: London is UTC+1, 08:00 London is 07:00 UTC).
    ("Good Friday", utc(2026, 4, 3, 10, 0), utc(2026, 4, 7, 7, 0)),
    ("Easter Monday", utc(2026, 4, 6, 9, 0), utc(2026, 4, 7, 7, 0)),
    ("Thursday before Easter, evening", utc(2026, 4, 2, 17, 30), utc(2026, 4, 7, 7, 0)),
    # Summer time on an ordinary week.
    ("summer, inside hours", utc(2026, 7, 15, 16, 59), utc(2026, 7, 15, 16, 59)),
    ("summer, 07:30 London", utc(2026, 7, 15, 6, 30), utc(2026, 7, 15, 7, 0)),
    ("summer, 08:00 London", utc(2026, 7, 15, 7, 0), utc(2026, 7, 15, 7, 0)),
    ("summer, 18:00 London", utc(2026, 7, 15, 17, 0), utc(2026, 7, 16, 7, 0)),
    ("summer, UTC day differs from London day", utc(2026, 7, 14, 23, 30), utc(2026, 7, 15, 7, 0)),
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    ("Friday before spring change", utc(2026, 3, 27, 17, 30), utc(2026, 3, 27, 17, 30)),
    ("Saturday before spring change", utc(2026, 3, 28, 20, 0), utc(2026, 3, 30, 7, 0)),
    ("the spring-forward night", utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 7, 0)),
    ("just before the spring change", utc(2026, 3, 29, 0, 59), utc(2026, 3, 30, 7, 0)),
    ("Monday after spring change, 07:30 London", utc(2026, 3, 30, 6, 30), utc(2026, 3, 30, 7, 0)),
    ("Monday after spring change, 08:00 London", utc(2026, 3, 30, 7, 0), utc(2026, 3, 30, 7, 0)),
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
    ("Friday before autumn change, 17:30 London", utc(2026, 10, 23, 16, 30), utc(2026, 10, 23, 16, 30)),
    ("Friday before autumn change, 18:00 London", utc(2026, 10, 23, 17, 0), utc(2026, 10, 26, 8, 0)),
    ("the fall-back night, first 01:30", utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 8, 0)),
    ("the fall-back night, second 01:30", utc(2026, 10, 25, 1, 30), utc(2026, 10, 26, 8, 0)),
    ("Monday after autumn change, 07:30 London", utc(2026, 10, 26, 7, 30), utc(2026, 10, 26, 8, 0)),
]


@pytest.mark.parametrize(("due", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_next_working_moment(due: datetime, expected: datetime) -> None:
    result = WorkingHours().next_working_moment(due)

    assert result == expected
    assert result.tzinfo is UTC
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("due", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_result_is_itself_a_working_moment(due: datetime, expected: datetime) -> None:
    hours = WorkingHours()
    result = hours.next_working_moment(due)

    local = result.astimezone(LONDON)
    assert hours.is_working_day(local.date())
    assert time(8, 0) <= local.time() < time(18, 0)
    assert hours.next_working_moment(result) == result


def test_accepts_a_moment_in_another_zone_and_answers_in_utc() -> None:
    saturday_in_london = datetime(2026, 7, 18, 9, 0, tzinfo=LONDON)

    result = WorkingHours().next_working_moment(saturday_in_london)

    assert result == utc(2026, 7, 20, 7, 0)
    assert result.tzinfo is UTC


@pytest.mark.parametrize(("day", "holiday"), [
    (date(2026, 1, 1), True),
    (date(2026, 4, 3), True),
    (date(2026, 4, 6), True),
    (date(2026, 5, 4), True),
    (date(2026, 5, 25), True),
    (date(2026, 8, 31), True),
    (date(2026, 12, 25), True),
    (date(2026, 12, 28), True),
    (date(2026, 12, 26), False),  # the Saturday: Boxing Day moves to Monday
    (date(2026, 11, 20), False),
    (date(2026, 3, 17), False),  # St Patrick's Day: Northern Ireland only
    (date(2026, 11, 30), False),  # St Andrew's Day: Scotland only
])
def test_bank_holidays_are_england_and_wales_from_the_bundled_data(day: date, holiday: bool) -> None:
    assert (day in bank_holidays()) is holiday


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 11, 20), True),
    (date(2026, 11, 21), False),
    (date(2026, 11, 22), False),
    (date(2026, 12, 25), False),
    (date(2026, 12, 29), True),
])
def test_is_working_day(day: date, working: bool) -> None:
    assert WorkingHours().is_working_day(day) is working


def test_working_hours_come_from_config() -> None:
    hours = working_hours_from_config({"WORKING_HOURS_START": "09:30", "WORKING_HOURS_END": "17:00",
                                       "WORKING_DAYS": [0, 1, 2, 3]})

    assert hours == WorkingHours(start=time(9, 30), end=time(17, 0), days=frozenset({0, 1, 2, 3}))
    # Thursday 17:15 is after hours; Friday is not a working day in this setting.
    assert hours.next_working_moment(utc(2026, 11, 19, 17, 15)) == utc(2026, 11, 23, 9, 30)
    assert hours.next_working_moment(utc(2026, 11, 19, 9, 0)) == utc(2026, 11, 19, 9, 30)


def test_defaults_when_config_is_silent() -> None:
    assert working_hours_from_config({}) == WorkingHours()


def test_no_working_day_at_all_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="No working day"):
        WorkingHours(days=frozenset()).next_working_moment(utc(2026, 11, 20, 10, 0))


@pytest.mark.parametrize(("due", "expected"), [
    (utc(2026, 11, 21, 3, 0), utc(2026, 11, 23, 8, 0)),
    (utc(2026, 12, 25, 10, 0), utc(2026, 12, 29, 8, 0)),
    (utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 7, 0)),
    (utc(2026, 11, 20, 10, 0), utc(2026, 11, 20, 10, 0)),
])
def test_normal_reminders_wait_for_working_hours(due: datetime, expected: datetime) -> None:
    assert deliver_time(due, Urgency.NORMAL, DeliverySettings()) == expected


@pytest.mark.parametrize("due", [
    utc(2026, 11, 21, 3, 0),
    utc(2026, 12, 25, 10, 0),
    utc(2026, 3, 29, 1, 30),
    utc(2026, 10, 25, 1, 30),
    utc(2026, 11, 20, 22, 45),
    utc(2026, 11, 20, 10, 0),
])
def test_urgent_reminders_never_wait(due: datetime) -> None:
    assert deliver_time(due, Urgency.URGENT, DeliverySettings()) == due


def test_deliver_time_uses_the_configured_hours() -> None:
    settings = DeliverySettings(working_hours=WorkingHours(start=time(10, 0), end=time(16, 0)))

    assert deliver_time(utc(2026, 11, 20, 9, 0), Urgency.NORMAL, settings) == utc(2026, 11, 20, 10, 0)
    assert deliver_time(utc(2026, 11, 20, 16, 0), Urgency.NORMAL, settings) == utc(2026, 11, 23, 10, 0)
