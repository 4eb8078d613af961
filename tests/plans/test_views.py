"""Plan pages through the test client: the list, a new plan, one plan's buttons in each state, the
workflow through its buttons, the sections, a version, and what viewers may not do.

Objectives, metrics, milestones and activities are in test_item_views.py; calendars and exports in
test_output_views.py; drafting from a profile in test_draft_views.py; feeds in test_feed_views.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.notifications.expand import expand_due
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import service, workflow
from commsplan.plans.models import CommPlan, PlanStatus, VersionOutcome
from commsplan.plans.rules import PlanRules
from tests.conftest import sign_in
from tests.plans.conftest import Login, People, PlanMaker, Reference, approved
from tests.plans.pages import (
    field_error,
    fresh_plan,
    page_title,
    plan_id_from,
    text_of,
    written,
)


def submitted(session: Session, plan: CommPlan, by: User, now: datetime,
              delivery: DeliverySettings) -> CommPlan:
    workflow.submit_plan(session, plan, actor=by, now=now, delivery=delivery)
    return plan

pytestmark = pytest.mark.usefixtures("pinned_clock")


# --- The list ----------------------------------------------------------------------------------

@pytest.fixture
def three_plans(session: Session, now: datetime, people: People, make_plan: PlanMaker,
                delivery: DeliverySettings, rules: PlanRules) -> dict[str, CommPlan]:
    """Hackney 2026 (approved), Westminster 2026 (Sam's draft) and Hackney 2025 (draft)."""
    return {"hackney": approved(session, make_plan(unit="GD"), people.approver, now=now, delivery=delivery,
                                rules=rules),
            "westminster": make_plan(unit="CW", owner=people.second_officer, complete=False),
            "old": make_plan(unit="GD", year=2025, complete=False, title="Hackney plan 2025")}


def listed(html: str, plans: dict[str, CommPlan]) -> set[str]:
    return {name for name, plan in plans.items() if f'href="/plans/{plan.id}"' in html}


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"hackney", "westminster", "old"}),
    ("year=2025", {"old"}),
    ("status=approved", {"hackney"}),
    ("status=draft&year=2026", {"westminster"}),
    ("mine=y", {"hackney", "old"}),
    ("unit={CW}", {"westminster"}),
])
def test_the_list_filters_by_year_unit_status_and_owner(login: Login, people: People, reference: Reference,
                                                       three_plans: dict[str, CommPlan], query: str,
                                                       expected: set[str]) -> None:
    html = login(people.officer).get(f"/plans/?{query.format(CW=reference.units['CW'].id)}").text
    assert listed(html, three_plans) == expected
    assert f"{len(expected)} plan{'s' if len(expected) != 1 else ''}</caption>" in html


@pytest.mark.parametrize("query", ["year=abc", "year=1066", "unit=-1", "unit=abc", "status=bogus",
                                   "page=abc", "page=-3", "unit="])
def test_odd_list_filters_show_every_plan(login: Login, people: People, three_plans: dict[str, CommPlan],
                                          query: str) -> None:
    response = login(people.viewer).get(f"/plans/?{query}")
    assert response.status_code == 200
    assert listed(response.text, three_plans) == {"hackney", "westminster", "old"}


def test_a_nul_character_in_a_filter_is_named_not_stored(login: Login, people: People) -> None:
    response = login(people.viewer).get("/plans/?mine=maybe&unit=%00")
    assert response.status_code == 422 and "Remove the NUL character" in response.text


def test_the_list_offers_writing_only_to_writers(login: Login, people: People) -> None:
    assert "Start a blank plan" in login(people.officer).get("/plans/").text
    html = login(people.viewer).get("/plans/").text
    assert "Start a blank plan" not in html and "Draft a plan from a risk profile" not in html
    assert "Integrated plan for 2026–27" in html


# --- A new plan --------------------------------------------------------------------------------

def new_plan_form(reference: Reference, owner: User, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {"unit_id": str(reference.units["GD"].id), "year": "2026",
                            "title": "Hackney violence plan 2026–27", "owner_id": str(owner.id),
                            "review_date": ["30", "9", "2026"]}
    return form | changes


def test_the_new_plan_form_is_filled_in_for_this_year(login: Login, people: People,
                                                      reference: Reference) -> None:
    html = login(people.officer).get(f"/plans/new?unit={reference.units['GD'].id}").text
    assert 'name="year" type="text" value="2026"' in html
    assert f'<option value="{people.officer.id}" selected>' in html
    assert f'<option value="{reference.units["GD"].id}" selected>' in html


def test_an_officer_creates_a_plan(session: Session, login: Login, people: People,
                                   reference: Reference) -> None:
    client = login(people.officer)
    response = client.post("/plans/new", data=new_plan_form(reference, people.second_officer))
    assert response.status_code == 302
    plan = fresh_plan(plan_id_from(response.headers["Location"]))
    assert (plan.unit.code, plan.year, plan.status, plan.owner_id) == ("GD", 2026, PlanStatus.DRAFT,
                                                                       people.second_officer.id)
    assert plan.title == "Hackney violence plan 2026–27" and f"{plan.review_date}" == "2026-09-30"
    page = client.get(response.headers["Location"]).text
    assert "Plan created as a draft" in page
    assert "Write the objectives section" in text_of(page)


BAD_NEW_PLAN: list[tuple[str, dict[str, Any], str, str]] = [
    ("blank title", {"title": "   "}, "title", "Enter a title for the plan"),
    ("title too long", {"title": "x" * 201}, "title", "The title must be 200 characters or fewer"),
    ("unknown unit", {"unit_id": "999999"}, "unit_id", "Select the business unit"),
    ("unit that is not a number", {"unit_id": "abc"}, "unit_id", "Select the business unit"),
    ("no unit", {"unit_id": ""}, "unit_id", "Select the business unit"),
    ("year too early", {"year": "1999"}, "year", "Enter the financial year it starts, from 2000 to 2100"),
    ("year too late", {"year": "2101"}, "year", "Enter the financial year it starts, from 2000 to 2100"),
    ("year in words", {"year": "twenty"}, "year", "Enter the year as a whole number, like 2026"),
    ("no year", {"year": ""}, "year", "Enter the financial year it starts, from 2000 to 2100"),
    ("unit and year taken", {"unit_id": "{CW}"}, "year",
     "Westminster borough command already has a plan for 2026–27"),
    ("unknown owner", {"owner_id": "999999"}, "owner_id", "Select the plan's owner"),
    ("impossible review date", {"review_date": ["31", "2", "2027"]}, "review_date",
     "Review date must be a real date, like 27 3 2026"),
]


@pytest.mark.parametrize(("changes", "field", "message"), [case[1:] for case in BAD_NEW_PLAN],
                         ids=[case[0] for case in BAD_NEW_PLAN])
def test_the_new_plan_form_shows_field_errors_and_saves_nothing(
        login: Login, people: People, reference: Reference, make_plan: PlanMaker, changes: dict[str, Any],
        field: str, message: str) -> None:
    make_plan(unit="CW", complete=False)
    client = login(people.officer)
    before = written()
    cw = str(reference.units["CW"].id)
    changes = {k: v.replace("{CW}", cw) if isinstance(v, str) else v for k, v in changes.items()}
    data = new_plan_form(reference, people.officer, **changes)
    response = client.post("/plans/new", data=data)
    assert response.status_code == 200
    assert page_title(response.text).startswith("Error: New communication plan")
    assert message in field_error(response.text, field)
    assert written() == before


# --- One plan: the buttons in each state -------------------------------------------------------

def buttons(html: str) -> set[str]:
    names = ("Submit for approval", "Approve version", "Send back for changes", "Start delivery",
             "Revise the plan", "Close the plan", "Change the plan's details", "Write or change the sections",
             "Add an activity", "Add a milestone", "Add an objective")
    return {name for name in names if name in html}


def test_a_draft_lists_what_blocks_submission(login: Login, people: People, make_plan: PlanMaker) -> None:
    plan = make_plan(complete=False)
    html = login(people.officer).get(f"/plans/{plan.id}").text
    problems = text_of(html.split('id="submission-problems"')[1].split("</div>")[0])
    for expected in ("Write the objectives section", "Write the scoring section",
                     "Add at least one SMART objective", "Add the evaluation metrics, from inputs to impact",
                     "Add at least one activity or milestone"):
        assert expected in problems
    assert "Submit for approval" not in buttons(html)
    assert {"Write or change the sections", "Add an objective", "Add an activity"} <= buttons(html)


def test_a_complete_draft_offers_submission(login: Login, people: People, make_plan: PlanMaker) -> None:
    plan = make_plan()
    html = login(people.officer).get(f"/plans/{plan.id}").text
    assert 'id="submission-problems"' not in html
    assert "Submit for approval" in buttons(html)


def test_the_owner_who_approves_sees_no_approve_button_and_is_refused(
        session: Session, now: datetime, login: Login, people: People, make_plan: PlanMaker,
        delivery: DeliverySettings) -> None:
    plan = submitted(session, make_plan(owner=people.officer_approver), people.officer_approver, now,
                     delivery)
    client = login(people.officer_approver)
    html = client.get(f"/plans/{plan.id}").text
    assert buttons(html) & {"Approve version", "Send back for changes", "Submit for approval"} == set()
    assert f'action="/plans/{plan.id}/approve"' not in html
    assert "you own, submitted or last changed it, so another approver must decide on it" in html
    before = written()
    for action in ("approve", "return"):
        response = client.post(f"/plans/{plan.id}/{action}", data={"number": "1", "comment": "Fine"})
        assert response.status_code == 403, action
    assert written() == before
    assert fresh_plan(plan.id).status is PlanStatus.SUBMITTED


def test_a_submitter_who_does_not_own_the_plan_may_not_approve_it_either(
        session: Session, now: datetime, login: Login, people: People, make_plan: PlanMaker,
        delivery: DeliverySettings) -> None:
    plan = submitted(session, make_plan(), people.officer_approver, now, delivery)
    response = login(people.officer_approver).post(f"/plans/{plan.id}/approve", data={"number": "1"})
    assert response.status_code == 403
    assert fresh_plan(plan.id).status is PlanStatus.SUBMITTED


def test_another_approver_approves(session: Session, now: datetime, login: Login, people: People,
                                   make_plan: PlanMaker, delivery: DeliverySettings) -> None:
    plan = submitted(session, make_plan(owner=people.officer_approver), people.officer_approver, now,
                     delivery)
    client = login(people.approver)
    html = client.get(f"/plans/{plan.id}").text
    assert {"Approve version", "Send back for changes"} <= buttons(html)
    assert "Approve version 1" in html
    response = client.post(f"/plans/{plan.id}/approve", data={"number": "1", "comment": "Good plan"})
    assert response.status_code == 302
    done = fresh_plan(plan.id)
    assert (done.status, done.approved_number, done.approved_by_id) == (PlanStatus.APPROVED, 1,
                                                                        people.approver.id)
    page = client.get(f"/plans/{plan.id}").text
    assert "Version 1 approved" in page
    assert "approved by Helen Approver" in text_of(page)


def test_once_one_approver_decides_the_request_leaves_the_other_approvers_home_page(
        session: Session, now: datetime, login: Login, people: People, make_plan: PlanMaker,
        delivery: DeliverySettings) -> None:
    plan = submitted(session, make_plan(), people.officer, now, delivery)
    expand_due(session, now=now, worker="test", settings=delivery)
    request = f"Approve plan: {plan.title}"
    assert request in login(people.officer_approver).get("/").text
    assert request not in login(people.officer).get("/").text  # the owner is never asked
    client = login(people.approver)
    assert request in client.get("/").text

    assert client.post(f"/plans/{plan.id}/approve", data={"number": "1"}).status_code == 302

    other = login(people.officer_approver)
    home = other.get("/").text
    assert request not in home and "Nothing is waiting for your approval." in home
    assert "Dealt with: approved by Helen Approver at " in other.get("/inbox?show=all").text


def test_a_stale_version_number_is_refused_with_a_message(session: Session, now: datetime, login: Login,
                                                          people: People, make_plan: PlanMaker,
                                                          delivery: DeliverySettings) -> None:
    plan = submitted(session, make_plan(), people.officer, now, delivery)
    response = login(people.approver).post(f"/plans/{plan.id}/approve", data={"number": "7"},
                                           follow_redirects=True)
    assert "Version 1 is the one waiting; review that version" in response.text
    assert fresh_plan(plan.id).status is PlanStatus.SUBMITTED


@pytest.mark.parametrize(("state", "expected"), [
    ("approved", {"Start delivery", "Revise the plan", "Close the plan", "Change the plan's details",
                  "Add an activity", "Add a milestone"}),
    ("active", {"Revise the plan", "Close the plan", "Change the plan's details", "Add an activity",
                "Add a milestone"}),
    ("closed", set()),
])
def test_later_states_offer_their_buttons(session: Session, now: datetime, login: Login, people: People,
                                          make_plan: PlanMaker, delivery: DeliverySettings, rules: PlanRules,
                                          state: str, expected: set[str]) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    if state in ("active", "closed"):
        workflow.start_delivery(session, plan, actor=people.officer, now=now)
    if state == "closed":
        workflow.close_plan(session, plan, actor=people.officer, now=now, delivery=delivery, rules=rules)
    html = login(people.officer).get(f"/plans/{plan.id}").text
    assert buttons(html) == expected
    assert "Add an objective" not in html  # the document changes only in draft


# --- The workflow through its buttons ----------------------------------------------------------

def test_submitting_an_incomplete_draft_says_why_and_changes_nothing(login: Login, people: People,
                                                                     make_plan: PlanMaker) -> None:
    plan = make_plan(complete=False)
    client = login(people.officer)
    before = written()
    response = client.post(f"/plans/{plan.id}/submit", follow_redirects=True)
    assert "Write the strategy section" in response.text
    assert "Add at least one SMART objective" in response.text
    assert written() == before
    assert fresh_plan(plan.id).status is PlanStatus.DRAFT


def test_the_owner_submits_and_the_version_is_kept(login: Login, people: People,
                                                   make_plan: PlanMaker) -> None:
    plan = make_plan()
    client = login(people.officer)
    response = client.post(f"/plans/{plan.id}/submit", follow_redirects=True)
    assert "Sent for approval: approvers have been told" in response.text
    assert fresh_plan(plan.id).status is PlanStatus.SUBMITTED
    assert "Version 1</a>: submitted 20 Nov 2026, 10:00 by Tom Officer; waiting for approval" in response.text
    version = client.get(f"/plans/{plan.id}/versions/1")
    assert version.status_code == 200
    assert "Cut personal robbery of young people" in version.text
    assert "Safer routes home assemblies" in version.text
    assert client.get(f"/plans/{plan.id}/versions/9").status_code == 404


def test_sending_back_needs_a_comment(session: Session, now: datetime, login: Login, people: People,
                                      make_plan: PlanMaker, delivery: DeliverySettings) -> None:
    plan = submitted(session, make_plan(), people.officer, now, delivery)
    client = login(people.approver)
    blank = client.post(f"/plans/{plan.id}/return", data={"number": "1", "comment": "  "},
                        follow_redirects=True)
    assert "Say what needs to change" in blank.text
    assert fresh_plan(plan.id).status is PlanStatus.SUBMITTED

    response = client.post(f"/plans/{plan.id}/return",
                           data={"number": "1", "comment": "Name the <b>schools</b>"}, follow_redirects=True)
    assert "Sent back to the owner with your comment" in response.text
    back = fresh_plan(plan.id)
    assert (back.status, back.version_number) == (PlanStatus.DRAFT, 2)
    assert "sent back for changes by Helen Approver" in response.text
    assert "Name the &lt;b&gt;schools&lt;/b&gt;" in response.text
    [version] = service.versions(session, back)
    assert (version.number, version.outcome) == (1, VersionOutcome.RETURNED)


def test_deliver_revise_and_close_through_the_buttons(session: Session, now: datetime, login: Login,
                                                      people: People, make_plan: PlanMaker,
                                                      delivery: DeliverySettings, rules: PlanRules) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    client = login(people.officer)
    assert "Delivery started" in client.post(f"/plans/{plan.id}/activate", follow_redirects=True).text
    assert fresh_plan(plan.id).status is PlanStatus.ACTIVE
    again = client.post(f"/plans/{plan.id}/activate", follow_redirects=True)
    assert "Only an approved plan can start delivery" in again.text

    revised = client.post(f"/plans/{plan.id}/revise", follow_redirects=True)
    assert "The plan is a draft again" in revised.text and "(revising version 1)" in revised.text
    assert (fresh_plan(plan.id).status, fresh_plan(plan.id).version_number) == (PlanStatus.DRAFT, 2)
    refused = client.post(f"/plans/{plan.id}/close", follow_redirects=True)
    assert "Only an approved or active plan can be closed" in refused.text

    plan = fresh_plan(plan.id)
    submitted(session, plan, people.officer, now, delivery)
    session.commit()
    sign_in(client, people.approver)
    client.post(f"/plans/{plan.id}/approve", data={"number": "2"})
    closed = client.post(f"/plans/{plan.id}/close", follow_redirects=True)
    assert "Plan closed: its reminders have stopped" in closed.text
    assert fresh_plan(plan.id).status is PlanStatus.CLOSED


# --- Sections and details ----------------------------------------------------------------------

def test_sections_are_written_in_draft(login: Login, people: People, make_plan: PlanMaker) -> None:
    plan = make_plan(complete=False)
    client = login(people.officer)
    form = {"objectives": "Cut robbery", "audience_insight": "Pupils", "strategy": "Patrols",
            "implementation": "Assemblies", "scoring": "Quarterly"}
    response = client.post(f"/plans/{plan.id}/sections", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("#sections")
    saved = fresh_plan(plan.id)
    assert (saved.objectives, saved.scoring) == ("Cut robbery", "Quarterly")
    too_long = client.post(f"/plans/{plan.id}/sections", data=form | {"strategy": "x" * 20_001})
    assert page_title(too_long.text).startswith("Error: OASIS sections")
    assert "Strategy must be 20,000 characters or fewer" in too_long.text
    assert fresh_plan(plan.id).strategy == "Patrols"


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_sections_are_refused_once_the_plan_is_not_a_draft(session: Session, now: datetime, login: Login,
                                                           people: People, make_plan: PlanMaker,
                                                           delivery: DeliverySettings, rules: PlanRules,
                                                           state: str) -> None:
    plan = submitted(session, make_plan(), people.officer, now, delivery)
    if state == "approved":
        workflow.approve_plan(session, plan, number=1, actor=people.approver, now=now, delivery=delivery,
                              rules=rules)
    client = login(people.officer)
    before = written()
    for response in (client.get(f"/plans/{plan.id}/sections"),
                     client.post(f"/plans/{plan.id}/sections", data={"objectives": "Changed"})):
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/plans/{plan.id}")
    assert written() == before
    assert fresh_plan(plan.id).objectives.startswith("Cut personal robbery")
    page = client.get(f"/plans/{plan.id}").text
    assert "Take the plan back to draft before changing its sections" in page
    assert "Write or change the sections" not in page


def test_details_cannot_move_an_approved_plan_to_another_unit(
        session: Session, now: datetime, login: Login, people: People, reference: Reference,
        make_plan: PlanMaker, delivery: DeliverySettings, rules: PlanRules) -> None:
    plan = approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)
    client = login(people.officer)
    moved = new_plan_form(reference, people.officer, unit_id=str(reference.units["CW"].id))
    response = client.post(f"/plans/{plan.id}/details", data=moved)
    assert response.status_code == 200
    assert "Only a draft plan can move to another business unit or year" in response.text
    assert fresh_plan(plan.id).unit.code == "GD"
    renamed = client.post(f"/plans/{plan.id}/details", data=new_plan_form(reference, people.officer,
                                                                           title="Hackney: safer streets"))
    assert renamed.status_code == 302
    assert fresh_plan(plan.id).title == "Hackney: safer streets"


# --- Viewers, strangers and odd addresses ------------------------------------------------------

READ_PAGES = ["/plans/", "/plans/{id}", "/plans/{id}/versions/1", "/plans/{id}/calendar",
              "/plans/{id}/timeline", "/plans/{id}/print", "/plans/{id}/plan.md",
              "/plans/{id}/activities.csv",
              "/plans/integrated", "/plans/integrated/calendar", "/plans/integrated/print",
              "/plans/integrated/plan.md", "/plans/integrated/activities.csv", "/plans/feeds"]
WRITES = [("get", "/plans/new"), ("post", "/plans/new"), ("get", "/plans/{id}/details"),
          ("post", "/plans/{id}/details"), ("get", "/plans/{id}/sections"), ("post", "/plans/{id}/sections"),
          ("post", "/plans/{id}/submit"), ("post", "/plans/{id}/approve"), ("post", "/plans/{id}/return"),
          ("post", "/plans/{id}/activate"), ("post", "/plans/{id}/close"), ("post", "/plans/{id}/revise"),
          ("get", "/plans/{id}/objectives/new"), ("post", "/plans/{id}/objectives/new"),
          ("get", "/plans/{id}/activities/{activity}"), ("post", "/plans/{id}/activities/{activity}"),
          ("post", "/plans/{id}/activities/{activity}/remove"), ("get", "/plans/{id}/milestones/new"),
          ("post", "/plans/{id}/metrics/new"), ("get", "/plans/draft"), ("get", "/plans/draft/1"),
          ("post", "/plans/draft/1")]


@pytest.fixture
def plan_with_version(session: Session, now: datetime, people: People, make_plan: PlanMaker,
                      delivery: DeliverySettings, rules: PlanRules) -> CommPlan:
    return approved(session, make_plan(), people.approver, now=now, delivery=delivery, rules=rules)


def test_viewers_read_every_plan_page(login: Login, people: People, plan_with_version: CommPlan) -> None:
    client = login(people.viewer)
    for url in READ_PAGES:
        assert client.get(url.format(id=plan_with_version.id)).status_code == 200, url


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_viewers_are_refused_every_write(session: Session, login: Login, people: People,
                                         plan_with_version: CommPlan, method: str, url: str) -> None:
    [activity] = service.activities(session, plan_with_version)
    client = login(people.viewer)
    before = written()
    target = url.format(id=plan_with_version.id, activity=activity.id)
    data = {"title": "Changed", "objectives": "Changed", "number": "1", "comment": "Hello"}
    response = client.get(target) if method == "get" else client.post(target, data=data)
    assert response.status_code == 403, target
    assert written() == before


def test_viewers_see_no_buttons(login: Login, people: People, plan_with_version: CommPlan) -> None:
    html = login(people.viewer).get(f"/plans/{plan_with_version.id}").text
    assert buttons(html) == set()
    assert "/activities/" not in html.split('id="activities"')[1].split('id="milestones"')[0]


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, plan_with_version: CommPlan,
                                                 session: Session) -> None:
    session.commit()
    for url in ("/plans/", f"/plans/{plan_with_version.id}", "/plans/integrated", "/plans/feeds"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/plans/999999"), ("get", "/plans/999999/details"), ("get", "/plans/999999/calendar"),
    ("get", "/plans/999999/plan.md"), ("post", "/plans/999999/submit"), ("post", "/plans/999999/revise"),
    ("get", "/plans/{id}/widgets/new"), ("get", "/plans/{id}/activities/999999"),
    ("get", "/plans/999999/objectives/new"), ("get", "/plans/draft/999999"),
])
def test_unknown_plans_and_parts_are_404(signed_in: Callable[..., User], client: FlaskClient,
                                         plan_with_version: CommPlan, method: str, url: str) -> None:
    signed_in(Role.COMMS_OFFICER)
    target = url.format(id=plan_with_version.id)
    response = client.get(target) if method == "get" else client.post(target)
    assert response.status_code == 404, target


def test_deciding_on_an_unknown_plan_is_404(signed_in: Callable[..., User], client: FlaskClient) -> None:
    signed_in(Role.APPROVER)
    assert client.post("/plans/999999/approve", data={"number": "1"}).status_code == 404
