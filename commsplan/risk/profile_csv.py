"""All-or-nothing CSV import of a year's risk profiles for many business units at once.

One row per unit and element. A unit without a profile for the year gets a new draft; a row for a
unit that already has a draft replaces that element's entry and leaves its other entries alone.
Approved profiles are refused. Any problem anywhere means nothing is written, and every problem
is reported by row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from commsplan.audiences.csv_io import ImportFailed, RowError, read_rows, repeated, write_csv
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk import profiles
from commsplan.risk.models import ProfileStatus, RiskProfile, year_label

COLUMNS = ("unit", "year", "element", "volume", "harm_score", "harm_method", "likelihood", "victims",
           "offenders", "locations", "times", "confidence", "force_confidence")
REQUIRED = ("unit", "year", "element", "volume", "harm_score", "harm_method", "likelihood")
WHOLE = re.compile(r"[0-9]+")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
EXAMPLE_METHOD = "Cambridge Crime Harm Index"


@dataclass
class ProfileImportResult:
    rows: int = 0
    profiles_created: int = 0
    entries_created: int = 0
    entries_updated: int = 0

    def summary(self, year: int) -> str:
        added = "entry" if self.entries_created == 1 else "entries"
        return (f"Imported {plural(self.rows, 'row')} for {year_label(year)}: "
                f"{plural(self.profiles_created, 'new profile')}, {self.entries_created:,} {added} added, "
                f"{self.entries_updated:,} replaced")


class ProfileImportFailed(ImportFailed):
    """Nothing was saved; also says how many data rows were read (None when the file could not be)."""

    def __init__(self, rows: list[RowError], *, read: int | None) -> None:
        super().__init__(rows)
        self.read = read

    @property
    def summary(self) -> str:
        found = f"Nothing was imported: {plural(len(self.rows), 'problem')} in the file (listed below)"
        return found if self.read is None else f"Read {plural(self.read, 'row')}. {found}"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Parsed:
    number: int
    unit: BusinessUnit
    element: ViolenceElement
    values: profiles.EntryValues


def template_csv(session: Session, year: int) -> str:
    """A header row and two example rows, using real codes where reference data exists."""
    unit = session.scalar(select(BusinessUnit.code).where(BusinessUnit.retired_at.is_(None))
                          .order_by(BusinessUnit.code)) or "CORP"
    codes = list(session.scalars(select(ViolenceElement.code).where(ViolenceElement.retired_at.is_(None))
                                 .order_by(ViolenceElement.position, ViolenceElement.code).limit(2)))
    codes += ["ELEMENT"] * (2 - len(codes))
    return write_csv(COLUMNS, [
        [unit, year, codes[0], 412, 1830.5, EXAMPLE_METHOD, "high", "Young men aged 15–24",
         "Known peer groups", "Town centre and transport hubs", "Friday and Saturday nights", 72, 68],
        [unit, year, codes[1], 96, 240, EXAMPLE_METHOD, "medium", "", "", "", "", "", ""],
    ])


class Reader:
    """Turns rows into entry values, keeping every problem by row and column."""

    def __init__(self, session: Session, year: int) -> None:
        self.year = year
        self.units = {u.code.lower(): u for u in session.scalars(select(BusinessUnit))}
        self.elements = {e.code.lower(): e for e in session.scalars(select(ViolenceElement))}
        self.seen: dict[tuple[int, int], int] = {}
        self.errors: list[RowError] = []

    def problem(self, number: int, column: str, message: str) -> None:
        self.errors.append(RowError(number, column, message))

    def whole(self, number: int, column: str, value: str, message: str) -> int | None:
        if WHOLE.fullmatch(value):
            return int(value)
        if value:
            self.problem(number, column, message)
        return None

    def decimal(self, number: int, column: str, value: str, message: str) -> float | None:
        if NUMBER.fullmatch(value):
            return float(value)
        if value:
            self.problem(number, column, message)
        return None

    def row(self, number: int, row: dict[str, str]) -> Parsed | None:
        before = len(self.errors)
        if row["year"] != str(self.year):
            self.problem(number, "year", f"Wrong year: this import is for {self.year} "
                                         f"({year_label(self.year)}), not “{row['year']}”")
        unit = self.units.get(row["unit"].lower())
        if unit is None:
            self.problem(number, "unit", "No business unit has this code" if row["unit"]
                         else "Enter the business unit's code")
        element = self.elements.get(row["element"].lower())
        if element is None:
            self.problem(number, "element", "No violence element has this code" if row["element"]
                         else "Enter the violence element's code")
        if unit is not None and element is not None and (
                first := repeated(self.seen, (unit.id, element.id), number)):
            self.problem(number, "element", f"This unit and element are already on row {first}")
        values = self.values(number, row)
        for name, messages in profiles.check_entry(values).items():
            if not any(e.row == number and e.field == name for e in self.errors[before:]):
                self.errors += [RowError(number, name, message) for message in messages]
        if len(self.errors) > before or unit is None or element is None:
            return None
        return Parsed(number, unit, element, values)

    def values(self, number: int, row: dict[str, str]) -> profiles.EntryValues:
        percent = "Enter a percentage from 0 to 100, or leave it blank"
        return profiles.EntryValues(
            volume=self.whole(number, "volume", row["volume"], "Enter the volume as a whole number"),
            harm_score=self.decimal(number, "harm_score", row["harm_score"],
                                    "Enter the harm score as a number"),
            harm_method=row["harm_method"], likelihood=row["likelihood"].lower(),
            victims=row.get("victims", ""), offenders=row.get("offenders", ""),
            locations=row.get("locations", ""), times=row.get("times", ""),
            confidence=self.decimal(number, "confidence", row.get("confidence", ""), percent),
            force_confidence=self.decimal(number, "force_confidence", row.get("force_confidence", ""),
                                          percent))


def import_profiles(session: Session, text: str, *, year: int, actor: User, now: datetime
                    ) -> ProfileImportResult:
    """Write every row's entry into its unit's draft profile for `year`; raises ImportFailed, writing
    nothing, on any problem."""
    require_role(actor, profiles.WRITERS, "import risk profiles")
    reader, parsed = Reader(session, year), list[Parsed]()
    try:
        rows = read_rows(text, COLUMNS, REQUIRED)
    except ImportFailed as failure:  # the header or the CSV itself is wrong: rows were not counted
        raise ProfileImportFailed(failure.rows, read=None) from None
    for number, row in rows:
        if (item := reader.row(number, row)) is not None:
            parsed.append(item)
    existing = {p.unit_id: p for p in session.scalars(
        select(RiskProfile).where(RiskProfile.year == year).options(selectinload(RiskProfile.entries)))}
    for item in parsed:
        profile = existing.get(item.unit.id)
        if profile is not None and profile.status is ProfileStatus.APPROVED:
            reader.problem(item.number, "unit", f"The {year_label(year)} profile for {item.unit.name} "
                                                "is approved; it can no longer change")
    if reader.errors:
        raise ProfileImportFailed(sorted(reader.errors, key=lambda error: error.row), read=len(rows))
    return write_entries(session, parsed, existing, year=year, rows=len(rows), actor=actor, now=now)


def write_entries(
    session: Session, parsed: list[Parsed], existing: dict[int, RiskProfile], *, year: int, rows: int,
    actor: User, now: datetime,
) -> ProfileImportResult:
    """New drafts for the units without a profile, then every entry, in a few statements in all."""
    units = {item.unit.id: item.unit for item in parsed if item.unit.id not in existing}
    made = profiles.create_profiles(session, units=list(units.values()), year=year, actor=actor, now=now)
    existing |= {profile.unit_id: profile for profile in made}
    outcomes = profiles.save_entries(
        session, [(existing[item.unit.id], item.element, item.values) for item in parsed],
        actor=actor, now=now)
    created = sum(1 for outcome, _ in outcomes if outcome == "created")
    return ProfileImportResult(rows=rows, profiles_created=len(made), entries_created=created,
                               entries_updated=len(outcomes) - created)
