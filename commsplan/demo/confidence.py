"""Demo public confidence: the survey measures from `data/confidence.yaml`, and three years of
quarterly results for every borough and the force from `data/confidence_results.csv`, loaded
through the confidence CSV import. The waves move with the clock, a quarter at a time, so the
latest is the last quarter that has ended. The force's results this year also go on the force-wide
plan as actuals of its confidence objective and metric. Only what is missing is added."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.csv_io import read_rows, write_csv
from commsplan.auth.models import User
from commsplan.confidence import csv_io, results
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.demo.files import read_text, read_yaml
from commsplan.plans import actuals, service
from commsplan.plans.models import CommPlan
from commsplan.reference.models import BusinessUnit
from commsplan.risk.profiles import financial_year
from commsplan.timeutil import to_london


def settings() -> dict[str, Any]:
    return dict(read_yaml("confidence.yaml"))


def quarters_to_move(now: datetime) -> int:
    """How many quarters to move the file's waves so that its latest is the last quarter ended."""
    written = date.fromisoformat(str(settings()["latest_wave"]))
    today = to_london(now).date()
    latest = (today.year * 12 + today.month - 1) // 3 * 3 - 1  # the month the last full quarter ends in
    return (latest - (written.year * 12 + written.month - 1)) // 3


def moved(day: date, quarters: int) -> date:
    """The last day of the month `quarters` quarters on from `day`'s (waves end on a month's last day)."""
    month = day.year * 12 + day.month - 1 + 3 * quarters
    return date(month // 12, month % 12 + 1, calendar.monthrange(month // 12, month % 12 + 1)[1])


def campaign_start(start: date, now: datetime) -> date:
    """A demo campaign's start, moved with the waves."""
    return moved(start, quarters_to_move(now)).replace(day=1)


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
    shift = quarters_to_move(now)
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


def load_plan_actuals(session: Session, *, officer: User, now: datetime) -> list[str]:
    """The force's headline results this year as actuals of the force-wide plan's confidence
    objective and metric, where they have none yet."""
    force, measure = results.force_unit(session), results.headline(session)
    year = financial_year(to_london(now))
    plan = session.scalar(select(CommPlan).where(CommPlan.unit_id == force.id, CommPlan.year == year)) \
        if force is not None else None
    if plan is None or measure is None or force is None:
        return []
    targets: list[actuals.Item] = [o for o in service.objectives(session, plan)
                                   if o.metric.startswith("Confidence measure")]
    targets += [m for m in service.metrics(session, plan) if m.is_confidence]
    waves = list(session.scalars(select(ConfidenceResult).where(
        ConfidenceResult.measure_id == measure.id, ConfidenceResult.unit_id == force.id,
        ConfidenceResult.period >= actuals.plan_start(plan)).order_by(ConfidenceResult.period)))
    added = 0
    for item in (item for item in targets if not actuals.has_actuals(session, item)):
        for wave in waves:
            actuals.record_actual(session, plan, item, measured_on=wave.period, value=wave.value,
                                  source=f"{measure.name}: force result, wave ending "
                                         f"{wave.period:%-d %B %Y} (demo data)", actor=officer, now=now)
            added += 1
    return [f"{added} plan actuals"] if added else []


def load_confidence(session: Session, *, officer: User, now: datetime) -> list[str]:
    added = load_measures(session, officer=officer, now=now) + load_results(session, officer=officer, now=now)
    return added + load_plan_actuals(session, officer=officer, now=now)
