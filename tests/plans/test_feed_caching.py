"""Calendar feeds and HTTP caches: an ETag and Last-Modified that move only when the events do, 304 for
If-None-Match and If-Modified-Since, a DTSTAMP that is when the events changed (not when they were
fetched), and at most one write an hour however often a calendar program polls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import http_date
from werkzeug.test import TestResponse

from commsplan.extensions import db
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, feeds
from commsplan.plans.models import CommPlan, FeedScope
from commsplan.plans.rules import PlanRules
from tests.plans.conftest import Catalogue, People, PlanMaker, Reference, activity_values, approved


class Clock:
    """The time the feed page reads, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> Clock:
    pinned = Clock(now)
    monkeypatch.setattr("commsplan.plans.integrated_views.utcnow", pinned)
    return pinned


@pytest.fixture
def plan(session: Session, now: datetime, people: People, make_plan: PlanMaker, delivery: DeliverySettings,
         rules: PlanRules) -> CommPlan:
    return approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)


@pytest.fixture
def token(session: Session, now: datetime, people: People, plan: CommPlan) -> str:
    _, made = feeds.create_feed(session, user=people.officer, scope=FeedScope.PLAN, plan=plan, now=now)
    session.commit()
    return made


@pytest.fixture
def feed_writes(app: Flask) -> Iterator[list[str]]:
    """The UPDATE statements run against calendar_feeds while the test runs."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE CALENDAR_FEEDS"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def fetch(app: Flask, token: str, **headers: str) -> TestResponse:
    return app.test_client().get(f"/plans/feeds/{token}.ics",
                                 headers={key.replace("_", "-"): value for key, value in headers.items()})


def stamps(body: bytes) -> set[bytes]:
    return {line for line in body.splitlines() if line.startswith(b"DTSTAMP")}


def test_an_unchanged_feed_answers_not_modified(app: Flask, clock: Clock, token: str) -> None:
    first = fetch(app, token)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Last-Modified"] == http_date(clock.now)
    clock.now += timedelta(hours=3)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    for headers in ({"If_None_Match": etag}, {"If_Modified_Since": modified},
                    {"If_None_Match": f'"other", {etag}'}):
        answer = fetch(app, token, **headers)
        assert (answer.status_code, answer.data) == (304, b""), headers
        assert answer.headers["ETag"] == etag
    assert fetch(app, token, If_None_Match='"other"').status_code == 200
    earlier = http_date(clock.now - timedelta(days=30))
    assert fetch(app, token, If_Modified_Since=earlier).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110): a stale tag gets the file.
    assert fetch(app, token, If_None_Match='"other"', If_Modified_Since=modified).status_code == 200


def test_the_same_events_give_the_same_bytes_and_stamp(app: Flask, clock: Clock, token: str) -> None:
    first = fetch(app, token)
    clock.now += timedelta(days=2, minutes=17)
    again = fetch(app, token)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert stamps(first.data) == {b"DTSTAMP:20261120T100000Z"}


def test_a_change_to_the_events_moves_the_tag_the_date_and_the_stamp(
        app: Flask, session: Session, clock: Clock, token: str, people: People, plan: CommPlan,
        catalogue: Catalogue, reference: Reference, delivery: DeliverySettings, rules: PlanRules) -> None:
    first = fetch(app, token)
    clock.now += timedelta(days=1, hours=2, microseconds=250)
    activities.save_activity(session, plan, activity_values(catalogue, reference, people.officer,
                                                            title="Half-term posts"),
                             actor=people.officer, now=clock.now, delivery=delivery, rules=rules)
    session.commit()
    changed = fetch(app, token, If_None_Match=first.headers["ETag"],
                    If_Modified_Since=first.headers["Last-Modified"])
    assert changed.status_code == 200 and b"Half-term posts" in changed.data
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.headers["Last-Modified"] == http_date(clock.now) != first.headers["Last-Modified"]
    assert stamps(changed.data) == {b"DTSTAMP:20261121T120000Z"}
    clock.now += timedelta(hours=5)
    assert fetch(app, token, If_None_Match=changed.headers["ETag"]).status_code == 304


def test_a_new_address_changes_the_feed(app: Flask, clock: Clock, token: str) -> None:
    """Event links hold BASE_URL, so moving the app changes what the feed says."""
    first = fetch(app, token)
    app.config["BASE_URL"] = "https://commsplan.example.police.uk"
    clock.now += timedelta(minutes=5)
    moved = fetch(app, token, If_None_Match=first.headers["ETag"])
    assert moved.status_code == 200 and b"https://commsplan.example.police.uk/plans/" in moved.data
    assert moved.headers["Last-Modified"] == http_date(clock.now)


def test_fetching_writes_at_most_once_an_hour(app: Flask, clock: Clock, now: datetime, token: str,
                                              feed_writes: list[str]) -> None:
    writes = []
    etag = ""
    for minute in (0, 1, 30, 59, 61, 62, 120, 125):
        clock.now = now + timedelta(minutes=minute)
        before = len(feed_writes)
        answer = fetch(app, token, If_None_Match=etag) if etag else fetch(app, token)
        assert answer.status_code == (304 if etag else 200)
        etag = answer.headers["ETag"]
        writes.append(len(feed_writes) - before)
    assert writes == [1, 0, 0, 0, 1, 0, 0, 1]
