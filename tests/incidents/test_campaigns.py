"""A live incident and the campaign work around it: the window it proposes, exactly the activities of
its unit and elements over the next weeks, pausing only those chosen (each a decision in the log and
on the activity, its reminder cancelled), the reminder to resume at stand-down. Exercises never pause."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.errors import Conflict, ValidationError
from commsplan.extensions import db
from commsplan.incidents import campaigns, closing, decisions, service
from commsplan.incidents.models import DecisionEntry, Incident, IncidentMode
from commsplan.messages.models import RipeStrand
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, pausing
from commsplan.plans.models import Activity, ActivityStatus
from commsplan.plans.rules import PlanRules
from commsplan.sensitivity.models import SensitivityWindow
from tests.conftest import count_queries, sign_in
from tests.incidents.conftest import fixture_playbook, good_inputs
from tests.plans.conftest import Catalogue, People, PlanMaker, Reference, activity_values, approved, london
from tests.plans.pages import pin_clock, written


@pytest.fixture
def area(session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
         make_plan: PlanMaker) -> dict[str, Activity]:
    """Approved Lambeth and Hackney plans with activities in and out of a robbery incident's reach."""
    lambeth = approved(session, make_plan(unit="LX"), people.approver, now=now, delivery=DeliverySettings(),
                       rules=PlanRules())
    hackney = approved(session, make_plan(unit="GD"), people.approver, now=now, delivery=DeliverySettings(),
                       rules=PlanRules())

    def add(plan: Any, title: str, start: date, **changes: Any) -> Activity:
        values = activity_values(catalogue, reference, people.officer, title=title, starts_at=london(start),
                                 ends_at=london(start + timedelta(days=2)), **changes)
        return activities.save_activity(session, plan, values, actor=people.officer, now=now,
                                        delivery=DeliverySettings(), rules=PlanRules())

    made = {
        "soon": add(lambeth, "Robbery advice posts", date(2026, 11, 27), status="scheduled"),
        "running": add(lambeth, "School gate patrol leaflets", date(2026, 11, 19)),
        "later": add(lambeth, "Spring robbery campaign", date(2027, 1, 5)),
        "other element": add(lambeth, "Knife amnesty", date(2026, 11, 30),
                             element_id=reference.elements["MSV"].id),
        "cancelled": add(lambeth, "Cancelled assembly", date(2026, 11, 28), status="cancelled"),
        "other unit": add(hackney, "Hackney robbery posts", date(2026, 11, 27)),
    }
    session.commit()
    return made


def launch(session: Session, reference: Reference, duty: User, now: datetime,
           mode: IncidentMode = IncidentMode.LIVE) -> Incident:
    request = service.LaunchRequest(title="Robbery of a pupil, Acre Lane", mode=mode.value,
                                    notified_at="2026-11-20 09:30",
                                    inputs=good_inputs(reference.units["LX"].id))
    incident = service.launch(session, fixture_playbook(), request, actor=duty, now=now,
                              settings=DeliverySettings())
    session.commit()
    return incident


def affected_titles(session: Session, incident: Incident, now: datetime) -> list[str]:
    query = campaigns.affected(session, incident, now)
    assert query is not None
    return [activity.title for activity in session.scalars(query)]


def pending_reminders(activity: Activity) -> int:
    return len(pausing.queued_reminders(db.session, [activity.id]))


def test_a_live_incident_lists_exactly_its_units_activities_on_its_elements_in_the_next_weeks(
        session: Session, now: datetime, reference: Reference, duty: User, area: dict[str, Activity]) -> None:
    incident = launch(session, reference, duty, now)
    assert affected_titles(session, incident, now) == ["School gate patrol leaflets", "Robbery advice posts"]
    proposal = campaigns.proposed_window(session, incident, now)
    assert proposal is not None
    assert (proposal.kind, proposal.severity, proposal.unit_ids, proposal.element_ids) == (
        "incident", "avoid", (reference.units["LX"].id,), (reference.elements["ROB"].id,))
    assert (proposal.first_day, proposal.last_day) == (date(2026, 11, 20), date(2026, 12, 3))


def test_pausing_pauses_only_the_chosen_each_a_decision_and_on_the_activity(
        session: Session, now: datetime, reference: Reference, duty: User, area: dict[str, Activity]) -> None:
    incident = launch(session, reference, duty, now)
    chosen, left = area["soon"], area["running"]
    assert pending_reminders(chosen) == 1
    paused = campaigns.pause(session, incident, [chosen.id], decision_role="duty_officer", actor=duty,
                             now=now)
    session.commit()
    assert paused == [chosen]
    assert chosen.paused_at is not None and chosen.paused_for_id == incident.id
    assert chosen.pause_note == f"Paused for incident {incident.reference}, decision 1"
    assert left.paused_at is None and all(a.paused_at is None for a in area.values() if a is not chosen)
    [entry] = decisions.decisions_of(session, incident)
    assert entry.decision.startswith("Pause “Robbery advice posts”") and entry.decided_by_id == duty.id
    assert entry.action_review == "Review and resume when the incident stands down"
    assert pending_reminders(chosen) == 0
    assert affected_titles(session, incident, now) == ["School gate patrol leaflets"]

    closing.stand_down(session, incident, "Suspect charged; community calm", actor=duty, now=now,
                       settings=DeliverySettings())
    session.commit()
    key = Reminder.idempotency_key
    [reminder] = session.scalars(select(Reminder).where(key.startswith(f"resume:incident:{incident.id}:")))
    assert reminder.recipient_user_id == chosen.owner_id and reminder.status is ReminderStatus.PENDING
    assert reminder.subject_title == f"Review and resume: 1 paused for {incident.reference}"


@pytest.mark.parametrize("choice", ["later", "other element", "cancelled", "other unit"])
def test_an_activity_the_incident_does_not_affect_cannot_be_paused(
        session: Session, now: datetime, reference: Reference, duty: User, area: dict[str, Activity],
        choice: str) -> None:
    incident = launch(session, reference, duty, now)
    before = written()
    with pytest.raises(ValidationError) as raised:
        campaigns.pause(session, incident, [area["soon"].id, area[choice].id], decision_role="duty_officer",
                        actor=duty, now=now)
    session.rollback()
    assert "activity_ids" in raised.value.errors
    assert written() == before
    assert session.scalar(select(DecisionEntry.id)) is None


def test_an_exercise_proposes_but_never_pauses_or_adds_a_window(
        session: Session, now: datetime, reference: Reference, duty: User, area: dict[str, Activity]) -> None:
    exercise = launch(session, reference, duty, now, mode=IncidentMode.EXERCISE)
    assert affected_titles(session, exercise, now) == ["School gate patrol leaflets", "Robbery advice posts"]
    assert campaigns.proposed_window(session, exercise, now) is not None
    with pytest.raises(Conflict, match="An exercise never pauses campaign work"):
        campaigns.pause(session, exercise, [area["soon"].id], decision_role="duty_officer", actor=duty,
                        now=now)
    with pytest.raises(Conflict, match="An exercise never adds a sensitivity window"):
        campaigns.add_window(session, exercise, actor=duty, now=now)
    session.rollback()
    assert all(activity.paused_at is None for activity in area.values())
    assert session.scalar(select(SensitivityWindow.id)) is None


def test_a_live_incident_adds_its_window_and_the_pauses_through_its_pages(
        session: Session, now: datetime, reference: Reference, duty: User, client: FlaskClient,
        people: People, area: dict[str, Activity], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("commsplan.incidents.campaign_views.utcnow", lambda: now)
    pin_clock(monkeypatch, now)
    incident = launch(session, reference, duty, now)
    sign_in(client, duty)
    page = client.get(f"/incidents/{incident.id}/campaigns").text
    assert f"{incident.reference}: Robbery of a pupil, Acre Lane" in page
    assert 'id="affected-{}"'.format(area["soon"].id) in page and "Hackney robbery posts" not in page
    response = client.post(f"/incidents/{incident.id}/campaigns/window", follow_redirects=True)
    assert "Sensitivity window added" in response.text
    [window] = session.scalars(select(SensitivityWindow)).all()
    assert window.unit_codes == ["LX"] and window.element_codes == ["ROB"]

    refused = client.post(f"/incidents/{incident.id}/campaigns/pause", data={"decision_role": "duty_officer"})
    assert refused.status_code == 422 and "Choose the activities to pause" in refused.text
    response = client.post(f"/incidents/{incident.id}/campaigns/pause", follow_redirects=True,
                           data={"decision_role": "duty_officer", "activity_ids": [str(area["soon"].id)]})
    assert "Paused 1 activity, each logged as a decision" in response.text
    db.session.expire_all()
    assert session.get(Activity, area["soon"].id).paused_at is not None  # type: ignore[union-attr]
    assert session.get(Activity, area["running"].id).paused_at is None  # type: ignore[union-attr]

    sign_in(client, people.officer)
    officer_page = client.get(f"/plans/{area['soon'].plan_id}").text
    assert f"Paused for incident {incident.reference}, decision 1" in officer_page
    # An hour on: a reminder's key holds the moment it was scheduled, so the old one is not reused.
    monkeypatch.setattr("commsplan.plans.item_views.utcnow", lambda: now + timedelta(hours=1))
    resumed = client.post(f"/plans/{area['soon'].plan_id}/activities/{area['soon'].id}/resume",
                          follow_redirects=True)
    assert "Resumed: Robbery advice posts" in resumed.text
    db.session.expire_all()
    assert session.get(Activity, area["soon"].id).paused_at is None  # type: ignore[union-attr]
    assert pending_reminders(area["soon"]) == 1


def test_the_campaign_page_queries_with_1_and_10_times_the_activities(
        session: Session, now: datetime, reference: Reference, duty: User, client: FlaskClient,
        area: dict[str, Activity], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("commsplan.incidents.campaign_views.utcnow", lambda: now)
    incident = launch(session, reference, duty, now)
    campaigns.pause(session, incident, [area["soon"].id], decision_role="duty_officer", actor=duty, now=now)
    session.commit()
    sign_in(client, duty)
    url = f"/incidents/{incident.id}/campaigns"

    def counted() -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    few = counted()
    plan_id = area["running"].plan_id
    rows = [{"plan_id": plan_id, "title": f"Robbery post {n}", "element_id": reference.elements["ROB"].id,
             "channel_id": area["running"].channel_id, "starts_at": now + timedelta(hours=n + 1),
             "ends_at": now + timedelta(hours=n + 3), "owner_id": area["running"].owner_id,
             "status": ActivityStatus.SCHEDULED, "ripe_strand": RipeStrand.PREVENTION, "reminder_days": 7,
             "created_at": now, "updated_at": now} for n in range(40)]
    session.execute(insert(Activity), rows)
    session.commit()
    assert counted() == few
    page = client.get(url).text
    assert page.count('id="affected-') == 25 and "41 activities" in page  # a page at a time
