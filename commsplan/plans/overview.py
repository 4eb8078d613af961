"""What a plan's own page shows of its calendar, bounded whatever the plan holds: the activities
running now and in the next weeks (the whole year is on the calendar, timeline and exports) and
the milestones still open first.

Each part is one query with its total counted alongside (`count(*) OVER ()`), so a plan of 600
activities costs the page what a plan of 6 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.plans.activities import year_bounds
from commsplan.plans.models import Activity, CommPlan, Milestone

UPCOMING_WEEKS = 8
ACTIVITIES_SHOWN = 40
MILESTONES_SHOWN = 20


@dataclass(frozen=True)
class ActivityWindow:
    """The activities running between `starts_at` and `ends_at` (the first `ACTIVITIES_SHOWN` of
    `in_window`), and how many the plan holds in all."""

    activities: list[Activity]
    starts_at: datetime
    ends_at: datetime
    in_window: int
    total: int

    @property
    def more(self) -> int:
        return self.in_window - len(self.activities)


@dataclass(frozen=True)
class Shown:
    """The first few of a list, and how many there are."""

    items: list[Any]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def window_for(plan: CommPlan, now: datetime, weeks: int = UPCOMING_WEEKS) -> tuple[datetime, datetime]:
    """From now for `weeks` weeks, kept inside the plan's financial year: a plan for a year still to
    come shows its first weeks, a past plan its last."""
    year_start, year_end = year_bounds(plan.year)
    span = timedelta(weeks=weeks)
    start = min(max(now, year_start), max(year_start, year_end - span))
    return start, start + span


def upcoming_activities(session: Session, plan: CommPlan, *, now: datetime,
                        limit: int = ACTIVITIES_SHOWN) -> ActivityWindow:
    """The activities under way or starting in the window, soonest first."""
    start, end = window_for(plan, now)
    in_plan = Activity.plan_id == plan.id
    rows = session.execute(select(Activity, func.count().over())
                           .where(in_plan, Activity.ends_at >= start, Activity.starts_at < end)
                           .order_by(Activity.starts_at, Activity.id).limit(limit)).all()
    total = session.scalar(select(func.count()).select_from(Activity).where(in_plan)) or 0
    return ActivityWindow([row[0] for row in rows], start, end, rows[0][1] if rows else 0, total)


def milestones_shown(session: Session, plan: CommPlan, *, limit: int = MILESTONES_SHOWN) -> Shown:
    """Milestones not yet done by target date, then the done ones, the most recent first."""
    rows = session.execute(select(Milestone, func.count().over()).where(Milestone.plan_id == plan.id)
                           .order_by(Milestone.completed_on.is_not(None), Milestone.completed_on.desc(),
                                     Milestone.target_date, Milestone.id).limit(limit)).all()
    return Shown([row[0] for row in rows], rows[0][1] if rows else 0)
