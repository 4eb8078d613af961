"""Confidence rules: margins, hand entry, the all-or-nothing import, export and the league table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from commsplan.audiences.csv_io import ImportFailed
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.confidence import csv_io, pictures, results
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult, margin_of_error
from commsplan.errors import PermissionDenied, ValidationError
from commsplan.reference.models import BusinessUnit
from tests.confidence.conftest import add_result
from tests.factories import make_user
from tests.helpers import count

HEADER = "measure,unit,period,value,sample_size,margin\r\n"


def test_margin_of_error_at_95_percent() -> None:
    assert margin_of_error(50, 400) == pytest.approx(4.9, abs=0.01)
    assert margin_of_error(0, 400) == 0
    assert margin_of_error(80, 1000) == pytest.approx(2.48, abs=0.01)


def test_a_published_margin_wins_over_the_worked_out_one(
    session: Any, now: datetime, officer: User, measure: ConfidenceMeasure, boroughs: list[BusinessUnit]
) -> None:
    add_result(session, measure=measure, unit=boroughs[0], period=date(2026, 3, 31), value=50,
               margin=6.2, actor=officer, now=now)
    add_result(session, measure=measure, unit=boroughs[1], period=date(2026, 3, 31), value=50,
               actor=officer, now=now)
    given, worked = sorted(session.scalars(select(ConfidenceResult)), key=lambda r: r.unit.code, reverse=True)
    assert (given.margin_of_error, given.margin_is_computed) == (6.2, False)
    assert worked.margin_is_computed and worked.margin_of_error == pytest.approx(4.9, abs=0.01)


def test_entering_a_wave_again_corrects_it_and_audits_the_change(
    session: Any, now: datetime, officer: User, measure: ConfidenceMeasure, boroughs: list[BusinessUnit]
) -> None:
    add_result(session, measure=measure, unit=boroughs[0], period=date(2026, 3, 31), value=50,
               actor=officer, now=now)
    add_result(session, measure=measure, unit=boroughs[0], period=date(2026, 3, 31), value=52,
               actor=officer, now=now)
    assert [r.value for r in session.scalars(select(ConfidenceResult))] == [52]
    actions = list(session.scalars(select(AuditEntry.action)
                                   .where(AuditEntry.object_type == "confidence_result")))
    assert actions == ["create", "correct"]


@pytest.mark.parametrize(("values", "field"), [
    (results.ResultValues(101, 400), "value"),
    (results.ResultValues(-1, 400), "value"),
    (results.ResultValues(None, 400), "value"),
    (results.ResultValues(50, None), "sample_size"),
    (results.ResultValues(50, 0), "sample_size"),
    (results.ResultValues(50, 400, 120), "margin"),
])
def test_bad_numbers_are_refused_by_field(
    session: Any, now: datetime, officer: User, measure: ConfidenceMeasure, boroughs: list[BusinessUnit],
    values: results.ResultValues, field: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        results.enter_result(session, measure=measure, unit=boroughs[0], period=date(2026, 3, 31),
                             values=values, actor=officer, now=now)
    assert list(caught.value.field_errors) == [field]
    assert count(ConfidenceResult) == 0


def test_viewers_cannot_enter_results(
    session: Any, now: datetime, measure: ConfidenceMeasure, boroughs: list[BusinessUnit]
) -> None:
    viewer = make_user(session, roles=[Role.VIEWER], now=now)
    with pytest.raises(PermissionDenied):
        add_result(session, measure=measure, unit=boroughs[0], period=date(2026, 3, 31), value=50,
                   actor=viewer, now=now)


def test_only_one_headline_measure(session: Any, now: datetime, officer: User,
                                   measure: ConfidenceMeasure) -> None:
    fair = results.create_measure(session, code="FAIR", name="Treat everyone fairly",
                                  question="The police treat everyone fairly", source="Test survey",
                                  is_headline=True, actor=officer, now=now)
    assert not measure.is_headline and results.headline(session) is fair
    with pytest.raises(ValidationError, match="code"):
        results.create_measure(session, code="FAIR", name="Again", question="Q", source="S",
                               is_headline=False, actor=officer, now=now)


def test_import_saves_every_row_and_export_round_trips(
    session: Any, now: datetime, officer: User, measure: ConfidenceMeasure, boroughs: list[BusinessUnit],
    force: BusinessUnit,
) -> None:
    text = (HEADER + "DEALING,CORP,2026-03-31,51.5,12000,0.9\r\n"
            "dealing,riv,2026-03-31,47,380,\r\nDEALING,HIL,2026-03-31,55,402,5\r\n")
    summary = csv_io.import_results(session, text, actor=officer, now=now)
    assert (summary.rows, summary.added, summary.corrected) == (3, 3, 0)
    exported = csv_io.export_results(session, measure)
    assert exported.splitlines()[1:] == ["DEALING,CORP,2026-03-31,51.5,12000,0.9",
                                         "DEALING,HIL,2026-03-31,55,402,5", "DEALING,RIV,2026-03-31,47,380,"]
    again = csv_io.import_results(session, exported, actor=officer, now=now)
    assert (again.added, again.corrected) == (0, 0)
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "correct")) is None


def test_an_import_with_bad_rows_writes_nothing_and_names_each_problem(
    session: Any, now: datetime, officer: User, measure: ConfidenceMeasure, boroughs: list[BusinessUnit]
) -> None:
    text = (HEADER
            + "DEALING,RIV,2026-03-31,47,380,\r\n"       # 2: fine
            + "DEALING,NOWHERE,2026-03-31,47,380,\r\n"   # 3: unknown unit
            + "DEALING,HIL,2026-03-31,104,380,\r\n"      # 4: value outside 0-100
            + "DEALING,MAR,2026-03-31,47,,\r\n"          # 5: missing sample size
            + "OTHER,MAR,31/03/2026,lots,0,x\r\n"        # 6: measure, period, value, sample, margin
            + "DEALING,RIV,2026-03-31,48,390,\r\n")      # 7: repeats row 2
    with pytest.raises(ImportFailed) as caught:
        csv_io.import_results(session, text, actor=officer, now=now)
    found = [(e.row, e.field) for e in caught.value.rows]
    assert found == [(3, "unit"), (4, "value"), (5, "sample_size"), (6, "measure"), (6, "period"),
                     (6, "value"), (6, "sample_size"), (6, "margin"), (7, "period")]
    assert "No business unit has this code" in caught.value.rows[0].message
    assert "0 to 100" in caught.value.rows[1].message
    assert "row 2" in caught.value.rows[-1].message
    assert count(ConfidenceResult) == 0


def test_an_import_with_a_bad_header_names_it(session: Any, now: datetime, officer: User,
                                               measure: ConfidenceMeasure) -> None:
    with pytest.raises(ImportFailed) as caught:
        csv_io.import_results(session, "measure,unit,period,value\r\n", actor=officer, now=now)
    assert caught.value.rows[0].field == "header"


def test_league_table_orders_by_gap_and_marks_those_within_the_margin(
    session: Any, now: datetime, officer: User, measure: ConfidenceMeasure, boroughs: list[BusinessUnit],
    force: BusinessUnit,
) -> None:
    wave = date(2026, 3, 31)
    add_result(session, measure=measure, unit=force, period=wave, value=50, sample=12000,
               actor=officer, now=now)
    for unit, value in zip(boroughs, (40, 53, 60), strict=True):
        add_result(session, measure=measure, unit=unit, period=wave, value=value, sample=400,
                   actor=officer, now=now)
    found = pictures.league(session, measure=measure, period=None,
                            periods=pictures.wave_periods(session, measure))
    assert [(row.result.unit.code, row.gap, row.within_margin) for row in found.rows] == [
        ("RIV", -10, False), ("HIL", 3, True), ("MAR", 10, False)]
    assert found.force is not None and found.force.unit is force


def test_unit_series_counts_nothing_it_should_not(
    session: Any, now: datetime, officer: User, measure: ConfidenceMeasure, boroughs: list[BusinessUnit],
    force: BusinessUnit,
) -> None:
    for period, value in ((date(2025, 12, 31), 45), (date(2026, 3, 31), 48)):
        add_result(session, measure=measure, unit=boroughs[0], period=period, value=value,
                   actor=officer, now=now)
    add_result(session, measure=measure, unit=force, period=date(2026, 3, 31), value=50,
               actor=officer, now=now)
    series = pictures.unit_series(session, unit=boroughs[0], measure=measure, show_incidents=False)
    assert [(w.period, w.unit and w.unit.value, w.force and w.force.value, w.activities, w.incidents)
            for w in series.waves] == [(date(2025, 12, 31), 45, None, 0, None),
                                       (date(2026, 3, 31), 48, 50, 0, None)]
    drawn = pictures.series_chart(series)
    assert [len(line.points) for line in drawn.chart.lines] == [2, 1]
    assert len(drawn.bars) == 3


def test_the_chart_counts_activities_and_incidents_per_wave() -> None:
    from commsplan.confidence.pictures import UnitSeries, Wave, count_bars, counted

    unit = BusinessUnit(code="RIV", name="Riverside")
    measure = ConfidenceMeasure(code="M", name="M", question="Q", source="S")
    waves = [Wave(date(2026, 3, 31), None, None, 4, 1), Wave(date(2026, 6, 30), None, None, 0, 2)]
    bars = count_bars(UnitSeries(unit, measure, None, waves), lambda index: 100.0 * (index + 1), 260)
    assert [(b.kind, b.height, b.title) for b in bars] == [
        ("activities", 36, "Mar 2026: 4 activities"), ("incidents", 9, "Mar 2026: 1 critical incident"),
        ("incidents", 18, "Jun 2026: 2 critical incidents")]
    assert counted(1, "activities") == "1 activity"
