"""The demo incidents: one live critical incident and one closed, with a realistic history."""

from __future__ import annotations

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.demo.files import demo_password
from commsplan.incidents import closing, lessons
from commsplan.incidents.figures import figures as figures_of
from commsplan.incidents.models import Incident, IncidentStatus
from commsplan.timeutil import to_london, utcnow
from tests.conftest import sign_in


def test_demo_load_adds_one_active_and_one_closed_incident(runner: FlaskCliRunner, session: Session,
                                                           client: FlaskClient) -> None:
    assert runner.invoke(args=["demo", "load", "--commit"]).exit_code == 0
    incidents = {i.status: i for i in session.scalars(select(Incident))}
    assert set(incidents) == {IncidentStatus.ACTIVE, IncidentStatus.CLOSED}
    closed = figures_of(session, incidents[IncidentStatus.CLOSED])
    assert (closed.minutes_to_holding, closed.on_time_text, closed.overdue) == (44, "21 of 23", 2)
    assert closing.debrief_of(session, incidents[IncidentStatus.CLOSED]) is not None
    active = figures_of(session, incidents[IncidentStatus.ACTIVE])
    assert active.minutes_to_holding == 41 and active.decisions == 1
    assert runner.invoke(args=["incidents", "verify-log"]).exit_code == 0
    officer = session.scalar(select(User).where(User.email == "officer@commsplan.test"))
    assert officer is not None
    sign_in(client, officer, demo_password())
    for incident in incidents.values():
        for path in ("", "/report", "/report.md"):
            assert client.get(f"/incidents/{incident.id}{path}").status_code == 200
    assert client.get("/incidents/").status_code == 200
    assert "44 minutes" in client.get("/incidents/figures").text
    closed_one = incidents[IncidentStatus.CLOSED]
    raised = lessons.lessons_of(session, closed_one)
    today = to_london(utcnow()).date()
    assert [lesson.is_overdue(today) for lesson in raised] == [True, False]
    page = client.get(f"/playbooks/{closed_one.playbook_id}").text
    assert "2 open lessons" in page and "rebuttal line with the hospital trust" in page
