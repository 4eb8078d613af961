"""Confidence rules: measures with their exact wording, and results checked field by field.

A result is one measure, one unit, one survey wave. Entering a result for a wave that already has
one corrects it (the audit log keeps what it said before); nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.reference.models import BusinessUnit, UnitKind

WRITERS = (Role.COMMS_OFFICER, Role.ADMIN)
MAX_SAMPLE = 1_000_000
LIMITS = {"code": 40, "name": 120, "question": 2000, "source": 300}


@dataclass(frozen=True)
class ResultValues:
    """A result as entered: numbers already parsed, None when left blank."""

    value: float | None
    sample_size: int | None
    margin: float | None = None


def check_result(values: ResultValues) -> dict[str, list[str]]:
    """Every problem with the numbers, by field; empty when they can be saved."""
    errors: dict[str, list[str]] = {}
    if values.value is None:
        errors["value"] = ["Enter the result as a percentage from 0 to 100"]
    elif not 0 <= values.value <= 100:
        errors["value"] = ["The result must be a percentage from 0 to 100"]
    if values.sample_size is None:
        errors["sample_size"] = ["Enter the sample size: how many people answered"]
    elif not 1 <= values.sample_size <= MAX_SAMPLE:
        errors["sample_size"] = [f"The sample size must be from 1 to {MAX_SAMPLE:,}"]
    if values.margin is not None and not 0 <= values.margin <= 100:
        errors["margin"] = ["The margin of error must be from 0 to 100 percentage points, or blank"]
    return errors


def check_measure(code: str, name: str, question: str, source: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, text in (("code", code), ("name", name), ("question", question), ("source", source)):
        if not text.strip():
            errors[field] = [f"Enter the measure's {field}"]
        elif len(text) > LIMITS[field]:
            errors[field] = [f"The {field} must be {LIMITS[field]:,} characters or fewer"]
    return errors


def measures(session: Session) -> list[ConfidenceMeasure]:
    """Every measure, the headline first."""
    return list(session.scalars(select(ConfidenceMeasure)
                                .order_by(ConfidenceMeasure.is_headline.desc(), ConfidenceMeasure.code)))


def get_measure(session: Session, measure_id: int) -> ConfidenceMeasure:
    measure = session.get(ConfidenceMeasure, measure_id)
    if measure is None:
        raise NotFound("No such confidence measure")
    return measure


def headline(session: Session) -> ConfidenceMeasure | None:
    found = measures(session)
    return found[0] if found else None


def force_unit(session: Session) -> BusinessUnit | None:
    """The unit whose results are the force as a whole: the corporate centre."""
    return session.scalar(select(BusinessUnit).where(BusinessUnit.kind == UnitKind.CORPORATE)
                          .order_by(BusinessUnit.id).limit(1))


def create_measure(session: Session, *, code: str, name: str, question: str, source: str,
                   is_headline: bool, actor: User, now: datetime) -> ConfidenceMeasure:
    """A new measure; there is one headline at a time, so naming a new one demotes the old."""
    require_role(actor, WRITERS, "add confidence measures")
    if errors := check_measure(code, name, question, source):
        raise ValidationError(errors)
    if session.scalar(select(ConfidenceMeasure.id).where(ConfidenceMeasure.code == code.strip())):
        raise ValidationError.single("code", "A measure already has this code")
    if is_headline:
        for old in session.scalars(select(ConfidenceMeasure).where(ConfidenceMeasure.is_headline)):
            audit.update_audited(session, old, {"is_headline": False}, actor=actor, now=now)
    measure = ConfidenceMeasure(code=code.strip(), name=name.strip(), question=question.strip(),
                                source=source.strip(), is_headline=is_headline)
    audit.add_audited(session, measure, actor=actor, now=now)
    return measure


@dataclass(frozen=True)
class ResultRow:
    measure: ConfidenceMeasure
    unit: BusinessUnit
    period: date
    values: ResultValues


def save_results(session: Session, rows: Sequence[ResultRow], *, actor: User, now: datetime
                 ) -> tuple[int, int]:
    """Add each result, or correct the wave's existing one where its figures differ; (added,
    corrected). Checks first, so a bad row raises before anything is written."""
    require_role(actor, WRITERS, "enter confidence results")
    for row in rows:
        if errors := check_result(row.values):
            raise ValidationError(errors)
    existing = existing_results(session, rows)
    new, corrections = [], []
    for row in rows:
        numbers = {"value": row.values.value, "sample_size": row.values.sample_size,
                   "margin": row.values.margin}
        found = existing.get((row.measure.id, row.unit.id, row.period))
        if found is None:
            new.append({"measure_id": row.measure.id, "unit_id": row.unit.id, "period": row.period,
                        "entered_by_id": actor.id, "entered_at": now, **numbers})
        elif any(getattr(found, name) != value for name, value in numbers.items()):
            corrections.append((found, {**numbers, "entered_by_id": actor.id, "entered_at": now}))
    audit.insert_all_audited(session, ConfidenceResult, new, actor=actor, now=now)
    audit.update_all_audited(session, corrections, actor=actor, now=now, action="correct")
    return len(new), len(corrections)


def existing_results(session: Session, rows: Sequence[ResultRow]
                     ) -> dict[tuple[int, int, date], ConfidenceResult]:
    """The results already held for the rows' waves, in one query."""
    periods = {row.period for row in rows}
    measure_ids = {row.measure.id for row in rows}
    if not rows:
        return {}
    found = session.scalars(select(ConfidenceResult).where(
        ConfidenceResult.period.in_(periods), ConfidenceResult.measure_id.in_(measure_ids)))
    return {(r.measure_id, r.unit_id, r.period): r for r in found}


def enter_result(session: Session, *, measure: ConfidenceMeasure, unit: BusinessUnit, period: date,
                 values: ResultValues, actor: User, now: datetime) -> bool:
    """Save one result typed in by hand; True when it corrected one already held."""
    if unit.is_retired:
        raise Conflict(f"{unit.name} is retired", field="unit")
    _, corrected = save_results(session, [ResultRow(measure, unit, period, values)], actor=actor, now=now)
    return corrected == 1
