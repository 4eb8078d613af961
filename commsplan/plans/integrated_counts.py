"""The integrated plan's counts of a year's activities, made in SQL in three passes over them.

One pass over the counted activities gives how many each plan has and how many start in each
month; two over their audiences give the coverage (element × audience × unit) and, per audience,
how many activities start and end in each pair of weeks, from which the load on the audience each
week is added up here (a few thousand rows, whatever the number of activities).

Each moment is turned into a week or month number in SQL by a CASE nested as a binary search over
the period boundaries (`periods_before`): a row costs a handful of comparisons, where counting
each week with its own FILTER cost two comparisons a week. An index on the activities' plan,
status and times lets each pass read the index alone. Nothing converts a datetime per row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from commsplan.plans.calendar import week_start, year_months
from commsplan.plans.models import Activity, ActivityStatus, CommPlan, activity_audiences
from commsplan.timeutil import london_day_start


class UnitReach(NamedTuple):
    """How many counted activities of one unit's plan reach an audience about an element."""

    element_id: int
    audience_id: int
    unit_id: int
    activities: int


@dataclass(frozen=True)
class PlanCounts:
    """Counted activities per plan, and per month of the year by when they start."""

    per_plan: dict[int, int]
    months: list[tuple[int, int, int]]  # (year, month, activities starting)


def counted(plan_ids: Collection[int]) -> ColumnElement[bool]:
    """Activities that count: in a plan approved at least once, and not cancelled."""
    return and_(Activity.plan_id.in_(plan_ids), Activity.status != ActivityStatus.CANCELLED)


def periods_before(column: Any, edges: Sequence[datetime]) -> ColumnElement[int]:
    """How many of the ascending `edges` are at or before `column`, as SQL: a CASE nested as a binary
    search, about log2(len(edges)) comparisons a row."""

    def within(low: int, high: int) -> Any:
        if low == high:
            return literal(low)
        middle = (low + high) // 2
        return case((column < edges[middle], within(low, middle)), else_=within(middle + 1, high))

    return within(0, len(edges))


def year_weeks(year: int) -> list[date]:
    """The Mondays of the weeks that touch a financial year."""
    first, last = date(year, 4, 1), date(year + 1, 3, 31)
    return [week_start(first) + timedelta(weeks=n) for n in range((last - week_start(first)).days // 7 + 1)]


def week_bounds(year: int) -> list[datetime]:
    """Where each week of the year starts, and where the last one ends, as UTC moments."""
    weeks = year_weeks(year)
    return [london_day_start(week) for week in [*weeks, weeks[-1] + timedelta(weeks=1)]]


def plan_counts(session: Session, year: int, plan_ids: Collection[int]) -> PlanCounts:
    """Counted activities of the plans, per plan and per month of the year they start in."""
    months = year_months(year)
    starts = [london_day_start(date(y, m, 1)) for y, m in months] + [london_day_start(date(year + 1, 4, 1))]
    month = periods_before(Activity.starts_at, starts)  # 0 before the year, 1–12 its months, 13 after
    query = (select(Activity.plan_id, month, func.count()).where(counted(plan_ids))
             .group_by(Activity.plan_id, month))
    per_plan: Counter[int] = Counter()
    per_month: Counter[int] = Counter()
    for plan_id, number, activities in session.execute(query):
        per_plan[plan_id] += activities
        per_month[number] += activities
    return PlanCounts(dict(per_plan), [(y, m, per_month[n + 1]) for n, (y, m) in enumerate(months)])


def unit_reach(session: Session, plan_ids: Collection[int]) -> list[UnitReach]:
    """Counted activities grouped by element, audience and unit: as many rows as the reference data
    allows, whatever the number of activities."""
    audience_id = activity_audiences.c.audience_id
    query = (select(Activity.element_id, audience_id, CommPlan.unit_id, func.count())
             .join(activity_audiences, activity_audiences.c.activity_id == Activity.id)
             .join(CommPlan, CommPlan.id == Activity.plan_id).where(counted(plan_ids))
             .group_by(Activity.element_id, audience_id, CommPlan.unit_id))
    return [UnitReach(*row) for row in session.execute(query)]


def weekly_load(session: Session, year: int, plan_ids: Collection[int]) -> dict[int, list[int]]:
    """For each audience, how many counted activities run in each week of `year_weeks`.

    An activity runs in week n when it starts before bounds[n + 1] and ends at or after bounds[n],
    so in the weeks from `first` to `last - 1`. SQL groups the activities by audience, first and
    last week (a few thousand rows at London scale); each group adds to a run of weeks here."""
    bounds = week_bounds(year)
    weeks = len(bounds) - 1
    audience_id = activity_audiences.c.audience_id
    first, last = periods_before(Activity.starts_at, bounds[1:]), periods_before(Activity.ends_at, bounds)
    query = (select(audience_id, first, last, func.count())
             .join(Activity, Activity.id == activity_audiences.c.activity_id)
             .where(counted(plan_ids)).group_by(audience_id, first, last))
    changes: dict[int, list[int]] = {}
    for audience, begins, ends, activities in session.execute(query):
        ends = min(ends, weeks)
        if begins < ends:
            change = changes.setdefault(audience, [0] * (weeks + 1))
            change[begins] += activities
            change[ends] -= activities
    return {audience: running_totals(change)[:weeks] for audience, change in changes.items()}


def running_totals(changes: list[int]) -> list[int]:
    totals, running = [], 0
    for change in changes:
        running += change
        totals.append(running)
    return totals
