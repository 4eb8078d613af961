"""A borough comms lead on a phone: marks a funeral in Hackney as a time to avoid campaign work, then
books a poster activity that day: the form asks why it must go ahead, and once saved warns that the
posters' lead time is not met. Every page passes axe and none scrolls sideways at 390 pixels."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Segment
from commsplan.auth.models import Role
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import service
from commsplan.reference.models import BusinessUnit
from commsplan.reference.seed import seed_reference
from tests.audiences.helpers import make_audience, make_channel
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user
from tests.plans.pages import pin_clock

PHONE = {"width": 390, "height": 844}
PUPILS, POSTERS = "Secondary school pupils aged 11–16", "Bus shelter posters"
FUNERAL = "Funeral of a Hackney teenager"


def check_page(page: Page) -> None:
    """Axe finds nothing and the page is no wider than the phone."""
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def add_window(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/sensitivity/")
    check_page(page)
    page.get_by_role("link", name="Add a window").click()
    check_page(page)
    page.get_by_label("What is happening").fill(FUNERAL)
    page.get_by_label("Funeral", exact=True).check()
    page.get_by_label("Avoid: Hold campaign work; going ahead needs a recorded reason").check()
    for field, (day, month) in (("first_day", ("10", "12")), ("last_day", ("9", "12"))):
        for box, value in (("day", day), ("month", month), ("year", "2026")):
            page.locator(f"#{field}-{box}").fill(value)
    page.get_by_label("Hackney borough command").check()
    page.get_by_role("button", name="Save window").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The last day must be the same as or after the first day")
    check_page(page)
    page.locator("#last_day-day").fill("10")
    page.get_by_role("button", name="Save window").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Sensitivity window saved: {FUNERAL}")
    check_page(page)


def book_activity(page: Page, plan_url: str) -> None:
    page.goto(f"{plan_url}/activities/new")
    check_page(page)
    page.get_by_label("Title", exact=True).fill("Safer routes home posters")
    page.get_by_label("Violence element").select_option(label="Personal robbery")
    page.get_by_label(PUPILS).check()
    page.get_by_label("Channel", exact=True).select_option(label=POSTERS)
    for box, value in (("day", "10"), ("month", "12"), ("year", "2026")):
        page.locator(f"#start_date-{box}").fill(value)
        page.locator(f"#end_date-{box}").fill(value)
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("End time").fill("17:00")
    page.get_by_label("Prevention").check()
    page.get_by_role("button", name="Save activity").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(f"It falls in “{FUNERAL}”")
    check_page(page)
    page.get_by_label("Why it must go ahead in a sensitivity window").fill(
        "Booked with the schools before the funeral was set; the family liaison officer has agreed")
    page.get_by_role("button", name="Save activity").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Activity saved: Safer routes home posters")
    expect(page.locator(".govuk-notification-banner", has_text="Check the timing")).to_contain_text(
        f"{POSTERS} needs 21 days' notice: it should start on or after 11 December 2026")
    expect(page.locator("tr[id^=activity-]", has_text="Safer routes home posters")).to_contain_text(FUNERAL)
    check_page(page)


def test_a_borough_comms_lead_marks_a_funeral_and_books_work_around_it(
    page: Page, live_server: str, live_app: Flask, session: Session, now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pin_clock(monkeypatch, now)  # 20 November 2026
    monkeypatch.setattr("commsplan.sensitivity.views.utcnow", lambda: now)
    officer = make_user(session, roles=[Role.COMMS_OFFICER], name="Ama Mensah", now=now)
    seed_reference(session, actor=officer, now=now)
    make_audience(session, now=now, name=PUPILS, segment=Segment.YOUNG_PEOPLE)
    make_channel(session, now=now, name=POSTERS, lead_time_days=21)
    hackney = session.scalars(select(BusinessUnit).where(BusinessUnit.code == "GD")).one()
    plan = service.create_plan(session, details=service.PlanDetails(
        unit_id=hackney.id, year=2026, title="Hackney: safer routes home 2026–27", owner_id=officer.id),
        sections=service.Sections(), actor=officer, now=now, delivery=DeliverySettings())
    session.commit()

    page.set_viewport_size(PHONE)
    sign_in_page(page, live_server, officer.email, PASSWORD)
    add_window(page, live_server)
    book_activity(page, f"{live_server}/plans/{plan.id}")
