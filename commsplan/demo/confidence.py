"""Demo public confidence: the survey measures from `data/confidence.yaml`, and three years of
quarterly results for every borough and the force from `data/confidence_results.csv`, loaded
through the confidence CSV import. The waves move forward with the clock, a whole year at a time,
so the latest is always recent. Only what is missing is added."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.csv_io import read_rows, write_csv
from commsplan.auth.models import User
from commsplan.confidence import csv_io, results
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.demo.files import read_text, read_yaml
from commsplan.reference.models import BusinessUnit
from commsplan.risk.profiles import financial_year


def settings() -> dict[str, Any]:
    return dict(read_yaml("confidence.yaml"))


def moved(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes the 28th in a year without one)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def load_measures(session: Session, *, officer: User, now: datetime) -> list[str]:
    have = set(session.scalars(select(ConfidenceMeasure.code)))
    added = []
    for row in settings()["measures"]:
        if row["code"] not in have:
            results.create_measure(session, code=row["code"], name=row["name"], question=row["question"],
                                   source=row["source"], is_headline=row["headline"], actor=officer, now=now)
            added.append(f"confidence measure {row['code']}")
    return added


def load_results(session: Session, *, officer: User, now: datetime) -> list[str]:
    """The file's results not yet held, moved to this year, in one import."""
    shift = financial_year(now) - settings()["written_for"]
    held = set(session.execute(select(ConfidenceMeasure.code, BusinessUnit.code, ConfidenceResult.period)
                               .join(ConfidenceResult.measure).join(ConfidenceResult.unit)))
    rows = []
    for _, row in read_rows(read_text("confidence_results.csv"), csv_io.COLUMNS, csv_io.REQUIRED):
        period = moved(date.fromisoformat(row["period"]), shift)
        if (row["measure"], row["unit"], period) not in held:
            rows.append([row["measure"], row["unit"], period.isoformat(), row["value"], row["sample_size"],
                         row["margin"]])
    if not rows:
        return []
    summary = csv_io.import_results(session, write_csv(csv_io.COLUMNS, rows), actor=officer, now=now)
    return [f"{summary.added} confidence results"]


def load_confidence(session: Session, *, officer: User, now: datetime) -> list[str]:
    return load_measures(session, officer=officer, now=now) + load_results(session, officer=officer, now=now)
