"""Issue 19's journey on a phone (390 px): during the demo's live incident the duty officer logs a
media enquiry, answers it with the released holding statement, records a false claim that names a
private person, decides to rebut it, has a rebuttal naming that person refused, drafts one that an
approver (a second person) signs off and gives, and sees both on the incident page and in its
report; every page is accessible and none scrolls sideways."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from commsplan.demo.files import demo_password
from commsplan.demo.service import load_demo
from commsplan.extensions import db
from commsplan.incidents.models import Incident
from commsplan.timeutil import to_london, utcnow
from tests.browser.conftest import assert_accessible, sign_in_page

PHONE = {"width": 390, "height": 844}
LOCAL = "%Y-%m-%dT%H:%M"


def check(page: Page) -> None:
    """Nothing wider than the screen, and accessible."""
    page.wait_for_load_state()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths[0]} px on a {widths[1]} px screen"
    assert_accessible(page)


def banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)
    check(page)


def test_an_enquiry_and_a_claim_during_a_live_incident(live_app: Flask, live_server: str, page: Page) -> None:
    load_demo(db.session, now=utcnow())
    db.session.commit()
    incident = db.session.scalar(select(Incident).where(Incident.title == "Fatal stabbing, Coldharbour Lane"))
    assert incident is not None
    page.set_viewport_size(PHONE)
    sign_in_page(page, live_server, "duty@commsplan.test", demo_password())
    page.goto(f"{live_server}/incidents/{incident.id}")
    expect(page.locator("#press-figures")).to_contain_text("3, 2 answered in time")
    page.get_by_role("link", name="Log a media enquiry about this incident").click()
    check(page)

    page.get_by_label("Outlet", exact=True).fill("Brixton Buzz")
    page.get_by_label("Journalist", exact=True).fill("Ruth Adams")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("The question").fill("Has the victim been named, and is the road still closed?")
    page.get_by_label("Their deadline (London time, optional)").fill(
        f"{to_london(utcnow() - timedelta(hours=1)):{LOCAL}}")
    expect(page.get_by_label("Business unit")).to_have_value(str(incident.unit_id))  # the incident's
    page.get_by_role("button", name="Log enquiry").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The deadline must be in the future")
    check(page)
    page.get_by_label("Their deadline (London time, optional)").fill("")
    page.get_by_role("button", name="Log enquiry").click()
    banner(page, "Enquiry logged")

    page.get_by_label("A released statement").check()
    page.get_by_label("The released statement").select_option(label=page.locator(
        "#statement_id option", has_text="Holding statement").inner_text())
    page.get_by_role("button", name="Record answer").click()
    banner(page, "Answer recorded.")
    expect(page.locator("main")).to_contain_text("in time")

    page.goto(f"{live_server}/incidents/{incident.id}")
    expect(page.locator("#press-figures")).to_contain_text("4, 3 answered in time")
    page.get_by_role("link", name="Record a claim about this incident").click()
    check(page)
    page.get_by_label("What is being claimed").fill("An Instagram story names a neighbour as the attacker.")
    page.get_by_label("Instagram", exact=True).check()
    seen = to_london(utcnow() - timedelta(minutes=20))
    page.get_by_label("First seen (London time)").fill(f"{seen:{LOCAL}}")
    page.get_by_label("Severe", exact=True).check()
    page.get_by_label("It names or endangers a private person").check()
    page.get_by_label("The names it gives, so that no answer repeats them").fill("Rhys Morgan")
    page.get_by_role("button", name="Record claim").click()
    banner(page, "Claim added to the register.")

    page.get_by_text("Decide the response").click()
    page.get_by_label("Response", exact=True).select_option(label="Rebut")
    page.get_by_label("Reasons").fill("Shared widely and people are gathering outside his home.")
    page.get_by_role("button", name="Record decision").click()
    banner(page, "Response decision recorded.")
    page.get_by_label("The words to give").fill("Rhys Morgan is not a suspect.")
    page.get_by_role("button", name="Draft rebuttal").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("the rebuttal names “Rhys Morgan”")
    check(page)
    page.get_by_label("The words to give").fill("A man named online has no connection to this investigation. "
                                               "Please do not share names.")
    page.get_by_role("button", name="Draft rebuttal").click()
    banner(page, "Rebuttal drafted: it waits for an approver.")
    claim_url = page.url
    expect(page.get_by_role("button", name="Approve rebuttal")).to_have_count(0)  # not their own words

    page.context.clear_cookies()
    sign_in_page(page, live_server, "approver@commsplan.test", demo_password())
    page.goto(claim_url)
    page.get_by_role("button", name="Approve rebuttal").click()
    banner(page, "Rebuttal approved.")
    expect(page.locator("#rebuttal-draft")).to_contain_text("Approved by Helen Marsh as approver")
    page.get_by_role("button", name="Give the approved rebuttal").click()
    banner(page, "Rebuttal given.")

    page.goto(f"{live_server}/incidents/{incident.id}")
    expect(page.locator("#press-figures")).to_contain_text("2, 0 still circulating")
    expect(page.locator(".app-timeline")).to_contain_text("Claim rebutted.")
    check(page)
    page.get_by_role("link", name="See them (claims)").click()
    expect(page.locator("main")).to_contain_text("An Instagram story names a neighbour")
    check(page)

    page.goto(f"{live_server}/incidents/{incident.id}/report")
    report = page.locator("main")
    expect(report).to_contain_text("3 of 4")  # media enquiries answered in time
    expect(report).to_contain_text("2, 0 still circulating")
    expect(report).to_contain_text("Media enquiry from Brixton Buzz")
    expect(report).to_contain_text("Rebuttal approved by Helen Marsh.")
    check(page)
