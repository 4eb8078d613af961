"""Issue 5's acceptance journey: import risk profiles for two units, draft a plan from one, edit and
submit it, approve it as someone else, read the integrated plan's coverage and gaps, and subscribe to
its calendar feed, whose times land right on both sides of the October clock change."""

from __future__ import annotations

import re
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from commsplan.audiences import service as affinity
from commsplan.audiences.models import Segment
from commsplan.auth.models import Role
from commsplan.reference.seed import seed_reference
from commsplan.risk.profile_csv import COLUMNS
from tests.audiences.helpers import make_audience, make_channel
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user
from tests.plans.pages import pin_clock

LONDON = ZoneInfo("Europe/London")
HACKNEY, WESTMINSTER = "Hackney borough command", "Westminster borough command"
PUPILS, PARENTS = "Secondary school pupils aged 11–16", "Parents and carers"
POSTERS = "Bus shelter posters"
PROFILES = {
    # Hackney: robbery first, its VOLT notes about pupils and schools; Westminster: most serious violence.
    ("GD", "ROB"): {"volume": "1240", "harm_score": "310000", "likelihood": "high",
                    "victims": "62% of victims aged 12–16; phones and headphones taken",
                    "offenders": "Groups of 2–4 boys aged 14–19", "locations": "Routes home from three "
                    "secondary schools and two bus interchanges", "times": "After school; peaks Oct–Feb",
                    "confidence": "44", "force_confidence": "49"},
    ("GD", "HAR"): {"volume": "900", "harm_score": "1000", "likelihood": "medium"},
    ("CW", "MSV"): {"volume": "40", "harm_score": "900000", "likelihood": "medium",
                    "locations": "Night-time economy around Soho"},
    ("CW", "ROB"): {"volume": "300", "harm_score": "20000", "likelihood": "medium"},
}


def profile_csv(tmp_path: Path) -> Path:
    """A year's profiles for the two units, in the import's columns."""
    lines = [",".join(COLUMNS)]
    for (unit, element), values in PROFILES.items():
        row = {"unit": unit, "year": "2026", "element": element, "harm_method": "Cambridge Crime Harm Index",
               **values}
        lines.append(",".join(f'"{row.get(column, "")}"' for column in COLUMNS))
    path = tmp_path / "profiles-2026.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def catalogue(session: Session, now: datetime) -> None:
    """The audiences and channels, and how well each channel reaches each audience."""
    pupils = make_audience(session, now=now, name=PUPILS, segment=Segment.YOUNG_PEOPLE, age_band="11–16")
    parents = make_audience(session, now=now, name=PARENTS, segment=Segment.PARENTS_CARERS)
    sms = make_channel(session, now=now, name="Borough SMS alerts", lead_time_days=2)
    posters = make_channel(session, now=now, name=POSTERS, lead_time_days=21)
    for audience, channel, score in ((pupils, posters, 3), (pupils, sms, 2), (parents, sms, 3)):
        affinity.set_affinity(session, audience=audience, channel=channel, score=score,
                               evidence="Youth survey 2025", actor=None, now=now)


def import_profiles(page: Page, live_server: str, csv_file: Path) -> None:
    page.get_by_role("link", name="Risk profiles").click()
    expect(page.get_by_role("heading", name="Risk profiles", exact=True)).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server}/planning/profiles/import")
    assert_accessible(page)
    page.get_by_label("Financial year").fill("2026")
    page.get_by_label("CSV file").set_input_files(csv_file)
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Imported 4 rows for 2026–27: 2 new profiles, 4 entries added, 0 replaced")
    assert_accessible(page)


def draft_from_profile(page: Page) -> None:
    page.get_by_role("link", name="Plans", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Draft a plan from a risk profile").click()
    expect(page.get_by_role("row").filter(has_text=WESTMINSTER)).to_contain_text("Draft a plan")
    assert_accessible(page)
    page.get_by_role("link", name=f"Draft a plan for {HACKNEY}").click()
    expect(page.get_by_role("heading", name=f"Proposed plan for {HACKNEY}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{PUPILS}: the VOLT notes name people aged 12–16, 14–19")
    expect(page.locator("main")).to_contain_text(f"Through {POSTERS} (affinity 3)")
    assert_accessible(page)
    page.get_by_label("Plan title").fill("Hackney: safer routes home 2026–27")
    page.get_by_role("button", name="Create the plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Plan created as a draft from the risk profile")
    expect(page.locator("#plan-status")).to_contain_text("Draft")
    assert_accessible(page)


def add_activity(page: Page, title: str, day: str, month: str, *, check_lead_time: bool = False) -> None:
    """An evening of posters for pupils about robbery, 18:30 to 20:00 London time."""
    page.get_by_role("link", name="Add an activity").click()
    if check_lead_time:
        assert_accessible(page)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Violence element").select_option(label="Personal robbery")
    page.get_by_label(PUPILS).check()
    page.get_by_label("Channel", exact=True).select_option(label=POSTERS)
    for box, start, end in (("day", day, day), ("month", month, month), ("year", "2026", "2026")):
        page.locator(f"#start_date-{box}").fill(start)
        page.locator(f"#end_date-{box}").fill(end)
    page.get_by_label("Start time").fill("18:30")
    page.get_by_label("End time").fill("20:00")
    page.get_by_label("Prevention").check()
    if check_lead_time:
        page.get_by_label("Remind the owner this many days before").fill("5")
        page.get_by_role("button", name="Save activity").click()
        expect(page).to_have_title(re.compile(r"^Error: Add an activity – "))
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            f"{POSTERS} needs 21 days' notice: remind at least 21 days before it starts")
        assert_accessible(page)
        page.get_by_label("Remind the owner this many days before").fill("")
    page.get_by_role("button", name="Save activity").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Activity saved: {title}, starting {int(day)} ")
    expect(page.locator("#activities")).to_be_visible()


def edit_and_submit(page: Page) -> None:
    add_activity(page, "Half-term evening posters", "27", "10", check_lead_time=True)
    add_activity(page, "Summer holiday evening posters", "21", "7")
    page.get_by_role("link", name="Write or change the sections").click()
    assert_accessible(page)
    strategy = page.get_by_label("Strategy")
    strategy.fill(strategy.input_value() + "\n- Posters at the two bus interchanges in half term.")
    page.get_by_role("button", name="Save sections").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Sections saved")
    expect(page.locator("main")).to_contain_text("Posters at the two bus interchanges in half term.")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Sent for approval")
    expect(page.locator("#plan-status")).to_contain_text("Submitted")
    expect(page.get_by_role("button", name="Approve version 1")).to_have_count(0)
    assert_accessible(page)


def approve(page: Page, live_server: str, plan_url: str, email: str) -> None:
    page.context.clear_cookies()
    sign_in_page(page, live_server, email, PASSWORD)
    page.goto(plan_url)
    assert_accessible(page)
    page.get_by_label("Comment (needed to send it back)").fill("Clear priorities. Approved.")
    page.get_by_role("button", name="Approve version 1").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Version 1 approved")
    expect(page.locator("#plan-status")).to_contain_text("Approved")
    assert_accessible(page)


def read_integrated_plan(page: Page) -> None:
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="Integrated plan for 2026–27").click()
    expect(page).to_have_title("Integrated plan 2026–27 – Commsplan")
    expect(page.locator("#gap-list li").first).to_contain_text(
        f"{WESTMINSTER}: most serious violence is priority 1, but there is no plan for the year")
    hackney = page.get_by_role("row").filter(has_text=HACKNEY)
    expect(hackney).to_contain_text("Approved")
    expect(hackney).to_contain_text("Personal robbery")
    pupils = page.locator("#coverage-matrix tr", has=page.get_by_role("rowheader", name=PUPILS))
    robbery = pupils.locator("td").nth(3)  # elements in reference order: MSV, AWI, SSO, ROB
    expect(robbery).to_contain_text(re.compile(r"\d+ activities"))
    expect(robbery).to_contain_text("1 unit, 94% of harm")  # 310,000 of robbery's 330,000
    assert_accessible(page)
    page.get_by_role("link", name="One calendar of all activities").click()
    page.get_by_role("navigation", name="Months").get_by_role("link", name="Oct 2026").click()
    expect(page.get_by_role("heading", name="October 2026")).to_be_visible()
    expect(page.locator(".app-calendar")).to_contain_text("Half-term evening posters (GD)")
    assert_accessible(page)
    page.get_by_role("link", name="Integrated plan").click()


def subscribe(page: Page) -> str:
    page.get_by_role("link", name="Subscribe in a calendar").click()
    expect(page.get_by_label("Financial year")).to_have_value("2026")
    assert_accessible(page)
    page.get_by_role("button", name="Make an integrated feed").click()
    expect(page.get_by_role("heading", name="Calendar feed made")).to_be_visible()
    assert_accessible(page)
    return page.get_by_label("Feed address").input_value()


def check_feed(address: str) -> None:
    """Read as a calendar program would (no cookies), parsed by the icalendar package."""
    with urllib.request.urlopen(address, timeout=10) as response:  # noqa: S310 (the test's own server)
        assert response.headers.get_content_type() == "text/calendar"
        body = response.read()
    calendar = Calendar.from_ical(body)
    starts = {str(event["summary"]): event.decoded("dtstart") for event in calendar.walk("VEVENT")}
    october = starts["Half-term evening posters (GD)"]
    summer = starts["Summer holiday evening posters (GD)"]
    assert october == datetime(2026, 10, 27, 18, 30, tzinfo=LONDON)
    assert october.utcoffset() == timedelta(0)  # after the clocks went back: GMT
    assert summer == datetime(2026, 7, 21, 18, 30, tzinfo=LONDON)
    assert summer.utcoffset() == timedelta(hours=1)  # British Summer Time
    assert b"DTSTART;TZID=Europe/London:20261027T183000" in body
    assert b"DTSTART;TZID=Europe/London:20260721T183000" in body
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"
    assert {part.name for part in zone.subcomponents} >= {"STANDARD", "DAYLIGHT"}
    assert len(starts) >= 4  # the two above and the proposal's own activities


def test_plan_drafted_from_a_profile_approved_integrated_and_subscribed(
    page: Page, live_server: str, live_app: Flask, session: Session, now: datetime, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pin_clock(monkeypatch, now)  # 20 November 2026, in financial year 2026–27
    live_app.config["BASE_URL"] = live_server
    officer = make_user(session, roles=[Role.COMMS_OFFICER], name="Ama Mensah", now=now)
    approver = make_user(session, roles=[Role.APPROVER], name="Helen Marsh", now=now)
    seed_reference(session, actor=officer, now=now)
    catalogue(session, now)
    session.commit()

    sign_in_page(page, live_server, officer.email, PASSWORD)
    assert_accessible(page)
    import_profiles(page, live_server, profile_csv(tmp_path))
    draft_from_profile(page)
    plan_url = page.url
    edit_and_submit(page)
    approve(page, live_server, plan_url, approver.email)
    read_integrated_plan(page)
    check_feed(subscribe(page))
