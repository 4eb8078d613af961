"""A new admin signs in, makes a mistake adding a business unit, fixes it and finds it listed."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.reference.seed import seed_reference
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user


def test_admin_adds_a_business_unit_after_an_error(
    page: Page, live_server: str, session: Session, now: datetime
) -> None:
    admin = make_user(session, roles=[Role.ADMIN], name="Priya Shah", now=now)
    seed_reference(session, actor=admin, now=now)
    session.commit()

    sign_in_page(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Priya Shah")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Reference data").click()
    page.get_by_role("link", name="Business units").first.click()
    expect(page.get_by_role("heading", name="Business units", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add a business unit").click()
    page.get_by_label("Code").fill("NBK")
    page.get_by_label("Kind of unit").select_option(label="Borough command")
    page.get_by_role("button", name="Add business unit").click()

    expect(page).to_have_title("Error: Add a business unit – Commsplan")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a name")
    expect(summary).to_contain_text("Select the unit this one reports to")
    assert_accessible(page)

    page.get_by_label("Name").fill("Northbrook Safer Neighbourhoods")
    page.get_by_label("Reports to").select_option(label="Territorial Policing")
    page.get_by_label("Description").fill("Neighbourhood teams covering the Northbrook wards.")
    page.get_by_role("button", name="Add business unit").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Business unit Northbrook Safer Neighbourhoods added")
    page.get_by_label("Search by name or code").fill("Northbrook")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row").filter(has_text="Northbrook Safer Neighbourhoods")
    expect(row).to_contain_text("Borough command")
    expect(row).to_contain_text("Territorial Policing")
    assert_accessible(page)
