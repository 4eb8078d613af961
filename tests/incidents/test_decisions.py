"""The decision log: append-only, hash-chained, corrections supersede; tampering is named."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, text

from commsplan.auth.models import Role, User
from commsplan.errors import PermissionDenied, ValidationError
from commsplan.extensions import db
from commsplan.incidents import decisions
from commsplan.incidents.decisions import DecisionInput
from commsplan.incidents.models import DecisionEntry, Incident, TimelineEvent
from tests.conftest import count_queries
from tests.factories import make_user
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]
SECTION_60 = DecisionInput(
    decision_role="sio", decision="Publish the section 60 authorisation for Brixton until 6am.",
    information="Two sightings of a knife near the station since the stabbing.",
    threat_risk="Retaliation likely tonight.", powers_policy="Criminal Justice and Public Order Act 1994 s60",
    options="Dispersal order only: rejected, does not allow searches.", action_review="Review at 5am.")


def log(session: Any, incident: Incident, actor: User, now: datetime, entry: DecisionInput = SECTION_60,
        **kwargs: Any) -> DecisionEntry:
    return decisions.add_decision(session, incident, entry, actor=actor, now=now, **kwargs)


def test_entries_chain_their_hashes_in_sequence(launch: Launch, session: Any, duty: User,
                                                now: datetime) -> None:
    incident = launch()
    first = log(session, incident, duty, now)
    second = log(session, incident, duty, now + timedelta(minutes=5))
    other = log(session, launch(title="Another"), duty, now)
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.prev_hash == decisions.GENESIS and second.prev_hash == first.hash
    assert other.prev_hash == decisions.GENESIS
    assert second.hash == decisions.content_hash(second) and len(second.hash) == 64
    assert decisions.verify_chain(session) == ([], 3, 2)
    event = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "decision")).first()
    assert event.text.startswith("Decision 1 by Dana Duty (Senior investigating officer): Publish the")


def test_a_correction_supersedes_and_cannot_be_corrected_twice(launch: Launch, session: Any, duty: User,
                                                               now: datetime) -> None:
    incident = launch()
    first = log(session, incident, duty, now)
    fix = log(session, incident, duty, now, DecisionInput("sio", "Section 60 until 4am, not 6am."),
              supersedes_id=first.id)
    assert decisions.superseded_ids([first, fix]) == {first.id: 2}
    with pytest.raises(ValidationError, match="already been corrected"):
        log(session, incident, duty, now, supersedes_id=first.id)
    foreign = log(session, launch(title="Other"), duty, now)
    with pytest.raises(ValidationError, match="this incident's log"):
        log(session, incident, duty, now, supersedes_id=foreign.id)


@pytest.mark.parametrize(("entry", "field", "words"), [
    (DecisionInput("chief_constable", "Go"), "decision_role", "Choose the role"),
    (DecisionInput("sio", "  "), "decision", "Write the decision"),
    (DecisionInput("sio", "x" * 5001), "decision", "5,000 characters at most"),
    (DecisionInput("sio", "Go", options="y" * 5001), "options", "(this is 5,001)"),
])
def test_bad_entries_are_named_and_nothing_is_written(launch: Launch, session: Any, duty: User, now: datetime,
                                                      entry: DecisionInput, field: str, words: str) -> None:
    incident = launch()
    with pytest.raises(ValidationError) as raised:
        log(session, incident, duty, now, entry)
    assert words in raised.value.errors[field][0]
    assert session.scalar(select(DecisionEntry.id)) is None


def test_who_may_log(launch: Launch, session: Any, now: datetime) -> None:
    incident = launch()
    approver = make_user(session, roles=(Role.APPROVER,), now=now)
    assert log(session, incident, approver, now).decided_by_id == approver.id
    for role in (Role.VIEWER, Role.COMMS_OFFICER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            log(session, incident, make_user(session, roles=(role,), now=now), now)


def tampered(runner: FlaskCliRunner, sql: str, **values: Any) -> str:
    db.session.execute(text(sql), values)
    db.session.commit()
    result = runner.invoke(args=["incidents", "verify-log"])
    assert result.exit_code == 1
    return result.output


@pytest.fixture
def three(launch: Launch, session: Any, duty: User, now: datetime) -> list[DecisionEntry]:
    incident = launch()
    entries = [log(session, incident, duty, now + timedelta(minutes=n)) for n in range(3)]
    session.commit()
    return entries


def test_verify_log_passes_an_intact_log(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    result = runner.invoke(args=["incidents", "verify-log"])
    assert result.exit_code == 0 and "Decision logs intact: 3 entries in 1 incidents." in result.output
    assert runner.invoke(args=["incidents", "verify-log", "--incident", "CI-2026-0001"]).exit_code == 0
    assert runner.invoke(args=["incidents", "verify-log", "--incident", "CI-1999-0001"]).exit_code == 1


def test_verify_log_names_a_changed_row(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    output = tampered(runner, "UPDATE incident_decisions SET decision = 'No section 60' WHERE id = :id",
                      id=three[1].id)
    assert ("Broken: CI-2026-0001 decision 2: its contents no longer match its hash: the row was changed"
            in output)
    assert "decision 1" not in output and "decision 3" not in output


def test_verify_log_names_a_removed_row(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    output = tampered(runner, "DELETE FROM incident_decisions WHERE id = :id", id=three[1].id)
    assert "CI-2026-0001 decision 3: the log jumps from entry 1 to 3: an entry was removed" in output
    assert "CI-2026-0001 decision 3: it does not carry the hash of the entry before it" in output


def test_verify_log_names_a_rewritten_link(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    output = tampered(runner, "UPDATE incident_decisions SET prev_hash = :fake WHERE id = :id",
                      fake="f" * 64, id=three[2].id)
    assert "CI-2026-0001 decision 3: it does not carry the hash of the entry before it" in output


def test_the_page_logs_decisions_and_shows_corrections(client: FlaskClient, signed_in: Callable[..., User],
                                                       launch: Launch) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    data = {"decision_role": "sio", "decision": "Release the victim's age", "options": "Wait: rejected"}
    assert client.post(f"/incidents/{incident.id}/decisions", data=data).status_code == 302
    first = db.session.scalar(select(DecisionEntry))
    assert first is not None
    fix = {"decision_role": "sio", "decision": "Do not release the age yet", "supersedes_id": str(first.id)}
    assert client.post(f"/incidents/{incident.id}/decisions", data=fix).status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "<del>Release the victim&#39;s age</del>" in page and "Superseded by entry 2" in page
    assert "Options considered" in page and "Wait: rejected" in page
    bad = client.post(f"/incidents/{incident.id}/decisions", data={"decision_role": "sio", "decision": ""})
    assert bad.status_code == 422 and "Write the decision" in bad.text
    check = client.get(f"/incidents/{incident.id}/decisions/verify")
    assert check.status_code == 200 and "All 2 entries match" in check.text


def test_viewers_cannot_log(client: FlaskClient, signed_in: Callable[..., User], launch: Launch) -> None:
    incident = launch()
    signed_in(Role.VIEWER)
    assert client.post(f"/incidents/{incident.id}/decisions", data={"decision": "x"}).status_code == 403
    assert "Log a decision" not in client.get(f"/incidents/{incident.id}").text


def test_the_page_query_count_does_not_grow_with_the_log(client: FlaskClient, signed_in: Callable[..., User],
                                                         launch: Launch, duty: User, now: datetime) -> None:
    signed_in(Role.DUTY_OFFICER)
    incident = launch()
    incident_id = incident.id

    def measure() -> int:
        client.get(f"/incidents/{incident_id}")
        db.session.remove()
        with count_queries() as counter:
            client.get(f"/incidents/{incident_id}")
        return counter.count

    log(db.session, incident, duty, now)
    db.session.commit()
    one = measure()
    incident = db.session.get(Incident, incident_id)
    duty = db.session.merge(duty)
    for minute in range(19):
        log(db.session, incident, duty, now + timedelta(minutes=minute))
    db.session.commit()
    assert measure() == one
