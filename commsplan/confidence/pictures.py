"""Pictures of confidence: a unit's series against the force's, and the league table of gaps.

Each reads in a fixed number of queries however many results, activities or incidents there are:
the series is capped at the latest waves, and activities and incidents are counted in SQL, one count
per wave (those that started after the wave before ended, up to the wave's last day).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from commsplan.confidence import results
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.incidents.models import Incident
from commsplan.plans.models import Activity, CommPlan
from commsplan.reference.models import BusinessUnit, UnitKind
from commsplan.risk import charts
from commsplan.timeutil import london_day_start

MAX_WAVES = 20
FIRST_WINDOW = timedelta(days=91)  # the first wave shown counts the quarter before it


def wave_label(period: date) -> str:
    return period.strftime("%b %Y")


def percent(value: float) -> str:
    return f"{value:.1f}%"


@dataclass(frozen=True)
class Wave:
    period: date
    unit: ConfidenceResult | None
    force: ConfidenceResult | None
    activities: int
    incidents: int | None  # None when the viewer may not see incidents

    @property
    def label(self) -> str:
        return wave_label(self.period)


@dataclass(frozen=True)
class UnitSeries:
    unit: BusinessUnit
    measure: ConfidenceMeasure
    force_unit: BusinessUnit | None
    waves: list[Wave]


def latest_periods(session: Session, measure: ConfidenceMeasure, unit_ids: Sequence[int]) -> list[date]:
    """The latest waves with a result for any of the units, oldest first."""
    found = session.scalars(select(ConfidenceResult.period).distinct()
                            .where(ConfidenceResult.measure_id == measure.id,
                                   ConfidenceResult.unit_id.in_(unit_ids))
                            .order_by(ConfidenceResult.period.desc()).limit(MAX_WAVES))
    return sorted(found)


def windows(periods: Sequence[date]) -> list[tuple[datetime, datetime]]:
    """Each wave's stretch of time: from the end of the wave before to the end of its own last day,
    London time."""
    ends = [london_day_start(period + timedelta(days=1)) for period in periods]
    starts = [ends[0] - FIRST_WINDOW, *ends[:-1]] if ends else []
    return list(zip(starts, ends, strict=True))


def counts_by_window(session: Session, query: Select[Any], column: InstrumentedAttribute[datetime],
                     spans: Sequence[tuple[datetime, datetime]]) -> list[int]:
    """How many rows of `query` fall in each span, in one query."""
    if not spans:
        return []
    sums = [func.coalesce(func.sum(case(((column >= start) & (column < end), 1), else_=0)), 0)
            for start, end in spans]
    row = session.execute(query.with_only_columns(*sums).where(
        column >= spans[0][0], column < spans[-1][1])).one()
    return [int(value) for value in row]


def unit_series(session: Session, *, unit: BusinessUnit, measure: ConfidenceMeasure,
                show_incidents: bool) -> UnitSeries:
    """The unit's latest waves beside the force's, with its plans' activities and its critical
    incidents counted per wave."""
    force = results.force_unit(session)
    ids = [unit.id] + ([force.id] if force is not None and force.id != unit.id else [])
    periods = latest_periods(session, measure, [unit.id])
    found = {(r.unit_id, r.period): r for r in session.scalars(
        select(ConfidenceResult).where(ConfidenceResult.measure_id == measure.id,
                                       ConfidenceResult.unit_id.in_(ids),
                                       ConfidenceResult.period.in_(periods)))}
    spans = windows(periods)
    activities = counts_by_window(
        session, select(Activity.id).join(CommPlan, Activity.plan_id == CommPlan.id)
        .where(CommPlan.unit_id == unit.id), Activity.starts_at, spans)
    incidents: list[int | None] = list(counts_by_window(
        session, select(Incident.id).where(Incident.unit_id == unit.id), Incident.created_at, spans)
    ) if show_incidents else [None] * len(periods)
    waves = [Wave(period, found.get((unit.id, period)),
                  found.get((force.id, period)) if force is not None else None, done, seen)
             for period, done, seen in zip(periods, activities, incidents, strict=True)]
    return UnitSeries(unit=unit, measure=measure, force_unit=force, waves=waves)


@dataclass(frozen=True)
class ErrorBar:
    x: float
    low: float
    high: float
    colour: str


@dataclass(frozen=True)
class CountBar:
    """A bar at the foot of the chart: how many activities or incidents fell in a wave."""

    x: float
    y: float
    height: float
    kind: str  # "activities" or "incidents"
    title: str


@dataclass(frozen=True)
class SeriesChart:
    chart: charts.Chart
    bars: list[ErrorBar]
    counts: list[CountBar]


COUNT_HEIGHT = 36  # the tallest count bar, in chart units; the scale is the page's largest count


def counted(count: int, kind: str) -> str:
    if kind == "activities":
        return f"{count} {'activity' if count == 1 else 'activities'}"
    return f"{count} critical incident{'' if count == 1 else 's'}"


def count_bars(series: UnitSeries, x_of: Callable[[int], float], bottom: float) -> list[CountBar]:
    """Activities (left) and incidents (right) per wave, drawn along the foot of the chart."""
    largest = max([w.activities for w in series.waves] + [w.incidents or 0 for w in series.waves] + [1])
    bars = []
    for index, wave in enumerate(series.waves):
        for shift, kind, count in ((-5, "activities", wave.activities), (5, "incidents", wave.incidents)):
            if count:
                height = COUNT_HEIGHT * count / largest
                bars.append(CountBar(x_of(index) + shift - 4, bottom - height, height, kind,
                                     f"{wave.label}: {counted(count, kind)}"))
    return bars


def series_chart(series: UnitSeries) -> SeriesChart:
    """The unit's and the force's results by wave on a 0–100% scale, each with its margin of error."""
    count = len(series.waves)
    left, right = charts.LEFT, charts.WIDTH - charts.RIGHT
    bottom, top = charts.HEIGHT - charts.BOTTOM, charts.TOP

    def x_of(index: int) -> float:
        return (left + right) / 2 if count < 2 else left + index * (right - left) / (count - 1)

    def y_of(value: float) -> float:
        return bottom - min(max(value, 0.0), 100.0) / 100 * (bottom - top)

    lines, bars = [], []
    sides = [(series.unit.name, lambda w: w.unit)]
    if series.force_unit is not None and series.force_unit.id != series.unit.id:
        sides.append(("Force", lambda w: w.force))
    for number, (label, pick) in enumerate(sides):
        style = charts.style_for(number)
        points, path, previous = [], [], False
        for index, wave in enumerate(series.waves):
            result = pick(wave)
            if result is None:
                previous = False
                continue
            x, y = x_of(index), y_of(result.value)
            margin = result.margin_of_error
            points.append(charts.Point(x, y, f"{label}, {wave.label}: {percent(result.value)} "
                                             f"± {margin:.1f}", charts.marker(style.shape, x, y)))
            path.append(f"{'L' if previous else 'M'} {x:g} {y:g}")
            bars.append(ErrorBar(x + (3 if number else -3), y_of(result.value - margin),
                                 y_of(result.value + margin), style.colour))
            previous = True
        lines.append(charts.Line(label=label, style=style, path=" ".join(path), points=points))
    step = max(1, math.ceil(count / 6))
    chart = charts.Chart(
        title=f"{series.measure.name}: {series.unit.name} and the force by survey wave",
        description=f"Percentage agreeing, {series.unit.name} and the force, over the latest {count} "
                    "waves; each point has a bar showing its 95% margin of error. Short bars along the "
                    "foot count the unit's plan activities and critical incidents in each wave. The "
                    "table below gives the same figures.",
        value_label="Percentage agreeing", lines=lines,
        x_ticks=[charts.Tick(x_of(i), w.label) for i, w in enumerate(series.waves) if i % step == 0],
        y_ticks=[charts.Tick(y_of(v), f"{v}%") for v in range(0, 101, 25)])
    return SeriesChart(chart=chart, bars=bars, counts=count_bars(series, x_of, bottom))


@dataclass(frozen=True)
class LeagueRow:
    result: ConfidenceResult
    gap: float | None
    margin: float | None  # the margin of error of the gap itself

    @property
    def within_margin(self) -> bool | None:
        if self.gap is None or self.margin is None:
            return None
        return abs(self.gap) <= self.margin


@dataclass(frozen=True)
class League:
    measure: ConfidenceMeasure
    period: date | None
    periods: list[date]
    force: ConfidenceResult | None
    rows: list[LeagueRow]


def gap_margin(unit: ConfidenceResult, force: ConfidenceResult) -> float:
    """The 95% margin of a difference between two survey results, √(m₁² + m₂²). It treats the two
    samples as independent; a unit's respondents are also in the force's sample, so the true margin
    is a little narrower and this errs on the side of calling a gap "within the margin"."""
    return math.hypot(unit.margin_of_error, force.margin_of_error)


def wave_periods(session: Session, measure: ConfidenceMeasure) -> list[date]:
    """The measure's latest waves, newest first."""
    return list(session.scalars(select(ConfidenceResult.period).distinct()
                                .where(ConfidenceResult.measure_id == measure.id)
                                .order_by(ConfidenceResult.period.desc()).limit(MAX_WAVES)))


def league(session: Session, *, measure: ConfidenceMeasure, period: date | None,
           periods: list[date]) -> League:
    """Every unit's result for the wave (the latest of `periods` when none is asked), by gap to the
    force, widest shortfall first, in one query."""
    chosen = period if period is not None else (periods[0] if periods else None)
    found = list(session.scalars(
        select(ConfidenceResult).join(ConfidenceResult.unit)
        .where(ConfidenceResult.measure_id == measure.id, ConfidenceResult.period == chosen)))
    force = next((r for r in found if r.unit.kind is UnitKind.CORPORATE), None)
    rows = [LeagueRow(r, r.value - force.value if force else None, gap_margin(r, force) if force else None)
            for r in found if r.unit.kind is not UnitKind.CORPORATE]
    rows.sort(key=lambda row: (row.gap if row.gap is not None else row.result.value, row.result.unit.name))
    return League(measure=measure, period=chosen, periods=periods, force=force, rows=rows)
