"""Working hours in London: non-urgent reminders outside them wait for the next working morning.

Weekends and England-and-Wales bank holidays are not working days. Bank holidays come from the
govuk-bank-holidays package's bundled data (nothing is fetched at run time) and from the dates an
admin adds for the years that list does not reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from govuk_bank_holidays.bank_holidays import BankHolidays

from commsplan.timeutil import LONDON

MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})


@cache
def bundled_holidays() -> dict[date, str]:
    """England-and-Wales bank holidays and their names, from the package's bundled copy (no network)."""
    source = BankHolidays(use_cached_holidays=True)
    holidays = source.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    return {item["date"]: item["title"] for item in holidays}


@cache
def bank_holidays() -> frozenset[date]:
    return frozenset(bundled_holidays())


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(8, 0)
    end: time = time(18, 0)
    days: frozenset[int] = field(default=MONDAY_TO_FRIDAY)
    added_holidays: frozenset[date] = frozenset()

    def with_holidays(self, days: Iterable[date]) -> WorkingHours:
        return replace(self, added_holidays=self.added_holidays | frozenset(days))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in bank_holidays() and day not in self.added_holidays

    def morning_of(self, day: date) -> datetime:
        """The start of work on a London calendar day, as UTC."""
        return datetime.combine(day, self.start, tzinfo=LONDON).astimezone(UTC)

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` itself when it falls in working hours, else the start of the next working day."""
        local = moment.astimezone(LONDON)
        if self.is_working_day(local.date()):
            if self.start <= local.time() < self.end:
                return moment.astimezone(UTC)
            if local.time() < self.start:
                return self.morning_of(local.date())
        return self.morning_of(self.next_working_day(local.date()))

    def next_working_day(self, day: date) -> date:
        candidate = day + timedelta(days=1)
        for _ in range(30):
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError("No working day within 30 days: check the working-day settings")


def working_hours_from_config(config: dict[str, object]) -> WorkingHours:
    days = config.get("WORKING_DAYS", sorted(MONDAY_TO_FRIDAY))
    return WorkingHours(
        start=time.fromisoformat(str(config.get("WORKING_HOURS_START", "08:00"))),
        end=time.fromisoformat(str(config.get("WORKING_HOURS_END", "18:00"))),
        days=frozenset(int(day) for day in days),  # type: ignore[attr-defined]
    )
