"""Calendar feeds read alike by three parsers: icalendar, vobject, and ical.js (the parser Thunderbird
uses, run by node). Events sit on both sides of both clock changes, inside October's repeated hour and
across March's skipped one; every parser must give the same UTC start and end, and the right ones."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import vobject
from flask import Flask
from icalendar import Calendar
from sqlalchemy.orm import Session

from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, feeds, items
from commsplan.plans.exports import ActivityRow
from commsplan.plans.models import ActivityStatus, CommPlan, FeedScope
from commsplan.plans.rules import PlanRules
from tests.plans.conftest import Catalogue, People, PlanMaker, Reference, activity_values, approved

ICS_TIMES = Path(__file__).resolve().parents[2] / "frontend" / "ics-times.cjs"
Moment = datetime | date
Times = dict[str, tuple[Moment, Moment]]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# In 2026 the clocks go forward at 01:00 UTC on 29 March and back at 01:00 UTC on 25 October.
TIMED_EVENTS: dict[str, tuple[datetime, datetime]] = {
    "midwinter": (utc("2026-01-15T10:00"), utc("2026-01-15T11:00")),
    "midsummer": (utc("2026-07-15T09:00"), utc("2026-07-15T10:00")),
    "march-eve": (utc("2026-03-28T18:00"), utc("2026-03-28T19:00")),
    "march-across-the-skipped-hour": (utc("2026-03-29T00:30"), utc("2026-03-29T01:30")),
    "march-first-summer-hour": (utc("2026-03-29T01:00"), utc("2026-03-29T02:00")),
    "march-after": (utc("2026-03-30T08:00"), utc("2026-03-30T09:00")),
    "october-eve": (utc("2026-10-24T17:00"), utc("2026-10-24T18:00")),
    "october-into-the-first-01:00": (utc("2026-10-24T23:30"), utc("2026-10-25T00:15")),
    "october-second-01:00": (utc("2026-10-25T01:00"), utc("2026-10-25T01:45")),
    "october-across-the-repeat": (utc("2026-10-25T00:30"), utc("2026-10-25T02:30")),
    "october-after": (utc("2026-10-25T02:00"), utc("2026-10-25T03:00")),
    "winter-years-on": (utc("2031-12-10T14:00"), utc("2031-12-10T15:00")),
}


def uid(name: str) -> str:
    return f"activity-{list(TIMED_EVENTS).index(name) + 1}@commsplan"


def row(number: int, starts_at: datetime, ends_at: datetime) -> ActivityRow:
    return ActivityRow(id=number, plan_id=1, unit_code="GD", plan_title="Plan", title=f"Event {number}",
                       element_id=1, element="Robbery", channel_id=1, channel="SMS", message="",
                       message_approved=False, starts_at=starts_at, ends_at=ends_at, owner_id=1,
                       owner="Owner", status=ActivityStatus.SCHEDULED, ripe_strand="prevention",
                       cost_pounds=None, audience_ids=(), audiences=())


def transition_rows() -> list[ActivityRow]:
    return [row(number, *times) for number, times in enumerate(TIMED_EVENTS.values(), start=1)]


def expected_times() -> Times:
    return {uid(name): times for name, times in TIMED_EVENTS.items()}


# --- The three parsers -------------------------------------------------------------------------

def as_utc(value: Moment) -> Moment:
    """A timed value as an aware UTC datetime; a date (an all-day event) as it is."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"{value} was read as floating time"
        return value.astimezone(UTC)
    return value


def icalendar_times(body: bytes) -> Times:
    return {str(event["uid"]): (as_utc(event.decoded("dtstart")), as_utc(event.decoded("dtend")))
            for event in Calendar.from_ical(body).walk("VEVENT")}


def vobject_times(body: bytes) -> Times:
    """vobject keeps the first zone it reads under each TZID for the life of the process; forget them,
    so each feed is read by its own VTIMEZONE, as a fresh program would read it."""
    getattr(vobject.icalendar, "__tzidMap").clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    calendar = vobject.readOne(body.decode())
    return {event.uid.value: (as_utc(event.dtstart.value), as_utc(event.dtend.value))
            for event in calendar.vevent_list}


def from_json(text: str) -> Moment:
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).astimezone(UTC)


def icaljs_times(body: bytes) -> Times:
    """The times ical.js reads, through frontend/ics-times.cjs run by node."""
    printed = subprocess.run(["node", str(ICS_TIMES)], input=body, capture_output=True, check=True,
                             timeout=60).stdout
    return {event_uid: (from_json(times["start"]), from_json(times["end"]))
            for event_uid, times in json.loads(printed).items()}


PARSERS: dict[str, Callable[[bytes], Times]] = {
    "icalendar": icalendar_times, "vobject": vobject_times, "ical.js": icaljs_times}


def read_by_each(body: bytes) -> dict[str, Times]:
    return {name: parse(body) for name, parse in PARSERS.items()}


def misread(expected: Times, found: Times) -> list[str]:
    """The events a parser got wrong (or missed)."""
    return sorted(event_uid for event_uid, times in expected.items() if found.get(event_uid) != times)


# --- The tests ---------------------------------------------------------------------------------

def test_every_parser_reads_every_time_across_both_clock_changes() -> None:
    body = feeds.calendar_bytes("Clock changes", [feeds.activity_event(item, base_url="")
                                                  for item in transition_rows()],
                                stamp=utc("2026-11-20T10:00"))
    expected = expected_times()
    found = read_by_each(body)
    assert {name: misread(expected, times) for name, times in found.items()} == {
        name: [] for name in PARSERS}
    assert found["icalendar"] == found["vobject"] == found["ical.js"] == expected


def test_the_zone_is_two_yearly_rules_and_unclear_local_times_are_utc() -> None:
    body = feeds.calendar_bytes("Clock changes", [feeds.activity_event(item, base_url="")
                                                  for item in transition_rows()],
                                stamp=utc("2026-11-20T10:00")).decode()
    zone = body[body.index("BEGIN:VTIMEZONE"):body.index("END:VTIMEZONE")]
    assert "RDATE" not in zone
    assert [line for line in zone.splitlines() if line.startswith("RRULE")] == [
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"]
    assert "DTSTART:19960331T010000" in zone and "DTSTART:19961027T020000" in zone
    assert "DTSTART;TZID=Europe/London:20260115T100000" in body  # winter, GMT
    assert "DTSTART;TZID=Europe/London:20260715T100000" in body  # summer, BST
    assert "DTEND:20261025T001500Z" in body  # the first 01:15 of 25 October 2026
    assert "DTSTART:20261025T010000Z" in body  # the second 01:00
    assert "DTSTART;TZID=Europe/London:20260329T003000" in body  # before the skipped hour
    assert "DTEND;TZID=Europe/London:20260329T023000" in body  # after it


@pytest.fixture
def plan(session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
         make_plan: PlanMaker, delivery: DeliverySettings, rules: PlanRules) -> CommPlan:
    """An approved 2026 plan with activities in summer, winter, the repeated October hour and across
    March's skipped hour, and an all-day milestone."""
    made = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    for title, starts_at, ends_at in (
            ("Summer posts", utc("2026-08-04T17:30"), utc("2026-08-04T19:00")),
            ("Night-time safety", utc("2026-10-25T00:15"), utc("2026-10-25T01:15")),
            ("Spring-forward posts", utc("2027-03-28T00:30"), utc("2027-03-28T02:00"))):
        activities.save_activity(session, made, activity_values(
            catalogue, reference, people.officer, title=title, starts_at=starts_at, ends_at=ends_at),
            actor=people.officer, now=now, delivery=delivery, rules=rules)
    items.save_milestone(session, made, items.MilestoneValues("Review", date(2027, 3, 1)),
                         actor=people.officer, now=now, delivery=delivery, rules=rules)
    session.commit()
    return made


def test_a_served_feed_is_read_alike_by_every_parser(app: Flask, session: Session, now: datetime,
                                                     people: People, plan: CommPlan) -> None:
    _, token = feeds.create_feed(session, user=people.officer, scope=FeedScope.PLAN, plan=plan, now=now)
    session.commit()
    body = app.test_client().get(f"/plans/feeds/{token}.ics").data
    found = read_by_each(body)
    assert found["icalendar"] == found["vobject"] == found["ical.js"]
    assert sorted(found["ical.js"].values(), key=str) == sorted([
        (utc("2026-08-04T17:30"), utc("2026-08-04T19:00")),
        (utc("2026-10-25T00:15"), utc("2026-10-25T01:15")),
        (utc("2027-03-28T00:30"), utc("2027-03-28T02:00")),
        (utc("2027-01-11T10:00"), utc("2027-01-15T16:00")),  # the plan's own activity
        (date(2027, 3, 1), date(2027, 3, 2)),
    ], key=str)
