"""Issue 18's journey: an officer imports a quarter's confidence results (a bad file first, which
saves nothing and names each row), reads the league table and a unit's confidence over time, asks
what a campaign changed, and records an actual against a plan objective; every page axe-clean."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.confidence import results
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import items, service
from commsplan.plans.models import CommPlan
from commsplan.reference.models import BusinessUnit
from commsplan.reference.seed import seed_reference
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user

HACKNEY = "Hackney borough command"
HEADER = "measure,unit,period,value,sample_size,margin"


def prepared(session: Session, now: datetime) -> tuple[User, CommPlan]:
    """Reference data, the headline measure, and Hackney's draft plan with a confidence objective."""
    user = make_user(session, roles=[Role.COMMS_OFFICER], name="Ama Mensah", now=now)
    seed_reference(session, actor=user, now=now)
    results.create_measure(session, code="DEALING", name="Dealing with the issues that matter",
                           question="How much do you agree that the police and local council are "
                                    "dealing with the anti-social behaviour and crime issues that matter "
                                    "in this area?",
                           source="Test survey", is_headline=True, actor=user, now=now)
    hackney = session.scalars(select(BusinessUnit).where(BusinessUnit.code == "GD")).one()
    details = service.PlanDetails(hackney.id, 2026, "Hackney violence plan", user.id)
    plan = service.create_plan(session, details=details, actor=user, now=now, delivery=DeliverySettings())
    items.save_objective(session, plan, items.ObjectiveValues(
        statement="Raise confidence in Hackney", metric="Confidence measure", baseline=44, target=49,
        deadline=date(2027, 3, 31), unit_of_measure="%"), actor=user, now=now)
    session.commit()
    return user, plan


def results_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "confidence.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def import_results(page: Page, tmp_path: Path) -> None:
    page.get_by_role("link", name="Confidence", exact=True).click()
    page.get_by_role("button", name="Import results from CSV").click()
    page.get_by_label("CSV file").set_input_files(results_file(tmp_path, [
        "DEALING,GD,2026-06-30,45.5,410,", "DEALING,NOWHERE,2026-06-30,50,400,",
        "DEALING,CW,2026-06-30,140,,"]))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-problems")).to_contain_text("No business unit has this code")
    expect(page.locator("#import-problems")).to_contain_text("The result must be a percentage from 0 to 100")
    expect(page.locator("#import-problems")).to_contain_text("Enter the sample size")
    assert_accessible(page)
    rows = [f"DEALING,{unit},{wave},{value},{n}," for wave in ("2026-03-31", "2026-06-30")
            for unit, value, n in (("GD", 43.0, 420), ("CW", 57.5, 390), ("KF", 47.0, 405),
                                   ("CORP", 50.5, 12400))]
    page.get_by_label("CSV file").set_input_files(results_file(tmp_path, rows))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("8 results added")


def test_officer_reads_confidence_and_records_an_actual(
    page: Page, live_server: str, session: Session, now: datetime, tmp_path: Path
) -> None:
    user, plan = prepared(session, now)
    sign_in_page(page, live_server, user.email, PASSWORD)
    import_results(page, tmp_path)
    assert_accessible(page)

    page.get_by_role("link", name="League table").first.click()
    expect(page.locator("#league-table")).to_contain_text("Below the force")
    expect(page.locator("#league-table")).to_contain_text("Within the margin of error")
    assert_accessible(page)
    page.get_by_role("link", name=HACKNEY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HACKNEY)
    expect(page.locator("figure svg[role=img]")).to_have_count(1)
    expect(page.locator("#waves-table")).to_contain_text("43.0% ± 4.7")
    assert_accessible(page)

    page.goto(f"{live_server}/confidence/campaign-effect")
    page.get_by_label(HACKNEY).first.check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Estimate the effect").click()
    expect(page.locator("#verdict")).to_contain_text("The data cannot tell")
    assert_accessible(page)

    page.goto(f"{live_server}/plans/{plan.id}")
    page.get_by_role("link", name="Actuals for Raise confidence in Hackney").click()
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Figure").fill("43")
    page.get_by_role("button", name="Record actual").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter where the figure comes from")
    assert_accessible(page)
    page.get_by_label("Source").fill("Resident survey, wave ending 30 June 2026")
    page.get_by_role("button", name="Record actual").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Actual recorded: 43")
    expect(page.locator("#actuals-table")).to_contain_text("Resident survey")
    expect(page.locator(".app-rag")).to_contain_text("Red: off track")
    assert_accessible(page)
