"""Activities that fall in sensitivity windows: matched in SQL, for any number of activities in one
query, so a page that flags them costs the same whatever the plan holds.

An activity falls in a window when it runs at some moment the window is open, and the window names
its plan's unit (or none; a force-wide plan reaches every unit, so every window touches it), its
violence element (or none) and one of its audiences (or none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from commsplan.plans.calendar import Month
from commsplan.plans.models import Activity, ActivityStatus, CommPlan, activity_audiences
from commsplan.reference.models import BusinessUnit, UnitKind
from commsplan.rendering import escape_markdown_line as md
from commsplan.sensitivity import service as windows
from commsplan.sensitivity.models import SensitivityWindow, Severity
from commsplan.timeutil import london_day_start, to_london

CLASHES_SHOWN = 20


@dataclass(frozen=True)
class Clash:
    """One window an activity falls in."""

    activity_id: int
    window_id: int
    title: str
    severity: Severity


@dataclass(frozen=True)
class ListedClash:
    """An activity and a window it falls in, for the integrated plan's list."""

    activity_id: int
    plan_id: int
    activity_title: str
    unit_code: str
    starts_at: datetime
    window_title: str
    severity: Severity
    window_reason: str


def _matching(*columns: Any) -> Select[Any]:
    """Activity × window pairs that clash, joined to the activity's plan and unit."""
    audiences = select(activity_audiences.c.audience_id).where(
        activity_audiences.c.activity_id == Activity.id).scalar_subquery()
    return (select(*columns).select_from(Activity)
            .join(CommPlan, CommPlan.id == Activity.plan_id)
            .join(BusinessUnit, BusinessUnit.id == CommPlan.unit_id)
            .join(SensitivityWindow, windows.overlaps(Activity.starts_at, Activity.ends_at))
            .where(windows.touches_unit(CommPlan.unit_id, everywhere=BusinessUnit.kind == UnitKind.CORPORATE),
                   windows.touches_element(Activity.element_id), windows.touches_audiences(audiences)))


def clashes_of(session: Session, activity_ids: Collection[int]) -> dict[int, list[Clash]]:
    """The windows each of these activities falls in (one query, even for none), avoid first."""
    query = _matching(Activity.id, SensitivityWindow.id, SensitivityWindow.title, SensitivityWindow.severity
                      ).where(Activity.id.in_(list(activity_ids))).order_by(
        SensitivityWindow.severity, SensitivityWindow.starts_at, SensitivityWindow.id)
    found: dict[int, list[Clash]] = defaultdict(list)
    for activity_id, window_id, title, severity in session.execute(query):
        found[activity_id].append(Clash(activity_id, window_id, title, severity))
    return dict(found)


def listed_clashes(session: Session, plan_ids: Collection[int], *, limit: int = CLASHES_SHOWN
                   ) -> tuple[list[ListedClash], int]:
    """The first clashes of these plans' counted activities by start, and how many there are in all
    (one query, counted alongside)."""
    if not plan_ids:
        return [], 0
    query = _matching(Activity.id, Activity.plan_id, Activity.title, BusinessUnit.code, Activity.starts_at,
                      SensitivityWindow.title, SensitivityWindow.severity, Activity.window_reason,
                      func.count().over()).where(
        Activity.plan_id.in_(list(plan_ids)), Activity.status != ActivityStatus.CANCELLED).order_by(
        Activity.starts_at, Activity.id, SensitivityWindow.id).limit(limit)
    rows = session.execute(query).all()
    return [ListedClash(*row[:8]) for row in rows], (rows[0][8] if rows else 0)


def markdown_lines(rows: list[ListedClash], total: int) -> list[str]:
    """The integrated plan's list of activities in windows, as Markdown; what people typed is escaped."""
    lines = ["", "## Activities in sensitivity windows", ""]
    lines += [f"- {to_london(c.starts_at):%-d %b %Y %H:%M}: {md(c.activity_title)} ({md(c.unit_code)}) "
              f"in {md(c.window_title)} ({c.severity.label.lower()}); "
              f"reason recorded: {md(c.window_reason) or 'none'}"
              for c in rows] or ["_No counted activity falls in a sensitivity window._"]
    if total > len(rows):
        lines += ["", f"Showing the first {len(rows)} of {total}, soonest first."]
    return lines


def avoid_windows_for(session: Session, plan: CommPlan, *, element_id: int, audience_ids: Collection[int],
                      starts_at: datetime, ends_at: datetime) -> list[SensitivityWindow]:
    """The "avoid" windows an activity with these values would fall in, before it is saved."""
    return windows.touching(session, unit_id=plan.unit_id, everywhere=plan.is_corporate,
                            element_id=element_id, audience_ids=audience_ids, starts_at=starts_at,
                            ends_at=ends_at, severity=Severity.AVOID)


@dataclass(frozen=True)
class MonthSensitivity:
    """The windows open in a calendar month, and the windows each of its activities falls in."""

    windows: list[SensitivityWindow]
    clashes: dict[int, list[Clash]]


def month_sensitivity(session: Session, month: Month) -> MonthSensitivity:
    """Two queries, whatever the month holds."""
    first = date(month.year, month.month, 1)
    after = (first + timedelta(days=31)).replace(day=1)
    shown = [entry.item_id for entry in month.running if entry.kind == "activity"]
    shown += [entry.item_id for week in month.weeks for day in week if day.in_month
              for entry in day.starting if entry.kind == "activity"]
    open_windows = windows.running_between(session, london_day_start(first), london_day_start(after))
    return MonthSensitivity(open_windows, clashes_of(session, shown))
