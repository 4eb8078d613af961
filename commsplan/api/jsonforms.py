"""Reading an API request: its JSON body, its filters and its paging."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from commsplan.errors import ValidationError
from commsplan.extensions import db
from commsplan.incidents import inputs
from commsplan.numbers import (
    EARLIEST_DATE_YEAR,
    EARLIEST_YEAR,
    LARGEST_ID,
    LARGEST_INTEGER,
    LARGEST_MEASURE,
    LATEST_DATE_YEAR,
    LATEST_YEAR,
    MAX_PAGE,
    MAX_PER_PAGE,
    record_id,
)
from commsplan.web import number_arg

BAD_TIME = ("Send a time as ISO 8601 with an offset, like 2026-11-22T21:40:00+00:00, "
            "or as London time, like 2026-11-22 21:40")
DATE_YEARS = f"a year from {EARLIEST_DATE_YEAR} to {LATEST_DATE_YEAR}"


def request_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 422 naming what is wrong with it."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ValidationError.single("body", "Send a JSON object with Content-Type "
                                             "application/json")
    return payload


def is_record_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and record_id(value) is not None


def unknown_fields(payload: dict[str, Any], known: tuple[str, ...], prefix: str = "") -> dict[str, list[str]]:
    return {f"{prefix}{name}": ["Unknown field"] for name in payload if name not in known}


def is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """A finite JSON number (Python's JSON reader turns 1e400 into infinity)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_choice(value: Any, enum: type[StrEnum]) -> bool:
    """Whether `value` is one of the enum's values (anything not text, such as {}, is not)."""
    return isinstance(value, str) and value in {member.value for member in enum}


DEFAULT_PER_PAGE = 50


def iso(moment: datetime | None) -> str | None:
    """A stored moment as ISO 8601 in UTC; None stays None."""
    return moment.astimezone(UTC).isoformat() if moment else None


def london_or_iso(raw: str) -> datetime | None:
    """London wall-clock text, or ISO 8601 with an offset; None for anything else."""
    try:
        return inputs.london_input(raw)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class Reader:
    """Typed access to a JSON object that gathers every field's error before failing."""

    def __init__(self, payload: dict[str, Any], prefix: str = "") -> None:
        self.payload, self.prefix = payload, prefix
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(f"{self.prefix}{name}", []).append(message)

    def get(self, name: str, check: Callable[[Any], bool], wanted: str, default: Any = None) -> Any:
        value = self.payload.get(name, default)
        if value is None or check(value):
            return value
        self.fail(name, f"Send {wanted}")
        return default

    def text(self, name: str, default: str = "") -> str:
        return str(self.get(name, lambda v: isinstance(v, str), "text", default) or "")

    def record_id(self, name: str) -> int | None:
        """A record's id: a whole number from 1 to the largest the database holds."""
        value: int | None = self.get(name, is_record_id, f"a record id (1 to {LARGEST_ID:,})")
        return value

    def whole(self, name: str, low: int = -LARGEST_INTEGER - 1, high: int = LARGEST_INTEGER) -> int | None:
        """A whole number from `low` to `high` (by default what an INTEGER column holds)."""
        value: int | None = self.get(name, lambda v: is_whole(v) and low <= v <= high,
                                     f"a whole number from {low:,} to {high:,}")
        return value

    def year(self, name: str) -> int | None:
        return self.whole(name, EARLIEST_YEAR, LATEST_YEAR)

    def number(self, name: str, low: float = -LARGEST_MEASURE, high: float = LARGEST_MEASURE
               ) -> float | None:
        """A number (decimals allowed) from `low` to `high`."""
        value = self.get(name, lambda v: is_number(v) and low <= v <= high,
                         f"a number from {low:,g} to {high:,g}")
        return None if value is None else float(value)

    def flag(self, name: str) -> bool:
        return bool(self.get(name, lambda v: isinstance(v, bool), "true or false", False))

    def choice(self, name: str, enum: type[StrEnum]) -> Any:
        value = self.text(name)
        if value and not is_choice(value, enum):
            self.fail(name, f"Choose one of: {', '.join(member.value for member in enum)}")
            return None
        return enum(value) if value else None

    def list_of(self, name: str, check: Callable[[Any], bool], wanted: str) -> list[Any]:
        value = self.get(name, lambda v: isinstance(v, list) and all(check(i) for i in v),
                         f"a list of {wanted}", [])
        return list(value or [])

    def day(self, name: str) -> date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            self.fail(name, "Send a date as YYYY-MM-DD")
            return None
        if not EARLIEST_DATE_YEAR <= day.year <= LATEST_DATE_YEAR:
            self.fail(name, f"Send a date in {DATE_YEARS}")
            return None
        return day

    def moment(self, name: str) -> datetime | None:
        """A time sent as ISO 8601 with an offset, or as London "YYYY-MM-DD HH:MM"; None when not sent."""
        raw = self.text(name).strip()
        if not raw:
            return None
        found = london_or_iso(raw)
        if found is None:
            self.fail(name, BAD_TIME)
        elif not EARLIEST_DATE_YEAR <= found.year <= LATEST_DATE_YEAR:
            self.fail(name, f"Send a time in {DATE_YEARS}")
            found = None
        return found

    def unknown(self, known: tuple[str, ...]) -> None:
        self.errors |= unknown_fields(self.payload, known, self.prefix)

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def paginate(query: Select[Any]) -> Pagination:
    """The ?page= and ?per_page= of `query`; either out of range is a field error (422)."""
    page = number_arg("page", 1, MAX_PAGE, 1) or 1
    per_page = number_arg("per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE) or DEFAULT_PER_PAGE
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def page_json(page: Pagination, items: list[Any]) -> dict[str, Any]:
    """A page of a list as every list endpoint answers it."""
    return {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total,
            "pages": page.pages}


def choice_arg(name: str, enum: type[StrEnum]) -> Any:
    """A ?name= filter as the enum member, None when absent, or a field error naming the choices."""
    value = request.args.get(name, "")
    if not value:
        return None
    if not is_choice(value, enum):
        raise ValidationError.single(name, f"Choose one of: {', '.join(m.value for m in enum)}")
    return enum(value)


def flag_arg(name: str) -> bool:
    """A ?name=true or ?name=false filter; absent is false, anything else a field error."""
    value = request.args.get(name, "")
    if value not in ("", "true", "false"):
        raise ValidationError.single(name, "Send true or false")
    return value == "true"
