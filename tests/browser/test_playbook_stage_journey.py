"""Issue 17's journey: the use-of-force playbook, where recording the IOPC referral mid-incident switches
on the referral steps (and withdraws the reminder to make it), and a charge release that names the
child detained is blocked for good. Partly on a phone; every page passes axe."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.reference.seed import seed_reference
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.browser.test_incident_phone_journey import PHONE, check_phone_page
from tests.factories import PASSWORD, make_user

PLAYBOOK = "Viral footage of police use of force during a violence operation"
LOCAL = "%Y-%m-%dT%H:%M"
REFERRAL_STEP = "Publish the statement confirming the IOPC referral"


def launch(page: Page, live_server: str) -> datetime:
    """Launch as the duty officer, notified three hours ago; returns the notified time (London)."""
    page.goto(f"{live_server}/incidents/")
    page.get_by_role("link", name=PLAYBOOK).click()
    assert_accessible(page)
    default = datetime.strptime(page.get_by_label("When were police notified?").input_value(), LOCAL)
    notified = default - timedelta(hours=3)
    page.get_by_label("Short title").fill("Footage of a detention, Tooting High Street")
    page.get_by_label("When were police notified?").fill(notified.strftime(LOCAL))
    page.get_by_label("General location").fill("Tooting High Street")
    encounter = notified - timedelta(minutes=40)
    page.get_by_label("When the encounter took place").fill(encounter.strftime(LOCAL))
    page.get_by_label("Borough command").select_option(label="Lambeth borough command")
    page.get_by_label("What officers were doing").fill("carrying out weapons searches near the station")
    page.get_by_label("The person detained (gender and age only)").fill("a 16-year-old boy")
    page.get_by_label("Is the person detained under 18?").select_option("yes")
    page.get_by_label("Name of the person detained").fill("Tyrese Cole")
    page.get_by_label("IOPC referral").select_option("mandatory referral")
    page.get_by_role("button", name="Launch incident").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("launched")
    return notified


def record_clock(page: Page, label: str, at: datetime) -> None:
    page.get_by_text("Record a clock").click()
    page.get_by_label("Which clock").select_option(label=label)
    page.get_by_label("When (London time)").fill(at.strftime(LOCAL))
    page.get_by_role("button", name="Record clock").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"Recorded: {label}.")


def test_a_referral_switches_steps_on_and_a_childs_name_is_blocked(page: Page, live_server: str,
                                                                   session: Session, now: datetime) -> None:
    duty = make_user(session, roles=[Role.DUTY_OFFICER], name="Marcus Bell", now=now)
    approver = make_user(session, roles=[Role.APPROVER], name="Helen Marsh", now=now)
    seed_reference(session, actor=None, now=now)
    session.commit()
    sign_in_page(page, live_server, duty.email, PASSWORD)
    notified = launch(page, live_server)
    incident_url = page.url
    tasks = page.locator("li.app-task")
    expect(tasks.filter(has_text="Make the mandatory referral to the IOPC")).to_have_count(1)
    expect(tasks.filter(has_text=REFERRAL_STEP)).to_have_count(0)  # switched off until the referral

    record_clock(page, "Referred to the IOPC", notified + timedelta(hours=2))
    referral = tasks.filter(has_text=REFERRAL_STEP)
    expect(referral).to_contain_text((notified + timedelta(hours=3)).strftime("%H:%M, %-d %b"))
    expect(tasks.filter(has_text="Agree the communication protocol with the IOPC")).to_have_count(1)
    timeline = page.locator(".app-timeline")
    expect(timeline).to_contain_text(f"Now applies (iopc_referral == yes): {REFERRAL_STEP}")
    expect(timeline).to_contain_text("Withdrawn (referral_type == \"mandatory referral\" and "
                                     "iopc_referral == no no longer holds): Make the mandatory referral")
    expect(page.get_by_text("Done, skipped and withdrawn")).to_be_visible()
    assert_accessible(page)

    record_clock(page, "Person detained charged", notified + timedelta(hours=2, minutes=30))
    charge = page.locator("section.app-statement-card", has_text="Charge release").first
    charge.get_by_text("Edit the words").click()
    charge.get_by_label("Statement").fill("Tyrese Cole, 16, who was detained in Tooting High Street, "
                                          "has been charged with possession of an offensive weapon.")
    charge.get_by_role("button", name="Save words").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Charge release")

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in_page(page, live_server, approver.email, PASSWORD)
    page.goto(incident_url)
    charge = page.locator("section.app-statement-card", has_text="Charge release").first
    expect(charge).to_contain_text("No charged under-18 is named")
    expect(charge.locator(".govuk-tag--red")).to_contain_text("Blocked")
    expect(charge.get_by_role("button", name="Approve Charge release")).to_have_count(0)
    expect(charge.get_by_role("button", name="Override and approve Charge release")).to_have_count(0)
    check_phone_page(page)
