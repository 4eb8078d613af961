"""Issue 4's acceptance journey: write a message map, hit a hard limit, submit, approve, see coverage."""

from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.reference.seed import seed_reference
from tests.browser.conftest import assert_accessible, sign_in_page
from tests.factories import PASSWORD, make_user

AUDIENCE = "Year 9 pupils in Hackney"
SMS = "Hackney school SMS"
NEWSLETTER = "Hackney youth newsletter"
# Every vector would set window.__xss if it ran.
XSS_BODY = "\n\n".join([
    "Stay safe on the way home.",
    "<script>window.__xss = 1</script>",
    "<img src=x onerror=\"window.__xss = 1\">",
    "[Tap here](javascript:window.__xss=1)",
    "<a href=\"JaVaScRiPt:window.__xss=1\">Or here</a>",
    "<svg onload=\"window.__xss = 1\"></svg>",
    "<iframe src=\"javascript:window.__xss=1\"></iframe>",
    "<p onclick=\"window.__xss = 1\" style=\"position:fixed\">Click</p>",
    "[Data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
])


def add_audience_and_channels(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/messaging/audiences/new")
    page.get_by_label("Name").fill(AUDIENCE)
    page.get_by_label("Segment").select_option(label="Young people")
    page.get_by_role("button", name="Add audience").click()
    for name, limit in ((SMS, "160"), (NEWSLETTER, "")):
        page.goto(f"{live_server}/messaging/channels/new")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Kind of channel").select_option(label="Owned")
        page.get_by_label("Length limit (characters)").fill(limit)
        page.get_by_label("Limit", exact=True).select_option(
            label="Hard: block when over" if limit else "No length limit")
        page.get_by_label("Lead time (days)").fill("0")
        page.get_by_label("Cost band").select_option(label="No cost")
        page.get_by_role("button", name="Add channel").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"Channel {name} added")


def write_map(page: Page) -> None:
    page.get_by_role("link", name="Messages", exact=True).click()
    page.get_by_role("button", name="New message map").click()
    page.get_by_label("Violence element").select_option(label="Personal robbery")
    page.get_by_label("Audience").select_option(label=AUDIENCE)
    page.get_by_label("The question or concern this map answers").fill(
        "Will my phone get taken at the bus stop after school?")
    page.get_by_label("Key message 1", exact=True).fill(
        "Keep your phone out of sight at bus stops after school. If someone demands it, let it go.")
    page.get_by_label("Supporting fact 1 for key message 1").fill(
        "Officers patrol the Hackney Central interchange from 3pm on school days")
    page.get_by_label("Call to action").fill("Tell someone you trust, or report it anonymously to Fearless")
    page.get_by_label("Prevention").check()
    page.get_by_label("Tone").select_option(label="Reassuring")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved as a draft")


def add_variants(page: Page) -> None:
    page.get_by_role("button", name="Add a channel variant").click()
    page.get_by_label("Channel", exact=True).select_option(label=SMS)
    page.get_by_label("Words for this channel").fill("Keep your phone out of sight at the bus stop. " * 5)
    page.get_by_role("button", name="Save as a new version").click()
    expect(page).to_have_title("Error: Add a channel variant – Commsplan")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"{SMS} allows 160 characters at most and this is 229: shorten it by 69")
    assert_accessible(page)
    page.get_by_label("Words for this channel").fill(
        "Keep your phone out of sight at the bus stop after school. If someone demands it, let it go. "
        "Report anonymously: fearless.org")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved as version 2")

    page.get_by_role("button", name="Add a channel variant").click()
    page.get_by_label("Channel", exact=True).select_option(label=NEWSLETTER)
    page.get_by_label("Words for this channel").fill(XSS_BODY)
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved as version 3")
    expect(page.locator("main")).to_contain_text("Stay safe on the way home.")
    assert page.evaluate("() => window.__xss") is None
    assert page.evaluate("""() => [...document.querySelectorAll('main *')].filter(el =>
        ['SCRIPT', 'IFRAME', 'SVG', 'IMG'].includes(el.tagName.toUpperCase())
        || [...el.attributes].some(a => a.name.startsWith('on') || a.name === 'style'
            || /^\\s*(javascript|data):/i.test(a.value))).length""") == 0


def test_map_is_written_checked_submitted_approved_and_covered(
    page: Page, live_server: str, session: Session, now: datetime
) -> None:
    author = make_user(session, roles=[Role.COMMS_OFFICER, Role.APPROVER], name="Tom Okafor", now=now)
    approver = make_user(session, roles=[Role.APPROVER], name="Helen Marsh", now=now)
    seed_reference(session, actor=None, now=now)
    session.commit()
    sign_in_page(page, live_server, author.email, PASSWORD)
    add_audience_and_channels(page, live_server)
    write_map(page)
    add_variants(page)
    assert_accessible(page)

    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Sent for approval")
    expect(page.locator("h1 .govuk-tag")).to_have_text("In review")
    expect(page.get_by_role("button", name="Approve version 3")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("another approver must approve it")
    map_url = page.url
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(f"{map_url}/decide",
                                form={"csrf_token": token or "", "number": "3", "approve": "Approve"})
    assert refused.status == 403

    page.context.clear_cookies()
    sign_in_page(page, live_server, approver.email, PASSWORD)
    page.goto(map_url)
    assert_accessible(page)
    page.get_by_label("Comment").first.fill("Clear and kind. Approved for the half-term push.")
    page.get_by_role("button", name="Approve version 3").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Version 3 approved")
    expect(page.locator("h1 .govuk-tag")).to_have_text("Approved")

    page.get_by_role("link", name="Messages", exact=True).click()
    page.get_by_role("link", name="coverage matrix").click()
    cell = page.get_by_role("link", name=re.compile(f"Approved.*Personal robbery for {AUDIENCE}"))
    expect(cell).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("rowheader", name=AUDIENCE))
    expect(row).to_contain_text("2 channels")
    assert_accessible(page)
    cell.click()
    expect(page.locator("#cell-channels")).to_contain_text(f"2 channels: {SMS}, {NEWSLETTER}.")
    assert_accessible(page)
