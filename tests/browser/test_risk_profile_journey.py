"""An officer starts a risk profile, adds an element after a mistake, imports more units with the
upload progress shown (under the app's real Content-Security-Policy), and reads the heat map and
a unit's trend; the import also works with JavaScript off."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.reference.seed import seed_reference
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user

UNIT = "Hackney borough command"
ROWS = [
    "unit,year,element,volume,harm_score,harm_method,likelihood",
    "GD,2026,AWI,412,1830.5,Cambridge Crime Harm Index,high",
    "GD,2026,MSV,12,2400,Cambridge Crime Harm Index,medium",
    'CW,2026,ROB,96,240,"Cambridge Crime Harm Index, adjusted",medium',
    "GD,2026,ROB,96,310,Cambridge Crime Harm Index,low",
]
# Records what the progress region said and any policy violation, in a page that keeps running.
WATCH = """() => {
  window.__samePage = true; window.__said = []; window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
  const status = document.getElementById("upload-progress-status");
  // Each text the script sets arrives as a new text node, so every message is kept, however fast.
  new MutationObserver((records) => records.forEach((record) => record.addedNodes.forEach(
    (node) => window.__said.push(node.textContent)))).observe(status, {childList: true});
}"""


def officer(session: Session, now: datetime) -> User:
    user = make_user(session, roles=[Role.COMMS_OFFICER], name="Ama Mensah", now=now)
    seed_reference(session, actor=user, now=now)
    session.commit()
    return user


def start_profile_and_add_an_element(page: Page, live_server: str) -> None:
    page.get_by_role("link", name="Risk profiles").click()
    page.get_by_role("button", name="New profile").click()
    expect(page.get_by_label("Financial year")).to_have_value("2026")
    page.get_by_role("button", name="Create profile").click()
    expect(page).to_have_title("Error: New risk profile – Commsplan")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a business unit")
    assert_accessible(page)
    page.get_by_label("Business unit").select_option(label=UNIT)
    page.get_by_label("Notes").fill("From the spring strategic assessment.")
    page.get_by_role("button", name="Create profile").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Risk profile started: {UNIT}, 2026–27")

    page.get_by_role("button", name="Add an element").click()
    page.get_by_label("Personal robbery").check()
    page.get_by_label("Volume").fill("96")
    page.get_by_label("Harm score").fill("lots")
    page.get_by_label("Harm method").fill("Cambridge Crime Harm Index")
    page.get_by_label("Victims").fill("Pupils on the way home from school")
    page.get_by_role("button", name="Add element").click()
    expect(page).to_have_title(re.compile(r"^Error: Add an element"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the harm score as a number")
    expect(page.get_by_label("Victims")).to_have_value("Pupils on the way home from school")
    assert_accessible(page)
    page.get_by_label("Harm score").fill("310")
    page.get_by_role("button", name="Add element").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Added: Personal robbery")
    assert_accessible(page)


def test_officer_builds_and_pictures_risk_profiles(
    page: Page, browser: Browser, live_server: str, session: Session, now: datetime, tmp_path: Path
) -> None:
    user = officer(session, now)
    sign_in_page(page, live_server, user.email, PASSWORD)
    start_profile_and_add_an_element(page, live_server)

    # The import, under the real Content-Security-Policy (the shared page bypasses it for axe).
    strict = browser.new_context(viewport={"width": 1100, "height": 900})
    upload_page = strict.new_page()
    sign_in_page(upload_page, live_server, user.email, PASSWORD)
    upload_page.goto(f"{live_server}/planning/profiles/import")
    upload_page.evaluate("window.__samePage = true")
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text("\n".join([*ROWS, "NOPE,2026,AWI,1,1,x,low"]) + "\n")
    upload_page.get_by_label("CSV file").set_input_files(bad_file)
    upload_page.get_by_role("button", name="Import").click()
    expect(upload_page).to_have_title("Error: Import risk profiles – Commsplan")
    expect(upload_page.locator(".govuk-error-summary")).to_be_focused()
    expect(upload_page.locator("#import-problems")).to_contain_text("No business unit has this code")
    assert upload_page.evaluate("window.__samePage") is True
    # The form swapped in with the result still uploads through the script.
    upload_page.evaluate(WATCH)
    csv_file = tmp_path / "profiles.csv"
    csv_file.write_text("\n".join(ROWS) + "\n")
    upload_page.get_by_label("CSV file").set_input_files(csv_file)
    upload_page.get_by_role("button", name="Import").click()
    expect(upload_page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Imported 4 rows for 2026–27: 1 new profile, 3 entries added, 1 replaced")
    assert upload_page.evaluate("window.__samePage") is True, "the result came through the script"
    said = upload_page.evaluate("window.__said")
    assert any(text.startswith("Uploading") for text in said) and "Checking 4 rows…" in said
    assert upload_page.evaluate("window.__violations") == []
    expect(upload_page).to_have_url(re.compile(r"/planning/profiles\?year=2026$"))
    expect(upload_page).to_have_title("Risk profiles – Commsplan")
    strict.close()

    page.get_by_role("link", name="Home").click()
    page.get_by_role("link", name="Risk heat map").click()
    expect(page).to_have_title("Risk heat map 2026–27 – Commsplan")
    row = page.get_by_role("row").filter(has_text=UNIT)
    expect(row).to_contain_text("2,400")
    expect(row).to_contain_text("very high")
    expect(row).to_contain_text("priority 1")
    assert_accessible(page)
    page.get_by_label("Kind of unit").select_option(label="Specialist unit")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("row").filter(has_text="Trident Gang Crime Command")).to_contain_text(
        "No profile for 2026–27")
    page.get_by_label("Kind of unit").select_option(label="Borough command")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=f"Trend over years for {UNIT}").click()
    expect(page.get_by_role("heading", name=UNIT)).to_be_visible()
    expect(page.get_by_role("img", name=f"Volume by year, {UNIT}")).to_be_visible()
    expect(page.locator("#trend-table")).to_contain_text("Assault with injury")
    assert_accessible(page)


def test_import_works_without_javascript(
    browser: Browser, live_server: str, session: Session, now: datetime, tmp_path: Path
) -> None:
    user = officer(session, now)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_page(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/planning/profiles/import")
    csv_file = tmp_path / "profiles.csv"
    csv_file.write_text("\n".join([*ROWS, "NOPE,2026,AWI,1,1,x,low"]) + "\n")
    page.get_by_label("CSV file").set_input_files(csv_file)
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_title("Error: Import risk profiles – Commsplan")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Read 5 rows. Nothing was imported: 1 problem in the file")
    expect(page.locator("#import-problems")).to_contain_text("No business unit has this code")
    context.close()
