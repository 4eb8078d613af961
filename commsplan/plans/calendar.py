"""Calendars of activities and milestones: a month grid and a year timeline, in London time.

Both take plain entries, so one plan's calendar and the integrated plan's share the layout."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from commsplan.plans.models import Activity, CommPlan, Milestone
from commsplan.timeutil import to_london


@dataclass(frozen=True)
class Entry:
    """One thing on a calendar: an activity (with a span) or a milestone (one day)."""

    kind: str  # "activity" or "milestone"
    title: str
    plan_id: int
    item_id: int
    first_day: date
    last_day: date
    detail: str = ""
    status: str = ""
    unit_code: str = ""


@dataclass
class Day:
    day: date
    in_month: bool
    starting: list[Entry] = field(default_factory=list)


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[Day]]
    running: list[Entry]  # started before this month and still going

    @property
    def label(self) -> str:
        return date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"


def activity_entry(activity: Activity, unit_code: str = "") -> Entry:
    return Entry("activity", activity.title, activity.plan_id, activity.id,
                 to_london(activity.starts_at).date(), to_london(activity.ends_at).date(),
                 detail=f"{activity.channel.name}, {to_london(activity.starts_at):%H:%M}",
                 status=activity.status.value, unit_code=unit_code)


def milestone_entry(milestone: Milestone, unit_code: str = "") -> Entry:
    return Entry("milestone", milestone.title, milestone.plan_id, milestone.id, milestone.target_date,
                 milestone.target_date, detail=f"Lead: {milestone.lead_label}", status=milestone.rag.value,
                 unit_code=unit_code)


def plan_entries(plan: CommPlan, activities: Iterable[Activity], milestones: Iterable[Milestone]
                 ) -> list[Entry]:
    return ([activity_entry(a) for a in activities if a.status.counts]
            + [milestone_entry(m) for m in milestones])


def year_months(year: int) -> list[tuple[int, int]]:
    """The twelve months of a financial year, April to March."""
    return [(year + (month < 4), month) for month in (*range(4, 13), *range(1, 4))]


def parse_month(text: str | None, year: int) -> tuple[int, int]:
    """"2027-01" if it is a month of the year; otherwise the year's first month."""
    months = year_months(year)
    try:
        year_part, month_part = (int(part) for part in (text or "").split("-"))
    except ValueError:
        return months[0]
    return (year_part, month_part) if (year_part, month_part) in months else months[0]


def month_view(year: int, month: int, entries: Sequence[Entry]) -> Month:
    """Weeks Monday to Sunday; each day lists what starts (or falls due) on it."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    by_day: dict[date, list[Entry]] = {}
    running = []
    for entry in entries:
        if first <= entry.first_day <= last:
            by_day.setdefault(entry.first_day, []).append(entry)
        elif entry.first_day < first <= entry.last_day:
            running.append(entry)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([Day(day, day.month == month, sorted(by_day.get(day, []), key=sort_key))
                      for day in week])
    return Month(year, month, weeks, sorted(running, key=sort_key))


def sort_key(entry: Entry) -> tuple[object, ...]:
    return (entry.first_day, entry.kind != "milestone", entry.detail, entry.title)


@dataclass(frozen=True)
class Bar:
    entry: Entry
    x: float  # share of the year before it starts, 0 to 1
    width: float  # share of the year it runs for (at least one day)


def year_span(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def timeline(year: int, entries: Sequence[Entry]) -> list[Bar]:
    """Each entry as a bar across the financial year, clipped to it."""
    start, end = year_span(year)
    days = (end - start).days + 1
    bars = []
    for entry in sorted(entries, key=sort_key):
        first, last = max(entry.first_day, start), min(entry.last_day, end)
        if first > last:
            continue
        bars.append(Bar(entry, (first - start).days / days, ((last - first).days + 1) / days))
    return bars


def month_marks(year: int) -> list[tuple[str, float]]:
    """Each month's short name and where it starts on the timeline (0 to 1)."""
    start, end = year_span(year)
    days = (end - start).days + 1
    return [(date(y, m, 1).strftime("%b"), (date(y, m, 1) - start).days / days) for y, m in year_months(year)]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def moment_day(moment: datetime) -> date:
    return to_london(moment).date()
