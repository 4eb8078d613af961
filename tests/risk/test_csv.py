"""CSV import of a year's risk profiles: all or nothing, problems by row and column."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from commsplan.audiences.csv_io import ImportFailed, write_csv
from commsplan.auth.models import User
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk import profile_csv, profiles
from commsplan.risk.models import RiskProfile, RiskProfileEntry
from tests.risk.conftest import make_profile

METHOD = "Cambridge Crime Harm Index"


def row(unit: str = "RIV", element: str = "MSV", **values: Any) -> list[Any]:
    fields = {"year": "2026", "volume": "10", "harm_score": "120.5", "harm_method": METHOD,
              "likelihood": "high", "victims": "", "offenders": "", "locations": "", "times": "",
              "confidence": "70", "force_confidence": "65", **values}
    return [unit, fields["year"], element, *(fields[c] for c in profile_csv.COLUMNS[3:])]


def csv_of(*rows: list[Any]) -> str:
    return write_csv(profile_csv.COLUMNS, rows)


def count(session: Any, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)))


def test_two_units_are_imported(session: Any, now: datetime, officer: User, units: list[BusinessUnit],
                                elements: list[ViolenceElement]) -> None:
    text = csv_of(row("RIV", "MSV", harm_score="900", victims="Young men"), row("RIV", "ROB"),
                  row("hil", "awi", volume="3", likelihood="Low"))
    result = profile_csv.import_profiles(session, text, year=2026, actor=officer, now=now)
    assert (result.rows, result.profiles_created, result.entries_created) == (3, 2, 3)
    riverside = profiles.find_profile(session, unit_id=units[0].id, year=2026)
    assert riverside is not None
    rows = profiles.ranked_entries(session, riverside)
    assert [(r.entry.element.code, r.rank) for r in rows] == [("MSV", 1), ("ROB", 2)]
    assert rows[0].entry.victims == "Young men" and rows[0].entry.confidence == 70


def test_a_row_replaces_that_element_in_an_existing_draft(
    session: Any, now: datetime, officer: User, units: list[BusinessUnit], elements: list[ViolenceElement]
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:2], harms=[5, 6],
                           actor=officer, now=now)
    result = profile_csv.import_profiles(session, csv_of(row("RIV", "MSV", volume="77")), year=2026,
                                         actor=officer, now=now)
    assert (result.profiles_created, result.entries_created, result.entries_updated) == (0, 0, 1)
    assert sorted(e.volume for e in profile.entries) == [77, 100]


def test_an_approved_profile_is_refused(session: Any, now: datetime, officer: User, approver: User,
                                        units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[5],
                           actor=officer, now=now)
    profiles.approve_profile(session, profile, actor=approver, now=now)
    with pytest.raises(ImportFailed) as failure:
        profile_csv.import_profiles(session, csv_of(row("RIV", "AWI")), year=2026, actor=officer, now=now)
    assert [(e.row, e.field) for e in failure.value.rows] == [(2, "unit")]
    assert "approved" in failure.value.rows[0].message


@pytest.mark.parametrize(("bad", "column", "words"), [
    (row(unit="NOPE"), "unit", "No business unit"),
    (row(element="XYZ"), "element", "No violence element"),
    (row(harm_score="lots"), "harm_score", "harm score as a number"),
    (row(year="2025"), "year", "Wrong year"),
    (row(volume="-3"), "volume", "whole number"),
    (row(likelihood="sometimes"), "likelihood", "low, medium or high"),
    (row(confidence="140"), "confidence", "percentage"),
    (row(harm_method=""), "harm_method", "harm method"),
])
def test_each_bad_input_is_named_by_row_and_column(
    session: Any, now: datetime, officer: User, units: list[BusinessUnit], elements: list[ViolenceElement],
    bad: list[Any], column: str, words: str,
) -> None:
    with pytest.raises(ImportFailed) as failure:
        profile_csv.import_profiles(session, csv_of(row("HIL", "AWI"), bad), year=2026, actor=officer,
                                    now=now)
    assert [(e.row, e.field) for e in failure.value.rows] == [(3, column)]
    assert words in failure.value.rows[0].message
    assert count(session, RiskProfile) == 0


def test_a_duplicate_unit_and_element_is_reported(session: Any, now: datetime, officer: User,
                                                  units: list[BusinessUnit],
                                                  elements: list[ViolenceElement]) -> None:
    with pytest.raises(ImportFailed) as failure:
        profile_csv.import_profiles(session, csv_of(row(), row("HIL"), row("riv", "msv")), year=2026,
                                    actor=officer, now=now)
    assert [(e.row, e.field, e.message) for e in failure.value.rows] == [
        (4, "element", "This unit and element are already on row 2")]


def test_every_problem_is_listed(session: Any, now: datetime, officer: User, units: list[BusinessUnit],
                                 elements: list[ViolenceElement]) -> None:
    with pytest.raises(ImportFailed) as failure:
        profile_csv.import_profiles(session, csv_of(row(unit="X", element="Y", harm_score="?", year="1")),
                                    year=2026, actor=officer, now=now)
    assert sorted(e.field for e in failure.value.rows) == ["element", "harm_score", "unit", "year"]


def test_one_bad_row_among_500_writes_nothing(session: Any, now: datetime, officer: User,
                                              units: list[BusinessUnit], elements: list[ViolenceElement],
                                              ) -> None:
    from tests.factories import make_unit

    many = [make_unit(session, now=now, code=f"B{number:03d}", name=f"Borough {number}")
            for number in range(167)]
    rows = [row(unit.code, element.code) for unit in many for element in elements][:500]
    rows[321] = row(rows[321][0], rows[321][2], harm_score="high")
    with pytest.raises(ImportFailed) as failure:
        profile_csv.import_profiles(session, csv_of(*rows), year=2026, actor=officer, now=now)
    assert [(e.row, e.field) for e in failure.value.rows] == [(323, "harm_score")]
    assert count(session, RiskProfile) == 0 and count(session, RiskProfileEntry) == 0


def test_the_template_imports_once_codes_exist(session: Any, now: datetime, officer: User,
                                               units: list[BusinessUnit],
                                               elements: list[ViolenceElement]) -> None:
    text = profile_csv.template_csv(session, 2026)
    result = profile_csv.import_profiles(session, text, year=2026, actor=officer, now=now)
    assert result.rows == 2 and result.entries_created == 2


def test_a_failed_import_says_how_many_rows_it_read(
    session: Any, now: datetime, officer: User, units: list[BusinessUnit], elements: list[ViolenceElement]
) -> None:
    with pytest.raises(profile_csv.ProfileImportFailed) as failure:
        profile_csv.import_profiles(session, csv_of(row("RIV"), row("NOPE")), year=2026, actor=officer,
                                    now=now)
    assert failure.value.read == 2
    assert failure.value.summary == ("Read 2 rows. Nothing was imported: 1 problem in the file "
                                     "(listed below)")
    with pytest.raises(profile_csv.ProfileImportFailed) as unreadable:
        profile_csv.import_profiles(session, "colour,size\nred,1\n", year=2026, actor=officer, now=now)
    assert unreadable.value.read is None and unreadable.value.summary.startswith("Nothing was imported")
    done = profile_csv.import_profiles(session, csv_of(row("RIV")), year=2026, actor=officer, now=now)
    assert done.summary(2026) == ("Imported 1 row for 2026–27: 1 new profile, 1 entry added, "
                                  "0 replaced")
