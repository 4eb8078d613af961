"""Sensitivity windows through the pages: listing, adding, changing and removing them (bad input on
its field, nothing saved), who may, the flags on plan pages and calendars, and the ICS feed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.extensions import db
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, clashes, feeds
from commsplan.plans.models import FeedScope
from commsplan.plans.rules import PlanRules
from commsplan.sensitivity.models import SensitivityWindow, Severity
from tests.plans.conftest import (
    Catalogue,
    Login,
    People,
    PlanMaker,
    Reference,
    activity_values,
    approved,
    london,
)
from tests.plans.pages import field_error, page_title
from tests.plans.test_feed_parsers import read_by_each

pytestmark = pytest.mark.usefixtures("pinned_clock")


def window_form(reference: Reference, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "title": "Funeral of a Hackney teenager", "kind": "funeral", "severity": "avoid",
        "first_day": ["14", "1", "2027"], "last_day": ["14", "1", "2027"],
        "unit_ids": [str(reference.units["GD"].id)], "note": "The family asked for no campaign posts"}
    return form | changes


def windows() -> list[SensitivityWindow]:
    db.session.expire_all()
    return list(db.session.scalars(select(SensitivityWindow)))


def test_an_officer_adds_changes_and_removes_a_window(login: Login, people: People,
                                                      reference: Reference) -> None:
    client = login(people.officer)
    assert "Add a sensitivity window" in client.get("/sensitivity/new").text
    response = client.post("/sensitivity/new", data=window_form(reference))
    assert response.status_code == 302
    [added] = windows()
    assert (added.first_day, added.unit_codes, added.severity) == (date(2027, 1, 14), ["GD"], Severity.AVOID)
    listing = client.get("/sensitivity/").text
    assert "Sensitivity window saved: Funeral of a Hackney teenager" in listing
    assert "Funeral of a Hackney teenager" in listing and "Units: GD" in listing

    client.post(f"/sensitivity/{added.id}", data=window_form(reference, severity="take_care", unit_ids=[]))
    [changed] = windows()
    assert (changed.severity, changed.unit_codes) == (Severity.TAKE_CARE, [])
    response = client.post(f"/sensitivity/{added.id}/remove", follow_redirects=True)
    assert "Sensitivity window removed" in response.text and windows() == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"last_day": ["13", "1", "2027"]}, "last_day",
     "The last day must be the same as or after the first day"),
    ({"last_day": ["31", "2", "2027"]}, "last_day", "Last day must be a real date, like 27 3 2026"),
    ({"first_day": ["", "", ""]}, "first_day", "Enter the first day of the window"),
    ({"kind": "party"}, "kind", "Choose what kind of window it is"),
    ({"severity": ""}, "severity", "Choose avoid or take care"),
    ({"unit_ids": ["999999"]}, "unit_ids", ""),
    ({"title": ""}, "title", "Enter what the window is for"),
])
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(
        login: Login, people: People, reference: Reference, changes: dict[str, Any], field: str,
        message: str) -> None:
    response = login(people.officer).post("/sensitivity/new", data=window_form(reference, **changes))
    assert response.status_code == 200 and page_title(response.text).startswith("Error: ")
    assert field_error(response.text, field).startswith(f"Error: {message}".strip())
    assert windows() == []


def test_viewers_read_the_calendar_but_cannot_change_it(session: Session, login: Login, people: People,
                                                        reference: Reference, window_maker: Any) -> None:
    window = window_maker()
    client = login(people.viewer)
    listing = client.get("/sensitivity/")
    assert listing.status_code == 200 and window.title in listing.text and "Add a window" not in listing.text
    assert client.get("/sensitivity/new").status_code == 403
    assert client.post("/sensitivity/new", data=window_form(reference)).status_code == 403
    assert client.post(f"/sensitivity/{window.id}/remove").status_code == 403
    assert session.scalar(select(func.count()).select_from(SensitivityWindow)) == 1


def test_an_activity_in_a_window_is_flagged_on_the_plan_calendars_and_integrated_plan(
        session: Session, now: datetime, login: Login, people: People, reference: Reference,
        make_plan: PlanMaker, window_maker: Any, delivery: DeliverySettings, rules: PlanRules) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    window_maker(title="Trial of the Mare Street stabbing", severity="take_care",
                 unit_ids=(reference.units["GD"].id,))
    window_maker(title="Westminster vigil", kind="vigil", unit_ids=(reference.units["CW"].id,))
    client = login(people.viewer)
    calendar = client.get(f"/plans/{plan.id}/calendar?month=2027-01").text
    assert "Sensitivity windows this month" in calendar and "Westminster vigil" in calendar
    assert "in a sensitivity window: Trial of the Mare Street stabbing" in calendar
    integrated = client.get("/plans/integrated?year=2026&").text
    assert "Trial of the Mare Street stabbing" in integrated and "Westminster vigil" not in integrated.split(
        'id="sensitivity"')[1]
    whole = client.get("/plans/integrated/calendar?year=2026&month=2027-01").text
    assert "in a sensitivity window: Trial of the Mare Street stabbing" in whole


def test_the_activity_form_asks_for_a_reason_only_inside_an_avoid_window(
        login: Login, people: People, reference: Reference, catalogue: Catalogue, make_plan: PlanMaker,
        window_maker: Any) -> None:
    plan = make_plan()
    window_maker(first_day=date(2027, 2, 10), last_day=date(2027, 2, 10))
    client = login(people.officer)
    assert 'name="window_reason"' not in client.get(f"/plans/{plan.id}/activities/new").text
    form = {"title": "Half-term knife amnesty posters", "element_id": str(reference.elements["ROB"].id),
            "audience_ids": [str(catalogue.pupils.id)], "channel_id": str(catalogue.sms.id),
            "start_date": ["8", "2", "2027"], "start_time": "09:30", "end_date": ["19", "2", "2027"],
            "end_time": "18:00", "owner_id": str(people.officer.id), "status": "scheduled",
            "ripe_strand": "prevention"}
    response = client.post(f"/plans/{plan.id}/activities/new", data=form)
    assert 'name="window_reason"' in response.text
    assert field_error(response.text, "window_reason").startswith(
        "Error: It falls in “Trial: R v Adeyemi, Wood Green Crown Court”")
    response = client.post(f"/plans/{plan.id}/activities/new",
                           data=form | {"window_reason": "Agreed with the trial's officer in the case"})
    assert response.status_code == 302
    page = client.get(f"/plans/{plan.id}").text
    assert "Activity saved: Half-term knife amnesty posters" in page


def test_an_activity_inside_its_channels_lead_time_is_saved_with_a_warning(
        login: Login, people: People, reference: Reference, catalogue: Catalogue,
        make_plan: PlanMaker) -> None:
    plan = make_plan()
    client = login(people.officer)
    form = {"title": "Bus shelter posters: knife amnesty", "element_id": str(reference.elements["ROB"].id),
            "audience_ids": [str(catalogue.pupils.id)], "channel_id": str(catalogue.posters.id),
            "start_date": ["26", "11", "2026"], "start_time": "09:30", "end_date": ["3", "12", "2026"],
            "end_time": "18:00", "owner_id": str(people.officer.id), "status": "planned",
            "ripe_strand": "prevention"}
    page = client.post(f"/plans/{plan.id}/activities/new", data=form, follow_redirects=True).text
    assert ("Check the timing: Bus shelter posters needs 21 days&#39; notice: it should start on or after "
            "11 December 2026") in page


def test_the_windows_feed_is_read_alike_by_every_parser(app: Flask, session: Session, now: datetime,
                                                        people: People, reference: Reference,
                                                        window_maker: Any, login: Login) -> None:
    window_maker()  # 11 to 22 January 2027
    window_maker(title="Clocks go forward weekend", kind="major_event", severity="take_care",
                 first_day=date(2027, 3, 27), last_day=date(2027, 3, 28))
    window_maker(title="Long over", first_day=date(2026, 1, 1), last_day=date(2026, 1, 2))
    client = login(people.viewer)
    assert "Make a windows feed" in client.get("/plans/feeds").text
    _, token = feeds.create_feed(session, user=people.viewer, scope=FeedScope.WINDOWS, now=now)
    session.commit()
    response = app.test_client().get(f"/plans/feeds/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    found = read_by_each(response.data)
    assert found["icalendar"] == found["vobject"] == found["ical.js"]
    assert sorted(found["ical.js"].values()) == [(date(2027, 1, 11), date(2027, 1, 23)),
                                                 (date(2027, 3, 27), date(2027, 3, 29))]
    assert b"SUMMARY:Avoid: Trial: R v Adeyemi" in response.data
    again = app.test_client().get(f"/plans/feeds/{token}.ics",
                                  headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_plan_page_lists_the_windows_an_upcoming_activity_falls_in(
        session: Session, now: datetime, login: Login, people: People, reference: Reference,
        catalogue: Catalogue, make_plan: PlanMaker, window_maker: Any) -> None:
    plan = make_plan()
    activities.save_activity(session, plan, activity_values(
        catalogue, reference, people.officer, title="Robbery advice at the school gate",
        starts_at=london(date(2026, 12, 2)), ends_at=london(date(2026, 12, 4))),
        actor=people.officer, now=now, delivery=DeliverySettings(), rules=PlanRules())
    window_maker(title="Anniversary of the Clapton stabbing", kind="anniversary",
                 first_day=date(2026, 12, 3), last_day=date(2026, 12, 3))
    page = login(people.viewer).get(f"/plans/{plan.id}").text
    row = page.split("Robbery advice at the school gate")[1].split("</tr>")[0]
    assert "Anniversary of the Clapton stabbing" in row and "Avoid" in row

def test_the_integrated_plans_print_and_markdown_list_the_activities_in_windows(
        session: Session, now: datetime, login: Login, people: People, reference: Reference,
        make_plan: PlanMaker, window_maker: Any, delivery: DeliverySettings, rules: PlanRules) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    window_maker(title="Trial | R v *Smith* <b>", severity="take_care", unit_ids=(reference.units["GD"].id,))
    window_maker(title="Westminster vigil", kind="vigil", unit_ids=(reference.units["CW"].id,))
    client = login(people.viewer)
    printed = client.get("/plans/integrated/print?year=2026").text
    listed = printed.split('id="clash-list"')[1].split("</ul>")[0]
    assert "in Trial | R v *Smith* &lt;b&gt; (take care); reason recorded: none" in listed
    assert "Westminster vigil" not in listed
    markdown = client.get("/plans/integrated/plan.md?year=2026").text
    section = markdown.split("## Activities in sensitivity windows\n")[1].split("\n## ")[0]
    assert r"in Trial \| R v \*Smith\* &lt;b&gt; (take care); reason recorded: none" in section
    assert "Westminster vigil" not in section and "Showing the first" not in section
    window_maker(title="Second trial", severity="take_care", unit_ids=(reference.units["GD"].id,))
    rows, total = clashes.listed_clashes(session, [plan.id], limit=1)
    lines = clashes.markdown_lines(rows, total)
    assert total == 2 and len([line for line in lines if line.startswith("- ")]) == 1
    assert lines[-1] == "Showing the first 1 of 2, soonest first."
