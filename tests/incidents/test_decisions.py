"""The decision log: append-only, hash-chained, corrections supersede; tampering is named."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select, text

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.extensions import db
from commsplan.incidents import closing, decisions
from commsplan.incidents.decisions import DecisionInput, Problem
from commsplan.incidents.models import DecisionEntry, Incident, TimelineEvent
from tests.conftest import count_queries, sign_in
from tests.factories import make_user
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]
SECTION_60 = DecisionInput(
    decision_role="sio", decision="Publish the section 60 authorisation for Brixton until 6am.",
    information="Two sightings of a knife near the station since the stabbing.",
    threat_risk="Retaliation likely tonight.", powers_policy="Criminal Justice and Public Order Act 1994 s60",
    options="Dispersal order only: rejected, does not allow searches.", action_review="Review at 5am.")
TOO_LONG = "x" * (decisions.LONGEST_PART + 1)


def log(session: Any, incident: Incident, actor: User, now: datetime, entry: DecisionInput = SECTION_60,
        **kwargs: Any) -> DecisionEntry:
    return decisions.add_decision(session, incident, entry, actor=actor, now=now, **kwargs)


def written_anything(session: Any) -> bool:
    return any(session.scalar(select(func.count()).select_from(table).where(where)) for table, where in (
        (DecisionEntry, DecisionEntry.id.is_not(None)), (TimelineEvent, TimelineEvent.kind == "decision"),
        (AuditEntry, AuditEntry.action == "decision")))


# --- The service -------------------------------------------------------------------------------

def test_entries_chain_their_hashes_in_sequence(launch: Launch, session: Any, duty: User,
                                                now: datetime) -> None:
    incident = launch()
    first = log(session, incident, duty, now)
    second = log(session, incident, duty, now + timedelta(minutes=5))
    other = log(session, launch(title="Another"), duty, now)
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.prev_hash == decisions.GENESIS == "0" * 64 and second.prev_hash == first.hash
    assert other.prev_hash == decisions.GENESIS
    assert second.hash == decisions.content_hash(second) and len(second.hash) == 64
    assert decisions.verify_chain(session) == ([], 3, 2)
    assert decisions.decisions_of(session, incident) == [first, second]
    event = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "decision")).first()
    assert event.text.startswith("Decision 1 by Dana Duty (Senior investigating officer): Publish the")
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "decision")).all()
    assert [(a.object_type, a.object_id) for a in audited] == [("incident", str(incident.id))] * 2 + [
        ("incident", str(other.incident_id))]


def test_the_timeline_quotes_at_most_200_characters(launch: Launch, session: Any, duty: User,
                                                    now: datetime) -> None:
    incident = launch()
    entry = log(session, incident, duty, now, DecisionInput("sio", "y" * 300))
    assert len(entry.decision) == 300
    event = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "decision")).one()
    assert event.text.endswith(": " + "y" * 200)


@pytest.mark.parametrize("field", ["incident_id", "sequence", "at", "decided_by_id", "decision_role",
                                   "decision", *decisions.NDM_PARTS, "supersedes_id", "prev_hash"])
def test_the_hash_covers_every_stored_field(launch: Launch, session: Any, duty: User, now: datetime,
                                            field: str) -> None:
    entry = log(session, launch(), duty, now)
    before = decisions.content_hash(entry)
    changed = {"at": now + timedelta(microseconds=1), "prev_hash": "f" * 64}.get(field)
    if changed is None:
        value = getattr(entry, field)
        changed = (value or 0) + 1 if field.endswith("id") or field == "sequence" else value + "."
    session.expunge(entry)
    setattr(entry, field, changed)
    assert decisions.content_hash(entry) != before


def test_a_correction_supersedes_and_cannot_be_corrected_twice(launch: Launch, session: Any, duty: User,
                                                               now: datetime) -> None:
    incident = launch()
    first = log(session, incident, duty, now)
    fix = log(session, incident, duty, now, DecisionInput("sio", "Section 60 until 4am, not 6am."),
              supersedes_id=first.id)
    assert fix.supersedes_id == first.id and first.decision == SECTION_60.decision  # the original stays
    assert decisions.superseded_ids([first, fix]) == {first.id: 2}
    with pytest.raises(ValidationError, match="Entry 1 has already been corrected"):
        log(session, incident, duty, now, supersedes_id=first.id)
    fix_of_fix = log(session, incident, duty, now, DecisionInput("sio", "Until 3am."), supersedes_id=fix.id)
    assert decisions.superseded_ids([first, fix, fix_of_fix]) == {first.id: 2, fix.id: 3}


@pytest.mark.parametrize("target", ["other incident", "no such entry"])
def test_a_correction_must_name_an_entry_of_the_same_incident(launch: Launch, session: Any, duty: User,
                                                              now: datetime, target: str) -> None:
    incident = launch()
    foreign = log(session, launch(title="Other"), duty, now)
    supersedes_id = foreign.id if target == "other incident" else foreign.id + 100
    with pytest.raises(ValidationError) as raised:
        log(session, incident, duty, now, supersedes_id=supersedes_id)
    assert raised.value.errors == {"supersedes_id": ["Choose an entry of this incident's log"]}
    assert decisions.decisions_of(session, incident) == []


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"decision_role": "chief_constable"}, "decision_role", "Choose the role you are deciding in"),
    ({"decision_role": ""}, "decision_role", "Choose the role you are deciding in"),
    ({"decision": "  \n "}, "decision", "Write the decision"),
    ({"decision": TOO_LONG}, "decision", "Use 5,000 characters at most (this is 5,001)"),
    *[({part: TOO_LONG}, part, "Use 5,000 characters at most (this is 5,001)")
      for part in decisions.NDM_PARTS],
])
def test_bad_entries_are_named_by_field_and_nothing_is_written(
        launch: Launch, session: Any, duty: User, now: datetime, changes: dict[str, str], field: str,
        words: str) -> None:
    incident = launch()
    with pytest.raises(ValidationError) as raised:
        log(session, incident, duty, now, dataclasses.replace(SECTION_60, **changes))
    assert raised.value.errors == {field: [words]}
    assert not written_anything(session)


def test_every_problem_is_named_at_once(launch: Launch, session: Any, duty: User, now: datetime) -> None:
    with pytest.raises(ValidationError) as raised:
        log(session, launch(), duty, now, DecisionInput("nobody", "", options=TOO_LONG), supersedes_id=999)
    assert set(raised.value.errors) == {"decision_role", "decision", "options", "supersedes_id"}
    assert not written_anything(session)


def test_exactly_5000_characters_is_allowed(launch: Launch, session: Any, duty: User, now: datetime) -> None:
    edge = "z" * decisions.LONGEST_PART
    entry = log(session, launch(), duty, now, DecisionInput("schools_lead", edge, information=edge))
    assert entry.decision == entry.information == edge


def test_duty_officers_and_approvers_log_and_nobody_else(launch: Launch, session: Any, duty: User,
                                                         now: datetime) -> None:
    incident = launch()
    approver = make_user(session, roles=(Role.APPROVER,), now=now)
    assert log(session, incident, duty, now).decided_by_id == duty.id
    assert log(session, incident, approver, now).decided_by_id == approver.id
    for role in (Role.VIEWER, Role.COMMS_OFFICER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            log(session, incident, make_user(session, roles=(role,), now=now), now)
    assert [entry.sequence for entry in decisions.decisions_of(session, incident)] == [1, 2]


def test_only_an_active_incident_takes_decisions(launch: Launch, session: Any, duty: User,
                                                 now: datetime) -> None:
    incident = launch()
    log(session, incident, duty, now)
    closing.stand_down(session, incident, "Suspect charged", actor=duty, now=now)
    with pytest.raises(Conflict, match="stood down"):
        log(session, incident, duty, now)
    assert len(decisions.decisions_of(session, incident)) == 1


# --- verify-log --------------------------------------------------------------------------------

def tampered(runner: FlaskCliRunner, sql: str, *args: str, **values: Any) -> str:
    db.session.execute(text(sql), values)
    db.session.commit()
    result = runner.invoke(args=["incidents", "verify-log", *args])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    return result.output


@pytest.fixture
def three(launch: Launch, session: Any, duty: User, now: datetime) -> list[DecisionEntry]:
    incident = launch()
    entries = [log(session, incident, duty, now + timedelta(minutes=n)) for n in range(3)]
    session.commit()
    return entries


def test_verify_log_passes_an_intact_log(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    result = runner.invoke(args=["incidents", "verify-log"])
    assert result.exit_code == 0 and result.output == "Decision logs intact: 3 entries in 1 incidents.\n"
    assert runner.invoke(args=["incidents", "verify-log", "--incident", "CI-2026-0001"]).exit_code == 0
    unknown = runner.invoke(args=["incidents", "verify-log", "--incident", "CI-1999-0001"])
    assert unknown.exit_code == 1 and "No incident CI-1999-0001" in unknown.output


def test_verify_log_names_a_changed_row(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    output = tampered(runner, "UPDATE incident_decisions SET decision = 'No section 60' WHERE id = :id",
                      id=three[1].id)
    assert output.splitlines() == [
        "Broken: CI-2026-0001 decision 2: hash does not match its contents (the row was changed)",
        "1 problem(s) found in 3 decision-log entries."]


def test_verify_log_names_a_removed_row(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    output = tampered(runner, "DELETE FROM incident_decisions WHERE id = :id", id=three[1].id)
    assert "Broken: CI-2026-0001 decision 3: sequence jumps from 1 to 3 (an entry was removed)" in output
    assert "Broken: CI-2026-0001 decision 3: prev_hash does not match entry 1" in output
    assert "decision 1:" not in output and "decision 2:" not in output


def test_verify_log_names_a_removed_first_row(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    output = tampered(runner, "DELETE FROM incident_decisions WHERE id = :id", id=three[0].id)
    assert "CI-2026-0001 decision 2: sequence starts at 2, not 1 (an entry was removed)" in output
    assert "CI-2026-0001 decision 2: prev_hash is not the start-of-log value of 64 zeros" in output


def test_verify_log_names_removed_newest_rows(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    output = tampered(runner, "DELETE FROM incident_decisions WHERE id = :id", id=three[2].id)
    assert output.splitlines()[0] == (
        "Broken: CI-2026-0001 decision 3: missing: the audit trail records 3 decisions but the log ends at "
        "entry 2 (the newest entries were removed)")
    output = tampered(runner, "DELETE FROM incident_decisions")
    assert "decision 1: missing: the audit trail records 3 decisions but the log is empty" in output


def test_verify_log_names_a_rewritten_link(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    output = tampered(runner, "UPDATE incident_decisions SET prev_hash = :fake WHERE id = :id",
                      fake="f" * 64, id=three[2].id)
    assert "Broken: CI-2026-0001 decision 3: prev_hash does not match entry 2" in output
    assert "Broken: CI-2026-0001 decision 3: hash does not match its contents" in output


def test_verify_log_checks_one_incident_when_asked(runner: FlaskCliRunner, launch: Launch, duty: User,
                                                   now: datetime, three: list[DecisionEntry]) -> None:
    log(db.session, launch(title="Another"), duty, now)
    db.session.commit()
    output = tampered(runner, "UPDATE incident_decisions SET options = '' WHERE id = :id", id=three[0].id)
    assert "CI-2026-0001 decision 1" in output and "CI-2026-0002" not in output
    result = runner.invoke(args=["incidents", "verify-log", "--incident", "CI-2026-0002"])
    assert result.exit_code == 0 and "intact: 1 entries in 1 incidents" in result.output
    assert decisions.verify_chain(db.session, three[0].incident_id).problems == [
        Problem("CI-2026-0001", 1, "hash does not match its contents (the row was changed)")]


# --- The incident page -------------------------------------------------------------------------

def test_the_page_logs_decisions_and_shows_corrections(client: FlaskClient, signed_in: Callable[..., User],
                                                       launch: Launch) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    data = {"decision_role": "sio", "decision": "Release the victim's age", "options": "Wait: rejected"}
    assert client.post(f"/incidents/{incident.id}/decisions", data=data).status_code == 302
    first = db.session.scalar(select(DecisionEntry))
    assert first is not None
    fix = {"decision_role": "schools_lead", "decision": "Do not release the age yet",
           "supersedes_id": str(first.id)}
    assert client.post(f"/incidents/{incident.id}/decisions", data=fix).status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "<del>Release the victim&#39;s age</del>" in page
    assert 'Superseded by <a class="govuk-link" href="#decision-2">entry 2</a>' in page
    assert 'corrects <a class="govuk-link" href="#decision-1">entry 1</a>' in page
    assert "as Safer schools lead" in page
    assert "Options considered</dt>" in page and "Wait: rejected" in page
    assert "Powers and policy</dt>" not in page  # headings only where filled
    assert f'<option value="{first.id}">1. ' not in page  # a corrected entry cannot be corrected again
    check = client.get(f"/incidents/{incident.id}/decisions/verify")
    assert check.status_code == 200 and "All 2 entries match" in check.text


def test_times_are_shown_in_london(client: FlaskClient, signed_in: Callable[..., User], launch: Launch,
                                   duty: User, now: datetime) -> None:
    incident = launch()
    log(db.session, incident, duty, datetime(2026, 7, 1, 12, 30, tzinfo=now.tzinfo))  # BST: 13:30
    db.session.commit()
    signed_in(Role.COMMS_OFFICER)
    assert "13:30, 1 Jul · Dana Duty as Senior investigating officer" in client.get(
        f"/incidents/{incident.id}").text


def test_the_page_names_each_bad_field_and_keeps_what_was_typed(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch) -> None:
    incident = launch()
    signed_in(Role.APPROVER)
    data = {"decision_role": "", "decision": " ", "information": "Seen on CCTV", "options": TOO_LONG}
    bad = client.post(f"/incidents/{incident.id}/decisions", data=data)
    assert bad.status_code == 422
    for words in ('<a href="#decision_role">Choose the role you are deciding in</a>',
                  '<a href="#decision">Write the decision</a>', '<a href="#options">Use 5,000 characters',
                  'id="options-error"', '<details class="govuk-details" open>',
                  'name="information" rows="2" aria-describedby="information-hint">Seen on CCTV</textarea>'):
        assert words in bad.text, words
    assert not written_anything(db.session)
    good = {"decision_role": "duty_press_officer", "decision": "Hold the name back"}
    assert client.post(f"/incidents/{incident.id}/decisions", data=good).status_code == 302


def test_the_form_offers_the_role_the_person_holds(client: FlaskClient, launch: Launch, duty: User) -> None:
    incident = launch()
    sign_in(client, duty)
    assert '<option value="duty_officer" selected>' in client.get(f"/incidents/{incident.id}").text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMS_OFFICER, Role.ADMIN])
def test_others_cannot_log(client: FlaskClient, signed_in: Callable[..., User], launch: Launch,
                           role: Role) -> None:
    incident = launch()
    signed_in(role)
    data = {"decision_role": "sio", "decision": "x"}
    assert client.post(f"/incidents/{incident.id}/decisions", data=data).status_code == 403
    assert "Log a decision" not in client.get(f"/incidents/{incident.id}").text
    assert not written_anything(db.session)


def test_a_stood_down_incident_shows_its_log_but_takes_no_more(client: FlaskClient, launch: Launch,
                                                               signed_in: Callable[..., User], duty: User,
                                                               now: datetime) -> None:
    incident = launch()
    log(db.session, incident, duty, now)
    closing.stand_down(db.session, incident, "Suspect charged", actor=duty, now=now)
    db.session.commit()
    signed_in(Role.DUTY_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    assert "Publish the section 60" in page and "Log a decision" not in page
    refused = client.post(f"/incidents/{incident.id}/decisions",
                          data={"decision_role": "sio", "decision": "x"})
    assert refused.status_code == 409


def test_the_check_page_names_a_broken_entry(client: FlaskClient, signed_in: Callable[..., User],
                                             three: list[DecisionEntry]) -> None:
    db.session.execute(text("UPDATE incident_decisions SET threat_risk = 'None' WHERE id = :id"),
                       {"id": three[1].id})
    db.session.commit()
    signed_in(Role.COMMS_OFFICER)
    page = client.get(f"/incidents/{three[0].incident_id}/decisions/verify").text
    assert "The log has been changed outside Commsplan" in page
    assert "Entry 2: hash does not match its contents (the row was changed)" in page
    assert "Entry 1:" not in page and "Entry 3:" not in page


def test_the_page_query_count_does_not_grow_with_the_log(client: FlaskClient, signed_in: Callable[..., User],
                                                         launch: Launch, duty: User, now: datetime) -> None:
    signed_in(Role.DUTY_OFFICER)
    incident = launch()
    incident_id = incident.id

    def measure() -> int:
        client.get(f"/incidents/{incident_id}")
        db.session.remove()
        with count_queries() as counter:
            assert client.get(f"/incidents/{incident_id}").status_code == 200
        return counter.count

    first_id = log(db.session, incident, duty, now).id
    db.session.commit()
    one = measure()
    incident = db.session.get(Incident, incident_id)
    duty = db.session.merge(duty)
    for minute in range(19):
        log(db.session, incident, duty, now + timedelta(minutes=minute),
            supersedes_id=first_id if minute == 0 else None)
    db.session.commit()
    assert measure() == one
