"""Calendar feeds through the pages: making one of each kind, the address shown once, the .ics
address that works without signing in, and every way an address stops working."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth import service as accounts
from commsplan.auth.models import Role
from commsplan.extensions import db
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans.models import CalendarFeed, CommPlan, FeedScope
from commsplan.plans.rules import PlanRules
from tests.factories import make_user
from tests.plans.conftest import Login, People, PlanMaker, approved
from tests.plans.pages import written

LONDON = ZoneInfo("Europe/London")
ADDRESS = re.compile(r'value="(http://127\.0\.0\.1:5000/plans/feeds/([A-Za-z0-9_-]+)\.ics)"')

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def plan(session: Session, now: datetime, people: People, make_plan: PlanMaker, delivery: DeliverySettings,
         rules: PlanRules) -> CommPlan:
    return approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)


def make_feed(client: FlaskClient, **form: str) -> str:
    """Make a feed through the page; returns the token from the address it shows."""
    response = client.post("/plans/feeds", data=form)
    assert response.status_code == 200, response.text
    match = ADDRESS.search(response.text)
    assert match, "the page shows no feed address"
    return match.group(2)


def fetch(app: Flask, token: str) -> tuple[int, bytes, str]:
    """The feed as a calendar program gets it: no cookies, no sign-in."""
    response = app.test_client().get(f"/plans/feeds/{token}.ics")
    return response.status_code, response.data, response.mimetype


def summaries(body: bytes) -> dict[str, datetime]:
    calendar = Calendar.from_ical(body)
    return {str(event["summary"]): event.decoded("dtstart") for event in calendar.walk("VEVENT")}


@pytest.mark.parametrize(("form", "label", "events"), [
    ({"scope": "person"}, "My activities and milestones", {"Safer routes home assemblies (GD)"}),
    ({"scope": "plan", "plan": "{plan}"}, "One plan", {"Safer routes home assemblies (GD)"}),
    ({"scope": "integrated", "year": "2026"}, "The integrated plan for a year",
     {"Safer routes home assemblies (GD)"}),
], ids=["person", "plan", "integrated"])
def test_each_kind_of_feed_is_made_and_read_without_signing_in(
        app: Flask, login: Login, people: People, plan: CommPlan, form: dict[str, str], label: str,
        events: set[str]) -> None:
    client = login(people.officer)
    token = make_feed(client, **{key: value.format(plan=plan.id) for key, value in form.items()})
    listing = client.get("/plans/feeds").text
    assert f"Calendar feed ({label})" in listing
    assert token not in listing  # the address is shown once, when the feed is made
    status, body, mimetype = fetch(app, token)
    assert (status, mimetype) == (200, "text/calendar")
    found = summaries(body)
    assert set(found) == events
    start = found["Safer routes home assemblies (GD)"]
    assert start == datetime(2027, 1, 11, 10, 0, tzinfo=LONDON) and str(start.tzinfo) == "Europe/London"
    assert b"BEGIN:VTIMEZONE" in body and b"TZID:Europe/London" in body


def test_the_feed_page_offers_the_plan_when_asked(login: Login, people: People, plan: CommPlan) -> None:
    html = login(people.viewer).get(f"/plans/feeds?plan={plan.id}").text
    assert "Make a feed for this plan" in html and f'name="plan" value="{plan.id}"' in html


@pytest.mark.parametrize(("form", "message"), [
    ({"scope": "everything"}, "Choose what the calendar should show"),
    ({}, "Choose what the calendar should show"),
    ({"scope": "plan"}, "Choose the plan to subscribe to"),
    ({"scope": "plan", "plan": "999999"}, "There is no such communication plan"),
    ({"scope": "integrated", "year": " "}, "Choose the year to subscribe to"),
    ({"scope": "integrated", "year": "soon"}, "Year: enter a year from 2000 to 2100"),
    ({"scope": "integrated", "year": "99999999999999999999"}, "Year: enter a year from 2000 to 2100"),
])
def test_a_feed_that_cannot_be_made_says_why(login: Login, people: People, plan: CommPlan,
                                             form: dict[str, str], message: str) -> None:
    client = login(people.officer)
    before = written()
    response = client.post("/plans/feeds", data=form, follow_redirects=True)
    assert message in response.text
    assert not ADDRESS.search(response.text)
    assert written() == before


@pytest.mark.parametrize("token", ["nope", "x" * 43, "A" * 200])
def test_a_wrong_token_is_not_found(app: Flask, login: Login, people: People, plan: CommPlan,
                                    token: str) -> None:
    make_feed(login(people.officer), scope="person")
    assert fetch(app, token)[0] == 404


def test_a_revoked_feed_stops_and_only_its_owner_may_revoke_it(app: Flask, login: Login, people: People,
                                                              plan: CommPlan) -> None:
    token = make_feed(login(people.officer), scope="person")
    [feed_id] = db.session.scalars(select(CalendarFeed.id))
    stranger = login(people.second_officer)
    response = stranger.post(f"/plans/feeds/{feed_id}/revoke", follow_redirects=True)
    assert "There is no such calendar feed" in response.text
    assert fetch(app, token)[0] == 200

    owner = login(people.officer)
    response = owner.post(f"/plans/feeds/{feed_id}/revoke", follow_redirects=True)
    assert "Calendar feed removed: its address no longer works" in response.text
    assert "You have no calendar feeds." in response.text
    assert fetch(app, token)[0] == 404
    again = owner.post(f"/plans/feeds/{feed_id}/revoke", follow_redirects=True)
    assert "There is no such calendar feed" in again.text


def test_a_deactivated_owners_feed_stops(session: Session, now: datetime, app: Flask, login: Login,
                                         people: People, plan: CommPlan) -> None:
    token = make_feed(login(people.officer), scope="integrated", year="2026")
    assert fetch(app, token)[0] == 200
    admin = make_user(session, roles=(Role.ADMIN,), now=now)
    accounts.set_active(session, people.officer, active=False, actor=admin, now=now)
    session.commit()
    assert fetch(app, token)[0] == 404


def test_reading_a_feed_records_when(app: Flask, login: Login, people: People, plan: CommPlan) -> None:
    client = login(people.officer)
    token = make_feed(client, scope="plan", plan=str(plan.id))
    assert "Not yet" in client.get("/plans/feeds").text
    fetch(app, token)
    db.session.expire_all()
    [feed] = db.session.scalars(select(CalendarFeed))
    assert feed.scope is FeedScope.PLAN and feed.last_used_at is not None
    assert "Not yet" not in client.get("/plans/feeds").text


def test_feed_and_event_addresses_use_the_configured_base_url(app: Flask, login: Login, people: People,
                                                               plan: CommPlan) -> None:
    """Under `make run PORT=5101` the web app is given BASE_URL http://127.0.0.1:5101: the address it
    shows and the links in the events must name that port, not the default 5000."""
    app.config["BASE_URL"] = "http://127.0.0.1:5101/"
    response = login(people.officer).post("/plans/feeds", data={"scope": "plan", "plan": str(plan.id)})
    match = re.search(r'value="http://127\.0\.0\.1:5101/plans/feeds/([A-Za-z0-9_-]+)\.ics"', response.text)
    assert match, "the feed address does not use BASE_URL"
    status, body, _ = fetch(app, match.group(1))
    links = {str(event["url"]) for event in Calendar.from_ical(body).walk("VEVENT")}
    assert status == 200 and links
    assert all(link.startswith(f"http://127.0.0.1:5101/plans/{plan.id}#") for link in links), links
