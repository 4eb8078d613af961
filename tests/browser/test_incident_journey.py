"""Issue 6's acceptance journey: launch the fatal-stabbing playbook, work it, approve and release the
holding statement as someone else, log a decision, see an overdue reminder, stand down and report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.notifications.jobs import run_dispatch
from commsplan.reference.seed import seed_reference
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user

PLAYBOOK = "Fatal stabbing or shooting of a young person"
LOCATION = "Acre Lane, Brixton"
LOCAL = "%Y-%m-%dT%H:%M"


def launch(page: Page, live_server: str) -> datetime:
    """Launch as the duty officer, notified two hours ago; returns the notified time (London)."""
    page.goto(f"{live_server}/incidents/")
    assert_accessible(page)
    page.get_by_role("link", name=PLAYBOOK).click()
    assert_accessible(page)
    page.get_by_role("button", name="Launch incident").click()
    expect(page).to_have_title(f"Error: Launch: {PLAYBOOK} – Commsplan")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter general location")
    default = datetime.strptime(page.get_by_label("When were police notified?").input_value(), LOCAL)
    notified = default - timedelta(hours=2)
    page.get_by_label("Short title").fill("Fatal stabbing, Acre Lane")
    page.get_by_label("When were police notified?").fill(notified.strftime(LOCAL))
    page.get_by_label("General location").fill(LOCATION)
    page.get_by_label("When police were called").fill((notified - timedelta(minutes=5)).strftime(LOCAL))
    page.get_by_label("Weapon").select_option("knife")
    page.get_by_label("Victim's age").fill("16")
    page.get_by_label("Borough command").select_option(label="Lambeth borough command")
    page.get_by_label("Reference for the public to quote").fill("CAD 4471/22NOV")
    page.get_by_label("Time of the next update").fill("6pm today")
    page.get_by_role("button", name="Launch incident").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("launched")
    return notified


def test_a_critical_incident_from_launch_to_report(page: Page, live_server: str, session: Session,
                                                  now: datetime) -> None:
    duty = make_user(session, roles=[Role.DUTY_OFFICER], name="Marcus Bell", now=now)
    approver = make_user(session, roles=[Role.APPROVER], name="Helen Marsh", now=now)
    seed_reference(session, actor=None, now=now)
    session.commit()
    sign_in_page(page, live_server, duty.email, PASSWORD)
    notified = launch(page, live_server)
    incident_url = page.url

    holding = page.locator("li.app-task", has_text="Publish the holding statement")
    expect(holding).to_contain_text((notified + timedelta(minutes=45)).strftime("%H:%M, %-d %b"))
    expect(holding).to_contain_text("Overdue")
    expect(page.locator("li.app-task", has_text="Publish the arrest release")).to_contain_text(
        "Waiting for: first arrest")
    statement = page.locator("#statements ~ section", has_text="Holding statement").first
    expect(statement).to_contain_text(f"young person died from serious injuries in {LOCATION}")
    assert_accessible(page)

    page.get_by_text("Record a clock").click()
    page.get_by_label("Which clock").select_option(label="Family informed")
    page.get_by_label("When (London time)").fill((notified + timedelta(hours=1)).strftime(LOCAL))
    page.get_by_role("button", name="Record clock").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Recorded: Family informed.")
    wishes = page.locator("li.app-task", has_text="Record the family's wishes on naming")
    expect(wishes).to_contain_text((notified + timedelta(hours=2)).strftime("%H:%M, %-d %b"))
    expect(wishes).not_to_contain_text("Waiting for")

    page.context.clear_cookies()
    sign_in_page(page, live_server, approver.email, PASSWORD)
    page.goto(incident_url)
    page.get_by_role("button", name="Approve Holding statement").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Holding statement approved.")
    holding_card = page.locator("#statements ~ section", has_text="Holding statement").first
    page.wait_for_load_state()  # GOV.UK's script focuses the banner, moving the page, once loaded
    holding_card.get_by_label("X", exact=True).check()
    page.get_by_role("button", name="Release Holding statement").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Holding statement released.")
    expect(holding_card).to_contain_text(f"by {approver.name} on X.")
    assert_accessible(page)

    run_dispatch()
    page.context.clear_cookies()
    sign_in_page(page, live_server, duty.email, PASSWORD)
    page.goto(f"{live_server}/inbox")
    expect(page.locator("main")).to_contain_text("Incident task overdue")
    expect(page.locator("main")).to_contain_text("CI-2026-0001: Agree the reactive line for media enquiries")
    expect(page.locator("main")).not_to_contain_text("Publish the holding statement")  # released: done
    assert_accessible(page)

    page.goto(incident_url)
    page.get_by_text("Log a decision").click()
    page.get_by_label("Deciding as").select_option(value="duty_officer")
    page.get_by_label("Decision", exact=True).fill("Declare a critical incident and open a Gold group.")
    page.get_by_label("Threat, risk and working strategy").fill("Young victim; retaliation risk tonight.")
    page.get_by_role("button", name="Log decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Decision 1 logged.")
    expect(page.locator("#decision-1")).to_contain_text("Declare a critical incident")

    page.get_by_text("Stand the incident down").click()
    page.get_by_label("Why is the incident being stood down?").fill("Suspect charged; tension low.")
    page.get_by_role("button", name="Stand down").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Stood down.")
    page.get_by_label("What went well").fill("Holding statement out inside the hour.")
    page.get_by_label("What to improve").fill("Partners heard from social media first.")
    page.get_by_label("Staff welfare actions (optional)").fill("Check in with the duty press officer.")
    page.get_by_role("button", name="Close with this debrief").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Closed with the debrief.")
    assert_accessible(page)

    page.get_by_role("link", name="Incident report").click()
    notified_at = notified.replace(tzinfo=ZoneInfo("Europe/London"))
    minutes = int((datetime.now(UTC) - notified_at).total_seconds() // 60)
    figures = page.locator("dt", has_text="Time to first holding statement").locator("xpath=..")
    expect(figures).to_contain_text(" minutes")
    reported = int(figures.locator("dd").inner_text().split()[0])
    assert minutes - 2 <= reported <= minutes + 1  # released just now, notified two hours ago
    expect(page.locator("main")).to_contain_text("Declare a critical incident and open a Gold group.")
    expect(page.locator("main")).to_contain_text("Partners heard from social media first.")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Markdown").click()
    assert download.value.suggested_filename == "CI-2026-0001.md"
