"""CSV export and all-or-nothing import of confidence results.

One row per measure, unit and survey wave. Any problem anywhere means nothing is written, and every
problem is named by row and column. A row for a wave already held corrects that result. Export
writes the same columns, so exporting and importing again changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.csv_io import ImportFailed, RowError, read_rows, repeated, write_csv
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.confidence import results
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.reference.models import BusinessUnit

COLUMNS = ("measure", "unit", "period", "value", "sample_size", "margin")
REQUIRED = ("measure", "unit", "period", "value", "sample_size")
WHOLE = re.compile(r"[0-9]+")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    added: int
    corrected: int

    @property
    def text(self) -> str:
        return (f"Imported {self.rows:,} rows: {self.added:,} results added, "
                f"{self.corrected:,} corrected")


class Reader:
    """Turns rows into results, keeping every problem by row and column."""

    def __init__(self, session: Session) -> None:
        self.units = {u.code.lower(): u for u in session.scalars(select(BusinessUnit))}
        self.measures = {m.code.lower(): m for m in session.scalars(select(ConfidenceMeasure))}
        self.seen: dict[tuple[int, int, date], int] = {}
        self.errors: list[RowError] = []

    def problem(self, number: int, column: str, message: str) -> None:
        self.errors.append(RowError(number, column, message))

    def number(self, number: int, column: str, text: str, pattern: re.Pattern[str], message: str
               ) -> float | None:
        if pattern.fullmatch(text):
            return float(text)
        if text:
            self.problem(number, column, message)
        return None

    def period(self, number: int, text: str) -> date | None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.problem(number, "period", "Enter the wave's last day as a date, like 2026-03-31"
                         if text else "Enter the survey wave's last day, like 2026-03-31")
            return None

    def lookup(self, number: int, row: dict[str, str]
               ) -> tuple[ConfidenceMeasure | None, BusinessUnit | None]:
        measure = self.measures.get(row["measure"].lower())
        if measure is None:
            self.problem(number, "measure", "No confidence measure has this code" if row["measure"]
                         else "Enter the measure's code")
        unit = self.units.get(row["unit"].lower())
        if unit is None:
            self.problem(number, "unit", "No business unit has this code" if row["unit"]
                         else "Enter the business unit's code")
        elif unit.is_retired:
            self.problem(number, "unit", f"{unit.name} is retired")
        return measure, unit

    def row(self, number: int, row: dict[str, str]) -> results.ResultRow | None:
        before = len(self.errors)
        measure, unit = self.lookup(number, row)
        period = self.period(number, row["period"])
        value = self.number(number, "value", row["value"], NUMBER,
                            "Enter the result as a percentage from 0 to 100")
        sample = self.number(number, "sample_size", row["sample_size"], WHOLE,
                             "Enter the sample size as a whole number")
        margin = self.number(number, "margin", row.get("margin", ""), NUMBER,
                             "Enter the margin of error in percentage points, or leave it blank")
        values = results.ResultValues(value, None if sample is None else int(sample), margin)
        for name, messages in results.check_result(values).items():
            if not any(e.row == number and e.field == name for e in self.errors[before:]):
                self.errors += [RowError(number, name, message) for message in messages]
        if measure and unit and period and (first := repeated(self.seen, (measure.id, unit.id, period),
                                                              number)):
            self.problem(number, "period", f"This measure, unit and wave are already on row {first}")
        if len(self.errors) > before or measure is None or unit is None or period is None:
            return None
        return results.ResultRow(measure, unit, period, values)


def import_results(session: Session, text: str, *, actor: User, now: datetime) -> ImportSummary:
    """Save every row's result, or none: raises ImportFailed naming each problem."""
    require_role(actor, results.WRITERS, "import confidence results")
    rows = read_rows(text, COLUMNS, REQUIRED)
    reader = Reader(session)
    parsed = [item for number, row in rows if (item := reader.row(number, row)) is not None]
    if reader.errors:
        raise ImportFailed(sorted(reader.errors, key=lambda e: (e.row, COLUMNS.index(e.field))))
    added, corrected = results.save_results(session, parsed, actor=actor, now=now)
    return ImportSummary(rows=len(rows), added=added, corrected=corrected)


def export_results(session: Session, measure: ConfidenceMeasure | None = None) -> str:
    """Every result (of one measure, if given) in the import's own columns; a blank margin stays
    blank, since it was worked out rather than published."""
    query = (select(ConfidenceMeasure.code, BusinessUnit.code, ConfidenceResult.period,
                    ConfidenceResult.value, ConfidenceResult.sample_size, ConfidenceResult.margin)
             .join(ConfidenceResult.measure).join(ConfidenceResult.unit)
             .order_by(ConfidenceMeasure.code, ConfidenceResult.period, BusinessUnit.code))
    if measure is not None:
        query = query.where(ConfidenceResult.measure_id == measure.id)
    return write_csv(COLUMNS, ((m, u, p.isoformat(), f"{v:g}", n, "" if e is None else f"{e:g}")
                               for m, u, p, v, n, e in session.execute(query)))


def template_csv(session: Session) -> str:
    """A header and two example rows, with real codes where they exist."""
    measure = results.headline(session)
    unit = session.scalar(select(BusinessUnit.code).where(BusinessUnit.retired_at.is_(None))
                          .order_by(BusinessUnit.code)) or "CORP"
    code = measure.code if measure else "MEASURE"
    return write_csv(COLUMNS, [[code, unit, "2026-06-30", 52.5, 410, ""],
                               [code, unit, "2026-09-30", 54, 398, 4.9]])
