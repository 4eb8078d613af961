"""Statements: drafted from templates with visible gaps, guardrails, approval by another, release."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.incidents import decisions, service, task_reminders
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import (
    DecisionEntry,
    Incident,
    IncidentTask,
    StatementStatus,
    TaskStatus,
    TimelineEvent,
)
from commsplan.notifications.jobs import current_settings
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks.loader import load_file
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from tests.factories import make_user
from tests.incidents.conftest import statement_of

SETTINGS = DeliverySettings()

Launch = Callable[..., Incident]
STABBING = Path(__file__).parents[2] / "playbooks" / "fatal-stabbing-young-person.md"



@pytest.fixture
def approver(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.APPROVER,), name="Alex Approver", now=now)


def test_launch_drafts_each_statement_with_visible_gaps(launch: Launch, session: Any) -> None:
    incident = launch()
    holding = statement_of(session, incident, "holding")
    assert holding.status is StatementStatus.DRAFT and not holding.edited
    assert "Officers were called to Acre Lane at 09:40 on Friday 20 November" in holding.body
    assert "We will update again by [missing: Next update]." in holding.body
    assert holding.channels == ["Force website", "X"]
    assert statement_of(session, incident, "arrest").body.startswith("A teenager has been arrested")


def test_a_gap_blocks_approval_even_with_an_override(launch: Launch, session: Any, now: datetime,
                                                     approver: User) -> None:
    incident = launch()
    holding = statement_of(session, incident, "holding")
    override = decisions.DecisionInput(decision_role="sio", decision="Publish now")
    with pytest.raises(ValidationError) as raised:
        statement_service.approve(session, incident, holding, actor=approver, now=now, override=override)
    assert raised.value.errors["guardrails"] == [
        "Every gap is filled: Fill every gap first: [missing: Next update]"]


def test_new_details_fill_unedited_drafts_but_never_edited_words(launch: Launch, session: Any, now: datetime,
                                                                 duty: User, unit: BusinessUnit) -> None:
    incident = launch()
    arrest = statement_of(session, incident, "arrest")
    statement_service.edit(session, incident, arrest, "Our own words about {{ general_location }}.",
                           actor=duty, now=now)
    raw = {"general_location": "Brixton Hill", "called_at": "2026-11-20 09:40", "victim_age": "15",
           "weapon": "knife", "footage_online": "yes", "unit": str(unit.id), "next_update_time": "4pm"}
    changed = service.update_inputs(session, incident, raw, actor=duty, now=now,
                                    settings=current_settings())
    assert changed == ["General location", "Next update"]
    holding = statement_of(session, incident, "holding")
    assert "Brixton Hill" in holding.body and "by 4pm." in holding.body
    assert arrest.body == "Our own words about {{ general_location }}." and arrest.edited


def test_bad_new_details_are_refused_by_field(launch: Launch, session: Any, now: datetime, duty: User,
                                               unit: BusinessUnit) -> None:
    incident = launch()
    with pytest.raises(ValidationError) as raised:
        service.update_inputs(session, incident, {"victim_age": "x", "unit": str(unit.id)}, actor=duty,
                              now=now, settings=current_settings())
    assert {"victim_age", "general_location", "weapon"} <= set(raised.value.errors)


def test_nobody_approves_their_own_draft(launch: Launch, session: Any, now: datetime, approver: User,
                                         unit: BusinessUnit) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    both = make_user(session, roles=(Role.APPROVER, Role.COMMS_OFFICER), name="Both Roles", now=now)
    statement_service.edit(session, incident, holding, holding.body + " Thank you.", actor=both, now=now)
    with pytest.raises(PermissionDenied, match="another approver"):
        statement_service.approve(session, incident, holding, actor=both, now=now)
    statement_service.approve(session, incident, holding, actor=approver, now=now)
    assert holding.status is StatementStatus.APPROVED and holding.approved_by_id == approver.id


def test_only_approvers_approve(launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    with pytest.raises(PermissionDenied):
        statement_service.approve(session, incident, statement_of(session, incident, "holding"), actor=duty,
                                  now=now)


def test_release_freezes_the_statement_with_its_time_and_channels(launch: Launch, session: Any, now: datetime,
                                                                  approver: User, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    with pytest.raises(Conflict, match="Only an approved"):
        statement_service.release(session, incident, holding, ["X"], actor=duty, now=now, settings=SETTINGS)
    statement_service.approve(session, incident, holding, actor=approver, now=now)
    with pytest.raises(ValidationError, match="at least one channel"):
        statement_service.release(session, incident, holding, [" "], actor=duty, now=now, settings=SETTINGS)
    later = now + timedelta(minutes=3)
    statement_service.release(session, incident, holding, ["Force website", "Ward panel WhatsApp", "X"],
                              actor=duty, now=later, settings=SETTINGS)
    assert holding.status is StatementStatus.RELEASED and holding.released_at == later
    assert holding.channels == ["Force website", "Ward panel WhatsApp", "X"]
    assert holding.released_by_id == duty.id
    with pytest.raises(Conflict, match="cannot change"):
        statement_service.edit(session, incident, holding, "New words", actor=duty, now=later)
    with pytest.raises(Conflict):
        statement_service.release(session, incident, holding, ["X"], actor=duty, now=later, settings=SETTINGS)


def test_releasing_a_statement_completes_the_task_that_drafts_it(launch: Launch, session: Any, now: datetime,
                                                                 approver: User, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    task = session.get(IncidentTask, holding.task_id)
    assert task is not None and task.status is TaskStatus.OPEN
    statement_service.approve(session, incident, holding, actor=approver, now=now)

    statement_service.release(session, incident, holding, ["X"], actor=approver, now=now, settings=SETTINGS)

    assert task.status is TaskStatus.DONE and (task.completed_by_id, task.completed_at) == (approver.id, now)
    texts = [e.text for e in session.scalars(
        select(TimelineEvent).where(TimelineEvent.incident_id == incident.id))]
    assert "Holding statement released by Alex Approver on X." in texts
    assert f"Done: {task.title} (its statement, Holding statement, was released)" in texts
    pending = session.scalars(select(Reminder.idempotency_key).where(
        Reminder.idempotency_key.startswith(task_reminders.task_key(task)),
        Reminder.status == ReminderStatus.PENDING))
    assert list(pending) == []


def test_editing_an_approved_statement_sends_it_back(launch: Launch, session: Any, now: datetime,
                                                     approver: User, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    statement_service.approve(session, incident, holding, actor=approver, now=now)
    statement_service.edit(session, incident, holding, holding.body + " More.", actor=duty, now=now)
    assert holding.status is StatementStatus.DRAFT and holding.approved_by_id is None


def test_do_not_say_blocks_and_an_override_writes_a_decision(launch: Launch, session: Any, now: datetime,
                                                             approver: User, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident, "holding")
    statement_service.edit(session, incident, holding, holding.body + " The boy was known to police.",
                           actor=duty, now=now)
    with pytest.raises(ValidationError) as raised:
        statement_service.approve(session, incident, holding, actor=approver, now=now)
    assert raised.value.errors["guardrails"] == [
        "Does not say “known to police”: Says “known to police”: Prejudges the suspect."]
    override = decisions.DecisionInput(decision_role="duty_officer", on_behalf_of_id=duty.id,
                                       decision="The family asked us to say this.", powers_policy="Media APP")
    statement_service.approve(session, incident, holding, actor=approver, now=now, override=override)
    entry = session.get(DecisionEntry, holding.override_decision_id)
    assert entry is not None and (entry.decided_by_id, entry.recorded_by_id) == (duty.id, approver.id)
    assert entry.decision.startswith("Approve “Holding statement” despite: Does not say “known to police”")
    statement_service.release(session, incident, holding, ["X"], actor=duty, now=now, settings=SETTINGS)


def stabbing_playbook() -> Playbook:
    result = load_file(STABBING, elements=None, qualifiers=None)
    assert result.playbook is not None, result.problems
    return result.playbook


@pytest.fixture
def stabbing(session: Any) -> Playbook:
    return stabbing_playbook()


def launch_stabbing(session: Any, playbook: Playbook, duty: User, unit: BusinessUnit, now: datetime
                    ) -> Incident:
    inputs = {"general_location": "Acre Lane, Brixton", "called_at": "2026-11-20 09:40", "weapon": "knife",
              "victim_age": "17", "victim_name": "Jordan Ellis", "unit": str(unit.id),
              "incident_reference": "CAD 1234/20NOV", "next_update_time": "6pm",
              "charged_person": "Sam Taylor"}
    return service.launch(session, playbook, service.LaunchRequest(
        "Fatal stabbing, Acre Lane", "live", "2026-11-20 09:35", inputs), actor=duty, now=now,
        settings=current_settings())


def test_naming_the_victim_before_the_family_agrees_is_blocked(session: Any, stabbing: Playbook, duty: User,
                                                               unit: BusinessUnit, now: datetime) -> None:
    incident = launch_stabbing(session, stabbing, duty, unit, now)
    text = "Jordan Ellis, 17, died in Acre Lane, Brixton."
    checks = {c.rule: c for c in statement_service.guardrail_checks(incident, stabbing, text)}
    victim = checks["Victim not named before the family agrees"]
    assert not victim.passed
    assert victim.reason == ("Names the victim (“Jordan Ellis”) before the family agreed to naming. "
                             "Record “Family agreed to naming” first.")
    service.record_anchor(session, incident, "consent_to_name", occurred_at=now, note="", actor=duty, now=now,
                          settings=current_settings())
    checks = {c.rule: c for c in statement_service.guardrail_checks(incident, stabbing, text)}
    assert checks["Victim not named before the family agrees"].passed


def test_naming_a_suspect_before_charge_is_blocked(session: Any, stabbing: Playbook, duty: User,
                                                   unit: BusinessUnit, now: datetime) -> None:
    incident = launch_stabbing(session, stabbing, duty, unit, now)
    text = "A 19-year-old man, Sam Taylor, has been arrested on suspicion of murder."
    checks = {c.rule: c for c in statement_service.guardrail_checks(incident, stabbing, text)}
    suspect = checks["Suspect not named before charge"]
    assert not suspect.passed and "(“Sam Taylor”) before charge" in suspect.reason
    assert "gender, age, home area" in suspect.reason
    assert checks["Suspect not named before charge"].overridable
    service.record_anchor(session, incident, "charge", occurred_at=now, note="", actor=duty, now=now,
                          settings=current_settings())
    assert all(c.passed for c in statement_service.guardrail_checks(incident, stabbing, text)
               if c.rule == "Suspect not named before charge")


@pytest.mark.parametrize(("kind", "text", "passes"), [
    ("victim", "JORDAN ELLIS was 17.", False),
    ("victim", "Jordan Ellison spoke.", True),  # whole words only
    ("victim", "Mr Ellis", True),  # the name as given, not its parts
])
def test_names_are_matched_as_whole_words_in_any_case(session: Any, stabbing: Playbook, duty: User,
                                                      unit: BusinessUnit, now: datetime, kind: str, text: str,
                                                      passes: bool) -> None:
    incident = launch_stabbing(session, stabbing, duty, unit, now)
    result = [c for c in statement_service.guardrail_checks(incident, stabbing, text) if "Victim" in c.rule]
    assert result[0].passed is passes


def test_several_names_in_one_input_are_each_checked() -> None:
    parts = statement_service.name_parts("Amy Cole, Ben Cole and Jo Li; Al")
    assert parts == ["Amy Cole", "Ben Cole", "Jo Li"]
    assert statement_service.name_parts(None) == [] and statement_service.name_parts(17.0) == []


def test_a_child_or_complainant_is_never_identifiable(launch: Launch, session: Any, playbook: Playbook,
                                                      now: datetime, duty: User) -> None:
    incident = launch(victim_name="Kai Brown")
    checks = statement_service.guardrail_checks(incident, playbook, "Kai Brown was robbed.")
    child = next(c for c in checks if c.rule == "No child is named")
    assert not child.passed and "(“Kai Brown”)" in child.reason


def test_a_private_person_is_never_named_even_after_charge(session: Any, duty: User, unit: BusinessUnit,
                                                          now: datetime) -> None:
    path = STABBING.parent / "misinformation-tension.md"
    playbook = load_file(path, elements=None, qualifiers=None).playbook
    assert playbook is not None
    spec = next(spec for spec in playbook.inputs if spec.id == "names_circulating")
    assert spec.identifies == "private"
    incident = launch_stabbing(session, stabbing_playbook(), duty, unit, now)
    incident.inputs = {**incident.inputs, "names_circulating": "Omar Haddad"}
    checks = statement_service.identity_checks(incident, playbook, "Omar Haddad is not involved.",
                                               {"charge": now})
    assert [(c.rule, c.passed) for c in checks if c.rule.startswith("No private")] == [
        ("No private person is named", False)]


@pytest.mark.parametrize(("kind", "overridable"), [("complainant", False), ("child", False),
                                                    ("victim", True), ("suspect", True), ("private", True)])
def test_only_complainant_and_child_rules_can_never_be_overridden(kind: str, overridable: bool) -> None:
    """The law protects complainants and children for good; consent and charge can change the others."""
    playbook = stabbing_playbook()
    spec = next(spec for spec in playbook.inputs if spec.identifies == "victim")
    only_this = replace(playbook, inputs=tuple(replace(s, identifies=kind if s.id == spec.id else None)
                                               for s in playbook.inputs))
    incident = Incident(inputs={spec.id: "Jordan Ellis"})
    [result] = statement_service.identity_checks(incident, only_this, "Jordan Ellis died.", {})
    assert not result.passed and result.overridable is overridable


def test_the_steps_approval_role_signs_off_once_someone_holds_it(session: Any, stabbing: Playbook, duty: User,
                                                                unit: BusinessUnit, now: datetime,
                                                                approver: User) -> None:
    incident = launch_stabbing(session, stabbing, duty, unit, now)
    holding = statement_of(session, incident, "holding")
    assert statement_service.sign_off_of(session, incident, holding).holder is None  # any approver, for now
    sio = make_user(session, roles=(Role.DUTY_OFFICER,), name="Dana Sio", now=now)
    service.assign_role(session, incident, "sio", sio, note="", actor=duty, now=now,
                        settings=current_settings())
    with pytest.raises(PermissionDenied) as refused:
        statement_service.approve(session, incident, holding, actor=approver, now=now)
    assert refused.value.message == ("The Senior investigating officer signs this statement off, and "
                                     "Dana Sio holds that role")
    statement_service.approve(session, incident, holding, actor=sio, now=now)
    assert holding.status is StatementStatus.APPROVED and holding.approved_by_id == sio.id
