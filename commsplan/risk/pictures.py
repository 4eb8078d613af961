"""Pictures of the risk profiles: a heat map of units × elements by harm, and a unit's trend.

Both read in a fixed number of queries whatever the number of units or years. A heat map cell's
band is set by the share of the year's other harm scores that are lower than it, in fifths: the
highest score is always "very high", the lowest "very low", and equal scores share the lower band.
With no spread at all (one score, or all equal) every cell is "medium". Bands come from every entry
in the year, not just the units on show, so narrowing the map never changes a cell's band.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from commsplan.errors import NotFound
from commsplan.reference.models import BusinessUnit, UnitKind, ViolenceElement
from commsplan.risk import charts, profiles
from commsplan.risk.models import RiskProfile, RiskProfileEntry, year_label


class Band(StrEnum):
    """A fifth of the year's harm scores, highest first; the pattern makes it readable without colour."""

    VERY_HIGH = "very-high"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    VERY_LOW = "very-low"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")

    @property
    def pattern(self) -> str:
        return {"very-high": "cross-hatched", "high": "diagonal stripes", "medium": "dots",
                "low": "horizontal lines", "very-low": "plain"}[self.value]


BANDS_LOW_TO_HIGH = (Band.VERY_LOW, Band.LOW, Band.MEDIUM, Band.HIGH, Band.VERY_HIGH)


def band_of(score: float, ordered: Sequence[float]) -> Band:
    """The score's band among `ordered` (sorted ascending, including the score itself)."""
    if ordered[0] == ordered[-1]:
        return Band.MEDIUM  # nothing to compare against
    share = bisect.bisect_left(ordered, score) / (len(ordered) - 1)
    return BANDS_LOW_TO_HIGH[min(int(share * len(BANDS_LOW_TO_HIGH)), len(BANDS_LOW_TO_HIGH) - 1)]


@dataclass(frozen=True)
class BandRange:
    band: Band
    lowest: float | None = None
    highest: float | None = None
    cells: int = 0


def band_ranges(scores: Sequence[float]) -> list[BandRange]:
    """For the legend: each band's lowest and highest score and how many cells it holds."""
    ordered = sorted(scores)
    members: dict[Band, list[float]] = {band: [] for band in Band}
    for score in ordered:
        members[band_of(score, ordered)].append(score)
    return [BandRange(band, found[0], found[-1], len(found)) if (found := members[band]) else BandRange(band)
            for band in Band]


@dataclass(frozen=True)
class HeatCell:
    entry: RiskProfileEntry
    band: Band
    rank: int


@dataclass(frozen=True)
class HeatRow:
    unit: BusinessUnit
    profile: RiskProfile | None
    cells: dict[int, HeatCell] = field(default_factory=dict)  # by element id

    def cell(self, element: ViolenceElement) -> HeatCell | None:
        return self.cells.get(element.id)


@dataclass(frozen=True)
class HeatMap:
    year: int
    kind: UnitKind | None
    elements: list[ViolenceElement]
    rows: list[HeatRow]
    legend: list[BandRange]

    @property
    def profiles_shown(self) -> int:
        return sum(1 for row in self.rows if row.profile is not None)


def year_profiles(session: Session, year: int) -> list[RiskProfile]:
    """Every profile of the year with its entries and their elements: two queries."""
    return list(session.scalars(select(RiskProfile).where(RiskProfile.year == year)
                                .options(selectinload(RiskProfile.entries))))


def heat_map(session: Session, *, year: int, kind: UnitKind | None = None) -> HeatMap:
    """Units (active ones, and any with a profile for the year) × elements, each cell banded by harm."""
    found = year_profiles(session, year)
    ordered = sorted(entry.harm_score for profile in found for entry in profile.entries)
    by_unit = {profile.unit_id: profile for profile in found}
    units = {unit.id: unit for unit in session.scalars(
        select(BusinessUnit).where(BusinessUnit.retired_at.is_(None)))}
    units.update({profile.unit_id: profile.unit for profile in found})
    shown = sorted((unit for unit in units.values() if kind is None or unit.kind is kind),
                   key=lambda unit: (list(UnitKind).index(unit.kind), unit.name))
    rows = [heat_row(unit, by_unit.get(unit.id), ordered) for unit in shown]
    in_use = {entry.element_id for row in rows for entry in (row.profile.entries if row.profile else [])}
    elements = [element for element in session.scalars(
        select(ViolenceElement).order_by(ViolenceElement.position, ViolenceElement.code))
        if element.retired_at is None or element.id in in_use]
    return HeatMap(year=year, kind=kind, elements=elements, rows=rows, legend=band_ranges(ordered))


def heat_row(unit: BusinessUnit, profile: RiskProfile | None, ordered: Sequence[float]) -> HeatRow:
    if profile is None:
        return HeatRow(unit=unit, profile=None)
    order = profiles.ranks(profile.entries)
    return HeatRow(unit=unit, profile=profile, cells={
        entry.element_id: HeatCell(entry=entry, band=band_of(entry.harm_score, ordered),
                                   rank=order[entry.element_id][0])
        for entry in profile.entries})


def default_year(years: Sequence[int], current: int) -> int:
    """The current financial year when it has profiles, else the latest year that has, else current."""
    if current in years or not years:
        return current
    return max(years)


# --- A unit's trend over years ------------------------------------------------------------------

@dataclass(frozen=True)
class TrendPoint:
    year: int
    profile: RiskProfile
    volume: int
    harm_score: float
    rank: int
    trend: str | None  # None when the unit has no profile for the year before


@dataclass(frozen=True)
class ElementTrend:
    element: ViolenceElement
    points: list[TrendPoint]

    @property
    def latest(self) -> TrendPoint:
        return self.points[-1]


@dataclass(frozen=True)
class UnitTrend:
    unit: BusinessUnit
    profiles: list[RiskProfile]  # oldest year first
    series: list[ElementTrend]

    @property
    def years(self) -> list[int]:
        return [profile.year for profile in self.profiles]


def year_points(profile: RiskProfile, before: RiskProfile | None
                ) -> list[tuple[ViolenceElement, TrendPoint]]:
    """One point per entry of the profile, its trend against the unit's profile for the year before."""
    volumes = {e.element_id: e.volume for e in before.entries} if before is not None else None
    order = profiles.ranks(profile.entries)
    return [(entry.element, TrendPoint(
        year=profile.year, profile=profile, volume=entry.volume, harm_score=entry.harm_score,
        rank=order[entry.element_id][0],
        trend=None if volumes is None else profiles.trend(entry.volume, volumes.get(entry.element_id))))
        for entry in profile.entries]


def unit_trend(session: Session, *, unit_id: int) -> UnitTrend:
    """Per element, volume, harm and rank in each year the unit has a profile, oldest year first."""
    unit = session.get(BusinessUnit, unit_id)
    if unit is None:
        raise NotFound("There is no such business unit")
    found = list(session.scalars(select(RiskProfile).where(RiskProfile.unit_id == unit_id)
                                 .order_by(RiskProfile.year).options(selectinload(RiskProfile.entries))))
    by_year = {profile.year: profile for profile in found}
    points: dict[int, list[TrendPoint]] = {}
    elements: dict[int, ViolenceElement] = {}
    for profile in found:
        for element, point in year_points(profile, by_year.get(profile.year - 1)):
            elements[element.id] = element
            points.setdefault(element.id, []).append(point)
    series = [ElementTrend(element=elements[element_id], points=points[element_id])
              for element_id in sorted(elements, key=lambda i: (elements[i].position, elements[i].code))]
    return UnitTrend(unit=unit, profiles=found, series=series)


def figure(value: float) -> str:
    """A number as the tables show it: thousands separated, no needless decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def trend_charts(found: UnitTrend) -> list[charts.Chart]:
    """Volume and harm score by year, one line per element, in the same order as the table."""
    name, span = found.unit.name, (f"{year_label(found.years[0])} to {year_label(found.years[-1])}"
                                   if found.years else "no years yet")
    made = []
    for measure, whole, value_of in (("Volume", True, lambda p: p.volume),
                                     ("Harm score", False, lambda p: p.harm_score)):
        made.append(charts.line_chart(
            title=f"{measure} by year, {name}",
            description=f"{measure} of each violence element in {name}'s risk profiles, {span}. "
                        "Each element has its own marker and line pattern; the table below gives "
                        "the same figures.",
            value_label=measure, years=found.years, whole=whole, year_label=year_label, number=figure,
            series=[(s.element.name, {p.year: value_of(p) for p in s.points}) for s in found.series]))
    return made
