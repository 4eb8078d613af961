"""The decision log: append-only entries made by role holders, on the NDM with the Code of Ethics at its
centre; corrections supersede. Signing and tamper checks are in test_decision_signing.py."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.extensions import db
from commsplan.incidents import closing, decision_chain, decisions, service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.decisions import DecisionInput, EthicsPrinciple
from commsplan.incidents.models import DecisionEntry, Incident, IncidentStatement, TimelineEvent
from commsplan.notifications.jobs import current_settings
from tests.conftest import count_queries, sign_in
from tests.factories import make_user
from tests.incidents.conftest import statement_of
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]
SECTION_60 = DecisionInput(
    decision_role="duty_officer", decision="Publish the section 60 authorisation for Brixton until 6am.",
    information="Two sightings of a knife near the station since the stabbing.",
    threat_risk="Retaliation likely tonight.", powers_policy="Criminal Justice and Public Order Act 1994 s60",
    options="Dispersal order only: rejected, does not allow searches.", action_review="Review at 5am.")
TOO_LONG = "x" * (decisions.LONGEST_PART + 1)
NOBODY_HOLDS_SIO = ("Nobody holds the Senior investigating officer role in this incident. Assign the role to "
                    "the person who made the decision first, then log it")


def log(session: Any, incident: Incident, actor: User, now: datetime, entry: DecisionInput = SECTION_60,
        **kwargs: Any) -> DecisionEntry:
    return decisions.add_decision(session, incident, entry, actor=actor, now=now, **kwargs)


def assign(session: Any, incident: Incident, role: str, person: User, by: User, now: datetime) -> None:
    service.assign_role(session, incident, role, person, note="", actor=by, now=now,
                        settings=current_settings())


def written_anything(session: Any) -> bool:
    return any(session.scalar(select(func.count()).select_from(table).where(where)) for table, where in (
        (DecisionEntry, DecisionEntry.id.is_not(None)), (TimelineEvent, TimelineEvent.kind == "decision"),
        (AuditEntry, AuditEntry.action == "decision")))


@pytest.fixture
def senior(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.DUTY_OFFICER,), name="Sam Senior", now=now)


@pytest.fixture
def approver(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.APPROVER,), name="Alex Approver", now=now)


# --- The service -------------------------------------------------------------------------------

def test_entries_chain_and_sign_in_sequence(launch: Launch, session: Any, duty: User, now: datetime) -> None:
    incident = launch()
    first = log(session, incident, duty, now)
    second = log(session, incident, duty, now + timedelta(minutes=5))
    other = log(session, launch(title="Another"), duty, now)
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.prev_hash == decision_chain.GENESIS == "0" * 64 and second.prev_hash == first.hash
    assert first.prev_signature == decision_chain.GENESIS and second.prev_signature == first.signature
    assert second.hash == decision_chain.content_hash(second) and len(second.hash) == 64
    assert second.key_id == "local" and second.signature and len(second.signature) == 64
    assert decision_chain.signature_matches(second, {"local": "another secret"}) is False
    assert (second.decided_by_id, second.recorded_by_id, second.on_behalf) == (duty.id, duty.id, False)
    assert decisions.decisions_of(session, incident) == [first, second]
    event = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "decision")).first()
    assert event.text.startswith("Decision 1 by Dana Duty (Duty officer): Publish the")
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "decision")).all()
    assert [(a.object_type, a.object_id) for a in audited] == [("incident", str(incident.id))] * 2 + [
        ("incident", str(other.incident_id))]


def test_the_timeline_quotes_at_most_200_characters(launch: Launch, session: Any, duty: User,
                                                    now: datetime) -> None:
    incident = launch()
    entry = log(session, incident, duty, now, DecisionInput("duty_officer", "y" * 300))
    assert len(entry.decision) == 300
    event = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "decision")).one()
    assert event.text.endswith(": " + "y" * 200)


def changed_value(entry: DecisionEntry, name: str) -> Any:
    value = getattr(entry, name)
    if isinstance(value, bool):
        return not value
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, list):
        return [*value, "fairness"]
    if isinstance(value, int) or (value is None and name.endswith("_id")):
        return (value or 0) + 1
    return (value or "") + "."


STORED = [column.name for column in DecisionEntry.__table__.columns if column.name not in ("id", "signature")]
HASHED = [name for name in STORED if name not in ("hash", "key_id", "prev_signature", "signed_later")]


@pytest.mark.parametrize("field", STORED)
def test_the_signature_covers_every_stored_field(launch: Launch, session: Any, duty: User, now: datetime,
                                                 field: str) -> None:
    entry = log(session, launch(), duty, now, dataclasses.replace(SECTION_60, ethics=("integrity",)))
    signed, hashed = decision_chain.signed_form(entry), decision_chain.content_hash(entry)
    session.expunge(entry)
    setattr(entry, field, changed_value(entry, field))
    assert decision_chain.signed_form(entry) != signed
    if field in HASHED:
        assert decision_chain.content_hash(entry) != hashed


def test_a_correction_supersedes_and_cannot_be_corrected_twice(launch: Launch, session: Any, duty: User,
                                                               now: datetime) -> None:
    incident = launch()
    first = log(session, incident, duty, now)
    fix = log(session, incident, duty, now, DecisionInput("duty_officer", "Section 60 until 4am, not 6am."),
              supersedes_id=first.id)
    assert fix.supersedes_id == first.id and first.decision == SECTION_60.decision  # the original stays
    assert decisions.superseded_ids([first, fix]) == {first.id: 2}
    with pytest.raises(ValidationError, match="Entry 1 has already been corrected"):
        log(session, incident, duty, now, supersedes_id=first.id)
    fix_of_fix = log(session, incident, duty, now, DecisionInput("duty_officer", "Until 3am."),
                     supersedes_id=fix.id)
    assert decisions.superseded_ids([first, fix, fix_of_fix]) == {first.id: 2, fix.id: 3}


@pytest.mark.parametrize("target", ["other incident", "no such entry", "beyond any id"])
def test_a_correction_must_name_an_entry_of_the_same_incident(launch: Launch, session: Any, duty: User,
                                                              now: datetime, target: str) -> None:
    incident = launch()
    foreign = log(session, launch(title="Other"), duty, now)
    supersedes_id = {"other incident": foreign.id, "no such entry": foreign.id + 100}.get(target, 2**70)
    with pytest.raises(ValidationError) as raised:
        log(session, incident, duty, now, supersedes_id=supersedes_id)
    assert raised.value.errors == {"supersedes_id": ["Choose an entry of this incident's log"]}
    assert decisions.decisions_of(session, incident) == []


CODE_OF_ETHICS = ", ".join(principle.value for principle in EthicsPrinciple)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"decision_role": "chief_constable"}, "decision_role", "Choose the role you are deciding in"),
    ({"decision_role": ""}, "decision_role", "Choose the role you are deciding in"),
    ({"decision_role": "sio"}, "decision_role", NOBODY_HOLDS_SIO),
    ({"decision": "  \n "}, "decision", "Write the decision"),
    ({"decision": TOO_LONG}, "decision", "Use 5,000 characters at most (this is 5,001)"),
    *[({part: TOO_LONG}, part, "Use 5,000 characters at most (this is 5,001)")
      for part in [*decisions.NDM_PARTS, "ethics_note"]],
    ({"ethics": ("integrity", "kindness")}, "ethics",
     f"Choose from the Code of Ethics principles: {CODE_OF_ETHICS} (“kindness” is not one of them)"),
    ({"ethics": ("k" * 500,)}, "ethics",
     f"Choose from the Code of Ethics principles: {CODE_OF_ETHICS} (“{'k' * 40}” is not one of them)"),
])
def test_bad_entries_are_named_by_field_and_nothing_is_written(
        launch: Launch, session: Any, duty: User, now: datetime, changes: dict[str, Any], field: str,
        words: str) -> None:
    incident = launch()
    with pytest.raises(ValidationError) as raised:
        log(session, incident, duty, now, dataclasses.replace(SECTION_60, **changes))
    assert raised.value.errors == {field: [words]}
    assert not written_anything(session)


def test_every_problem_is_named_at_once(launch: Launch, session: Any, duty: User, now: datetime) -> None:
    with pytest.raises(ValidationError) as raised:
        log(session, launch(), duty, now, DecisionInput("nobody", "", options=TOO_LONG, ethics=("x",),
                                                        ethics_note=TOO_LONG), supersedes_id=999)
    assert set(raised.value.errors) == {"decision_role", "decision", "options", "ethics", "ethics_note",
                                        "supersedes_id"}
    assert not written_anything(session)


def test_exactly_5000_characters_is_allowed(launch: Launch, session: Any, duty: User, now: datetime) -> None:
    edge = "z" * decisions.LONGEST_PART
    entry = log(session, launch(), duty, now, DecisionInput("duty_officer", edge, information=edge,
                                                            ethics_note=edge))
    assert entry.decision == entry.information == entry.ethics_note == edge


def test_duty_officers_and_approvers_log_and_nobody_else(launch: Launch, session: Any, duty: User,
                                                         approver: User, now: datetime) -> None:
    incident = launch()
    assert log(session, incident, duty, now).decided_by_id == duty.id
    for_duty = dataclasses.replace(SECTION_60, on_behalf_of_id=duty.id)
    recorded = log(session, incident, approver, now, for_duty)
    assert (recorded.decided_by_id, recorded.recorded_by_id) == (duty.id, approver.id)
    for role in (Role.VIEWER, Role.COMMS_OFFICER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            log(session, incident, make_user(session, roles=(role,), now=now), now, for_duty)
    assert [entry.sequence for entry in decisions.decisions_of(session, incident)] == [1, 2]


def test_only_an_active_incident_takes_decisions(launch: Launch, session: Any, duty: User,
                                                 now: datetime) -> None:
    incident = launch()
    log(session, incident, duty, now)
    closing.stand_down(session, incident, "Suspect charged", actor=duty, now=now)
    with pytest.raises(Conflict, match="stood down"):
        log(session, incident, duty, now)
    assert len(decisions.decisions_of(session, incident)) == 1


# --- Decisions by role holders -----------------------------------------------------------------

AS_SIO = DecisionInput("sio", "Appeal for dashcam footage from Acre Lane.")


def test_a_role_holder_decides_in_their_role(launch: Launch, session: Any, duty: User, senior: User,
                                             now: datetime) -> None:
    incident = launch()
    assign(session, incident, "sio", senior, duty, now)
    entry = log(session, incident, senior, now, AS_SIO)
    assert (entry.decided_by_id, entry.recorded_by_id, entry.on_behalf) == (senior.id, senior.id, False)
    event = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "decision")).one()
    assert event.text == "Decision 1 by Sam Senior (Senior investigating officer): " + AS_SIO.decision


def test_a_decision_is_recorded_on_behalf_of_the_current_holder(launch: Launch, session: Any, duty: User,
                                                                senior: User, now: datetime) -> None:
    incident = launch()
    assign(session, incident, "sio", senior, duty, now)
    entry = log(session, incident, duty, now, dataclasses.replace(AS_SIO, on_behalf_of_id=senior.id))
    assert (entry.decided_by_id, entry.recorded_by_id, entry.on_behalf) == (senior.id, duty.id, True)
    event = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "decision")).one()
    assert event.text == ("Decision 1 by Sam Senior (Senior investigating officer), recorded by Dana Duty on "
                          f"their behalf: {AS_SIO.decision}")
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "decision")).one()
    assert (audited.actor_id, audited.changes["decided_by"]) == (duty.id, [None, "Sam Senior"])
    yourself = log(session, incident, senior, now, dataclasses.replace(AS_SIO, on_behalf_of_id=senior.id))
    assert not yourself.on_behalf  # naming yourself is deciding as yourself


def test_nobody_holding_the_role_is_refused_plainly(launch: Launch, session: Any, duty: User, senior: User,
                                                    now: datetime) -> None:
    incident = launch()
    for entry in (AS_SIO, dataclasses.replace(AS_SIO, on_behalf_of_id=senior.id)):
        with pytest.raises(ValidationError) as raised:
            log(session, incident, duty, now, entry)
        assert raised.value.errors == {"decision_role": [NOBODY_HOLDS_SIO]}
    assert not written_anything(session)


@pytest.mark.parametrize(("maker", "field", "words"), [
    ("self", "decision_role", "Sam Senior holds the Senior investigating officer role, not you. Choose a "
                              "role you hold, or record the decision on Sam Senior’s behalf"),
    ("approver", "on_behalf_of_id", "Alex Approver does not hold the Senior investigating officer role: "
                                    "Sam Senior does"),
    ("nobody", "on_behalf_of_id", "The person you chose does not hold the Senior investigating officer role: "
                                  "Sam Senior does"),
    ("huge", "on_behalf_of_id", "The person you chose does not hold the Senior investigating officer role: "
                                "Sam Senior does"),
])
def test_only_the_holder_decides_in_a_held_role(launch: Launch, session: Any, duty: User, senior: User,
                                                approver: User, now: datetime, maker: str, field: str,
                                                words: str) -> None:
    incident = launch()
    assign(session, incident, "sio", senior, duty, now)
    named = {"self": None, "approver": approver.id, "nobody": 99999, "huge": 2**70}[maker]
    with pytest.raises(ValidationError) as raised:
        log(session, incident, duty, now, dataclasses.replace(AS_SIO, on_behalf_of_id=named))
    assert raised.value.errors == {field: [words]}
    assert not written_anything(session)


def test_a_handover_moves_the_role_to_decide_in(launch: Launch, session: Any, duty: User, senior: User,
                                                now: datetime) -> None:
    incident = launch()
    log(session, incident, duty, now)
    assign(session, incident, "duty_officer", senior, duty, now + timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Sam Senior holds the Duty officer role, not you"):
        log(session, incident, duty, now + timedelta(minutes=2))
    assert log(session, incident, senior, now + timedelta(minutes=2)).decided_by_id == senior.id


def override_needed(launch: Launch, session: Any, duty: User, now: datetime) -> tuple[Incident,
                                                                                      IncidentStatement]:
    incident = launch(next_update_time="4pm")
    holding = statement_of(session, incident)
    statement_service.edit(session, incident, holding, holding.body + " The boy was known to police.",
                           actor=duty, now=now)
    return incident, holding


def test_a_guardrail_override_follows_the_same_rule(launch: Launch, session: Any, duty: User, senior: User,
                                                    approver: User, now: datetime) -> None:
    incident, holding = override_needed(launch, session, duty, now)
    unheld = DecisionInput("sio", "The family asked us to say this.", ethics=("openness",))
    with pytest.raises(ValidationError) as raised:
        statement_service.approve(session, incident, holding, actor=approver, now=now, override=unheld)
    assert raised.value.errors == {"decision_role": [NOBODY_HOLDS_SIO]}
    # The SIO signs this statement off once someone holds that role; until then any approver may.
    assign(session, incident, "duty_press_officer", senior, duty, now)
    for_senior = dataclasses.replace(unheld, decision_role="duty_press_officer", on_behalf_of_id=senior.id)
    statement_service.approve(session, incident, holding, actor=approver, now=now, override=for_senior)
    entry = session.get(DecisionEntry, holding.override_decision_id)
    assert (entry.decided_by_id, entry.recorded_by_id, entry.ethics) == (senior.id, approver.id, ["openness"])
    assert entry.decision.startswith("Approve “Holding statement” despite: Does not say “known to police”")


# --- The Code of Ethics ------------------------------------------------------------------------

def test_the_code_of_ethics_is_kept_in_the_codes_order(launch: Launch, session: Any, duty: User,
                                                       now: datetime) -> None:
    incident = launch()
    entry = log(session, incident, duty, now, dataclasses.replace(
        SECTION_60, ethics=("respect", "fairness", "respect"), ethics_note="  Searches must not single out "
        "young black men: we publish the area and hours so the community can hold us to it.  "))
    assert entry.ethics == ["fairness", "respect"]
    assert entry.ethics_note.startswith("Searches must") and entry.ethics_note.endswith("hold us to it.")
    assert decisions.ethics_text(entry) == "Fairness, respect"
    assert decisions.ethics_text(log(session, incident, duty, now)) == "not recorded"


def test_every_principle_has_a_label_and_description() -> None:
    assert [p.value for p in EthicsPrinciple] == ["accountability", "fairness", "honesty", "integrity",
                                                  "leadership", "objectivity", "openness", "respect",
                                                  "selflessness"]
    assert all(p.label == p.value.capitalize() and p.description.startswith("You ") for p in EthicsPrinciple)


def test_the_form_offers_every_principle_as_the_service_words_it(client: FlaskClient, launch: Launch,
                                                                   duty: User) -> None:
    incident = launch()
    sign_in(client, duty)
    page = client.get(f"/incidents/{incident.id}").text
    for principle in EthicsPrinciple:
        assert f'type="checkbox" value="{principle.value}"' in page
        assert f">{principle.label}</label>" in page and principle.description in page


# --- The incident page -------------------------------------------------------------------------

def test_the_page_logs_decisions_and_shows_corrections(client: FlaskClient, launch: Launch, duty: User,
                                                       senior: User, now: datetime) -> None:
    incident = launch()
    assign(db.session, incident, "sio", senior, duty, now)
    db.session.commit()
    sign_in(client, duty)
    data = {"decision_role": "duty_officer", "decision": "Release the victim's age",
            "options": "Wait: rejected", "ethics": ["openness", "respect"],
            "ethics_note": "The family agreed."}
    assert client.post(f"/incidents/{incident.id}/decisions", data=data).status_code == 302
    first = db.session.scalar(select(DecisionEntry))
    assert first is not None and first.ethics == ["openness", "respect"]
    fix = {"decision_role": "sio", "on_behalf_of_id": str(senior.id),
           "decision": "Do not release the age yet", "supersedes_id": str(first.id)}
    assert client.post(f"/incidents/{incident.id}/decisions", data=fix).status_code == 302
    page = client.get(f"/incidents/{incident.id}").text
    assert "<del>Release the victim&#39;s age</del>" in page
    assert 'Superseded by <a class="govuk-link" href="#decision-2">entry 2</a>' in page
    assert 'corrects <a class="govuk-link" href="#decision-1">entry 1</a>' in page
    assert "Dana Duty as Duty officer ·" not in page and "Dana Duty as Duty officer" in page
    assert "Sam Senior as Senior investigating officer, recorded by Dana Duty on their behalf" in page
    assert "Options considered</dt>" in page and "Wait: rejected" in page
    assert "Powers and policy</dt>" not in page  # headings only where filled
    assert "Openness, respect</p>" in page and "The family agreed.</p>" in page
    assert page.count("Code of Ethics</dt>") == 2 and ">Not recorded</dd>" in page
    assert f'<option value="{first.id}">1. ' not in page  # a corrected entry cannot be corrected again
    check = client.get(f"/incidents/{incident.id}/decisions/verify")
    assert check.status_code == 200 and "All 2 entries match their signatures" in check.text


def test_times_are_shown_in_london(client: FlaskClient, signed_in: Callable[..., User], launch: Launch,
                                   duty: User, now: datetime) -> None:
    incident = launch()
    log(db.session, incident, duty, datetime(2026, 7, 1, 12, 30, tzinfo=now.tzinfo))  # BST: 13:30
    db.session.commit()
    signed_in(Role.COMMS_OFFICER)
    assert "13:30, 1 Jul · Dana Duty as Duty officer" in client.get(f"/incidents/{incident.id}").text


@pytest.mark.parametrize(("sent", "field", "words"), [
    ({"decision_role": "", "decision": " "}, "decision_role", "Choose the role you are deciding in"),
    ({"decision_role": "sio", "decision": "Appeal"}, "decision_role", "Nobody holds the Senior"),
    ({"decision_role": "duty_officer", "decision": " "}, "decision", "Write the decision"),
    ({"decision_role": "duty_officer", "decision": "Appeal", "options": TOO_LONG}, "options",
     "Use 5,000 characters"),
    ({"decision_role": "duty_officer", "decision": "Appeal", "ethics_note": TOO_LONG}, "ethics_note",
     "Use 5,000 characters"),
    ({"decision_role": "duty_officer", "decision": "Appeal", "ethics": ["honesty", "kindness"]}, "ethics",
     "“kindness” is not one of them"),
    ({"decision_role": "duty_officer", "decision": "Appeal", "on_behalf_of_id": "Sam"}, "on_behalf_of_id",
     "Choose who made the decision"),
    ({"decision_role": "duty_officer", "decision": "Appeal", "on_behalf_of_id": "²"}, "on_behalf_of_id",
     "Choose who made the decision"),
    ({"decision_role": "duty_officer", "decision": "Appeal", "on_behalf_of_id": "9" * 40}, "on_behalf_of_id",
     "Choose who made the decision"),
    ({"decision_role": "duty_officer", "decision": "Appeal", "supersedes_id": "9" * 40}, None, None),
])
def test_the_page_names_each_bad_field_and_keeps_what_was_typed(
        client: FlaskClient, launch: Launch, duty: User, sent: dict[str, Any], field: str | None,
        words: str | None) -> None:
    incident = launch()
    sign_in(client, duty)
    data = {"information": "Seen on CCTV", **sent}
    response = client.post(f"/incidents/{incident.id}/decisions", data=data)
    if field is None:  # an id no entry can have is no correction at all
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert re.search(rf'<a href="#{field}">[^<]*{re.escape(words or "")}', response.text), response.text
    for shown in (f'id="{field}-error"', '<details class="govuk-details" open>',
                  'name="information" rows="2" aria-describedby="information-hint">Seen on CCTV</textarea>'):
        assert shown in response.text, shown
    if field == "ethics":
        assert 'value="honesty" aria-describedby="ethics-honesty-item-hint" checked>' in response.text
    assert not written_anything(db.session)


def test_the_form_offers_the_roles_and_their_holders(client: FlaskClient, launch: Launch, duty: User,
                                                     senior: User, now: datetime) -> None:
    incident = launch()
    assign(db.session, incident, "sio", senior, duty, now)
    db.session.commit()
    sign_in(client, duty)
    page = client.get(f"/incidents/{incident.id}").text
    assert '<option value="duty_officer" selected>Duty officer: Dana Duty</option>' in page
    assert '<option value="sio">Senior investigating officer: Sam Senior</option>' in page
    assert '<option value="schools_lead">Safer schools lead: not assigned</option>' in page
    assert '<option value="">Me (Dana Duty)</option>' in page
    assert f'<option value="{senior.id}">Sam Senior (Senior investigating officer)</option>' in page
    for principle in EthicsPrinciple:
        assert f'value="{principle.value}"' in page and f">{principle.label}</label>" in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMS_OFFICER, Role.ADMIN])
def test_others_cannot_log(client: FlaskClient, signed_in: Callable[..., User], launch: Launch,
                           role: Role) -> None:
    incident = launch()
    signed_in(role)
    data = {"decision_role": "duty_officer", "decision": "x"}
    assert client.post(f"/incidents/{incident.id}/decisions", data=data).status_code == 403
    assert "Log a decision" not in client.get(f"/incidents/{incident.id}").text
    assert not written_anything(db.session)


def test_a_stood_down_incident_shows_its_log_but_takes_no_more(client: FlaskClient, launch: Launch,
                                                               duty: User, now: datetime) -> None:
    incident = launch()
    log(db.session, incident, duty, now)
    closing.stand_down(db.session, incident, "Suspect charged", actor=duty, now=now)
    db.session.commit()
    sign_in(client, duty)
    page = client.get(f"/incidents/{incident.id}").text
    assert "Publish the section 60" in page and "Log a decision" not in page
    refused = client.post(f"/incidents/{incident.id}/decisions",
                          data={"decision_role": "duty_officer", "decision": "x"})
    assert refused.status_code == 409


def test_the_page_query_count_does_not_grow_with_the_log(client: FlaskClient, signed_in: Callable[..., User],
                                                         launch: Launch, duty: User, senior: User,
                                                         now: datetime) -> None:
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
    duty, senior = db.session.merge(duty), db.session.merge(senior)
    assign(db.session, incident, "sio", senior, duty, now)
    for minute in range(19):
        entry = AS_SIO if minute % 2 else dataclasses.replace(AS_SIO, on_behalf_of_id=senior.id)
        log(db.session, incident, duty if minute % 2 == 0 else senior, now + timedelta(minutes=minute), entry,
            supersedes_id=first_id if minute == 0 else None)
    db.session.commit()
    assert measure() == one
