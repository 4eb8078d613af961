"""The one reader of the wall clock, and conversions between UTC and the display zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current time, aware, in UTC. Services take `now` as an argument; entry points call this."""
    return datetime.now(UTC)


def to_london(moment: datetime) -> datetime:
    """Show a stored UTC moment in Europe/London."""
    return moment.astimezone(LONDON)


def london_moment(day: date, clock: str) -> datetime:
    """A London calendar day and an HH:MM wall-clock time, as an aware UTC datetime."""
    hour, minute = (int(part) for part in clock.strip().split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def london_day_start(day: date) -> datetime:
    """Midnight at the start of a London calendar day, as UTC."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)
