"""The press desk's totals on the figures page: enquiries about closed live incidents answered in
time, claims still circulating and how long those that faded went round; the same queries however
many there are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from commsplan.incidents.models import Incident
from commsplan.press import claims, enquiries
from commsplan.reference.models import BusinessUnit
from tests.incidents.test_closing import measure, stood_down_and_closed, worked
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)
from tests.press.conftest import SETTINGS
from tests.press.test_claims import record

Launch = Callable[..., Incident]


def desk_work(session: Any, incident: Incident, unit: BusinessUnit, press: User, now: datetime) -> None:
    """Two enquiries, one answered in time; two claims, one faded after 90 minutes."""
    for number in range(2):
        enquiry = enquiries.log_enquiry(session, enquiries.EnquiryInput(
            outlet="Evening Standard", journalist=f"Reporter {number}", channel="email",
            question="Any arrests?", unit_id=unit.id, handler_id=press.id,
            deadline_at=now + timedelta(hours=1), incident_id=incident.id),
            actor=press, now=now, settings=SETTINGS)
        if number == 0:
            enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="ncnd"), actor=press, now=now)
    faded = record(session, unit, press, now, incident_id=incident.id,
                   first_seen_at=now - timedelta(minutes=90))
    claims.fade(session, faded, actor=press, now=now)
    record(session, unit, press, now, incident_id=incident.id)


def test_the_figures_page_counts_the_press_work_in_the_same_queries(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, session: Any, now: datetime,
        duty: User, unit: BusinessUnit, press: User) -> None:
    signed_in(Role.COMMS_OFFICER)

    def close_some(number: int) -> None:
        for _ in range(number):
            incident = worked(launch, session, now, duty)
            desk_work(session, incident, unit, press, now)
            stood_down_and_closed(incident, duty, now)
        session.commit()

    close_some(1)
    small = measure(client, "/incidents/figures")
    page = client.get("/incidents/figures").text
    assert "1 of 2" in page and "2, 1 still circulating; 1.5 hours on average until faded" in page
    close_some(9)
    assert measure(client, "/incidents/figures") == small
    page = client.get("/incidents/figures").text
    assert "10 of 20" in page and "20, 10 still circulating; 1.5 hours on average until faded" in page
