"""Calendar feeds: hashed tokens, what each feed holds, and London times on both sides of a clock change."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session

from commsplan.auth import service as accounts
from commsplan.auth.models import Role
from commsplan.errors import NotFound, ValidationError
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, feeds, items
from commsplan.plans.models import CommPlan, FeedScope
from commsplan.plans.rules import PlanRules
from tests.factories import make_user
from tests.plans.conftest import Catalogue, People, PlanMaker, Reference, activity_values, approved, london

LONDON = ZoneInfo("Europe/London")


def events(body: bytes | feeds.FeedFile) -> dict[str, object]:
    calendar = Calendar.from_ical(body.body if isinstance(body, feeds.FeedFile) else body)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def plan(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> CommPlan:
    """An approved plan with a summer and a winter activity either side of the October clock change."""
    made = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    for title, day in (
        ("Summer holiday safety posts", date(2026, 8, 4)),
        ("Half-term safety posts", date(2026, 10, 27)),
    ):
        activities.save_activity(
            session,
            made,
            activity_values(
                catalogue,
                reference,
                people.officer,
                title=title,
                starts_at=london(day, "18:30"),
                ends_at=london(day, "20:00"),
            ),
            actor=people.officer,
            now=now,
            delivery=delivery,
            rules=rules,
        )
    items.save_milestone(
        session,
        made,
        items.MilestoneValues("2B – Plans linked to risk profiles", date(2027, 3, 1)),
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    return made


def test_only_the_tokens_hash_is_kept(
    session: Session, now: datetime, people: People, plan: CommPlan
) -> None:
    feed, token = feeds.create_feed(session, user=people.viewer, scope=FeedScope.PLAN, plan=plan, now=now)
    assert token not in feed.token_hash and feed.token_hash == feeds.token_hash(token)
    assert feeds.find_by_token(session, token) is feed
    assert feeds.find_by_token(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert feeds.find_by_token(session, "short") is None


def test_a_plan_feed_holds_london_times_across_the_clock_change(
    session: Session, now: datetime, people: People, plan: CommPlan
) -> None:
    feed, _ = feeds.create_feed(session, user=people.viewer, scope=FeedScope.PLAN, plan=plan, now=now)
    body = feeds.feed_ics(session, feed, base_url="https://commsplan.example", now=now).body
    found = events(body)
    summer, winter = (
        next(e for e in found.values() if str(e["summary"]).startswith(title))
        for title in ("Summer holiday", "Half-term")
    )
    assert summer["dtstart"].dt == datetime(2026, 8, 4, 18, 30, tzinfo=LONDON)
    assert summer["dtstart"].dt.utcoffset() == timedelta(hours=1)
    assert winter["dtstart"].dt == datetime(2026, 10, 27, 18, 30, tzinfo=LONDON)
    assert winter["dtstart"].dt.utcoffset() == timedelta(0)
    assert summer["dtstart"].params["TZID"] == "Europe/London"
    assert b"BEGIN:VTIMEZONE" in body and b"TZID:Europe/London" in body
    milestone = next(e for e in found.values() if str(e["summary"]).startswith("Milestone"))
    assert milestone["dtstart"].dt == date(2027, 3, 1)
    assert str(summer["url"]).startswith(f"https://commsplan.example/plans/{plan.id}#activity-")
    assert feed.last_used_at == now


def test_a_person_feed_holds_what_they_own_and_lead(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    plan: CommPlan,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    activities.save_activity(
        session,
        plan,
        activity_values(catalogue, reference, people.second_officer, title="Sam's assemblies"),
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    feed, _ = feeds.create_feed(session, user=people.second_officer, scope=FeedScope.PERSON, now=now)
    summaries = sorted(
        str(e["summary"]) for e in events(feeds.feed_ics(session, feed, base_url="", now=now)).values()
    )
    assert summaries == ["Sam's assemblies (GD)"]
    owner_feed, _ = feeds.create_feed(session, user=people.officer, scope=FeedScope.PERSON, now=now)
    owned = [
        str(e["summary"]) for e in events(feeds.feed_ics(session, owner_feed, base_url="", now=now)).values()
    ]
    assert "Milestone: 2B – Plans linked to risk profiles" in owned  # a TBD lead falls to the plan's owner
    assert "Sam's assemblies (GD)" not in owned


def test_an_integrated_feed_holds_approved_plans_only(
    session: Session, now: datetime, people: People, plan: CommPlan, make_plan: PlanMaker
) -> None:
    make_plan(unit="QK")  # a draft, never approved
    feed, _ = feeds.create_feed(
        session, user=people.viewer, scope=FeedScope.INTEGRATED, year=plan.year, now=now
    )
    summaries = {
        str(e["summary"]) for e in events(feeds.feed_ics(session, feed, base_url="", now=now)).values()
    }
    assert all("(QK)" not in summary for summary in summaries)
    assert len(summaries) == 4


def test_revoked_feeds_and_deactivated_owners_stop(
    session: Session, now: datetime, people: People, plan: CommPlan
) -> None:
    feed, token = feeds.create_feed(session, user=people.viewer, scope=FeedScope.PLAN, plan=plan, now=now)
    with pytest.raises(NotFound):
        feeds.revoke_feed(session, feed, actor=people.officer, now=now)
    feeds.revoke_feed(session, feed, actor=people.viewer, now=now)
    assert feeds.find_by_token(session, token) is None
    other, other_token = feeds.create_feed(
        session, user=people.second_officer, scope=FeedScope.PERSON, now=now
    )
    assert feeds.find_by_token(session, other_token) is other
    admin = make_user(session, roles=(Role.ADMIN,), now=now)
    accounts.set_active(session, people.second_officer, active=False, actor=admin, now=now)
    assert feeds.find_by_token(session, other_token) is None


def test_a_feed_needs_its_plan_or_year(session: Session, now: datetime, people: People) -> None:
    with pytest.raises(ValidationError):
        feeds.create_feed(session, user=people.viewer, scope=FeedScope.PLAN, now=now)
    with pytest.raises(ValidationError):
        feeds.create_feed(session, user=people.viewer, scope=FeedScope.INTEGRATED, now=now)
