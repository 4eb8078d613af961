"""The heat map's bands and cells, a unit's trend over years, and the charts drawn from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from commsplan.auth.models import User
from commsplan.errors import NotFound
from commsplan.reference import service as reference
from commsplan.reference.kinds import ELEMENTS, UNITS
from commsplan.reference.models import BusinessUnit, UnitKind, ViolenceElement
from commsplan.risk import charts, pictures, profiles
from commsplan.risk.models import year_label
from commsplan.risk.pictures import Band
from tests.factories import make_unit
from tests.risk.conftest import entry_values, make_profile


def bands(scores: list[float]) -> list[Band]:
    ordered = sorted(scores)
    return [pictures.band_of(score, ordered) for score in scores]


def test_ten_different_scores_make_two_a_band() -> None:
    scores = [float(n) for n in range(10, 0, -1)]
    assert bands(scores) == [Band.VERY_HIGH] * 2 + [Band.HIGH] * 2 + [Band.MEDIUM] * 2 + \
        [Band.LOW] * 2 + [Band.VERY_LOW] * 2


@pytest.mark.parametrize(("scores", "expected"), [
    ([42.0], [Band.MEDIUM]),  # no spread: neither end
    ([7.0, 7.0, 7.0], [Band.MEDIUM] * 3),
    ([0.0, 0.0, 0.0, 0.0, 100.0], [Band.VERY_LOW] * 4 + [Band.VERY_HIGH]),  # ties share the lower band
    ([2.0, 1.0], [Band.VERY_HIGH, Band.VERY_LOW]),
    ([5.0, 10.0, 42.0, 300.0, 900.0], list(pictures.BANDS_LOW_TO_HIGH)),
])
def test_equal_scores_share_a_band(scores: list[float], expected: list[Band]) -> None:
    assert bands(scores) == expected


def test_band_ranges_for_the_key() -> None:
    legend = pictures.band_ranges([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    assert [(r.band, r.lowest, r.highest, r.cells) for r in legend] == [
        (Band.VERY_HIGH, 9.0, 10.0, 2), (Band.HIGH, 7.0, 8.0, 2), (Band.MEDIUM, 5.0, 6.0, 2),
        (Band.LOW, 3.0, 4.0, 2), (Band.VERY_LOW, 1.0, 2.0, 2)]
    empty = pictures.band_ranges([])
    assert [r.cells for r in empty] == [0] * 5 and empty[0].lowest is None
    assert Band.VERY_HIGH.label == "very high" and len({band.pattern for band in Band}) == 5


def test_heat_map_cells_rows_and_bands(session: Any, now: datetime, officer: User,
                                       units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    borough = make_unit(session, now=now, code="BRK", name="Brookside", parent=units[0])
    make_unit(session, now=now, code="EMP", name="Empty Vale", parent=units[0])
    riverside = make_profile(session, unit=units[0], year=2026, elements=elements, harms=[10, 300, 42],
                             actor=officer, now=now)
    make_profile(session, unit=borough, year=2026, elements=elements[:2], harms=[5, 900], actor=officer,
                 now=now)
    make_profile(session, unit=units[1], year=2025, elements=elements, harms=[1, 1, 1], actor=officer,
                 now=now)  # another year: never part of the 2026 bands
    heat = pictures.heat_map(session, year=2026)
    assert [row.unit.name for row in heat.rows] == ["Hillside", "Riverside", "Brookside", "Empty Vale"]
    assert heat.profiles_shown == 2 and [e.code for e in heat.elements] == ["MSV", "AWI", "ROB"]
    row = next(r for r in heat.rows if r.profile is riverside)
    by_code = {e.code: row.cell(e) for e in heat.elements}
    assert {code: (c.entry.harm_score, c.band, c.rank) for code, c in by_code.items() if c} == {
        "MSV": (10, Band.LOW, 3), "AWI": (300, Band.HIGH, 1), "ROB": (42, Band.MEDIUM, 2)}
    brookside = next(r for r in heat.rows if r.unit.code == "BRK")
    assert brookside.cell(elements[2]) is None and brookside.cell(elements[1]).band is Band.VERY_HIGH
    assert next(r for r in heat.rows if r.unit.code == "EMP").profile is None
    assert sum(r.cells for r in heat.legend) == 5

    boroughs = pictures.heat_map(session, year=2026, kind=UnitKind.BOROUGH_COMMAND)
    assert [row.unit.code for row in boroughs.rows] == ["BRK", "EMP"]
    assert boroughs.legend == heat.legend  # the kind filter never moves a band
    assert boroughs.rows[0].cell(elements[1]).band is Band.VERY_HIGH


def test_heat_map_keeps_retired_things_only_where_they_have_figures(
    session: Any, now: datetime, officer: User, units: list[BusinessUnit], elements: list[ViolenceElement]
) -> None:
    make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[10], actor=officer,
                 now=now)
    reference.retire_item(session, UNITS, units[0], actor=officer, now=now)
    reference.retire_item(session, UNITS, units[1], actor=officer, now=now)
    reference.retire_item(session, ELEMENTS, elements[0], actor=officer, now=now)
    reference.retire_item(session, ELEMENTS, elements[2], actor=officer, now=now)
    heat = pictures.heat_map(session, year=2026)
    assert [row.unit.code for row in heat.rows] == ["RIV"]
    assert [element.code for element in heat.elements] == ["MSV", "AWI"]


@pytest.mark.parametrize(("years", "expected"), [([], 2026), ([2025, 2026], 2026), ([2024, 2025], 2025),
                                                 ([2027, 2025], 2027)])
def test_default_year(years: list[int], expected: int) -> None:
    assert pictures.default_year(years, 2026) == expected


def test_a_units_trend_over_years(session: Any, now: datetime, officer: User, units: list[BusinessUnit],
                                  elements: list[ViolenceElement]) -> None:
    msv, awi, rob = elements
    make_profile(session, unit=units[0], year=2023, elements=[msv], harms=[50], volumes=[80],
                 actor=officer, now=now)
    make_profile(session, unit=units[0], year=2025, elements=[msv, awi], harms=[60, 20], volumes=[100, 40],
                 actor=officer, now=now)
    make_profile(session, unit=units[0], year=2026, elements=[msv, awi, rob], harms=[70, 90, 5],
                 volumes=[109, 30, 12], actor=officer, now=now)
    make_profile(session, unit=units[1], year=2026, elements=[msv], harms=[1], actor=officer, now=now)
    found = pictures.unit_trend(session, unit_id=units[0].id)
    assert found.years == [2023, 2025, 2026]
    table = {s.element.code: [(p.year, p.volume, p.harm_score, p.rank, p.trend) for p in s.points]
             for s in found.series}
    assert table == {
        "MSV": [(2023, 80, 50, 1, None), (2025, 100, 60, 1, None), (2026, 109, 70, 2, "up 9%")],
        "AWI": [(2025, 40, 20, 2, None), (2026, 30, 90, 1, "down 25%")],
        "ROB": [(2026, 12, 5, 3, "new")],
    }
    assert [s.element.code for s in found.series] == ["MSV", "AWI", "ROB"]
    assert found.series[0].latest.year == 2026
    with pytest.raises(NotFound):
        pictures.unit_trend(session, unit_id=99_999)


def test_trend_charts_break_lines_at_missing_years(session: Any, now: datetime, officer: User,
                                                   units: list[BusinessUnit],
                                                   elements: list[ViolenceElement]) -> None:
    for year in (2023, 2025, 2026):
        make_profile(session, unit=units[0], year=year, elements=elements[:2], harms=[10, 1830.5],
                     volumes=[412, 3], actor=officer, now=now)
    volume, harm = pictures.trend_charts(pictures.unit_trend(session, unit_id=units[0].id))
    assert volume.title == "Volume by year, Riverside" and "2023–24 to 2026–27" in volume.description
    assert [tick.label for tick in volume.x_ticks] == ["2023–24", "2024–25", "2025–26", "2026–27"]
    assert [tick.label for tick in volume.y_ticks] == ["0", "150", "300", "450", "600"]
    first = volume.lines[0]
    assert first.path.count("M") == 2 and first.path.count("L") == 1  # 2023 stands alone
    assert first.points[0].title == "Most serious violence, 2023–24: 412"
    assert harm.lines[1].points[-1].title == "Assault with injury, 2026–27: 1,830.5"
    assert first.style != volume.lines[1].style


def test_chart_shapes_and_scales() -> None:
    looks = [charts.style_for(n) for n in range(8)]
    assert len({(s.shape, s.dash) for s in looks}) == 8 and len({s.shape for s in looks}) == 8
    assert len({look.dash for look in looks[:4]}) == 4
    assert [charts.nice_step(v) for v in (0, 4, 412, 1830.5)] == [1, 1, 150, 500]
    assert charts.nice_step(0.3) == pytest.approx(0.08)
    assert charts.nice_step(3, whole=True) == 1
    for shape in charts.SHAPES:
        assert charts.marker(shape, 10, 10).startswith("M ")
    single = charts.line_chart(title="t", description="d", value_label="v", years=[2026],
                               series=[("A", {2026: 5.0})], year_label=year_label, number=str)
    assert single.lines[0].points[0].x == (charts.LEFT + charts.WIDTH - charts.RIGHT) / 2
    empty = charts.line_chart(title="t", description="d", value_label="v", years=[], series=[],
                              year_label=year_label, number=str)
    assert empty.lines == [] and empty.x_ticks == []


def test_missing_elements_leave_out_those_in_the_profile_and_retired_ones(
    session: Any, now: datetime, officer: User, units: list[BusinessUnit], elements: list[ViolenceElement]
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[1],
                           actor=officer, now=now)
    reference.retire_item(session, ELEMENTS, elements[2], actor=officer, now=now)
    assert [e.code for e in profiles.missing_elements(session, profile)] == ["AWI"]
    profiles.add_entry(session, profile, element=elements[1], values=entry_values(), actor=officer, now=now)
    assert profiles.missing_elements(session, profile) == []
