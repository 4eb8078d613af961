"""Asking for a statement's sign-off: the signer is told, and the request clears once it is decided."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents import service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Incident, IncidentMode, IncidentStatement, TimelineEvent
from commsplan.notifications.jobs import current_settings, run_dispatch
from commsplan.notifications.kinds import Urgency
from commsplan.notifications.models import InboxItem, Reminder, ReminderStatus
from tests.conftest import sign_in
from tests.factories import make_user
from tests.incidents.conftest import statement_of

Launch = Callable[..., Incident]



def asked(session: Any, statement: IncidentStatement) -> list[Reminder]:
    return list(session.scalars(select(Reminder).where(
        Reminder.idempotency_key.startswith(statement_service.sign_off_prefix(statement)))
        .order_by(Reminder.recipient_user_id)))


@pytest.fixture
def approvers(session: Any, now: datetime) -> list[User]:
    return [make_user(session, roles=(Role.APPROVER,), name=name, now=now)
            for name in ("Helen Marsh", "Ravi Shah")]


def test_asking_tells_every_approver_but_the_drafter_urgently_in_a_live_incident(
        launch: Launch, session: Any, now: datetime, duty: User, approvers: list[User]) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")  # its step is signed off by the SIO; nobody holds it
    drafter_approver = make_user(session, roles=(Role.APPROVER, Role.COMMS_OFFICER), name="Both", now=now)
    statement_service.edit(session, incident, holding, holding.body + " Thank you.", actor=drafter_approver,
                           now=now)

    people = statement_service.ask_for_sign_off(session, incident, holding, actor=duty, now=now,
                                                settings=current_settings())

    assert sorted(p.name for p in people) == ["Helen Marsh", "Ravi Shah"]
    reminders = asked(session, holding)
    assert [r.recipient_user_id for r in reminders] == [a.id for a in approvers]
    assert {(r.kind, r.urgency, r.in_app_only) for r in reminders} == {("approval_waiting", Urgency.URGENT,
                                                                          False)}
    assert reminders[0].subject_title == "CI-2026-0001: sign off “Holding statement”"
    assert reminders[0].subject_link == f"/incidents/{incident.id}#statement-{holding.id}"
    assert (holding.sign_off_asked_at, holding.sign_off_asked_by_id) == (now, duty.id)
    texts = [e.text for e in session.scalars(
        select(TimelineEvent).where(TimelineEvent.kind == "statement_sign_off"))]
    assert texts == ["Sign-off of Holding statement asked of Helen Marsh, Ravi Shah."]


def test_the_holder_of_the_sign_off_role_alone_is_asked(launch: Launch, session: Any, now: datetime,
                                                        duty: User, approvers: list[User]) -> None:
    incident = launch(next_update_time="4pm")
    sio = make_user(session, roles=(Role.DUTY_OFFICER,), name="Sam Sio", now=now)
    service.assign_role(session, incident, "sio", sio, note="", actor=duty, now=now,
                        settings=current_settings())
    holding = statement_of(session, incident, "holding")

    statement_service.ask_for_sign_off(session, incident, holding, actor=duty, now=now,
                                       settings=current_settings())

    assert [r.recipient_user_id for r in asked(session, holding)] == [sio.id]


def test_an_exercise_asks_in_the_app_only(launch: Launch, session: Any, now: datetime, duty: User,
                                          approvers: list[User]) -> None:
    incident = launch(mode=IncidentMode.EXERCISE, next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    statement_service.ask_for_sign_off(session, incident, holding, actor=duty, now=now,
                                       settings=current_settings())
    assert {r.in_app_only for r in asked(session, holding)} == {True}


def test_a_statement_with_gaps_cannot_be_sent_for_sign_off(launch: Launch, session: Any, now: datetime,
                                                          duty: User, approvers: list[User]) -> None:
    incident = launch()  # no next update time: the holding statement has a gap
    with pytest.raises(ValidationError, match="Fill every gap"):
        statement_service.ask_for_sign_off(session, incident, statement_of(session, incident, "holding"),
                                           actor=duty, now=now, settings=current_settings())


def test_nobody_to_ask_is_a_clear_refusal(launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    with pytest.raises(Conflict, match="Nobody but its drafter"):
        statement_service.ask_for_sign_off(session, incident, statement_of(session, incident, "holding"),
                                           actor=duty, now=now, settings=current_settings())


def test_approval_clears_the_request_from_every_inbox(launch: Launch, session: Any, now: datetime,
                                                      duty: User, approvers: list[User]) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    statement_service.ask_for_sign_off(session, incident, holding, actor=duty, now=now,
                                       settings=current_settings())
    session.commit()
    run_dispatch(now=lambda: now, send=lambda *args: None)
    later = now + timedelta(minutes=4)

    statement_service.approve(session, incident, holding, actor=approvers[0], now=later)

    items = session.scalars(select(InboxItem).where(InboxItem.kind == "approval_waiting")
                            .order_by(InboxItem.user_id)).all()
    assert [item.user_id for item in items] == [a.id for a in approvers]
    assert all(item.resolved_at == later and item.resolution == "Approved by Helen Marsh at 10:04"
               for item in items)


def test_changing_the_words_withdraws_the_request(launch: Launch, session: Any, now: datetime, duty: User,
                                                  approvers: list[User]) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    statement_service.ask_for_sign_off(session, incident, holding, actor=duty, now=now,
                                       settings=current_settings())

    statement_service.edit(session, incident, holding, holding.body + " More.", actor=duty, now=now)

    assert holding.sign_off_asked_at is None
    assert {r.status for r in asked(session, holding)} == {ReminderStatus.CANCELLED}


def test_asking_from_the_page(client: FlaskClient, launch: Launch, session: Any, now: datetime, duty: User,
                              approvers: list[User]) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    session.commit()
    sign_in(client, duty)
    page = client.get(f"/incidents/{incident.id}").text
    assert "Ask for sign-off<span class=\"govuk-visually-hidden\">: Holding statement" in page

    response = client.post(f"/incidents/{incident.id}/statements/{holding.id}/ask",
                           follow_redirects=True)

    assert response.status_code == 200
    assert "Helen Marsh, Ravi Shah asked to sign off Holding statement." in response.text
    assert "Waiting for sign-off</strong> since" in response.text
