"""A playbook's launch inputs as typed by a person: checked and turned into values (times in London,
numbers in range, units that exist), each problem against its field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commsplan.errors import ValidationError
from commsplan.numbers import record_id
from commsplan.playbooks.model import Input, Playbook
from commsplan.reference.models import BusinessUnit

DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


def parse_inputs(session: Session, playbook: Playbook, raw: Mapping[str, str], *, now: datetime
                 ) -> dict[str, Any]:
    """The launch form's text as typed values; every bad or missing value is a field error."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for spec in playbook.inputs:
        text = (raw.get(spec.id) or "").strip()
        if not text:
            if spec.required:
                errors[spec.id] = [f"Enter {spec.label.lower()}"]
            continue
        try:
            values[spec.id] = typed_value(session, spec, text)
        except ValueError as error:
            errors[spec.id] = [f"{spec.label}: {error}"]
    if errors:
        raise ValidationError(errors)
    return values


def typed_value(session: Session, spec: Input, text: str) -> Any:
    kind = spec.type
    if kind == "text":
        if len(text) > 500:
            raise ValueError(f"use 500 characters at most (this is {len(text)})")
        return text
    if kind == "number":
        return number_in(text, spec.minimum, spec.maximum)
    if kind == "yesno":
        if text not in ("yes", "no"):
            raise ValueError("choose yes or no")
        return text == "yes"
    if kind == "choice":
        if text not in spec.choices:
            raise ValueError(f"choose one of: {', '.join(spec.choices)}")
        return text
    if kind == "datetime":
        return london_input(text).isoformat()
    unit_id = record_id(text) if text.isdigit() else None
    unit = session.get(BusinessUnit, unit_id) if unit_id is not None else None
    if unit is None or unit.is_retired:
        raise ValueError("choose an active business unit")
    return unit.id


def number_in(text: str, low: float | None, high: float | None) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError("enter a number, like 16") from None
    if low is not None and number < low:
        raise ValueError(f"enter a number of at least {low:g}")
    if high is not None and number > high:
        raise ValueError(f"enter a number no more than {high:g}")
    return number


def london_input(text: str) -> datetime:
    """A date and time typed in London time (as the form's datetime-local field sends it)."""
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=ZoneInfo("Europe/London"))
        except ValueError:
            continue
    raise ValueError("enter a date and time, like 2026-11-22 21:40")
