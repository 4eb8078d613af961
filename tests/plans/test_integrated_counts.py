"""The integrated plan's counts in SQL: week and month numbers from the binary-search CASE, the
weekly load on an audience and the monthly starts, checked against counting each activity by hand
at the awkward moments (exactly on a London midnight, either side of the clocks changing); and the
indexes those counts and the inbox read, on SQLite."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import literal, select, text
from sqlalchemy.orm import Session

from commsplan.db import UTCDateTime
from commsplan.notifications import inbox
from commsplan.notifications.models import InboxItem
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, integrated_counts
from commsplan.plans.models import Activity, CommPlan
from commsplan.plans.rules import PlanRules
from commsplan.timeutil import london_day_start
from tests.plans.conftest import (
    YEAR,
    Catalogue,
    People,
    PlanMaker,
    Reference,
    activity_values,
    approved,
    london,
)


def test_a_moment_gets_the_number_of_edges_at_or_before_it(session: Session) -> None:
    edges = integrated_counts.week_bounds(YEAR)
    moments = [edges[0] - timedelta(days=3), edges[-1] + timedelta(days=3)]
    moments += [edge + shift for edge in edges[::7] for shift in (timedelta(0), timedelta(microseconds=-1),
                                                                  timedelta(microseconds=1))]
    for moment in moments:
        number = integrated_counts.periods_before(literal(moment, UTCDateTime()), edges)
        found = session.scalar(select(number))
        assert found == bisect_right(edges, moment), moment


def awkward_activities(session: Session, catalogue: Catalogue, reference: Reference, people: People,
                       plan: CommPlan, *, delivery: DeliverySettings, rules: PlanRules,
                       now: datetime) -> None:
    """Activities starting or ending exactly on week boundaries, across the clocks going forward."""
    bst_monday = london_day_start(date(2027, 3, 29))  # the day after the clocks go forward
    times = [
        (london_day_start(date(2027, 1, 4)), london_day_start(date(2027, 1, 11))),  # whole weeks exactly
        (london(date(2027, 1, 10), "23:30"), london(date(2027, 1, 10), "23:59")),  # a Sunday night
        (bst_monday - timedelta(minutes=30), bst_monday),  # ends on the first moment of the last week
        (bst_monday, london(date(2027, 3, 31), "18:00")),
        (london(date(2027, 2, 26), "12:00"), london(date(2027, 3, 2), "09:00")),  # across a month end
    ]
    for number, (starts_at, ends_at) in enumerate(times):
        activities.save_activity(
            session, plan,
            activity_values(catalogue, reference, people.officer, title=f"Awkward {number}",
                            starts_at=starts_at, ends_at=ends_at),
            actor=people.officer, now=now, delivery=delivery, rules=rules)


def test_weekly_load_and_monthly_starts_match_counting_each_activity(
    session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
    make_plan: PlanMaker, delivery: DeliverySettings, rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(unit="GD"), people.approver, now=now, delivery=delivery, rules=rules)
    awkward_activities(session, catalogue, reference, people, plan, delivery=delivery, rules=rules, now=now)
    rows = session.execute(select(Activity.starts_at, Activity.ends_at)
                           .where(integrated_counts.counted([plan.id]))).all()
    bounds = integrated_counts.week_bounds(YEAR)
    by_hand = [sum(1 for starts, ends in rows if starts < bounds[n + 1] and ends >= bounds[n])
               for n in range(len(bounds) - 1)]
    assert integrated_counts.weekly_load(session, YEAR, [plan.id])[catalogue.pupils.id] == by_hand
    assert by_hand[-1] == 2  # the activity ending on the last week's first moment still runs in it

    counts = integrated_counts.plan_counts(session, YEAR, [plan.id])
    assert counts.per_plan == {plan.id: len(rows)}
    for year, month, number in counts.months:
        first = london_day_start(date(year, month, 1))
        after = london_day_start((date(year, month, 1) + timedelta(days=31)).replace(day=1))
        assert number == sum(1 for starts, _ in rows if first <= starts < after), (year, month)


def query_plan(session: Session, statement: object) -> str:
    compiled = statement.compile(session.get_bind(),  # type: ignore[attr-defined]
                                 compile_kwargs={"literal_binds": True})
    return " | ".join(row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_the_counts_and_the_unread_inbox_read_their_indexes_alone(session: Session, now: datetime) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans")
    months = integrated_counts.periods_before(Activity.starts_at, integrated_counts.week_bounds(YEAR)[:13])
    counting = select(Activity.plan_id, months).where(integrated_counts.counted([1, 2]))
    assert "COVERING INDEX ix_plan_activities_plan_counts" in query_plan(session, counting)
    unread = (inbox.visible_items(1, now).where(InboxItem.read_at.is_(None),
                                                InboxItem.resolved_at.is_(None))
              .with_only_columns(InboxItem.id))
    assert "COVERING INDEX ix_inbox_items_user_unread" in query_plan(session, unread.order_by(None))
    assert "TEMP B-TREE" not in query_plan(session, inbox.visible_items(1, now).limit(20))
