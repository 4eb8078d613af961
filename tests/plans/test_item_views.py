"""A plan's objectives, metrics, milestones and activities through /plans/<id>/<part>/...: adding,
changing and removing them, bad input shown on its field with nothing written, and the states in
which each may change (the document in draft; the calendar in draft, approved and active plans)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.extensions import db
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import service, workflow
from commsplan.plans.models import Activity, CommPlan, Milestone, PlanMetric, PlanObjective, Rag
from commsplan.plans.rules import PlanRules
from tests.plans.conftest import Catalogue, Login, People, PlanMaker, Reference, approved
from tests.plans.pages import field_error, page_title, written


@pytest.fixture
def draft(make_plan: PlanMaker) -> CommPlan:
    return make_plan()

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def live(session: Session, now: datetime, people: People, make_plan: PlanMaker, delivery: DeliverySettings,
         rules: PlanRules) -> CommPlan:
    """An approved plan: its calendar sends reminders."""
    return approved(session, make_plan(unit="CW"), people.approver, now=now, delivery=delivery, rules=rules)


def only(model: Any, plan: CommPlan) -> list[Any]:
    db.session.expire_all()
    return list(db.session.scalars(select(model).where(model.plan_id == plan.id).order_by(model.id)))


def activity_reminders(activity_id: int, status: ReminderStatus = ReminderStatus.PENDING) -> list[Reminder]:
    db.session.expire_all()
    return list(db.session.scalars(select(Reminder).where(
        Reminder.subject_type == "plan_activity", Reminder.subject_id == str(activity_id),
        Reminder.status == status)))


def refused(client: FlaskClient, url: str, data: dict[str, Any]) -> str:
    """Post bad input; the form comes back with errors and nothing is written."""
    before = written()
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert page_title(response.text).startswith("Error: ")
    assert written() == before
    return response.text


# --- Activities --------------------------------------------------------------------------------

def activity_form(catalogue: Catalogue, reference: Reference, owner: User, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "title": "Half-term knife amnesty posters", "element_id": str(reference.elements["ROB"].id),
        "audience_ids": [str(catalogue.pupils.id), str(catalogue.parents.id)],
        "channel_id": str(catalogue.posters.id), "message_map_id": "",
        "start_date": ["8", "2", "2027"], "start_time": "09:30", "end_date": ["19", "2", "2027"],
        "end_time": "18:00", "owner_id": str(owner.id), "status": "scheduled", "ripe_strand": "prevention",
        "cost_pounds": "1200", "reminder_days": "", "notes": "Print run booked"}
    return form | changes


def test_an_officer_adds_an_activity_at_london_times(login: Login, people: People, catalogue: Catalogue,
                                                     reference: Reference, draft: CommPlan) -> None:
    client = login(people.officer)
    form_page = client.get(f"/plans/{draft.id}/activities/new").text
    assert f'<option value="{people.officer.id}" selected>' in form_page
    response = client.post(f"/plans/{draft.id}/activities/new",
                           data=activity_form(catalogue, reference, people.second_officer))
    assert response.status_code == 302 and response.headers["Location"].endswith("#activities")
    added = only(Activity, draft)[-1]
    assert added.title == "Half-term knife amnesty posters"
    assert added.starts_at.replace(tzinfo=UTC) == datetime(2027, 2, 8, 9, 30, tzinfo=UTC)  # GMT in February
    assert added.reminder_days == 21  # the posters' lead time beats the default of 7
    assert [a.name for a in added.audiences] == ["Parents and carers", "Secondary school pupils aged 11–16"]
    assert (added.owner_id, added.cost_pounds) == (people.second_officer.id, 1200)
    assert activity_reminders(added.id) == []  # a draft is not yet agreed work
    page = client.get(f"/plans/{draft.id}").text  # February is beyond the next eight weeks
    assert "Activity saved: Half-term knife amnesty posters, starting 8 Feb 2027, 09:30" in page


BAD_ACTIVITY: list[tuple[str, dict[str, Any], str, str]] = [
    ("reminder under the channel's lead time", {"reminder_days": "5"}, "reminder_days",
     "Bus shelter posters needs 21 days' notice: remind at least 21 days before it starts"),
    ("end before start", {"end_date": ["1", "2", "2027"]}, "end_date", "It must end after it starts"),
    ("start before the plan's year", {"start_date": ["31", "3", "2026"], "end_date": ["2", "4", "2026"]},
     "start_date", "It must start within the plan's year: 1 April 2026 to 31 March 2027"),
    ("start after the plan's year", {"start_date": ["1", "4", "2027"], "end_date": ["2", "4", "2027"]},
     "start_date", "It must start within the plan's year: 1 April 2026 to 31 March 2027"),
    ("no audience", {"audience_ids": []}, "audience_ids", "Select at least one audience from the list"),
    ("unknown audience", {"audience_ids": ["999999"]}, "audience_ids", "is not one of the options"),
    ("malformed start date", {"start_date": ["31", "2", "2027"]}, "start_date",
     "Start date must be a real date, like 27 3 2026"),
    ("start date in words", {"start_date": ["eighth", "Feb", "2027"]}, "start_date",
     "Start date must be a real date, like 27 3 2026"),
    ("impossible time", {"start_time": "25:00"}, "start_time",
     "Enter start time as a 24-hour time, like 14:30"),
    ("no channel", {"channel_id": ""}, "channel_id", "Select the channel it uses"),
    ("no element", {"element_id": "abc"}, "element_id", "Select the violence element it addresses"),
    ("no RIPE strand", {"ripe_strand": ""}, "ripe_strand", "Choose the RIPE strand"),
    ("negative cost", {"cost_pounds": "-5"}, "cost_pounds",
     "Enter a cost from £0 to £10,000,000, in whole pounds"),
    ("cost in words", {"cost_pounds": "lots"}, "cost_pounds", "Enter the cost in whole pounds, like 1200"),
    ("blank title", {"title": " "}, "title", "Enter a title for the activity"),
    ("unknown owner", {"owner_id": "999999"}, "owner_id", "Select the activity's owner"),
    ("audience that is not a number", {"audience_ids": ["abc"]}, "audience_ids", "Invalid choice"),
    ("time with seconds", {"start_time": "10:00:00"}, "start_time",
     "Enter start time as a 24-hour time, like 14:30"),
    ("negative reminder", {"reminder_days": "-5"}, "reminder_days", "Enter from 0 to 365 days"),
    ("huge cost", {"cost_pounds": "99999999999999999999"}, "cost_pounds",
     "Enter a cost from £0 to £10,000,000, in whole pounds"),
    ("unknown status", {"status": "vanished"}, "status", "Choose the activity's status"),
]


@pytest.mark.parametrize(("changes", "field", "message"), [case[1:] for case in BAD_ACTIVITY],
                         ids=[case[0] for case in BAD_ACTIVITY])
def test_bad_activities_are_refused_on_their_fields(
        login: Login, people: People, catalogue: Catalogue, reference: Reference, draft: CommPlan,
        changes: dict[str, Any], field: str, message: str) -> None:
    html = refused(login(people.officer), f"/plans/{draft.id}/activities/new",
                   activity_form(catalogue, reference, people.officer, **changes))
    assert message in field_error(html, field)


def test_form_and_rule_errors_show_together(login: Login, people: People, catalogue: Catalogue,
                                            reference: Reference, draft: CommPlan) -> None:
    html = refused(login(people.officer), f"/plans/{draft.id}/activities/new", activity_form(
        catalogue, reference, people.officer, start_date=["31", "2", "2027"], audience_ids=[],
        reminder_days="3"))
    assert "must be a real date" in field_error(html, "start_date")
    assert "Select at least one audience" in field_error(html, "audience_ids")
    assert "needs 21 days' notice" in field_error(html, "reminder_days")
    assert 'value="Half-term knife amnesty posters"' in html  # what was typed is kept


def test_moving_an_approved_plans_activity_moves_its_reminder(login: Login, people: People,
                                                              catalogue: Catalogue, reference: Reference,
                                                              live: CommPlan) -> None:
    [activity] = only(Activity, live)
    [first] = activity_reminders(activity.id)
    client = login(people.officer)
    page = client.get(f"/plans/{live.id}/activities/{activity.id}").text
    assert 'value="Safer routes home assemblies"' in page and 'value="10:00"' in page
    form = activity_form(catalogue, reference, people.officer, title="Safer routes home assemblies",
                         channel_id=str(catalogue.sms.id), audience_ids=[str(catalogue.pupils.id)],
                         start_date=["1", "3", "2027"], end_date=["5", "3", "2027"], reminder_days="10")
    assert client.post(f"/plans/{live.id}/activities/{activity.id}", data=form).status_code == 302
    [moved] = activity_reminders(activity.id)
    assert moved.id != first.id
    # 09:00 London time ten days before 1 March
    assert moved.due_at.replace(tzinfo=UTC) == datetime(2027, 2, 19, 9, 0, tzinfo=UTC)
    assert [r.id for r in activity_reminders(activity.id, ReminderStatus.CANCELLED)] == [first.id]


def test_removing_an_activity_cancels_its_reminder(login: Login, people: People, live: CommPlan) -> None:
    [activity] = only(Activity, live)
    activity_id = activity.id
    client = login(people.officer)
    response = client.post(f"/plans/{live.id}/activities/{activity_id}/remove", follow_redirects=True)
    assert "Activity removed" in response.text
    assert only(Activity, live) == []
    assert activity_reminders(activity_id) == []
    assert len(activity_reminders(activity_id, ReminderStatus.CANCELLED)) == 1


def test_a_submitted_plans_calendar_waits_for_the_decision(session: Session, now: datetime, login: Login,
                                                           people: People, catalogue: Catalogue,
                                                           reference: Reference, draft: CommPlan,
                                                           delivery: DeliverySettings) -> None:
    workflow.submit_plan(session, draft, actor=people.officer, now=now, delivery=delivery)
    [activity] = only(Activity, draft)
    client = login(people.officer)
    html = refused(client, f"/plans/{draft.id}/activities/new",
                   activity_form(catalogue, reference, people.officer))
    assert "This plan is waiting for approval; its calendar changes once it is decided" in html
    before = written()
    response = client.post(f"/plans/{draft.id}/activities/{activity.id}/remove", follow_redirects=True)
    assert "waiting for approval" in response.text
    assert written() == before


def test_an_activity_of_another_plan_is_not_found(login: Login, people: People, make_plan: PlanMaker,
                                                  draft: CommPlan) -> None:
    other = make_plan(unit="CW")
    [activity] = only(Activity, other)
    client = login(people.officer)
    assert client.get(f"/plans/{draft.id}/activities/{activity.id}").status_code == 404
    assert client.post(f"/plans/{draft.id}/activities/{activity.id}/remove").status_code == 404
    assert len(only(Activity, other)) == 1


# --- Objectives and metrics: the document, changed in draft ------------------------------------

def objective_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {"statement": "Raise confidence to the force's level", "element_id": "",
                            "metric": "Confidence measure", "unit_of_measure": "%", "baseline": "44",
                            "target": "49.5", "deadline": ["31", "3", "2027"]}
    return form | changes


def test_objectives_are_added_changed_and_removed(login: Login, people: People, draft: CommPlan) -> None:
    client = login(people.officer)
    assert client.post(f"/plans/{draft.id}/objectives/new", data=objective_form()).status_code == 302
    added = only(PlanObjective, draft)[-1]
    assert added.statement == "Raise confidence to the force's level"
    assert (added.baseline, added.target) == (44, 49.5)
    page = client.get(f"/plans/{draft.id}/objectives/{added.id}").text
    assert 'value="49.5"' in page and "Remove this objective" in page
    client.post(f"/plans/{draft.id}/objectives/{added.id}", data=objective_form(target="52"))
    assert only(PlanObjective, draft)[-1].target == 52
    response = client.post(f"/plans/{draft.id}/objectives/{added.id}/remove", follow_redirects=True)
    assert "Objective removed" in response.text
    assert len(only(PlanObjective, draft)) == 1


BAD_OBJECTIVE: list[tuple[str, dict[str, Any], str, str]] = [
    ("no statement", {"statement": ""}, "statement", "Enter what the objective is"),
    ("no metric", {"metric": " "}, "metric", "Enter the metric it is measured by"),
    ("baseline in words", {"baseline": "lots"}, "baseline", "Enter the baseline as a number"),
    ("no target", {"target": ""}, "target", "Enter the target as a number"),
    ("target equal to baseline", {"target": "44"}, "target", "The target must differ from the baseline"),
    ("deadline before the year", {"deadline": ["31", "3", "2026"]}, "deadline",
     "The deadline must be on or after 1 April 2026, when the plan starts"),
    ("malformed deadline", {"deadline": ["30", "2", "2027"]}, "deadline",
     "Deadline must be a real date, like 27 3 2026"),
    ("no deadline", {"deadline": ["", "", ""]}, "deadline", "Enter the deadline"),
    ("unknown element", {"element_id": "999999"}, "element_id", "Select a violence element from the list"),
]


@pytest.mark.parametrize(("changes", "field", "message"), [case[1:] for case in BAD_OBJECTIVE],
                         ids=[case[0] for case in BAD_OBJECTIVE])
def test_bad_objectives_are_refused_on_their_fields(
        login: Login, people: People, draft: CommPlan, changes: dict[str, Any], field: str,
        message: str) -> None:
    html = refused(login(people.officer), f"/plans/{draft.id}/objectives/new", objective_form(**changes))
    assert message in field_error(html, field)


def metric_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {"level": "outputs", "name": "Posters up", "data_source": "Print supplier",
                            "unit_of_measure": "sites", "baseline": "", "target": "120"}
    return form | changes


def test_metrics_are_added_changed_and_removed(login: Login, people: People, draft: CommPlan) -> None:
    client = login(people.officer)
    assert client.post(f"/plans/{draft.id}/metrics/new", data=metric_form()).status_code == 302
    added = only(PlanMetric, draft)[-1]
    assert (added.level.value, added.baseline, added.target) == ("outputs", None, 120)
    assert 'value="outputs" checked' in client.get(f"/plans/{draft.id}/metrics/{added.id}").text
    client.post(f"/plans/{draft.id}/metrics/{added.id}", data=metric_form(name="Posters put up"))
    assert only(PlanMetric, draft)[-1].name == "Posters put up"
    client.post(f"/plans/{draft.id}/metrics/{added.id}/remove")
    assert len(only(PlanMetric, draft)) == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"level": ""}, "level", "Choose the level"),
    ({"level": "vibes"}, "level", "Choose the level"),
    ({"is_confidence": "y"}, "level", "The confidence measure is an outcome: choose outcomes"),
    ({"name": ""}, "name", "Enter what is measured"),
    ({"target": "many"}, "target", "Enter the target as a number"),
], ids=["no level", "unknown level", "confidence as an output", "no name", "target in words"])
def test_bad_metrics_are_refused_on_their_fields(login: Login, people: People, draft: CommPlan,
                                                 changes: dict[str, Any], field: str, message: str) -> None:
    html = refused(login(people.officer), f"/plans/{draft.id}/metrics/new", metric_form(**changes))
    assert message in field_error(html, field)


def test_the_document_is_refused_once_approved(login: Login, people: People, live: CommPlan) -> None:
    client = login(people.officer)
    [objective] = only(PlanObjective, live)
    html = refused(client, f"/plans/{live.id}/objectives/new", objective_form())
    assert "This plan is approved: take it back to draft to change it" in html
    refused(client, f"/plans/{live.id}/metrics/new", metric_form())
    before = written()
    response = client.post(f"/plans/{live.id}/objectives/{objective.id}/remove", follow_redirects=True)
    assert "take it back to draft" in response.text
    assert written() == before
    page = client.get(f"/plans/{live.id}").text
    assert f'/plans/{live.id}/objectives/{objective.id}"' not in page  # no link to change it
    assert f'/plans/{live.id}/objectives/{objective.id}/actuals"' in page  # but actuals may be recorded


# --- Milestones: the calendar, changed while approved ------------------------------------------

def milestone_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {"title": "Schools toolkit published", "target_date": ["1", "3", "2027"],
                            "lead_name": "Schools officer", "lead_id": "", "rag": "amber",
                            "completed_on": ["", "", ""], "notes": ""}
    return form | changes


def test_milestones_are_added_changed_and_removed_on_an_approved_plan(login: Login, people: People,
                                                                      live: CommPlan) -> None:
    client = login(people.officer)
    response = client.post(f"/plans/{live.id}/milestones/new",
                           data=milestone_form(lead_id=str(people.second_officer.id)))
    assert response.status_code == 302 and response.headers["Location"].endswith("#milestones")
    [added] = only(Milestone, live)
    assert (added.rag, added.lead_id) == (Rag.AMBER, people.second_officer.id)
    pending = db.session.scalars(select(Reminder).where(Reminder.subject_type == "plan_milestone",
                                                        Reminder.status == ReminderStatus.PENDING))
    assert {r.kind for r in pending} == {"milestone_due", "milestone_overdue"}
    done = milestone_form(rag="green", completed_on=["2", "3", "2027"])
    client.post(f"/plans/{live.id}/milestones/{added.id}", data=done)
    assert only(Milestone, live)[0].rag is Rag.GREEN
    client.post(f"/plans/{live.id}/milestones/{added.id}/remove")
    assert only(Milestone, live) == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "Enter the milestone"),
    ({"target_date": ["", "", ""]}, "target_date", "Enter the target date"),
    ({"target_date": ["1", "13", "2027"]}, "target_date", "Target date must be a real date"),
    ({"rag": "purple"}, "rag", "Choose red, amber or green"),
    ({"lead_id": "999999"}, "lead_id", "Select a person from the list, or none"),
], ids=["no title", "no target date", "malformed date", "unknown RAG", "unknown lead"])
def test_bad_milestones_are_refused_on_their_fields(
        login: Login, people: People, live: CommPlan, changes: dict[str, Any], field: str,
        message: str) -> None:
    html = refused(login(people.officer), f"/plans/{live.id}/milestones/new", milestone_form(**changes))
    assert message in field_error(html, field)


def test_a_closed_plan_changes_no_more(session: Session, now: datetime, login: Login, people: People,
                                       live: CommPlan, delivery: DeliverySettings, rules: PlanRules) -> None:
    workflow.close_plan(session, live, actor=people.officer, now=now, delivery=delivery, rules=rules)
    [activity] = service.activities(session, live)
    client = login(people.officer)
    assert "This plan is closed" in refused(client, f"/plans/{live.id}/milestones/new", milestone_form())
    before = written()
    client.post(f"/plans/{live.id}/activities/{activity.id}/remove")
    assert written() == before
