"""The files' notation for time: spans such as `1d2h` and offsets such as `family_informed+1h`."""

from __future__ import annotations

import re
from datetime import timedelta

SPAN = re.compile(r"^(?:\d+[dhm])+$")
OFFSET = re.compile(r"^(?P<anchor>[a-z][a-z0-9_]*)?(?:(?P<sign>[+-])(?P<span>[0-9dhm]+))?$")
UNIT_MINUTES = {"d": 24 * 60, "h": 60, "m": 1}
LONGEST_OFFSET = timedelta(days=60)


class TimingError(ValueError):
    """The text is not a span or offset the files may use; the message says what is expected."""


def parse_span(text: str) -> timedelta:
    """`45m`, `2h`, `1d2h30m` as a span of time."""
    compact = text.replace(" ", "")
    if not SPAN.match(compact):
        raise TimingError(f'"{text}" is not a span of time: write it like 45m, 2h or 1d2h30m')
    minutes = sum(int(n) * UNIT_MINUTES[unit] for n, unit in re.findall(r"(\d+)([dhm])", compact))
    return timedelta(minutes=minutes)


def parse_offset(text: str, start_anchor: str) -> tuple[str, timedelta]:
    """`+30m`, `declared+1h`, `charge` or `arrest-15m` as (anchor, signed span)."""
    compact = text.replace(" ", "")
    match = OFFSET.match(compact)
    if not compact or not match or not (match["anchor"] or match["sign"]):
        raise TimingError(f'"{text}" is not a time: write it like +30m, declared+1h or charge')
    span = parse_span(match["span"]) if match["span"] else timedelta()
    if span > LONGEST_OFFSET:
        raise TimingError(f'"{text}" is more than {LONGEST_OFFSET.days} days from its anchor')
    return match["anchor"] or start_anchor, -span if match["sign"] == "-" else span
