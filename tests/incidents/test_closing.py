"""Standing down, closing with a debrief, the figures, and the incident report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, ValidationError
from commsplan.extensions import db
from commsplan.incidents import closing, decisions, service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Incident, IncidentMode, IncidentStatement, IncidentStatus, IncidentTask
from commsplan.notifications.jobs import current_settings
from commsplan.notifications.models import Reminder, ReminderStatus
from tests.conftest import count_queries
from tests.factories import make_user
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]
DEBRIEF = closing.DebriefInput(went_well="Holding statement out inside the hour.",
                               to_improve="Schools were told late.", welfare_actions="Check in with the FLO.")


def task(incident: Incident, step_id: str) -> IncidentTask:
    found = db.session.scalar(select(IncidentTask).where(IncidentTask.incident_id == incident.id,
                                                         IncidentTask.step_id == step_id))
    assert found is not None
    return found


def worked(launch: Launch, session: Any, now: datetime, duty: User, **changes: Any) -> Incident:
    """Notified at 09:30; holding statement released at 10:08; monitor done late, holding on time."""
    incident = launch(next_update_time="4pm", **changes)
    approver = make_user(session, roles=(Role.APPROVER,), now=now)
    holding = session.scalar(select(IncidentStatement).where(IncidentStatement.incident_id == incident.id,
                                                             IncidentStatement.template_id == "holding"))
    statement_service.approve(session, incident, holding, actor=approver, now=now)
    statement_service.release(session, incident, holding, ["X"], actor=duty, now=now + timedelta(minutes=8))
    settings = current_settings()
    service.complete_task(session, incident, task(incident, "monitor"), actor=duty, now=now,
                          settings=settings)
    service.complete_task(session, incident, task(incident, "holding"), actor=duty,
                          now=now + timedelta(minutes=9), settings=settings)
    decisions.add_decision(session, incident, decisions.DecisionInput("sio", "Release at 10:08"), actor=duty,
                           now=now)
    return incident


def test_figures_are_measured_exactly(launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = worked(launch, session, now, duty)
    closing.stand_down(session, incident, "Charged and remanded", actor=duty, now=now + timedelta(hours=2))
    figures = closing.figures(session, incident)
    assert figures.minutes_to_holding == 38 and figures.holding_text == "38 minutes"
    assert figures.on_time_text == "1 of 2"  # monitor was due 09:45 and done at 10:00
    assert figures.overdue == 1  # monitor, done late (its repeat falls due at 12:00, at the stand-down)
    assert (figures.statements_released, figures.decisions) == (1, 1)


def test_no_holding_statement_is_said_in_words(launch: Launch, session: Any, now: datetime,
                                               duty: User) -> None:
    incident = launch()
    closing.stand_down(session, incident, "Not a critical incident", actor=duty, now=now)
    figures = closing.figures(session, incident)
    assert figures.minutes_to_holding is None
    assert figures.holding_text == "No holding statement was released"


def test_stand_down_stops_every_reminder_and_further_work(launch: Launch, session: Any, now: datetime,
                                                          duty: User) -> None:
    incident = launch()
    assert session.scalar(select(Reminder.id).where(Reminder.status == ReminderStatus.PENDING))
    with pytest.raises(ValidationError, match="Say why"):
        closing.stand_down(session, incident, " ", actor=duty, now=now)
    closing.stand_down(session, incident, "Stood down by Gold", actor=duty, now=now)
    assert incident.status is IncidentStatus.STOOD_DOWN and incident.stood_down_at == now
    assert session.scalar(select(Reminder.id).where(Reminder.status == ReminderStatus.PENDING)) is None
    with pytest.raises(Conflict):
        service.record_anchor(session, incident, "arrest", occurred_at=now, note="", actor=duty, now=now,
                              settings=current_settings())
    with pytest.raises(Conflict):
        closing.stand_down(session, incident, "Again", actor=duty, now=now)


def test_closing_needs_a_stand_down_and_a_debrief(launch: Launch, session: Any, now: datetime,
                                                  duty: User) -> None:
    incident = launch()
    with pytest.raises(Conflict, match="Stand the incident down"):
        closing.close(session, incident, DEBRIEF, actor=duty, now=now)
    closing.stand_down(session, incident, "Done", actor=duty, now=now)
    with pytest.raises(ValidationError) as raised:
        closing.close(session, incident, closing.DebriefInput("", "", welfare_actions="w" * 5001), actor=duty,
                      now=now)
    assert set(raised.value.errors) == {"went_well", "to_improve", "welfare_actions"}
    assert closing.debrief_of(session, incident) is None
    closing.close(session, incident, DEBRIEF, actor=duty, now=now)
    assert incident.status is IncidentStatus.CLOSED
    assert closing.debrief_of(session, incident).to_improve == "Schools were told late."  # type: ignore[union-attr]


def test_exercises_are_left_out_of_the_figures(launch: Launch, session: Any, now: datetime,
                                               duty: User) -> None:
    for mode in (IncidentMode.LIVE, IncidentMode.EXERCISE):
        incident = worked(launch, session, now, duty, mode=mode)
        closing.stand_down(session, incident, "Done", actor=duty, now=now + timedelta(hours=1))
        closing.close(session, incident, DEBRIEF, actor=duty, now=now + timedelta(hours=2))
    rows, median = closing.closed_live_figures(session)
    assert [incident.mode for incident, _ in rows] == [IncidentMode.LIVE]
    assert median == 38


def test_the_report_holds_everything(client: FlaskClient, signed_in: Callable[..., User], launch: Launch,
                                     session: Any, now: datetime, duty: User) -> None:
    incident = worked(launch, session, now, duty)
    closing.stand_down(session, incident, "Charged", actor=duty, now=now + timedelta(hours=1))
    closing.close(session, incident, DEBRIEF, actor=duty, now=now + timedelta(hours=2))
    session.commit()
    signed_in(Role.VIEWER)
    page = client.get(f"/incidents/{incident.id}/report")
    assert page.status_code == 200
    for words in ("Time to first holding statement", "38 minutes", "1 of 2", "Release at 10:08",
                  "Launched from", "Officers were called to Acre Lane", "Released at",
                  "Schools were told late.", "Check in with the FLO."):
        assert words in page.text, words
    markdown = client.get(f"/incidents/{incident.id}/report.md")
    assert markdown.headers["Content-Type"].startswith("text/markdown")
    assert markdown.headers["Content-Disposition"] == 'attachment; filename="CI-2026-0001.md"'
    text = markdown.text
    assert text.startswith("# CI-2026-0001: Robbery of a pupil, Acre Lane")
    assert "- Time to first holding statement: 38 minutes" in text and "> Officers were called" in text
    assert "### 1. Release at 10:08" in text


def test_stand_down_and_close_from_the_page(client: FlaskClient, signed_in: Callable[..., User],
                                            launch: Launch) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    bad = client.post(f"/incidents/{incident.id}/stand-down", data={"reason": ""})
    assert bad.status_code == 422 and "Say why the incident is being stood down" in bad.text
    assert client.post(f"/incidents/{incident.id}/stand-down", data={"reason": "Charged"}).status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "Debrief and close" in page and "Time to first holding statement" in page
    assert client.post(f"/incidents/{incident.id}/close", data={"went_well": "Fast", "to_improve": "Slow"}
                       ).status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "Debrief and figures" in page and "Fast" in page and "Close with this debrief" not in page


def test_viewers_cannot_stand_down_or_close(client: FlaskClient, signed_in: Callable[..., User],
                                            launch: Launch) -> None:
    incident = launch()
    signed_in(Role.VIEWER)
    assert client.post(f"/incidents/{incident.id}/stand-down", data={"reason": "x"}).status_code == 403
    assert client.post(f"/incidents/{incident.id}/close", data={"went_well": "x"}).status_code == 403


def test_figures_page_and_report_use_bounded_queries(client: FlaskClient, signed_in: Callable[..., User],
                                                     launch: Launch, session: Any, now: datetime,
                                                     duty: User) -> None:
    signed_in(Role.VIEWER)

    def close_some(count: int) -> None:
        for _ in range(count):
            incident = worked(launch, session, now, duty)
            closing.stand_down(session, incident, "Done", actor=duty, now=now + timedelta(hours=1))
            closing.close(session, incident, DEBRIEF, actor=duty, now=now + timedelta(hours=2))
        session.commit()

    def measure(path: str) -> int:
        client.get(path)  # each request has its own session, so nothing is cached from the test's
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    close_some(2)
    small = measure("/incidents/figures"), measure("/incidents/1/report")
    close_some(10)
    assert (measure("/incidents/figures"), measure("/incidents/1/report")) == small
