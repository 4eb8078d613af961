"""A comms officer adds an audience and a channel, then scores the channel in the affinity grid."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user


def test_officer_adds_an_audience_and_a_channel_and_scores_them(
    page: Page, live_server: str, session: Session, now: datetime
) -> None:
    officer = make_user(session, roles=[Role.COMMS_OFFICER], name="Tom Okafor", now=now)
    session.commit()
    sign_in_page(page, live_server, officer.email, PASSWORD)

    page.get_by_role("link", name="Audiences and channels").click()
    page.get_by_role("link", name="Audiences", exact=True).click()
    page.get_by_role("button", name="Add an audience").click()
    page.get_by_label("Name").fill("Pupils at Stoke Newington secondary schools")
    page.get_by_label("Segment").select_option(label="Young people")
    page.get_by_label("Age band").fill("11–16")
    page.get_by_label("Languages").fill("en, so, tr")
    page.get_by_label("Insight").fill("Think **most** others carry. <script>alert(1)</script>")
    page.get_by_role("button", name="Add audience").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Audience Pupils at Stoke Newington secondary schools added")
    page.get_by_role("link", name="Pupils at Stoke Newington secondary schools").click()
    expect(page.locator("main")).to_contain_text("en, so, tr")
    expect(page.locator("main strong", has_text="most")).to_be_visible()
    assert page.evaluate("() => document.querySelectorAll('main script').length") == 0
    assert_accessible(page)

    page.goto(f"{live_server}/messaging/channels/new")
    page.get_by_label("Name").fill("Hackney SMS alerts")
    page.get_by_label("Kind of channel").select_option(label="Owned")
    page.get_by_label("Limit", exact=True).select_option(label="Hard: block when over")
    page.get_by_label("Lead time (days)").fill("0")
    page.get_by_label("Cost band").select_option(label="Low (under £1,000)")
    page.get_by_role("button", name="Add channel").click()
    expect(page).to_have_title("Error: Add a channel – Commsplan")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the length limit")
    assert_accessible(page)
    page.get_by_label("Length limit (characters)").fill("160")
    page.get_by_role("button", name="Add channel").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Channel Hackney SMS alerts added")

    page.goto(f"{live_server}/messaging/affinity")
    cell = page.get_by_label("Hackney SMS alerts for Pupils at Stoke Newington secondary schools")
    cell.select_option("2")
    page.get_by_role("button", name="Save scores").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 cell changed")
    expect(cell).to_have_value("2")
    assert_accessible(page)
