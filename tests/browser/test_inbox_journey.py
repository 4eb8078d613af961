"""A comms officer schedules a reminder, receives it in the inbox, reads it and snoozes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.notifications import jobs
from commsplan.notifications.models import Reminder
from commsplan.timeutil import to_london, utcnow
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user


def test_officer_schedules_reads_and_snoozes_a_reminder(
    page: Page, live_server: str, session: Session, now: datetime
) -> None:
    officer = make_user(session, roles=[Role.COMMS_OFFICER], name="Tom Okafor", now=now)
    session.commit()
    sign_in_page(page, live_server, officer.email, PASSWORD)

    page.get_by_role("link", name="Reminders").click()
    page.get_by_role("button", name="Schedule a reminder").click()
    assert_accessible(page)
    page.get_by_label("One person").check()
    page.get_by_label("Person", exact=True).select_option(label="Tom Okafor")
    page.get_by_label("What is it about").fill("Book the half-term knife crime posts")
    tomorrow = to_london(utcnow() + timedelta(days=1))
    page.get_by_label("Day").fill(str(tomorrow.day))
    page.get_by_label("Month").fill(str(tomorrow.month))
    page.get_by_label("Year").fill(str(tomorrow.year))
    page.get_by_role("button", name="Schedule reminder").click()
    expect(page).to_have_title("Error: Schedule a reminder – Commsplan")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter time as a 24-hour time")
    assert_accessible(page)
    page.get_by_label("Time").fill("09:30")
    page.get_by_label("Urgent").check()
    page.get_by_role("button", name="Schedule reminder").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Reminder scheduled for Tom Okafor")
    expect(page.get_by_role("row").filter(has_text="Book the half-term")).to_contain_text("Scheduled")

    session.expire_all()
    due = session.query(Reminder).one().deliver_at + timedelta(seconds=5)  # read once: senders run in threads
    report = jobs.run_dispatch(now=lambda: due, worker="test")
    assert report.reminders == 1

    page.get_by_role("link", name="Home").click()
    inbox_link = page.get_by_role("link", name="Inbox 1 unread")
    expect(inbox_link).to_be_visible()
    inbox_link.click()
    expect(page.get_by_role("heading", name="Book the half-term knife crime posts")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Marked as read")
    expect(page.locator("#inbox-count")).to_have_text("0 notifications unread")
    expect(page.get_by_role("link", name="Inbox 1 unread")).to_have_count(0)

    page.get_by_label("Show").select_option("all")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".app-inbox-item")).to_contain_text("Read")
    page.get_by_role("link", name="Snooze Book the half-term knife crime posts").click()
    assert_accessible(page)
    page.get_by_role("button", name="Snooze").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose how long to snooze for")
    page.get_by_label("2 hours").check()
    page.get_by_role("button", name="Snooze").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Snoozed until")
    expect(page.locator("#inbox-count")).to_have_text("0 notifications unread")
    page.get_by_label("Show").select_option("all")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".app-inbox-item")).to_have_count(0)
    assert_accessible(page)
