"""Issue 13's journey on a phone (390 × 844): launch, ask for sign-off, the approver finds it on their
home page and in their inbox and signs it off, release on one channel, a decision logged on behalf
of Gold, stand down. No step scrolls sideways; every page passes axe."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.notifications.jobs import run_dispatch
from commsplan.reference.seed import seed_reference
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.browser.test_incident_journey import launch
from tests.factories import PASSWORD, make_user

PHONE = {"width": 390, "height": 844}


def check_phone_page(page: Page) -> None:
    """Nothing wider than the screen, and accessible."""
    page.wait_for_load_state()  # a click may still be navigating: measure the page it lands on
    expect(page.locator("main")).to_have_count(1)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths[0]} px on a {widths[1]} px screen"
    assert_accessible(page)


def banner(page: Page) -> str:
    return page.locator(".govuk-notification-banner--success").inner_text()


def test_an_incident_worked_on_a_phone(page: Page, live_server: str, session: Session, now: datetime) -> None:
    duty = make_user(session, roles=[Role.DUTY_OFFICER], name="Marcus Bell", now=now)
    approver = make_user(session, roles=[Role.APPROVER], name="Helen Marsh", now=now)
    gold = make_user(session, roles=[Role.DUTY_OFFICER], name="Supt Niamh Reid", now=now)
    seed_reference(session, actor=None, now=now)
    session.commit()
    page.set_viewport_size(PHONE)

    sign_in_page(page, live_server, duty.email, PASSWORD)
    launch(page, live_server)
    incident_url = page.url
    check_phone_page(page)
    height = page.evaluate("document.documentElement.scrollHeight")
    # nine screens: the tasks, clocks, roles, statements, press desk, decision log and timeline, with
    # "On this page" to jump between them
    assert height <= 9 * PHONE["height"], f"the incident page is {height} px tall on a phone"
    contents = page.get_by_role("navigation", name="On this page")
    expect(contents).to_contain_text("overdue")
    holding_task = page.locator("li.app-task", has_text="Publish the holding statement")
    expect(holding_task.get_by_role("button", name="Done")).to_be_visible()

    holding = page.locator("section.app-statement-card", has_text="Holding statement").first
    holding.get_by_role("button", name="Ask for sign-off").click()
    assert "Helen Marsh asked to sign off Holding statement." in banner(page)
    page.get_by_text("Assign or hand over a role").click()
    page.get_by_label("Role", exact=True).select_option(label="Gold (strategic commander)")
    page.get_by_label("Person", exact=True).select_option(label=gold.name)
    page.get_by_role("button", name="Assign").click()
    check_phone_page(page)

    run_dispatch()
    page.context.clear_cookies()
    sign_in_page(page, live_server, approver.email, PASSWORD)
    waiting = page.locator("#waiting-approval")
    expect(waiting).to_contain_text("CI-2026-0001: sign off “Holding statement”")
    check_phone_page(page)
    page.goto(f"{live_server}/inbox")
    expect(page.locator("main")).to_contain_text("CI-2026-0001: sign off “Holding statement”")
    check_phone_page(page)
    page.get_by_role("link", name="CI-2026-0001: sign off “Holding statement”", exact=True).click()
    page.get_by_role("button", name="Approve Holding statement").click()
    assert "Holding statement approved." in banner(page)
    card = page.locator("section.app-statement-card", has_text="Holding statement").first
    page.wait_for_load_state()  # GOV.UK's script focuses the banner, moving the page, once loaded
    card.get_by_label("X", exact=True).check()
    page.get_by_role("button", name="Release Holding statement").click()
    assert "Holding statement released." in banner(page)
    expect(card).to_contain_text("by Helen Marsh on X.")
    expect(page.locator("li.app-task", has_text="Publish the holding statement")).to_have_count(0)
    page.get_by_text("Done, skipped and withdrawn").click()
    expect(page.locator(".app-task-done")).to_contain_text("Publish the holding statement")
    check_phone_page(page)
    page.goto(live_server + "/")
    expect(page.locator("#waiting-approval")).to_contain_text("Nothing is waiting for your approval")

    page.context.clear_cookies()
    sign_in_page(page, live_server, duty.email, PASSWORD)
    page.goto(incident_url)
    page.get_by_text("Log a decision").click()
    page.get_by_label("Deciding as").select_option(value="gold")
    page.get_by_label("Decision made by").select_option(label=f"{gold.name} (Gold (strategic commander))")
    page.get_by_label("Decision", exact=True).fill("Declare a critical incident and hold a Gold group.")
    page.get_by_role("button", name="Log decision").click()
    assert "Decision 1 logged." in banner(page)
    expect(page.locator("#decision-1")).to_contain_text(
        f"{gold.name} as Gold (strategic commander), recorded by {duty.name} on their behalf")
    check_phone_page(page)

    page.get_by_text("Stand the incident down").click()
    page.get_by_label("Why is the incident being stood down?").fill("Suspect charged; tension low.")
    page.get_by_role("button", name="Stand down").click()
    assert "Stood down." in banner(page)
    check_phone_page(page)
