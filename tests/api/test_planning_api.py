"""The planning API: plans, their objectives, metrics, milestones and activities, the review workflow and
the integrated plan, with the web's roles, field errors that write nothing, paging and audit entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.api import integrated as integrated_api
from commsplan.api import plan_items, plans, risk_profiles
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import User
from commsplan.auth.service import create_api_token
from commsplan.extensions import db
from commsplan.plans.models import Activity, CommPlan, PlanStatus
from tests.conftest import Headers, assert_problem, count_queries
from tests.plans.conftest import (
    Catalogue,
    People,
    PlanMaker,
    Reference,
    catalogue,
    delivery,
    make_plan,
    make_profile,
    people,
    reference,
    rules,
)
from tests.plans.pages import fresh_plan, written

SHARED_FIXTURES = (catalogue, delivery, make_plan, people, reference, rules)
BASE = "/api/v1/plans"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """The API reads the clock through utcnow(), which decides the financial year: pin it to 20 Nov 2026."""
    for module in (plans, plan_items, integrated_api, risk_profiles):
        monkeypatch.setattr(module, "utcnow", lambda: now)


@pytest.fixture
def tokens(session: Session, now: datetime, people: People) -> dict[str, Headers]:
    """A token for each of the plan tests' people, by the People field's name."""
    made = {}
    for name in ("officer", "second_officer", "approver", "officer_approver", "viewer"):
        user: User = getattr(people, name)
        _, secret = create_api_token(session, user=user, name="Tests", actor=user, now=now)
        made[name] = {"Authorization": f"Bearer {secret}"}
    db.session.commit()
    return made


@pytest.fixture
def plan(session: Session, make_plan: PlanMaker) -> CommPlan:
    """Hackney's complete draft plan for 2026, owned by the officer."""
    made = make_plan()
    session.commit()
    return made


def latest_audit(object_type: str = "comm_plan") -> AuditEntry:
    """The newest audit entry about that type of object (a change may also audit its reminders)."""
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == object_type)
                               .order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    return entry


def fields_of(response: Any) -> dict[str, list[str]]:
    return dict(assert_problem(response, 422)["fields"])


def activity_body(catalogue: Catalogue, reference: Reference, **changes: Any) -> dict[str, Any]:
    return {"title": "Bus stop posters", "element_id": reference.elements["ROB"].id,
            "audience_ids": [catalogue.parents.id], "channel_id": catalogue.posters.id,
            "starts_at": "2027-02-01 09:00", "ends_at": "2027-02-28T17:00:00+00:00",
            "ripe_strand": "prevention", **changes}


# --- Plans: reading ----------------------------------------------------------------------------

def test_list_filters_by_unit_year_status_and_mine(client: FlaskClient, session: Session,
                                                   make_plan: PlanMaker, people: People, reference: Reference,
                                                   tokens: dict[str, Headers]) -> None:
    make_plan(unit="GD")
    make_plan(unit="LX", year=2025, complete=False)
    make_plan(unit="PL", owner=people.second_officer, complete=False)
    session.commit()
    viewer = tokens["viewer"]
    listed = client.get(BASE, headers=viewer).json
    assert [(p["unit_id"], p["year"]) for p in listed["items"]] == [
        (reference.units["GD"].id, 2026), (reference.units["PL"].id, 2026), (reference.units["LX"].id, 2025)]
    assert [p["unit"] for p in client.get(BASE, query_string={"year": 2025}, headers=viewer).json["items"]] \
        == [reference.units["LX"].name]
    assert client.get(BASE, query_string={"unit_id": reference.units["PL"].id}, headers=viewer
                      ).json["items"][0]["owner"] == people.second_officer.name
    assert client.get(BASE, query_string={"status": "submitted"}, headers=viewer).json["total"] == 0
    mine = client.get(BASE, query_string={"mine": "true"}, headers=tokens["second_officer"]).json
    assert [p["unit_id"] for p in mine["items"]] == [reference.units["PL"].id]
    paged = client.get(BASE, query_string={"per_page": 2, "page": 2}, headers=viewer).json
    assert (paged["total"], paged["pages"], [p["year"] for p in paged["items"]]) == (3, 2, [2025])


@pytest.mark.parametrize(("name", "value"), [("year", "1999"), ("unit_id", "-1"), ("status", "lost"),
                                             ("mine", "yes"), ("page", "0")])
def test_a_bad_plan_filter_is_a_field_error(client: FlaskClient, tokens: dict[str, Headers], name: str,
                                            value: str) -> None:
    assert name in fields_of(client.get(BASE, query_string={name: value}, headers=tokens["viewer"]))


def test_get_gives_the_plan_with_what_it_holds(client: FlaskClient, session: Session, now: datetime,
                                               plan: CommPlan, people: People, reference: Reference,
                                               tokens: dict[str, Headers]) -> None:
    profile = make_profile(session, unit=reference.units["GD"], year=2026, actor=people.officer, now=now,
                           harms={reference.elements["ROB"]: 90.0})
    session.commit()
    body = client.get(f"{BASE}/{plan.id}", headers=tokens["viewer"]).json
    assert (body["unit"], body["year_label"], body["status"], body["level"]) == (
        reference.units["GD"].name, "2026–27", "draft", "Business-unit plan")
    assert body["sections"]["strategy"].startswith("Reassure") and body["risk_profile_id"] == profile.id
    assert body["objectives"]["total"] == 1 and body["objectives"]["items"][0]["baseline"] == 620
    assert body["metrics"]["items"][0]["is_confidence"] is True
    assert body["activities"]["items"][0]["starts_at"] == "2027-01-11T10:00:00+00:00"
    assert body["milestones"] == {"items": [], "total": 0}
    assert body["submission_problems"] == {} and body["versions"] == [] and body["you_may_approve"] is False
    assert_problem(client.get(f"{BASE}/{plan.id + 1}", headers=tokens["viewer"]), 404)


def test_a_plan_answers_its_first_items_and_pages_the_rest(client: FlaskClient, session: Session,
                                                           monkeypatch: pytest.MonkeyPatch, plan: CommPlan,
                                                           catalogue: Catalogue, reference: Reference,
                                                           tokens: dict[str, Headers]) -> None:
    monkeypatch.setattr(plan_items, "EMBEDDED", 2)
    for day in (2, 3):
        response = client.post(f"{BASE}/{plan.id}/activities", headers=tokens["officer"], json=activity_body(
            catalogue, reference, starts_at=f"2026-12-0{day} 10:00", ends_at=f"2026-12-0{day} 12:00"))
        assert response.status_code == 201, response.text
    activities = client.get(f"{BASE}/{plan.id}", headers=tokens["viewer"]).json["activities"]
    assert activities["total"] == 3 and len(activities["items"]) == 2
    assert [a["starts_at"][:10] for a in activities["items"]] == ["2026-12-02", "2026-12-03"]
    second = client.get(f"{BASE}/{plan.id}/activities", query_string={"per_page": 2, "page": 2},
                        headers=tokens["viewer"]).json
    assert (second["total"], [a["starts_at"][:10] for a in second["items"]]) == (3, ["2027-01-11"])


def test_a_plan_costs_the_same_queries_whatever_it_holds(client: FlaskClient, session: Session,
                                                         plan: CommPlan, catalogue: Catalogue,
                                                         reference: Reference, tokens: dict[str, Headers]
                                                         ) -> None:
    path = f"{BASE}/{plan.id}"

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(path, headers=tokens["viewer"]).status_code == 200
        return counter.count

    queries()  # the token's first use is recorded once
    one = queries()
    for day in range(1, 8):
        client.post(f"{BASE}/{plan.id}/activities", headers=tokens["officer"],
                    json=activity_body(catalogue, reference, starts_at=f"2026-12-0{day} 10:00",
                                       ends_at=f"2026-12-0{day} 12:00"))
    assert queries() == one


# --- Plans: writing ----------------------------------------------------------------------------

def test_an_officer_creates_a_plan_with_an_audit_entry(client: FlaskClient, people: People,
                                                       reference: Reference,
                                                       tokens: dict[str, Headers]) -> None:
    response = client.post(BASE, headers=tokens["officer"], json={
        "unit_id": reference.units["LX"].id, "year": 2026, "title": " Lambeth plan ",
        "review_date": "2026-09-30", "sections": {"strategy": "Reassure, then prevent"}})
    assert response.status_code == 201, response.text
    body = response.json
    assert (body["title"], body["owner_id"], body["review_date"], body["sections"]["strategy"]) == (
        "Lambeth plan", people.officer.id, "2026-09-30", "Reassure, then prevent")
    assert set(body["submission_problems"]) >= {"objectives", "objective_list", "activity_list"}
    entry = latest_audit()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_id) == (
        "create", "comm_plan", str(body["id"]), people.officer.id)


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"unit_id", "year", "title"}),
    ({"unit_id": 0, "year": 1999, "title": "x" * 201, "owner_id": 2**31}, {"unit_id", "year", "title",
                                                                          "owner_id"}),
    ({"year": "2026", "title": 7, "review_date": "30/09/2026", "colour": "red"},
     {"unit_id", "year", "title", "review_date", "colour"}),
    ({"title": "Plan", "review_date": "1899-12-31", "sections": {"strategy": 5, "tactics": ""}},
     {"unit_id", "year", "review_date", "sections.strategy", "sections.tactics"}),
    ({"title": "Plan", "sections": "all of them"}, {"unit_id", "year", "sections"}),
])
def test_a_bad_plan_is_refused_by_field_and_writes_nothing(client: FlaskClient, tokens: dict[str, Headers],
                                                           body: dict[str, Any], fields: set[str]) -> None:
    before = written()
    response = client.post(BASE, headers=tokens["officer"], json=body)
    assert set(fields_of(response)) == fields
    assert written() == before


def test_a_second_plan_for_a_unit_and_year_is_a_year_error(client: FlaskClient, plan: CommPlan,
                                                           reference: Reference,
                                                           tokens: dict[str, Headers]) -> None:
    response = client.post(BASE, headers=tokens["officer"], json={
        "unit_id": reference.units["GD"].id, "year": 2026, "title": "Another"})
    assert "already has a plan" in fields_of(response)["year"][0]


def test_details_and_sections_change_with_audit_entries(client: FlaskClient, plan: CommPlan,
                                                        people: People, tokens: dict[str, Headers]) -> None:
    response = client.patch(f"{BASE}/{plan.id}", headers=tokens["second_officer"], json={
        "title": "Hackney robbery plan", "owner_id": people.second_officer.id,
        "sections": {"scoring": "Quarterly"}})
    assert response.status_code == 200, response.text
    body = response.json
    assert (body["title"], body["owner"], body["sections"]["scoring"]) == (
        "Hackney robbery plan", people.second_officer.name, "Quarterly")
    assert body["sections"]["strategy"].startswith("Reassure"), "sections not sent are kept"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "comm_plan",
                                                          AuditEntry.action == "update")).all()
    assert {name for entry in entries for name in entry.changes} >= {"title", "owner_name", "scoring"}


def test_a_viewer_reads_plans_but_changes_nothing(client: FlaskClient, plan: CommPlan, reference: Reference,
                                                  catalogue: Catalogue, tokens: dict[str, Headers]) -> None:
    viewer = tokens["viewer"]
    assert client.get(f"{BASE}/{plan.id}/objectives", headers=viewer).status_code == 200
    activity_id = client.get(f"{BASE}/{plan.id}", headers=viewer).json["activities"]["items"][0]["id"]
    before = written()
    for method, path, body in (
            ("post", BASE, {"unit_id": reference.units["LX"].id, "year": 2026, "title": "Mine"}),
            ("patch", f"{BASE}/{plan.id}", {"title": "Mine"}),
            *(("post", f"{BASE}/{plan.id}/{step}", None)
              for step in ("submit", "approve", "return", "activate", "close", "revise")),
            ("post", f"{BASE}/{plan.id}/activities", activity_body(catalogue, reference)),
            ("patch", f"{BASE}/{plan.id}/activities/{activity_id}", {"title": "Mine"}),
            ("delete", f"{BASE}/{plan.id}/activities/{activity_id}", None)):
        assert_problem(getattr(client, method)(path, json=body, headers=viewer), 403)
    assert written() == before


# --- The review workflow -----------------------------------------------------------------------

def test_submit_then_an_approver_approves(client: FlaskClient, plan: CommPlan, people: People,
                                          tokens: dict[str, Headers]) -> None:
    submitted = client.post(f"{BASE}/{plan.id}/submit", headers=tokens["officer"])
    assert submitted.status_code == 200, submitted.text
    assert submitted.json["status"] == "submitted" and submitted.json["versions"][0]["outcome"] == "waiting"
    assert latest_audit().action == "submit"
    assert_problem(client.post(f"{BASE}/{plan.id}/approve", headers=tokens["officer"]), 403)
    assert client.get(f"{BASE}/{plan.id}", headers=tokens["approver"]).json["you_may_approve"] is True
    assert_problem(client.post(f"{BASE}/{plan.id}/approve", headers=tokens["approver"],
                               json={"version": 2}), 409)
    approved = client.post(f"{BASE}/{plan.id}/approve", headers=tokens["approver"],
                           json={"comment": "Good plan"})
    assert approved.status_code == 200, approved.text
    body = approved.json
    assert (body["status"], body["approved_number"], body["versions"][0]["comment"],
            body["versions"][0]["decided_by"]) == ("approved", 1, "Good plan", people.approver.name)
    entry = latest_audit()
    assert (entry.action, entry.actor_id, entry.changes["status"]) == ("approve", people.approver.id,
                                                                     ["submitted", "approved"])
    for step, status in (("activate", "active"), ("revise", "draft")):
        response = client.post(f"{BASE}/{plan.id}/{step}", headers=tokens["officer"])
        assert response.status_code == 200 and response.json["status"] == status, response.text


def test_an_approver_returns_a_plan_with_a_comment(client: FlaskClient, plan: CommPlan,
                                                   tokens: dict[str, Headers]) -> None:
    client.post(f"{BASE}/{plan.id}/submit", headers=tokens["officer"])
    assert set(fields_of(client.post(f"{BASE}/{plan.id}/return", headers=tokens["approver"], json={}))) == \
        {"comment"}
    assert set(fields_of(client.post(f"{BASE}/{plan.id}/return", headers=tokens["approver"],
                                     json={"version": "1", "why": "x"}))) == {"version", "why"}
    returned = client.post(f"{BASE}/{plan.id}/return", headers=tokens["approver"],
                           json={"comment": "Add the parents' evening"})
    assert returned.status_code == 200, returned.text
    assert (returned.json["status"], returned.json["version_number"]) == ("draft", 2)
    assert returned.json["versions"][0]["outcome"] == "returned"
    assert latest_audit().action == "return"


def test_the_plans_own_people_may_not_approve_it(client: FlaskClient, plan: CommPlan,
                                                 tokens: dict[str, Headers]) -> None:
    both = tokens["officer_approver"]
    changed = client.patch(f"{BASE}/{plan.id}", headers=both, json={"review_date": "2027-01-31"})
    assert changed.status_code == 200, changed.text
    client.post(f"{BASE}/{plan.id}/submit", headers=tokens["officer"])
    assert_problem(client.post(f"{BASE}/{plan.id}/approve", headers=both), 403)


def test_an_incomplete_plan_is_not_submitted(client: FlaskClient, make_plan: PlanMaker, session: Session,
                                             tokens: dict[str, Headers]) -> None:
    draft = make_plan(complete=False)
    session.commit()
    before = written()
    fields = fields_of(client.post(f"{BASE}/{draft.id}/submit", headers=tokens["officer"]))
    assert {"strategy", "objective_list", "metric_list", "activity_list"} <= set(fields)
    assert written() == before


def test_a_submitted_plan_keeps_its_document(client: FlaskClient, plan: CommPlan, tokens: dict[str, Headers]
                                             ) -> None:
    client.post(f"{BASE}/{plan.id}/submit", headers=tokens["officer"])
    before = written()
    assert_problem(client.patch(f"{BASE}/{plan.id}", headers=tokens["officer"],
                                json={"sections": {"strategy": "New"}}), 409)
    assert_problem(client.post(f"{BASE}/{plan.id}/objectives", headers=tokens["officer"], json={
        "statement": "More", "metric": "M", "baseline": 1, "target": 2, "deadline": "2027-03-31"}), 409)
    assert_problem(client.post(f"{BASE}/{plan.id}/submit", headers=tokens["officer"]), 409)
    assert written() == before


# --- Plan items --------------------------------------------------------------------------------

ITEMS = {
    "objectives": ({"statement": "Fewer knife crimes", "metric": "Knife crime", "baseline": 300,
                    "target": 250, "deadline": "2027-03-31"}, {"target": 240}, "plan_objective"),
    "metrics": ({"level": "outputs", "name": "Posters up"}, {"target": 400.5}, "plan_metric"),
    "milestones": ({"title": "Posters printed", "target_date": "2027-01-20"}, {"rag": "amber"},
                   "plan_milestone"),
}


@pytest.mark.parametrize("slug", list(ITEMS))
def test_an_item_is_added_read_changed_and_removed_with_audit_entries(
        client: FlaskClient, plan: CommPlan, tokens: dict[str, Headers], slug: str) -> None:
    body, change, audit_type = ITEMS[slug]
    headers, path = tokens["officer"], f"{BASE}/{plan.id}/{slug}"
    added = client.post(path, headers=headers, json=body)
    assert added.status_code == 201, added.text
    assert {key: added.json[key] for key in body} == body
    assert latest_audit(audit_type).action == "create"
    one = f"{path}/{added.json['id']}"
    assert client.get(one, headers=tokens["viewer"]).json == added.json
    changed = client.patch(one, headers=headers, json=change)
    assert changed.status_code == 200, changed.text
    assert changed.json == {**added.json, **change}
    entry = latest_audit(audit_type)
    assert entry.action == "update" and set(entry.changes) == set(change)
    assert client.delete(one, headers=headers).status_code == 204
    assert latest_audit(audit_type).action == "delete"
    assert_problem(client.get(one, headers=headers), 404)


def test_an_activity_is_added_changed_and_removed(client: FlaskClient, plan: CommPlan, people: People,
                                                  catalogue: Catalogue, reference: Reference,
                                                  tokens: dict[str, Headers]) -> None:
    headers = tokens["officer"]
    added = client.post(f"{BASE}/{plan.id}/activities", headers=headers,
                        json=activity_body(catalogue, reference, cost_pounds=1200))
    assert added.status_code == 201, added.text
    body = added.json
    assert (body["starts_at"], body["ends_at"], body["owner_id"], body["reminder_days"], body["status"]) == (
        "2027-02-01T09:00:00+00:00", "2027-02-28T17:00:00+00:00", people.officer.id, 21, "planned")
    assert latest_audit("plan_activity").action == "create"
    one = f"{BASE}/{plan.id}/activities/{body['id']}"
    changed = client.patch(one, headers=headers, json={
        "status": "scheduled", "audience_ids": [catalogue.parents.id, catalogue.pupils.id]})
    assert changed.status_code == 200, changed.text
    assert (changed.json["status"], changed.json["cost_pounds"], len(changed.json["audience_ids"])) == (
        "scheduled", 1200, 2)
    assert client.delete(one, headers=headers).status_code == 204
    assert latest_audit("plan_activity").action == "delete" and db.session.get(Activity, body["id"]) is None


@pytest.mark.parametrize(("slug", "body", "fields"), [
    ("objectives", {}, {"statement", "metric", "baseline", "target", "deadline"}),
    ("objectives", {"statement": "S", "metric": "M", "baseline": 5, "target": 5, "deadline": "2026-03-31"},
     {"target", "deadline"}),
    ("objectives", {"statement": "S", "metric": "M", "baseline": "5", "target": 1e13,
                    "deadline": "2026-02-30", "element_id": 0},
     {"baseline", "target", "deadline", "element_id"}),
    ("metrics", {"level": "output", "name": ""}, {"level", "name"}),
    ("metrics", {"level": "inputs", "name": "Spend", "is_confidence": True, "baseline": None, "target": "x"},
     {"level", "target"}),
    ("milestones", {"title": "T", "rag": "blue", "lead_id": 2**31 - 1}, {"target_date", "rag", "lead_id"}),
    ("milestones", {"title": "T", "target_date": "2101-01-01", "completed_on": "0001-01-01", "owner": "me"},
     {"target_date", "completed_on", "owner"}),
])
def test_a_bad_item_is_refused_by_field_and_writes_nothing(client: FlaskClient, plan: CommPlan,
                                                           tokens: dict[str, Headers], slug: str,
                                                           body: dict[str, Any], fields: set[str]) -> None:
    before = written()
    assert set(fields_of(client.post(f"{BASE}/{plan.id}/{slug}", headers=tokens["officer"], json=body))) \
        == fields
    assert written() == before


@pytest.mark.parametrize(("changes", "fields"), [
    ({"starts_at": "2026-03-01 10:00"}, {"starts_at"}),
    ({"ends_at": "2027-01-31 10:00"}, {"ends_at"}),
    ({"starts_at": "tomorrow", "ends_at": "1800-01-01T10:00:00+00:00"}, {"starts_at", "ends_at"}),
    ({"starts_at": "2027-02-01T09:00:00"}, {"starts_at"}),
    ({"audience_ids": [], "channel_id": 2**31 - 1, "owner_id": "me"}, {"audience_ids", "channel_id",
                                                                       "owner_id"}),
    ({"audience_ids": [True], "ripe_strand": "persuasion", "status": ""}, {"audience_ids", "ripe_strand",
                                                                           "status"}),
    ({"reminder_days": 3, "cost_pounds": -1}, {"reminder_days", "cost_pounds"}),
    ({"reminder_days": 2**40}, {"reminder_days"}),
])
def test_a_bad_activity_is_refused_by_field_and_writes_nothing(
        client: FlaskClient, plan: CommPlan, catalogue: Catalogue, reference: Reference,
        tokens: dict[str, Headers], changes: dict[str, Any], fields: set[str]) -> None:
    before = written()
    response = client.post(f"{BASE}/{plan.id}/activities", headers=tokens["officer"],
                           json=activity_body(catalogue, reference, **changes))
    assert set(fields_of(response)) == fields
    assert written() == before


def test_an_approved_plans_calendar_still_changes_but_not_its_document(
        client: FlaskClient, session: Session, plan: CommPlan, catalogue: Catalogue, reference: Reference,
        tokens: dict[str, Headers]) -> None:
    client.post(f"{BASE}/{plan.id}/submit", headers=tokens["officer"])
    client.post(f"{BASE}/{plan.id}/approve", headers=tokens["approver"])
    assert fresh_plan(plan.id).status is PlanStatus.APPROVED
    response = client.post(f"{BASE}/{plan.id}/activities", headers=tokens["officer"],
                           json=activity_body(catalogue, reference))
    assert response.status_code == 201, response.text
    objectives = client.get(f"{BASE}/{plan.id}/objectives", headers=tokens["officer"]).json["items"]
    removed = client.delete(f"{BASE}/{plan.id}/objectives/{objectives[0]['id']}", headers=tokens["officer"])
    assert_problem(removed, 409)


def test_an_item_of_another_plan_is_not_found(client: FlaskClient, session: Session, plan: CommPlan,
                                              make_plan: PlanMaker, tokens: dict[str, Headers]) -> None:
    other = make_plan(unit="LX")
    session.commit()
    theirs = client.get(f"{BASE}/{other.id}", headers=tokens["viewer"]).json["activities"]["items"][0]["id"]
    path = f"{BASE}/{plan.id}/activities/{theirs}"
    assert_problem(client.get(path, headers=tokens["viewer"]), 404)
    assert_problem(client.delete(path, headers=tokens["officer"]), 404)


# --- The integrated plan -----------------------------------------------------------------------

def test_the_integrated_plan_gives_coverage_and_gaps(client: FlaskClient, session: Session, now: datetime,
                                                     plan: CommPlan, people: People, reference: Reference,
                                                     catalogue: Catalogue, tokens: dict[str, Headers]
                                                     ) -> None:
    make_profile(session, unit=reference.units["GD"], year=2026, actor=people.officer, now=now,
                 harms={reference.elements["ROB"]: 90.0, reference.elements["MSV"]: 60.0})
    session.commit()
    client.post(f"{BASE}/{plan.id}/submit", headers=tokens["officer"])
    client.post(f"{BASE}/{plan.id}/approve", headers=tokens["approver"])
    body = client.get("/api/v1/integrated", headers=tokens["viewer"]).json
    assert (body["year"], body["plans"], body["approved_plans"], body["counted_activities"]) == (
        2026, 1, 1, 1)
    [cell] = [c for c in body["coverage"]["items"] if c["activities"]]
    assert (cell["element_id"], cell["audience_id"], cell["share_of_harm"]) == (
        reference.elements["ROB"].id, catalogue.pupils.id, 1.0)
    no_activity = [g for g in body["gaps"]["items"] if g["element_id"] == reference.elements["MSV"].id]
    assert no_activity and no_activity[0]["audience_id"] is None and "no activity" in no_activity[0]["text"]
    assert body["units"]["items"][0]["plan_id"] == plan.id
    assert client.get("/api/v1/integrated", query_string={"year": 2025}, headers=tokens["viewer"]
                      ).json["plans"] == 0
    assert date(2027, 1, 1).month in [m["month"] for m in body["months"] if m["activities"]]


@pytest.mark.parametrize(("name", "value"), [("year", "1999"), ("year", "x"), ("per_week", "0"),
                                             ("per_week", "51")])
def test_a_bad_integrated_filter_is_a_field_error(client: FlaskClient, tokens: dict[str, Headers], name: str,
                                                  value: str) -> None:
    assert name in fields_of(client.get("/api/v1/integrated", query_string={name: value},
                                        headers=tokens["viewer"]))


def test_an_activity_inside_a_non_strict_channels_lead_time_is_saved_with_a_warning(
        client: FlaskClient, plan: CommPlan, catalogue: Catalogue, reference: Reference,
        tokens: dict[str, Headers]) -> None:
    added = client.post(f"{BASE}/{plan.id}/activities", headers=tokens["officer"], json=activity_body(
        catalogue, reference, starts_at="2026-11-26 09:30", ends_at="2026-12-03 18:00"))
    assert added.status_code == 201, added.text
    assert added.json["warnings"] == ["Check the timing: Bus shelter posters needs 21 days' notice: it "
                                      "should start on or after 11 December 2026"]
    url = f"{BASE}/{plan.id}/activities/{added.json['id']}"
    assert "warnings" not in client.get(url, headers=tokens["viewer"]).json
    renamed = client.patch(url, headers=tokens["officer"], json={"title": "Bus stop posters: amnesty"})
    assert renamed.status_code == 200 and renamed.json["warnings"] == []  # the start did not move
    later = client.patch(url, headers=tokens["officer"], json={"starts_at": "2026-12-14 09:30",
                                                                  "ends_at": "2026-12-21 18:00"})
    assert later.status_code == 200 and later.json["warnings"] == []
