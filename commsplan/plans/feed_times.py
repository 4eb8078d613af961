"""Times in calendar feeds that every calendar program reads alike.

Europe/London is described the way the large calendar services describe it: two yearly rules in force
since 1996 (clocks go forward at 01:00 GMT on the last Sunday of March and back at 02:00 BST on the
last Sunday of October). A list of every past change (RDATEs), as icalendar writes by default, is read
by some parsers (vobject, and ical.js in Thunderbird) as if the zone stayed in summer time, putting
winter events an hour early.

Event times are London wall-clock times under those rules, except a time the rules cannot name
exactly once - a time in October's repeated hour, one in March's skipped hour, one before the rules
began or one where the zone database has stopped following them - which is written in UTC instead,
so no program has to guess.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from commsplan.timeutil import LONDON

ZONE_ID = "Europe/London"
RULES_SINCE = 1996
GMT = timedelta(0)
BST = timedelta(hours=1)
# The instant of each change in UTC: 01:00 on the last Sunday of the month, both ways.
CHANGE_AT_UTC = time(1)
SPRING_MONTH, AUTUMN_MONTH = 3, 10


def london_timezone() -> Timezone:
    """The VTIMEZONE for Europe/London: one yearly rule into summer time and one out of it."""
    zone = Timezone()
    zone.add("tzid", ZONE_ID)
    zone.add_component(zone_rule(TimezoneDaylight(), "BST", GMT, BST, SPRING_MONTH))
    zone.add_component(zone_rule(TimezoneStandard(), "GMT", BST, GMT, AUTUMN_MONTH))
    return zone


def zone_rule(rule: TimezoneDaylight | TimezoneStandard, name: str, offset_from: timedelta,
              offset_to: timedelta, month: int) -> TimezoneDaylight | TimezoneStandard:
    """One change, first made in 1996, then yearly on the month's last Sunday; DTSTART is the
    wall-clock time the change happens at, read on the clock before it (01:00 GMT, 02:00 BST)."""
    first_change = datetime.combine(last_sunday(RULES_SINCE, month), CHANGE_AT_UTC) + offset_from
    rule.add("tzname", name)
    rule.add("tzoffsetfrom", offset_from)
    rule.add("tzoffsetto", offset_to)
    rule.add("dtstart", first_change)
    rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
    return rule


def last_sunday(year: int, month: int) -> date:
    last_day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last_day - timedelta(days=(last_day.weekday() + 1) % 7)


def rules_offset(moment: datetime) -> timedelta:
    """The offset from UTC that the written rules give an instant."""
    year = moment.astimezone(UTC).year
    summer_starts = datetime.combine(last_sunday(year, SPRING_MONTH), CHANGE_AT_UTC, tzinfo=UTC)
    summer_ends = datetime.combine(last_sunday(year, AUTUMN_MONTH), CHANGE_AT_UTC, tzinfo=UTC)
    return BST if summer_starts <= moment < summer_ends else GMT


def named_once(local: datetime) -> bool:
    """Whether a London time, written without its offset, can mean only this instant to any reader
    of the written rules."""
    wall_clock = local.replace(tzinfo=None)
    offsets = {wall_clock.replace(tzinfo=LONDON, fold=fold).utcoffset() for fold in (0, 1)}
    return local.year >= RULES_SINCE and offsets == {rules_offset(local)}


def feed_time(moment: datetime) -> datetime:
    """An aware instant as a feed writes it: London wall-clock time where that is unambiguous, else UTC."""
    local = moment.astimezone(LONDON)
    return local if named_once(local) else moment.astimezone(UTC)
