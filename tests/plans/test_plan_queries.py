"""The plan pages send a fixed number of SQL queries, and list a bounded number of rows, whatever the
size: the integrated plan for 2 and for 33 units × 600 activities (with 3 and 30 sensitivity windows),
one plan with 5 and with 300 activities (3 and 30 windows), the list with 3 and 60 plans.

Bulk rows go in with Core inserts (no services, no audit), as tests/messages/helpers.py does."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.messages.models import MessageMap, RipeStrand
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import overview
from commsplan.plans.activities import year_bounds
from commsplan.plans.models import Activity, ActivityStatus, CommPlan, PlanStatus, activity_audiences
from commsplan.plans.rules import PlanRules
from commsplan.reference.models import BusinessUnit, Qualifier, UnitKind
from commsplan.risk.models import RiskProfile, RiskProfileEntry
from commsplan.sensitivity.models import (
    SensitivityWindow,
    Severity,
    WindowKind,
    window_audiences,
    window_elements,
    window_units,
)
from commsplan.timeutil import london_moment
from tests.conftest import count_queries
from tests.messages.helpers import insert_maps
from tests.plans.conftest import YEAR, Catalogue, People, PlanMaker, Reference, approved
from tests.plans.pages import pin_clock

STATUSES = (ActivityStatus.PLANNED, ActivityStatus.SCHEDULED, ActivityStatus.LIVE, ActivityStatus.DONE,
            ActivityStatus.CANCELLED)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    pin_clock(monkeypatch, now)


@pytest.fixture
def library(session: Session, now: datetime, people: People, reference: Reference,
            catalogue: Catalogue) -> dict[str, list[Any]]:
    """Ids the bulk rows draw on, with a few message maps (approved and not) to point at."""
    audiences = [catalogue.pupils.id, catalogue.parents.id, catalogue.traders.id]
    channels = [catalogue.sms.id, catalogue.posters.id]
    elements = [element.id for element in reference.elements.values()]
    insert_maps(6, now=now, owner_ids=[people.officer.id], element_ids=elements, audience_ids=audiences,
                channel_ids=channels, unit_ids=[None],
                qualifier_ids=list(session.scalars(select(Qualifier.id))))
    return {"audiences": audiences, "channels": channels, "elements": elements,
            "owners": [people.officer.id, people.second_officer.id],
            "maps": [None, None, *session.scalars(select(MessageMap.id))]}


def add_activities(plan_id: int, count: int, library: dict[str, list[Any]], now: datetime) -> None:
    """`count` more activities spread over the year, each reaching one or two audiences."""
    session = db.session
    first = (session.scalar(select(func.max(Activity.id))) or 0) + 1
    start = london_moment(date(YEAR, 4, 1), "10:00")

    def pick(name: str, n: int) -> Any:
        return library[name][n % len(library[name])]

    rows, links = [], []
    for n in range(count):
        begins = start + timedelta(hours=13 * n % (360 * 24))
        rows.append({"id": first + n, "plan_id": plan_id, "title": f"Activity {plan_id}-{n}",
                     "element_id": pick("elements", n), "channel_id": pick("channels", n),
                     "message_map_id": pick("maps", n), "starts_at": begins,
                     "ends_at": begins + timedelta(days=6),
                     "owner_id": pick("owners", n), "status": STATUSES[n % len(STATUSES)],
                     "ripe_strand": RipeStrand.PREVENTION, "cost_pounds": n % 500, "reminder_days": 7,
                     "notes": "", "created_at": now, "updated_at": now})
        links += [{"activity_id": first + n, "audience_id": pick("audiences", n + k)}
                  for k in range(1 + n % 2)]
    session.execute(insert(Activity), rows)
    session.execute(insert(activity_audiences), links)


def add_unit_year(unit: BusinessUnit, library: dict[str, list[Any]], now: datetime, *,
                  activities: int) -> int:
    """An approved plan and a risk profile for the unit; returns the plan's id."""
    session = db.session
    plan = CommPlan(unit_id=unit.id, year=YEAR, title=f"{unit.name} plan", owner_id=library["owners"][0],
                    status=PlanStatus.APPROVED, version_number=1, approved_number=1, created_at=now,
                    updated_at=now, objectives="x", audience_insight="x", strategy="x", implementation="x",
                    scoring="x")
    profile = RiskProfile(unit_id=unit.id, year=YEAR, notes="", created_at=now, updated_at=now)
    session.add_all([plan, profile])
    session.flush()
    session.execute(insert(RiskProfileEntry), [
        {"profile_id": profile.id, "element_id": element, "volume": 100 + n,
         "harm_score": 1000.0 * (9 - n),
         "harm_method": "CCHI", "victims": "pupils aged 12–16", "locations": "schools and shops",
         "times": "dark evenings"} for n, element in enumerate(library["elements"])])
    add_activities(plan.id, activities, library, now)
    return plan.id


def add_windows(count: int, unit_ids: Sequence[int], library: dict[str, list[Any]], now: datetime) -> None:
    """`count` more sensitivity windows across the year, the first in October (the month the calendars
    are read at): some for every unit, some naming a unit, an element and an audience, half "avoid"."""
    session = db.session
    first = (session.scalar(select(func.max(SensitivityWindow.id))) or 0) + 1
    start = london_moment(date(YEAR, 4, 1), "00:00")
    rows, units, elements, audiences = [], [], [], []
    for n in range(count):
        window_id, opens = first + n, start + timedelta(days=(183 + 11 * n) % 350)  # from October
        rows.append({"id": window_id, "title": f"Window {window_id}", "kind": WindowKind.VIGIL,
                     "severity": (Severity.AVOID, Severity.TAKE_CARE)[n % 2], "starts_at": opens,
                     "ends_at": opens + timedelta(days=1 + n % 20), "note": "", "created_at": now,
                     "updated_at": now})
        if n % 3:
            units.append({"window_id": window_id, "unit_id": unit_ids[n % len(unit_ids)]})
            elements.append({"window_id": window_id, "element_id": library["elements"][n % 7]})
            audiences.append({"window_id": window_id, "audience_id": library["audiences"][n % 3]})
    session.execute(insert(SensitivityWindow), rows)
    for table, links in ((window_units, units), (window_elements, elements), (window_audiences, audiences)):
        if links:
            session.execute(insert(table), links)


def plan_units(reference: Reference) -> list[BusinessUnit]:
    """The corporate unit, then the 32 borough commands."""
    kinds = (UnitKind.CORPORATE, UnitKind.BOROUGH_COMMAND)
    return sorted((u for u in reference.units.values() if u.kind in kinds),
                  key=lambda u: (u.kind is not UnitKind.CORPORATE, u.code))


def queries(client: FlaskClient, urls: Sequence[str]) -> list[int]:
    """Each request has its own app context and session (IsolatedClient), so nothing is cached."""
    counts = []
    for url in urls:
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(counter.count)
    return counts


def test_the_integrated_plan_queries_with_2_and_33_units(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime,
        reference: Reference, library: dict[str, list[Any]]) -> None:
    signed_in(Role.VIEWER)
    units = plan_units(reference)
    assert len(units) == 33
    plan_ids = [add_unit_year(unit, library, now, activities=5) for unit in units[:2]]
    add_windows(3, [unit.id for unit in units], library, now)
    session.commit()
    urls = [f"/plans/integrated?year={YEAR}", f"/plans/integrated/calendar?year={YEAR}&month=2026-10",
            f"/plans/integrated/plan.md?year={YEAR}&per_week=1", f"/plans/integrated/print?year={YEAR}"]
    few = queries(client, urls)

    for plan_id in plan_ids:
        add_activities(plan_id, 595, library, now)
    for unit in units[2:]:
        add_unit_year(unit, library, now, activities=600)
    add_windows(27, [unit.id for unit in units], library, now)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Activity)) == 33 * 600
    assert queries(client, urls) == few
    assert max(few) <= 25
    page = client.get(f"/plans/integrated?year={YEAR}").text
    assert "33 plans for the year, 33 approved. 15840 activities in approved plans count" in page


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_a_plan_page_and_its_calendar_queries_with_5_and_300_activities(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime, people: People,
        make_plan: PlanMaker, library: dict[str, list[Any]], delivery: DeliverySettings, rules: PlanRules,
        state: str) -> None:
    signed_in(Role.COMMS_OFFICER)
    plan = make_plan()
    if state == "approved":
        approved(session, plan, people.approver, now=now, delivery=delivery, rules=rules)
    add_activities(plan.id, 4, library, now)
    add_windows(3, [plan.unit_id], library, now)
    session.commit()
    urls = [f"/plans/{plan.id}", f"/plans/{plan.id}/calendar?month=2026-10", f"/plans/{plan.id}/timeline",
            f"/plans/{plan.id}/print", f"/plans/{plan.id}/activities.csv"]
    few = queries(client, urls)
    add_activities(plan.id, 295, library, now)
    add_windows(27, [plan.unit_id], library, now)
    session.commit()
    assert queries(client, urls) == few
    assert max(few) <= 30
    page = client.get(f"/plans/{plan.id}").text
    assert 0 < page.count('id="activity-') <= overview.ACTIVITIES_SHOWN
    assert re.search(r"\d+ of the plan's 300 activities run between", page)


def test_the_plan_page_window_stays_inside_the_plans_year() -> None:
    plan = CommPlan(year=YEAR)
    during = datetime(YEAR, 11, 20, 9, tzinfo=UTC)
    assert overview.window_for(plan, during) == (during, during + timedelta(weeks=8))
    before_start, _ = overview.window_for(plan, datetime(YEAR - 1, 6, 1, tzinfo=UTC))
    assert before_start == year_bounds(YEAR)[0]
    late_start, late_end = overview.window_for(plan, datetime(YEAR + 3, 1, 1, tzinfo=UTC))
    assert late_end == year_bounds(YEAR)[1] and late_start == late_end - timedelta(weeks=8)


def test_the_plan_list_queries_with_3_and_60_plans(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime,
        reference: Reference, library: dict[str, list[Any]]) -> None:
    signed_in(Role.COMMS_OFFICER)
    slots = itertools.product(plan_units(reference), (YEAR, YEAR - 1))
    statuses = list(PlanStatus)

    def add_plans(count: int) -> None:
        session.execute(insert(CommPlan), [
            {"unit_id": unit.id, "year": year, "title": f"{unit.name} {year}",
             "owner_id": library["owners"][n % 2],
             "status": statuses[n % len(statuses)], "version_number": 1,
             "approved_number": 1 if statuses[n % len(statuses)] is not PlanStatus.DRAFT else None,
             "objectives": "", "audience_insight": "", "strategy": "", "implementation": "", "scoring": "",
             "created_at": now, "updated_at": now}
            for n, (unit, year) in enumerate(itertools.islice(slots, count))])
        session.commit()

    add_plans(3)
    urls = ["/plans/", f"/plans/?year={YEAR}", "/plans/?status=approved&mine=y"]
    few = queries(client, urls)
    add_plans(57)
    assert session.scalar(select(func.count()).select_from(CommPlan)) == 60
    assert queries(client, urls) == few
    assert "60 plans</caption>" in client.get("/plans/").text
