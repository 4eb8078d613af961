"""The ranges numbers from people and other systems must fall in before they reach the database:
one place for forms, the JSON API and query strings, so an absurd number is a field error, never a
crash."""

from __future__ import annotations

from typing import Any

LARGEST_INTEGER = 2**31 - 1  # what an INTEGER column holds in PostgreSQL (SQLite holds more)
LARGEST_ID = LARGEST_INTEGER
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 100
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # years a plan, profile or report may be about
EARLIEST_DATE_YEAR, LATEST_DATE_YEAR = 1900, 2100  # years any date or time sent to the app may fall in
LARGEST_MEASURE = 10**12  # a measured figure (harm, baseline, target) either way of zero


def whole_number(value: Any) -> int | None:
    """`value` as a whole number if it is one (an int, or digits with an optional sign), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit() and len(digits) <= 20:
            return int(text)
    return None


def in_range(value: int, low: int, high: int) -> bool:
    return low <= value <= high


def record_id(value: Any) -> int | None:
    """A record id as sent: a whole number from 1 to what the database holds, or None."""
    number = whole_number(value)
    return number if number is not None and in_range(number, 1, LARGEST_ID) else None


def range_message(low: int, high: int) -> str:
    return f"Enter a whole number from {low:,} to {high:,}"
