"""Standing down, closing with a debrief, the figures, and the incident report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.extensions import db
from commsplan.incidents import assessments, closing, decisions, drafts, service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.figures import IncidentFigures, closed_live_summary
from commsplan.incidents.figures import figures as figures_of
from commsplan.incidents.models import (
    Debrief,
    Incident,
    IncidentMode,
    IncidentStatement,
    IncidentStatus,
    IncidentTask,
    StatementStatus,
    TaskStatus,
    TimelineEvent,
)
from commsplan.notifications.jobs import current_settings
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.timeutil import to_london
from tests.conftest import count_queries
from tests.factories import make_user
from tests.incidents.conftest import statement_of
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]
DEBRIEF = closing.DebriefInput(went_well="Holding statement out inside the hour.",
                               to_improve="Schools were told late.", welfare_actions="Check in with the FLO.")


def task(incident: Incident, step_id: str) -> IncidentTask:
    found = db.session.scalar(select(IncidentTask).where(IncidentTask.incident_id == incident.id,
                                                         IncidentTask.step_id == step_id))
    assert found is not None
    return found


def count(model: Any, *criteria: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


def release_holding(session: Any, incident: Incident, duty: User, at: datetime) -> None:
    approver = make_user(session, roles=(Role.APPROVER,), now=at)
    holding = statement_of(session, incident)
    statement_service.approve(session, incident, holding, actor=approver, now=at)
    statement_service.release(session, incident, holding, ["X"], actor=duty, now=at,
                              settings=current_settings())


def worked(launch: Launch, session: Any, now: datetime, duty: User, **changes: Any) -> Incident:
    """Notified at 09:30; holding statement released at 10:08 (which completes its task, on time);
    monitor done late."""
    incident = launch(next_update_time="4pm", **changes)
    release_holding(session, incident, duty, now + timedelta(minutes=8))
    service.complete_task(session, incident, task(incident, "monitor"), actor=duty, now=now,
                          settings=current_settings())
    decisions.add_decision(session, incident, decisions.DecisionInput("duty_officer", "Release at 10:08"),
                           actor=duty, now=now)
    return incident


def stood_down_and_closed(incident: Incident, duty: User, now: datetime) -> Incident:
    closing.stand_down(db.session, incident, "Charged", actor=duty, now=now + timedelta(hours=1))
    closing.close(db.session, incident, DEBRIEF, actor=duty, now=now + timedelta(hours=2))
    return incident


# --- Figures -----------------------------------------------------------------------------------

def test_figures_are_measured_exactly(launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = worked(launch, session, now, duty)
    closing.stand_down(session, incident, "Charged and remanded", actor=duty, now=now + timedelta(hours=2))
    figures = figures_of(session, incident)
    assert figures == IncidentFigures(minutes_to_holding=38, done_on_time=1, done_with_due_time=2,
                                              overdue=1, statements_released=1, decisions=1)
    assert figures.holding_text == "38 minutes"
    assert figures.on_time_text == "1 of 2"  # monitor was due 09:45 and done at 10:00
    # Overdue: monitor, done late. Its repeat falls due at 12:00, the moment of the stand-down: not past it.


def test_open_tasks_past_due_count_as_overdue_at_the_stand_down(launch: Launch, session: Any, now: datetime,
                                                                duty: User) -> None:
    incident = launch()  # monitor due 09:45, holding due 10:15; now is 10:00
    assert figures_of(session, incident).overdue == 0  # active, and no time given to measure by
    assert figures_of(session, incident, now=now).overdue == 1  # monitor, still open
    closing.stand_down(session, incident, "Not needed", actor=duty, now=now + timedelta(minutes=20))
    figures = figures_of(session, incident, now=now + timedelta(days=3))  # the stand-down time rules
    assert (figures.overdue, figures.on_time_text) == (2, "0 of 0")


def test_a_task_skipped_after_its_due_time_was_overdue(launch: Launch, session: Any, now: datetime,
                                                       duty: User) -> None:
    incident = launch()
    service.skip_task(session, incident, task(incident, "monitor"), reason="Nothing online", actor=duty,
                      now=now, settings=current_settings())
    closing.stand_down(session, incident, "Done", actor=duty, now=now + timedelta(minutes=5))
    figures = figures_of(session, incident)
    assert (figures.overdue, figures.on_time_text) == (1, "0 of 0")  # skipped is not done


def test_no_released_holding_statement_is_said_in_words(launch: Launch, session: Any, now: datetime,
                                                        duty: User) -> None:
    incident = launch(next_update_time="4pm")
    approver = make_user(session, roles=(Role.APPROVER,), now=now)
    settings = current_settings()
    service.record_anchor(session, incident, "arrest", occurred_at=now, note="", actor=duty, now=now,
                          settings=settings)
    by_template = {s.template_id: s for s in drafts.statements_of(session, incident)}
    holding, arrest = by_template["holding"], by_template["arrest"]
    statement_service.approve(session, incident, holding, actor=approver, now=now)  # but never released
    statement_service.approve(session, incident, arrest, actor=approver, now=now)
    statement_service.release(session, incident, arrest, ["Force website"], actor=duty, now=now,
                              settings=current_settings())
    closing.stand_down(session, incident, "Not a critical incident", actor=duty, now=now)
    figures = figures_of(session, incident)
    assert figures.minutes_to_holding is None and figures.statements_released == 1
    assert figures.holding_text == "No holding statement was released"


def test_the_aggregate_is_closed_live_incidents_only(launch: Launch, session: Any, now: datetime,
                                                     duty: User) -> None:
    for mode in (IncidentMode.LIVE, IncidentMode.EXERCISE):
        stood_down_and_closed(worked(launch, session, now, duty, mode=mode), duty, now)  # 38 minutes each
    slow = launch(next_update_time="4pm", notified_at=now - timedelta(hours=1))
    release_holding(session, slow, duty, now)  # 60 minutes
    stood_down_and_closed(slow, duty, now)
    stood_down_and_closed(launch(), duty, now)  # no holding statement: a row, but not in the median
    worked(launch, session, now, duty)  # still active: left out
    closing.stand_down(session, worked(launch, session, now, duty), "Done", actor=duty, now=now)  # not closed
    summary = closed_live_summary(session, page=1, per_page=25)
    rows = summary.rows
    assert all(i.mode is IncidentMode.LIVE and i.status is IncidentStatus.CLOSED for i, _ in rows)
    assert sorted(f.minutes_to_holding or 0 for _, f in rows) == [0, 38, 60]
    assert (summary.incidents, summary.median_minutes_to_holding) == (3, 49)  # between 38 and 60
    for figure in ("done_on_time", "done_with_due_time", "overdue", "statements_released", "decisions"):
        assert getattr(summary.totals, figure) == sum(getattr(f, figure) for _, f in rows), figure
    stood_down_and_closed(worked(launch, session, now, duty), duty, now)
    assert closed_live_summary(session, page=1, per_page=25).median_minutes_to_holding == 38  # 38, 38, 60


def test_the_figures_come_a_page_at_a_time_newest_closed_first(launch: Launch, session: Any, now: datetime,
                                                               duty: User) -> None:
    closed = [stood_down_and_closed(launch(title=f"Robbery {n}"), duty, now + timedelta(days=n))
              for n in range(3)]
    first, second = (closed_live_summary(session, page=page, per_page=2) for page in (1, 2))
    assert [i for i, _ in first.rows] == closed[:0:-1] and [i for i, _ in second.rows] == closed[:1]
    assert first.incidents == second.incidents == 3 and first.totals == second.totals
    assert closed_live_summary(session, page=9, per_page=2).rows == []


# --- Standing down -----------------------------------------------------------------------------

def test_stand_down_stops_every_reminder_and_further_work(launch: Launch, session: Any, now: datetime,
                                                          duty: User) -> None:
    incident = launch()
    pending = select(Reminder.idempotency_key).where(Reminder.status == ReminderStatus.PENDING)
    keys = session.scalars(pending).all()
    assert any(":task:" in key for key in keys) and any(":status-update:" in key for key in keys)
    with pytest.raises(ValidationError, match="Say why"):
        closing.stand_down(session, incident, " ", actor=duty, now=now)
    closing.stand_down(session, incident, "  Stood down by Gold ", actor=duty, now=now)
    assert incident.status is IncidentStatus.STOOD_DOWN and incident.stood_down_at == now
    assert session.scalars(pending).all() == []
    mine = IncidentTask.incident_id == incident.id
    assert count(IncidentTask, mine, IncidentTask.status == TaskStatus.OPEN) == count(IncidentTask, mine)
    assert service.timeline(session, incident)[0].text == "Stood down: Stood down by Gold"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "stand_down"))
    assert entry.changes == {"status": ["active", "stood_down"], "reason": [None, "Stood down by Gold"]}
    settings = current_settings()
    with pytest.raises(Conflict):
        service.record_anchor(session, incident, "arrest", occurred_at=now, note="", actor=duty, now=now,
                              settings=settings)
    with pytest.raises(Conflict):
        service.complete_task(session, incident, task(incident, "holding"), actor=duty, now=now,
                              settings=settings)
    with pytest.raises(Conflict):
        closing.stand_down(session, incident, "Again", actor=duty, now=now)


@pytest.mark.parametrize("role", [Role.APPROVER, Role.COMMS_OFFICER, Role.ADMIN, Role.VIEWER])
def test_only_duty_officers_stand_incidents_down(launch: Launch, session: Any, now: datetime,
                                                 role: Role) -> None:
    incident = launch()
    someone = make_user(session, roles=(role,), now=now)
    with pytest.raises(PermissionDenied):
        closing.stand_down(session, incident, "Done", actor=someone, now=now)
    assert incident.status is IncidentStatus.ACTIVE


# --- Closing -----------------------------------------------------------------------------------

def test_closing_needs_a_stand_down_first(launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = launch()
    with pytest.raises(Conflict, match="Stand the incident down"):
        closing.close(session, incident, DEBRIEF, actor=duty, now=now)
    closing.stand_down(session, incident, "Done", actor=duty, now=now)
    approver = make_user(session, roles=(Role.APPROVER,), now=now)
    debrief = closing.close(session, incident, DEBRIEF, actor=approver, now=now + timedelta(hours=1))
    assert incident.status is IncidentStatus.CLOSED and incident.closed_at == now + timedelta(hours=1)
    assert closing.debrief_of(session, incident) is debrief and debrief.written_by_id == approver.id
    assert (debrief.to_improve, debrief.playbook_changes) == ("Schools were told late.", "")
    assert service.timeline(session, incident)[0].text == "Closed with a debrief."
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "close"))
    assert entry.changes["status"] == ["stood_down", "closed"]
    assert entry.changes["welfare_actions"] == [None, "Check in with the FLO."]
    with pytest.raises(Conflict, match="already closed"):
        closing.close(session, incident, DEBRIEF, actor=duty, now=now)


def test_comms_officers_cannot_close(launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = launch()
    closing.stand_down(session, incident, "Done", actor=duty, now=now)
    comms = make_user(session, roles=(Role.COMMS_OFFICER,), now=now)
    with pytest.raises(PermissionDenied):
        closing.close(session, incident, DEBRIEF, actor=comms, now=now)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("went_well", "", "Say what went well"),
    ("went_well", "  \n ", "Say what went well"),
    ("to_improve", "", "Say what to improve"),
    ("went_well", "w" * 5001, "Use 5,000 characters at most (this is 5,001)"),
    ("to_improve", "t" * 5001, "Use 5,000 characters at most"),
    ("playbook_changes", "p" * 5001, "Use 5,000 characters at most"),
    ("welfare_actions", "c" * 5001, "Use 5,000 characters at most"),
])
def test_each_debrief_error_writes_nothing(launch: Launch, session: Any, now: datetime, duty: User,
                                           field: str, value: str, message: str) -> None:
    incident = launch()
    closing.stand_down(session, incident, "Done", actor=duty, now=now)
    answers = closing.DebriefInput(**{**DEBRIEF.__dict__, field: value})
    events, audits = count(TimelineEvent), count(AuditEntry)
    with pytest.raises(ValidationError) as raised:
        closing.close(session, incident, answers, actor=duty, now=now)
    assert list(raised.value.errors) == [field] and raised.value.errors[field][0].startswith(message)
    assert incident.status is IncidentStatus.STOOD_DOWN and incident.closed_at is None
    assert (count(Debrief), count(TimelineEvent), count(AuditEntry)) == (0, events, audits)


def test_every_debrief_error_is_reported_at_once(launch: Launch, session: Any, now: datetime,
                                                 duty: User) -> None:
    incident = launch()
    closing.stand_down(session, incident, "Done", actor=duty, now=now)
    with pytest.raises(ValidationError) as raised:
        closing.close(session, incident, closing.DebriefInput("", "", welfare_actions="w" * 5001), actor=duty,
                      now=now)
    assert set(raised.value.errors) == {"went_well", "to_improve", "welfare_actions"}
    closing.close(session, incident, closing.DebriefInput("w" * 5000, "t"), actor=duty, now=now)  # the limit


# --- Pages -------------------------------------------------------------------------------------

def everything(launch: Launch, session: Any, now: datetime, duty: User, **changes: Any) -> Incident:
    """A worked incident with a correction, an impact assessment, then stood down and closed."""
    incident = worked(launch, session, now, duty, **changes)
    first = decisions.decisions_of(session, incident)[0]
    decisions.add_decision(session, incident, decisions.DecisionInput(
        "duty_officer", "Release at 10:10 instead", information="The family asked for ten minutes"),
        actor=duty, now=now + timedelta(minutes=1), supersedes_id=first.id)
    assessments.add_assessment(session, incident, assessments.AssessmentInput(
        ratings={"mood": "amber", "response": "green"}, evidence={"mood": "Parents worried at pick-up"},
        overall="amber", summary="Tension rising.", owner_id=str(duty.id),
        next_review_at=to_london(now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")),
        actor=duty, now=now + timedelta(minutes=2), settings=current_settings())
    stood_down_and_closed(incident, duty, now)
    session.commit()
    return incident


def test_the_report_holds_everything(client: FlaskClient, signed_in: Callable[..., User], launch: Launch,
                                     session: Any, now: datetime, duty: User) -> None:
    incident = everything(launch, session, now, duty)
    signed_in(Role.COMMS_OFFICER)
    page = client.get(f"/incidents/{incident.id}/report")
    assert page.status_code == 200
    for words in ("Time to first holding statement", "38 minutes", "1 of 2",
                  "<del>Release at 10:08</del> (superseded by entry 2)", "Release at 10:10 instead",
                  "Information and intelligence", "The family asked for ten minutes",
                  "Officers were called to Acre Lane", "Released at 20 Nov 2026, 10:08 on X",
                  "Version 1: overall Amber", "What is the mood at the school gate?",
                  "<strong>Amber</strong>", "Parents worried at pick-up", "Schools were told late.",
                  "Check in with the FLO."):
        assert words in page.text, words
    assert "EXERCISE" not in page.text
    order = [page.text.index(words) for words in ("Launched from", "Decision 1 by",  # 10:00
                                                  "Holding statement released by Dana Duty on X",  # 10:08
                                                  "Stood down: Charged",
                                                  "Closed with a debrief.")]
    assert order == sorted(order)  # the timeline reads oldest first


def test_the_report_downloads_as_markdown(client: FlaskClient, signed_in: Callable[..., User],
                                          launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = everything(launch, session, now, duty)
    signed_in(Role.COMMS_OFFICER)
    download = client.get(f"/incidents/{incident.id}/report.md")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert download.headers["Content-Disposition"] == 'attachment; filename="CI-2026-0001.md"'
    text = download.text
    assert text.startswith("# CI-2026-0001: Robbery of a pupil, Acre Lane\n")
    for words in ("- Time to first holding statement: 38 minutes", "- Tasks done on time: 1 of 2",
                  "> Officers were called", "Released at 20 Nov 2026, 10:08 on X.",
                  "### 1. ~~Release at 10:08~~ (superseded by entry 2)", "### 2. Release at 10:10 instead",
                  "- Information and intelligence: The family asked for ten minutes",
                  "### Version 1: overall Amber", "- What is the mood at the school gate? **Amber**",
                  "- Staff welfare actions: Check in with the FLO."):
        assert words in text, words
    assert text.index("Launched from") < text.index("Stood down: Charged") < text.index("Closed with a")


def test_exercise_reports_say_so_at_the_top(client: FlaskClient, signed_in: Callable[..., User],
                                            launch: Launch) -> None:
    incident = launch(mode=IncidentMode.EXERCISE)
    signed_in(Role.COMMS_OFFICER)
    page = client.get(f"/incidents/{incident.id}/report").text
    assert page.index("EXERCISE") < page.index("<h1")
    text = client.get(f"/incidents/{incident.id}/report.md").text
    assert text.startswith("> **EXERCISE**") and "# EX-2026-0001" in text
    assert "Not held yet." in text and "No decisions logged." in text


def test_stand_down_and_close_from_the_page(client: FlaskClient, signed_in: Callable[..., User],
                                            launch: Launch) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    assert "Why is the incident being stood down?" in page and f"/incidents/{incident.id}/report.md" in page
    bad = client.post(f"/incidents/{incident.id}/stand-down", data={"reason": ""})
    assert bad.status_code == 422 and "Say why the incident is being stood down" in bad.text
    assert client.post(f"/incidents/{incident.id}/stand-down", data={"reason": "Charged"}).status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "Debrief and close" in page and "Time to first holding statement" in page
    assert "who needs a check-in after this" in page and "Why is the incident being stood down?" not in page
    bad = client.post(f"/incidents/{incident.id}/close", data={"went_well": "Fast", "to_improve": ""})
    assert bad.status_code == 422 and "Say what to improve" in bad.text
    assert ">Fast</textarea>" in bad.text  # what was typed is kept
    assert client.post(f"/incidents/{incident.id}/close", data={"went_well": "Fast", "to_improve": "Slow"}
                       ).status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "Debrief and figures" in page and "Fast" in page and "Close with this debrief" not in page
    assert "Tasks done on time" in page


def test_approvers_close_but_do_not_stand_down(client: FlaskClient, signed_in: Callable[..., User],
                                               launch: Launch, session: Any, now: datetime,
                                               duty: User) -> None:
    incident = launch()
    signed_in(Role.APPROVER)
    assert "Why is the incident being stood down?" not in client.get(f"/incidents/{incident.id}").text
    assert client.post(f"/incidents/{incident.id}/stand-down", data={"reason": "x"}).status_code == 403
    closing.stand_down(session, incident, "Done", actor=duty, now=now)
    session.commit()
    assert "Close with this debrief" in client.get(f"/incidents/{incident.id}").text
    assert client.post(f"/incidents/{incident.id}/close", data={"went_well": "a", "to_improve": "b"}
                       ).status_code == 302


def test_viewers_cannot_stand_down_or_close(client: FlaskClient, signed_in: Callable[..., User],
                                            launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = launch()
    signed_in(Role.COMMS_OFFICER)
    assert client.post(f"/incidents/{incident.id}/stand-down", data={"reason": "x"}).status_code == 403
    closing.stand_down(session, incident, "Done", actor=duty, now=now)
    session.commit()
    page = client.get(f"/incidents/{incident.id}").text
    assert "Close with this debrief" not in page and "A duty officer or an approver closes" in page
    assert client.post(f"/incidents/{incident.id}/close", data={"went_well": "x"}).status_code == 403


def test_the_figures_page_leaves_exercises_out(client: FlaskClient, signed_in: Callable[..., User],
                                               launch: Launch, session: Any, now: datetime,
                                               duty: User) -> None:
    stood_down_and_closed(worked(launch, session, now, duty), duty, now)
    stood_down_and_closed(worked(launch, session, now, duty, mode=IncidentMode.EXERCISE,
                                 title="Practice robbery"), duty, now)
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    page = client.get("/incidents/figures").text
    assert "exercises are left out" in page and "Practice robbery" not in page
    assert "CI-2026-0001: Robbery of a pupil, Acre Lane" in page and "<strong>38 minutes</strong>" in page


# --- Queries -----------------------------------------------------------------------------------

def measure(client: FlaskClient, path: str) -> int:
    client.get(path)  # each request has its own session, so nothing is cached from the test's
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_the_figures_page_uses_the_same_queries_for_2_or_12_incidents(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, session: Any, now: datetime,
        duty: User) -> None:
    signed_in(Role.COMMS_OFFICER)

    def close_some(number: int) -> None:
        for _ in range(number):
            stood_down_and_closed(worked(launch, session, now, duty), duty, now)
        session.commit()

    close_some(2)
    small = measure(client, "/incidents/figures")
    close_some(10)
    assert measure(client, "/incidents/figures") == small
    current_app.config["PAGE_SIZE"] = 5  # and no more rows than a page holds
    page = client.get("/incidents/figures").text
    assert page.count('/report">') == 5 and "figures?page=3" in page
    assert "<dd class=\"govuk-summary-list__value\">12</dd>" in page


def test_the_report_uses_the_same_queries_for_1_or_10_decisions_and_statements(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, session: Any, now: datetime,
        duty: User) -> None:
    one = stood_down_and_closed(worked(launch, session, now, duty), duty, now)  # a decision, a statement out
    many = worked(launch, session, now, duty)
    first = decisions.decisions_of(session, many)[0]
    for number in range(9):
        decisions.add_decision(session, many, decisions.DecisionInput("duty_officer", f"Decision {number}"),
                               actor=duty, now=now, supersedes_id=first.id if number == 0 else None)
        approver = make_user(session, roles=(Role.APPROVER,), now=now)
        session.add(IncidentStatement(
            incident_id=many.id, template_id="holding", kind="update", title=f"Update {number}",
            body="More.", status=StatementStatus.RELEASED, drafted_by_id=duty.id, approved_by_id=approver.id,
            approved_at=now, released_at=now, released_by_id=duty.id, channels=["X"], created_at=now,
            updated_at=now))
    stood_down_and_closed(many, duty, now)
    session.commit()
    assert (len(decisions.decisions_of(session, many)), figures_of(session, many).statements_released) \
        == (10, 10)
    signed_in(Role.COMMS_OFFICER)
    for suffix in ("report", "report.md"):
        assert measure(client, f"/incidents/{many.id}/{suffix}") == \
            measure(client, f"/incidents/{one.id}/{suffix}")
