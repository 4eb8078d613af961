"""At 320 CSS pixels wide no key page scrolls sideways (WCAG 1.4.10 Reflow) and axe-core finds nothing,
colour contrast included: wide tables scroll inside their own keyboard-focusable region instead."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import func, select

from commsplan.audiences.models import Audience
from commsplan.auth.models import User
from commsplan.demo.files import demo_password
from commsplan.demo.service import load_demo
from commsplan.extensions import db
from commsplan.incidents.models import Incident
from commsplan.messages.models import MessageMap
from commsplan.plans.models import CommPlan, PlanObjective
from commsplan.press.models import Claim, MediaEnquiry
from commsplan.reference.models import BusinessUnit, UnitKind
from commsplan.risk.models import RiskProfile
from tests.browser.conftest import AXE, AXE_TAGS, sign_in_page
from tests.conftest import FIXED_NOW

PHONE_WIDTH = 320
# Each role's key pages; {plan} and the like are the first of their kind in the demo data.
PAGE_VIEWS = {
    None: ["/login"],
    "admin@commsplan.test": ["/", "/admin", "/admin/audit/", "/admin/users", "/admin/users/{user}",
                             "/admin/deliveries", "/reference/business-units"],
    "officer@commsplan.test": ["/messages/", "/messages/coverage", "/messages/{map}", "/messaging/affinity",
                               "/messaging/audiences", "/messaging/audiences/{audience}",
                               "/planning/profiles", "/planning/profiles/{profile}", "/planning/heat-map",
                               "/planning/units/{unit}/trend", "/plans/", "/plans/{plan}",
                               "/plans/{plan}/timeline", "/plans/{plan}/calendar", "/plans/integrated",
                               "/plans/{plan}/objectives/{objective}/actuals", "/confidence/results/new",
                               "/confidence/campaign-effect?measure=1&campaign={borough}&start=1"
                               "&start=7&start=2025", "/sensitivity/", "/sensitivity/new", "/plans/feeds"],
    "approver@commsplan.test": ["/"],
    "duty@commsplan.test": ["/incidents/", "/incidents/{incident}", "/incidents/{incident}/report",
                            "/incidents/{incident}/campaigns",
                            "/incidents/figures", "/playbooks/fatal-stabbing-young-person",
                            "/press/enquiries", "/press/enquiries/{enquiry}", "/press/claims",
                            "/press/claims/{claim}", "/press/claims/new"],
    "viewer@commsplan.test": ["/", "/inbox", "/confidence/", "/confidence/league",
                              "/confidence/units/{borough}"],
}
FIRST_OF = {"user": User, "map": MessageMap, "audience": Audience, "profile": RiskProfile,
            "unit": BusinessUnit, "plan": CommPlan, "incident": Incident, "enquiry": MediaEnquiry,
            "claim": Claim}


# The outermost elements reaching past the viewport that no scrolling box clips: what makes a page wide.
OVERFLOWING = """() => {
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.getBoundingClientRect().right > innerWidth + 1 && !clipped(el) && !found.some(f => f.contains(el)))
      found.push(el);
  }
  return found.slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join(''));
}"""


@dataclass
class Findings:
    too_wide: dict[str, str]
    axe: dict[str, list[str]]


def first_ids() -> dict[str, int]:
    """The first of each kind; the objective is the first plan's, the borough the first with a plan."""
    ids = {name: db.session.scalar(select(func.min(model.id))) or 0 for name, model in FIRST_OF.items()}
    ids["objective"] = db.session.scalar(select(func.min(PlanObjective.id))
                                         .where(PlanObjective.plan_id == ids["plan"])) or 0
    ids["borough"] = db.session.scalar(select(func.min(BusinessUnit.id))
                                       .where(BusinessUnit.kind == UnitKind.BOROUGH_COMMAND)) or 0
    return ids


def check_page(page: Page, base_url: str, path: str, findings: Findings) -> None:
    response = page.goto(base_url + path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        findings.too_wide[path] = f"{width}px wide: {', '.join(page.evaluate(OVERFLOWING))}"
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)",
        AXE_TAGS)
    if violations:
        findings.axe[path] = violations


def test_key_pages_reflow_at_320_pixels_and_pass_axe(live_app: Flask, live_server: str, page: Page) -> None:
    load_demo(db.session, now=FIXED_NOW)
    db.session.commit()
    ids = first_ids()
    findings = Findings({}, {})
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for email, paths in PAGE_VIEWS.items():
        page.context.clear_cookies()
        if email is not None:
            sign_in_page(page, live_server, email, demo_password())
        for path in paths:
            check_page(page, live_server, path.format(**ids), findings)
    views = sum(map(len, PAGE_VIEWS.values()))
    print(f"{views} page views, {len(findings.too_wide)} too wide: {findings.too_wide}")  # pytest -s
    problems = [f"{path} is {wide}" for path, wide in findings.too_wide.items()]
    problems += [f"{path}: axe {found}" for path, found in findings.axe.items()]
    assert not problems, "\n".join(problems)
