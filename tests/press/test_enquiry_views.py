"""The enquiry pages: who may see them, logging and answering through the forms, the incident's
panel, the CSV download, and a fixed number of queries however many enquiries there are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commsplan.auth.models import Role, User
from commsplan.incidents.models import Incident
from commsplan.plans import service as plan_service
from commsplan.press import enquiries
from commsplan.press.models import EnquiryStatus, MediaEnquiry, PressDraft
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import to_london, utcnow
from tests.conftest import count_queries
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)
from tests.press.conftest import SETTINGS, release_holding

Launch = Callable[..., Incident]
PAGES = ("/press/enquiries", "/press/enquiries?q=press", "/press/enquiries/new", "/press/enquiries.csv")


def in_two_hours() -> datetime:
    """The pages read the wall clock, so a deadline they accept is in the real future."""
    return to_london(utcnow() + timedelta(hours=2))


def posted(unit: BusinessUnit, handler: User, **changes: Any) -> dict[str, Any]:
    return {"outlet": "BBC London", "journalist": "Jo Newsdesk", "channel": "email",
            "question": "Can you confirm an arrest?", "deadline_at": f"{in_two_hours():%Y-%m-%dT%H:%M}",
            "unit_id": str(unit.id), "handler_id": str(handler.id), "incident_id": "", **changes}


def add(session: Any, unit: BusinessUnit, handler: User, now: datetime, number: int,
        incident: Incident | None = None) -> MediaEnquiry:
    return enquiries.log_enquiry(session, enquiries.EnquiryInput(
        outlet=f"Outlet {number}", journalist=f"Reporter {number}", channel="phone", question="When?",
        unit_id=unit.id, handler_id=handler.id, deadline_at=now + timedelta(minutes=30 + number),
        incident_id=incident.id if incident else None), actor=handler, now=now, settings=SETTINGS)


@pytest.mark.parametrize("path", [*PAGES, "/press/enquiries/1"])
def test_a_partner_viewer_sees_none_of_it(client: FlaskClient, signed_in: Callable[..., User], path: str,
                                          session: Any, now: datetime, unit: BusinessUnit,
                                          press: User) -> None:
    add(session, unit, press, now, 1)
    session.commit()
    signed_in(Role.VIEWER)
    assert client.get(path).status_code == 403
    assert client.post("/press/enquiries/new", data=posted(unit, press)).status_code == 403


def test_an_admin_reads_but_does_not_log(client: FlaskClient, signed_in: Callable[..., User],
                                         unit: BusinessUnit, press: User, session: Any) -> None:
    session.commit()
    signed_in(Role.ADMIN)
    assert client.get("/press/enquiries").status_code == 200
    assert client.post("/press/enquiries/new", data=posted(unit, press)).status_code == 403


def test_logging_an_enquiry_through_the_form(client: FlaskClient, signed_in: Callable[..., User],
                                             unit: BusinessUnit, session: Any) -> None:
    officer = signed_in(Role.COMMS_OFFICER)
    response = client.post("/press/enquiries/new", data=posted(unit, officer))
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "BBC London: Jo Newsdesk" in page and f"{in_two_hours():%H:%M}" in page
    assert "Start answering" in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"deadline_at": "2020-11-20T09:00"}, "deadline_at", "The deadline must be in the future"),
    ({"deadline_at": "soon"}, "deadline_at", "Enter a date and time"),
    ({"incident_id": "4242"}, "incident_id", "Choose one from the list"),
    ({"incident_id": "lots"}, "incident_id", "Choose one from the list"),
    ({"unit_id": "99999999999999"}, "unit_id", "Choose the business unit"),
])
def test_bad_input_shows_the_field_and_saves_nothing(
        client: FlaskClient, signed_in: Callable[..., User], unit: BusinessUnit, session: Any,
        changes: dict[str, str], field: str, message: str) -> None:
    officer = signed_in(Role.COMMS_OFFICER)
    response = client.post("/press/enquiries/new", data=posted(unit, officer, **changes))
    assert response.status_code == 422
    assert f'href="#{field}"' in response.text and message in response.text
    assert session.scalar(select(func.count(MediaEnquiry.id))) == 0


def test_answering_with_the_released_holding_statement_shows_on_the_incident(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, session: Any, now: datetime,
        unit: BusinessUnit, approver: User, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    holding = release_holding(session, incident, approver, duty, now)
    session.commit()
    officer = signed_in(Role.COMMS_OFFICER)
    form = client.get(f"/press/enquiries/new?incident_id={incident.id}").text
    assert incident.reference in form
    created = client.post("/press/enquiries/new", data=posted(unit, officer, incident_id=str(incident.id)))
    enquiry_path = created.location
    page = client.get(enquiry_path).text
    assert "Holding statement (released" in page
    answered = client.post(f"{enquiry_path}/answer", data={"kind": "statement", "statement_id": holding.id})
    assert answered.status_code == 302
    session.expire_all()
    assert session.scalar(select(MediaEnquiry)).status is EnquiryStatus.ANSWERED
    incident_page = client.get(f"/incidents/{incident.id}").text
    assert "Media enquiries" in incident_page and "1, 1 answered in time" in incident_page
    assert "BBC London" in client.get(f"/press/enquiries?incident={incident.id}").text


def test_a_refused_answer_names_the_field(client: FlaskClient, signed_in: Callable[..., User],
                                          session: Any, now: datetime, unit: BusinessUnit,
                                          press: User) -> None:
    enquiry = add(session, unit, press, now, 1)
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    response = client.post(f"/press/enquiries/{enquiry.id}/answer", data={"kind": "message_map",
                                                                          "map_id": "77"})
    assert response.status_code == 422 and 'href="#map_id"' in response.text
    closed = client.post(f"/press/enquiries/{enquiry.id}/close")
    assert closed.status_code == 409 and "cannot become closed" in closed.text


def test_handing_over_through_the_page(client: FlaskClient, signed_in: Callable[..., User], session: Any,
                                       now: datetime, unit: BusinessUnit, press: User) -> None:
    enquiry = add(session, unit, press, now, 1)
    session.commit()
    officer = signed_in(Role.COMMS_OFFICER)
    path = f"/press/enquiries/{enquiry.id}"
    assert "Hand it to someone else" in client.get(path).text
    refused = client.post(f"{path}/handler", data={"handler_id": "junk"})
    assert refused.status_code == 422 and 'href="#handler_id"' in refused.text
    assert client.post(f"{path}/handler", data={"handler_id": str(officer.id)}).status_code == 302
    session.expire_all()
    assert session.get(MediaEnquiry, enquiry.id).handler_id == officer.id


def test_the_csv_holds_every_enquiry(client: FlaskClient, signed_in: Callable[..., User], session: Any,
                                     now: datetime, unit: BusinessUnit, press: User) -> None:
    add(session, unit, press, now, 1)
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    text = client.get("/press/enquiries.csv").data.decode("utf-8-sig")
    assert text.startswith("id,received,outlet") and "Outlet 1,Reporter 1,Phone" in text


def measure(client: FlaskClient, path: str) -> int:
    client.get(path)
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_the_desk_and_the_incident_page_take_the_same_queries_for_3_or_30_enquiries(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, session: Any, now: datetime,
        unit: BusinessUnit, press: User) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    paths = ("/press/enquiries", "/press/enquiries?q=outlet", f"/press/enquiries?incident={incident.id}",
             f"/incidents/{incident.id}", "/press/enquiries/new", "/press/enquiries/1")
    counts = []
    for start, number in ((0, 3), (3, 27)):
        for n in range(start, start + number):
            add(session, unit, press, now, n, incident)
        session.commit()
        counts.append([measure(client, path) for path in paths])
    assert counts[0] == counts[1]


def test_the_plan_is_chosen_from_a_list_and_an_unknown_one_is_refused(
        client: FlaskClient, signed_in: Callable[..., User], unit: BusinessUnit, session: Any,
        now: datetime) -> None:
    officer = signed_in(Role.COMMS_OFFICER)
    plan = plan_service.create_plan(session, details=plan_service.PlanDetails(
        unit_id=unit.id, year=now.year, title="Knife crime in the summer holidays", owner_id=officer.id),
        sections=plan_service.Sections(), actor=officer, now=now, delivery=SETTINGS)
    session.commit()
    form = client.get("/press/enquiries/new").text
    assert f'<option value="{plan.id}">Knife crime in the summer holidays' in form
    for wrong in ("424242", "plan", "-1"):
        refused = client.post("/press/enquiries/new", data=posted(unit, officer, plan_id=wrong))
        assert refused.status_code == 422 and 'href="#plan_id"' in refused.text
        assert "Choose a communication plan from the list" in refused.text
    assert session.scalar(select(func.count(MediaEnquiry.id))) == 0
    logged = client.post("/press/enquiries/new", data=posted(unit, officer, plan_id=str(plan.id)))
    assert logged.status_code == 302
    assert "Knife crime in the summer holidays" in client.get(logged.location).text


def test_written_words_through_approval_on_the_page(client: FlaskClient, signed_in: Callable[..., User],
                                                    session: Any, now: datetime, unit: BusinessUnit,
                                                    press: User) -> None:
    enquiry = add(session, unit, press, now, 1)
    session.commit()
    path = f"/press/enquiries/{enquiry.id}"
    signed_in(Role.COMMS_OFFICER)
    assert "kind-written" not in client.get(path).text  # nothing approved to give yet
    empty = client.post(f"{path}/drafts", data={"draft_text": " "})
    assert empty.status_code == 422 and 'href="#draft_text"' in empty.text
    assert client.post(f"{path}/drafts", data={"draft_text": "We are looking into it."}).status_code == 302
    page = client.get(path).text
    assert "Waiting for an approver" in page and "Approve answer" not in page
    draft_id = session.scalar(select(PressDraft.id))
    assert client.post(f"{path}/drafts/approval", data={"draft_id": draft_id}).status_code == 403
    signed_in(Role.APPROVER)
    assert client.post(f"{path}/drafts/approval", data={"draft_id": draft_id}).status_code == 302
    assert "kind-written" in client.get(path).text
    answered = client.post(f"{path}/answer", data={"kind": "written", "draft_id": draft_id})
    assert answered.status_code == 302
    assert "We are looking into it." in client.get(path).text
