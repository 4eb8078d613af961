"""An incident that develops: stage-scoped do-not-say, a charged child never named, clocks recorded
again, and steps that appear or are withdrawn as conditions change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from commsplan.auth.models import User
from commsplan.errors import Conflict
from commsplan.incidents import service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.figures import figures
from commsplan.incidents.models import (
    Incident,
    IncidentAnchor,
    IncidentStatement,
    IncidentTask,
    TaskStatus,
    TimelineEvent,
)
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks.loader import load_text
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from commsplan.reference.seed import QUALIFIERS_SEED, VIOLENCE_ELEMENTS
from commsplan.timeutil import to_london
from tests.incidents.conftest import good_inputs
from tests.playbooks.test_stages import v2_text

STEPS = """  - id: referral
    title: Agree the lines with the IOPC press office
    at: iopc_referral+1h
    owner: sio
    when: iopc_referral == yes
"""
SUSPECT = ("  - {id: charged_person, label: Person charged, type: text, required: false, "
           "identifies: suspect, under_18_if: suspect_age < 18}\n"
           "  - {id: suspect_age, label: Age of the person charged, type: number, required: false}\n")


@pytest.fixture
def developing() -> Playbook:
    text = v2_text(step=STEPS).replace("at: arrest+30m\n", "at: arrest+30m\n    each: true\n", 1)
    text = text.replace("  - {id: next_update_time", SUSPECT + "  - {id: next_update_time", 1)
    result = load_text(text, "playbooks/street-robbery-test.md",
                       elements={r["code"] for r in VIOLENCE_ELEMENTS},
                       qualifiers={r["code"] for r in QUALIFIERS_SEED})
    assert result.playbook is not None, result.problems
    return result.playbook


def launch(session: Any, playbook: Playbook, duty: User, unit: BusinessUnit, now: datetime,
           **changes: str) -> Incident:
    notified = to_london(now - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
    request = service.LaunchRequest("Robbery, Acre Lane", "live", notified, good_inputs(unit.id, **changes))
    return service.launch(session, playbook, request, actor=duty, now=now, settings=current_settings())


def record(session: Any, incident: Incident, anchor: str, at: datetime, duty: User, now: datetime) -> None:
    service.record_anchor(session, incident, anchor, occurred_at=at, note="", actor=duty, now=now,
                          settings=current_settings())


def tasks_of(session: Any, incident: Incident, step_id: str) -> list[IncidentTask]:
    return list(session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id == incident.id, IncidentTask.step_id == step_id).order_by(IncidentTask.id)))


def events(session: Any, incident: Incident, kind: str) -> list[str]:
    return list(session.scalars(select(TimelineEvent.text).where(
        TimelineEvent.incident_id == incident.id, TimelineEvent.kind == kind).order_by(TimelineEvent.id)))


# --- Stage-scoped do-not-say -----------------------------------------------------------------------

def test_a_scoped_entry_blocks_only_its_kinds_until_its_clock(session: Any, developing: Playbook, duty: User,
                                                             unit: BusinessUnit, now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now)
    text = "Officers are supporting the boy and his family."
    rule = "Does not say “the boy” (until “First charge” is recorded; only in: holding statement, appeal)"

    def verdicts(kind: str) -> dict[str, bool]:
        checks = statement_service.guardrail_checks(incident, developing, text, kind)
        return {c.rule: c.passed for c in checks}

    assert verdicts("holding")[rule] is False
    assert rule not in verdicts("charge")  # not in force for a charge release
    record(session, incident, "charge", now, duty, now)
    assert rule not in verdicts("holding")  # the stage has passed
    assert verdicts("holding")["Does not say “known to police”"] is True  # a plain entry always applies


def test_the_statement_kind_decides_at_approval(session: Any, developing: Playbook, duty: User,
                                                unit: BusinessUnit, now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now)
    statement = session.scalar(select(IncidentStatement).where(IncidentStatement.incident_id == incident.id,
                                                               IncidentStatement.template_id == "holding"))
    statement.body = "We are supporting the boy."
    assert any(not c.passed for c in statement_service.statement_checks(incident, statement))
    statement.kind = "arrest"
    assert all(c.passed for c in statement_service.statement_checks(incident, statement)
               if c.rule.startswith("Does not say"))


# --- A charged child ---------------------------------------------------------------------------------

def test_a_charged_under_18_is_never_named(session: Any, developing: Playbook, duty: User, unit: BusinessUnit,
                                           now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now, charged_person="Sam Taylor", suspect_age="16")
    record(session, incident, "charge", now, duty, now)
    text = "Sam Taylor, 16, has been charged with robbery."
    checks = {c.rule: c for c in statement_service.guardrail_checks(incident, developing, text, "charge")}
    child = checks["No charged under-18 is named"]
    assert not child.passed and not child.overridable and "(“Sam Taylor”)" in child.reason
    assert "Suspect not named before charge" not in checks


def test_an_adult_charged_may_be_named_after_charge(session: Any, developing: Playbook, duty: User,
                                                    unit: BusinessUnit, now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now, charged_person="Sam Taylor", suspect_age="19")
    text = "Sam Taylor, 19, has been charged with robbery."
    before = {c.rule: c.passed for c in statement_service.guardrail_checks(incident, developing, text)}
    assert before["Suspect not named before charge"] is False
    record(session, incident, "charge", now, duty, now)
    after = {c.rule: c.passed for c in statement_service.guardrail_checks(incident, developing, text)}
    assert after["Suspect not named before charge"] is True and "No charged under-18 is named" not in after


# --- Clocks recorded again ---------------------------------------------------------------------------

def test_a_repeatable_clock_is_recorded_again_and_each_recording_kept(
        session: Any, developing: Playbook, duty: User, unit: BusinessUnit, now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now)
    first, second = now - timedelta(minutes=20), now - timedelta(minutes=5)
    record(session, incident, "arrest", first, duty, now)
    record(session, incident, "arrest", second, duty, now)
    kept = session.scalars(select(IncidentAnchor).where(IncidentAnchor.incident_id == incident.id,
                                                        IncidentAnchor.anchor == "arrest")).all()
    assert sorted((a.occurrence, a.occurred_at, a.recorded_by_id) for a in kept) == [
        (1, first, duty.id), (2, second, duty.id)]
    assert incident.anchor_times()["arrest"] == second  # steps are timed from the latest
    releases = tasks_of(session, incident, "arrest-release")  # an `each` step: one task per arrest
    assert [(t.occurrence, t.due_at) for t in releases] == [
        (1, first + timedelta(minutes=30)), (2, second + timedelta(minutes=30))]
    assert releases[1].title == "Publish the arrest release (first arrest, 2nd time)"
    drafted = session.scalars(select(IncidentStatement.task_id).where(
        IncidentStatement.incident_id == incident.id, IncidentStatement.template_id == "arrest")).all()
    assert sorted(drafted) == [t.id for t in releases]
    assert "First arrest (recorded 2 times)" in events(session, incident, "anchor")[-1]


def test_a_clock_that_is_not_repeatable_is_still_refused_a_second_time(
        session: Any, developing: Playbook, duty: User, unit: BusinessUnit, now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now)
    record(session, incident, "charge", now, duty, now)
    with pytest.raises(Conflict, match="already recorded"):
        record(session, incident, "charge", now, duty, now)


def test_open_tasks_on_a_repeated_clock_are_timed_from_the_latest(
        session: Any, playbook: Playbook, duty: User, unit: BusinessUnit, now: datetime) -> None:
    text = playbook.source_text.replace("  arrest:\n", "  arrest: {repeatable: true}\n", 1)
    repeating = load_text(text, "playbooks/street-robbery-test.md", elements=None, qualifiers=None).playbook
    assert repeating is not None
    incident = launch(session, repeating, duty, unit, now)
    record(session, incident, "arrest", now - timedelta(minutes=20), duty, now)
    record(session, incident, "arrest", now - timedelta(minutes=5), duty, now)
    [release] = tasks_of(session, incident, "arrest-release")
    assert release.due_at == now + timedelta(minutes=25)


# --- Conditions decided again ------------------------------------------------------------------------

def test_recording_a_clock_switches_on_the_steps_that_wait_for_it(
        session: Any, developing: Playbook, duty: User, unit: BusinessUnit, now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now)
    assert tasks_of(session, incident, "referral") == []
    record(session, incident, "iopc_referral", now - timedelta(minutes=10), duty, now)
    [task] = tasks_of(session, incident, "referral")
    assert (task.status, task.due_at) == (TaskStatus.OPEN, now + timedelta(minutes=50))
    assert events(session, incident, "task_appeared") == [
        f"Now applies (iopc_referral == yes): Agree the lines with the IOPC press office, due "
        f"{to_london(task.due_at):%H:%M on %-d %B}."]


def test_a_step_is_withdrawn_when_its_condition_stops_holding_and_comes_back(
        session: Any, developing: Playbook, duty: User, unit: BusinessUnit, now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now)
    [schools] = tasks_of(session, incident, "schools")  # victim_age < 18 and weapon == "knife"
    inputs = {k: str(v) for k, v in good_inputs(unit.id).items()}
    service.update_inputs(session, incident, {**inputs, "victim_age": "19"}, actor=duty, now=now,
                          settings=current_settings())
    assert schools.status is TaskStatus.WITHDRAWN  # kept, not deleted
    assert events(session, incident, "task_withdrawn") == [
        'Withdrawn (victim_age < 18 and weapon == "knife" no longer holds): Brief the head teachers.']
    service.update_inputs(session, incident, inputs, actor=duty, now=now, settings=current_settings())
    old, new = tasks_of(session, incident, "schools")
    assert (old.status, new.status, new.occurrence) == (TaskStatus.WITHDRAWN, TaskStatus.OPEN, 2)


def test_a_started_task_is_not_withdrawn(session: Any, developing: Playbook, duty: User, unit: BusinessUnit,
                                         now: datetime) -> None:
    text = developing.source_text.replace("    statement: holding\n",
                                          "    statement: holding\n    when: footage_online == yes\n", 1)
    playbook = load_text(text, "playbooks/street-robbery-test.md", elements=None, qualifiers=None).playbook
    assert playbook is not None
    incident = launch(session, playbook, duty, unit, now)
    statement = session.scalar(select(IncidentStatement).where(IncidentStatement.incident_id == incident.id,
                                                               IncidentStatement.template_id == "holding"))
    statement_service.edit(session, incident, statement, "Our own words.", actor=duty, now=now)
    inputs = {k: str(v) for k, v in good_inputs(unit.id).items()}
    service.update_inputs(session, incident, {**inputs, "footage_online": "no"}, actor=duty, now=now,
                          settings=current_settings())
    [holding] = tasks_of(session, incident, "holding")
    assert holding.status is TaskStatus.OPEN  # someone has started it: it stays
    assert session.get(IncidentStatement, statement.id) is not None


def test_a_task_withdrawn_after_its_due_time_is_not_counted_overdue(
        session: Any, developing: Playbook, duty: User, unit: BusinessUnit, now: datetime) -> None:
    incident = launch(session, developing, duty, unit, now)
    record(session, incident, "declared", now - timedelta(hours=3), duty, now)  # schools due an hour ago
    before = figures(session, incident, now=now).overdue
    inputs = {k: str(v) for k, v in good_inputs(unit.id).items()}
    service.update_inputs(session, incident, {**inputs, "victim_age": "19"}, actor=duty, now=now,
                          settings=current_settings())
    assert figures(session, incident, now=now).overdue == before - 1
