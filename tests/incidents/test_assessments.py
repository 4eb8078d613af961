"""The community impact assessment: versions, checks, review reminders, and its pages."""

from __future__ import annotations

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
from commsplan.incidents import assessments, records
from commsplan.incidents.assessments import AssessmentInput
from commsplan.incidents.models import (
    ImpactAssessment,
    Incident,
    IncidentMode,
    IncidentStatus,
    Rag,
    TimelineEvent,
)
from commsplan.notifications.jobs import current_settings
from commsplan.notifications.kinds import Urgency
from commsplan.notifications.models import Reminder, ReminderStatus
from commsplan.playbooks.loader import load_text
from commsplan.playbooks.model import Playbook
from commsplan.reference.seed import QUALIFIERS_SEED, VIOLENCE_ELEMENTS
from commsplan.timeutil import to_london
from tests.conftest import count_queries, csrf_token
from tests.factories import make_user
from tests.incidents.conftest import FIXTURE

Launch = Callable[..., Incident]
MOOD = ('  - {id: mood, prompt: "What is the mood at the school gate?", '
        'guidance: Ask the safer schools officer.}\n')
RESPONSE = ('  - {id: response, prompt: "Do parents think the police response is proportionate?", '
            'guidance: Ask the ward panel chair.}\n')


@pytest.fixture
def playbook() -> Playbook:
    """The test playbook with a second community impact prompt."""
    text = FIXTURE.read_text()
    assert MOOD in text
    result = load_text(text.replace(MOOD, MOOD + RESPONSE), str(FIXTURE),
                       elements={r["code"] for r in VIOLENCE_ELEMENTS},
                       qualifiers={r["code"] for r in QUALIFIERS_SEED})
    assert result.playbook is not None, result.problems
    return result.playbook


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> Callable[[datetime], None]:
    """Pin the pages' clock to `now` (or move it)."""
    def set_to(moment: datetime) -> None:
        for module in ("views", "assessment_views"):
            monkeypatch.setattr(f"commsplan.incidents.{module}.utcnow", lambda: moment)
    set_to(now)
    return set_to


def london(moment: datetime) -> str:
    return to_london(moment).strftime("%Y-%m-%dT%H:%M")


def answers(owner: User, now: datetime, **changes: Any) -> AssessmentInput:
    values: dict[str, Any] = {
        "ratings": {"mood": "amber", "response": "green"},
        "evidence": {"mood": "Parents worried at pick-up, says the safer schools officer", "response": ""},
        "overall": "amber", "summary": "Tension rising around the school.", "owner_id": str(owner.id),
        "next_review_at": london(now + timedelta(hours=8)), **changes}
    return AssessmentInput(**values)


def assess(incident: Incident, actor: User, now: datetime, **changes: Any) -> ImpactAssessment:
    version = assessments.add_assessment(db.session, incident, answers(actor, now, **changes), actor=actor,
                                         now=now, settings=current_settings())
    db.session.commit()
    return version


def count(model: Any, *criteria: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


# --- Service -----------------------------------------------------------------------------------

def test_each_save_is_a_new_version_and_old_ones_stay(launch: Launch, duty: User, now: datetime) -> None:
    incident = launch()
    first = assess(incident, duty, now)
    second = assess(incident, duty, now + timedelta(hours=1), ratings={"mood": "red", "response": "green"},
                    evidence={"mood": "Fight outside the gates", "response": ""}, overall="red")
    assert (first.version, second.version) == (1, 2)
    assert [a.version for a in assessments.assessments_of(db.session, incident)] == [2, 1]
    latest = assessments.latest(db.session, incident)
    assert latest is not None and latest.id == second.id
    db.session.expire_all()
    assert first.overall is Rag.AMBER and first.ratings["mood"] == {
        "rag": "amber", "evidence": "Parents worried at pick-up, says the safer schools officer"}
    assert second.ratings["response"] == {"rag": "green", "evidence": ""}
    assert first.next_review_at == now + timedelta(hours=8) and first.owner_id == duty.id
    texts = db.session.scalars(select(TimelineEvent.text).where(TimelineEvent.kind == "assessment")
                               .order_by(TimelineEvent.id)).all()
    assert texts == ["Community impact assessment version 1: overall Amber; next review 18:00 on 20 November",
                     "Community impact assessment version 2: overall Red; next review 19:00 on 20 November"]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "assess")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.object_type, e.object_id) for e in entries] == [("incident", str(incident.id))] * 2
    assert entries[1].changes["overall"] == ["amber", "red"]
    assert entries[1].changes["assessment_version"] == [1, 2]


def test_green_needs_no_evidence_and_summary_is_optional(launch: Launch, duty: User, now: datetime) -> None:
    version = assess(launch(), duty, now, ratings={"mood": "green", "response": "green"},
                     evidence={}, overall="green", summary="")
    assert version.ratings == {"mood": {"rag": "green", "evidence": ""},
                               "response": {"rag": "green", "evidence": ""}}


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"ratings": {"response": "green"}}, "rag-mood", "Choose red, amber or green for “What is the mood"),
    ({"ratings": {"mood": "purple", "response": "green"}}, "rag-mood", "Choose red, amber or green"),
    ({"evidence": {"mood": " "}}, "evidence-mood", "Give the evidence for the amber rating of “What is"),
    ({"ratings": {"mood": "green", "response": "red"}}, "evidence-response",
     "Give the evidence for the red rating of “Do parents"),
    ({"evidence": {"mood": "x" * 2001}}, "evidence-mood", "2000 characters or fewer (it is 2001)"),
    ({"overall": ""}, "overall", "Choose an overall rating"),
    ({"overall": "blue"}, "overall", "Choose an overall rating"),
    ({"summary": "x" * 5001}, "summary", "5000 characters or fewer"),
    ({"owner_id": ""}, "owner_id", "Choose an owner who has an active account"),
    ({"owner_id": "someone"}, "owner_id", "Choose an owner"),
    ({"owner_id": "99999"}, "owner_id", "Choose an owner"),
    ({"next_review_at": ""}, "next_review_at", "Enter when the assessment will next be reviewed"),
    ({"next_review_at": "tonight"}, "next_review_at", "Enter the next review as a date and time"),
    ({"next_review_at": "2026-11-20T09:59"}, "next_review_at", "The next review must be in the future"),
    ({"next_review_at": "2026-11-20T10:00"}, "next_review_at", "The next review must be in the future"),
    ({"next_review_at": "2026-11-27T10:01"}, "next_review_at", "within 7 days (by 10:00 on 27 November"),
])
def test_each_bad_answer_is_named_by_field_and_nothing_is_saved(
        launch: Launch, duty: User, now: datetime, changes: dict[str, Any], field: str, words: str) -> None:
    incident = launch()
    with pytest.raises(ValidationError) as raised:
        assessments.add_assessment(db.session, incident, answers(duty, now, **changes), actor=duty, now=now,
                                   settings=current_settings())
    assert list(raised.value.field_errors) == [field]
    assert words in raised.value.field_errors[field][0]
    db.session.rollback()
    assert count(ImpactAssessment) == 0 and count(Reminder, Reminder.kind == "review_due") == 0


def test_an_inactive_owner_is_refused_and_seven_days_ahead_is_allowed(
        launch: Launch, duty: User, now: datetime, session: Any) -> None:
    incident = launch()
    gone = make_user(session, roles=(Role.VIEWER,), now=now)
    gone.is_active = False
    session.commit()
    with pytest.raises(ValidationError) as raised:
        assessments.add_assessment(session, incident, answers(duty, now, owner_id=str(gone.id)), actor=duty,
                                   now=now, settings=current_settings())
    assert "owner_id" in raised.value.field_errors
    session.rollback()
    assert assess(incident, duty, now, next_review_at="2026-11-27T10:00").version == 1


def test_every_problem_is_reported_at_once(launch: Launch, duty: User, now: datetime) -> None:
    with pytest.raises(ValidationError) as raised:
        assessments.add_assessment(db.session, launch(), AssessmentInput(), actor=duty, now=now,
                                   settings=current_settings())
    assert set(raised.value.field_errors) == {"rag-mood", "rag-response", "overall", "owner_id",
                                              "next_review_at"}


def test_only_duty_officers_assess_and_only_active_incidents(launch: Launch, duty: User, now: datetime,
                                                            session: Any) -> None:
    incident = launch()
    for role in (Role.VIEWER, Role.COMMS_OFFICER, Role.APPROVER, Role.ADMIN):
        other = make_user(session, roles=(role,), now=now)
        with pytest.raises(PermissionDenied):
            assessments.add_assessment(session, incident, answers(other, now), actor=other, now=now,
                                       settings=current_settings())
    incident.status = IncidentStatus.STOOD_DOWN
    session.commit()
    with pytest.raises(Conflict):
        assessments.add_assessment(session, incident, answers(duty, now), actor=duty, now=now,
                                   settings=current_settings())


def test_the_owner_is_reminded_and_a_new_version_cancels_the_old_review(
        launch: Launch, duty: User, now: datetime, session: Any) -> None:
    incident = launch()
    bronze = make_user(session, roles=(Role.COMMS_OFFICER,), name="Bea Bronze", now=now)
    assess(incident, duty, now, owner_id=str(bronze.id))
    key = f"incident:{incident.id}:cia-review:"
    first = session.scalar(select(Reminder).where(Reminder.idempotency_key == f"{key}1"))
    assert first is not None and first.status is ReminderStatus.PENDING
    assert (first.kind, first.recipient_user_id, first.due_at) == ("review_due", bronze.id,
                                                                   now + timedelta(hours=8))
    assert first.urgency is Urgency.URGENT and first.deliver_at == first.due_at and not first.in_app_only
    assert first.subject_link == f"/incidents/{incident.id}#community-impact"
    assess(incident, duty, now + timedelta(hours=2))
    session.expire_all()
    assert first.status is ReminderStatus.CANCELLED
    second = session.scalar(select(Reminder).where(Reminder.idempotency_key == f"{key}2"))
    assert second is not None and second.status is ReminderStatus.PENDING
    assert second.recipient_user_id == duty.id and second.due_at == now + timedelta(hours=10)


def test_exercise_reviews_stay_in_the_app(launch: Launch, duty: User, now: datetime, session: Any) -> None:
    incident = launch(mode=IncidentMode.EXERCISE)
    assess(incident, duty, now)
    reminder = session.scalar(select(Reminder).where(Reminder.kind == "review_due"))
    assert reminder is not None and reminder.in_app_only


def test_changes_say_how_each_rating_moved(launch: Launch, duty: User, now: datetime) -> None:
    incident = launch()
    first = assess(incident, duty, now)
    second = assess(incident, duty, now, ratings={"mood": "red", "response": "green"}, overall="red",
                    evidence={"mood": "Fight outside the gates"})
    prompts = records.playbook_of(incident).community_impact
    moved = assessments.changes(first, second, prompts)
    assert [(c.label, c.before, c.after, c.rag_changed) for c in moved] == [
        ("Overall", Rag.AMBER, Rag.RED, True),
        ("What is the mood at the school gate?", Rag.AMBER, Rag.RED, True),
        ("Do parents think the police response is proportionate?", Rag.GREEN, Rag.GREEN, False)]
    assert moved[1].evidence_changed and not moved[2].evidence_changed
    assert [c.before for c in assessments.changes(None, first, prompts)] == [None] * 3
    assert not assessments.review_overdue(incident, second, now)
    assert assessments.review_overdue(incident, second, now + timedelta(hours=9))


# --- Pages -------------------------------------------------------------------------------------

def form_data(client: FlaskClient, incident: Incident, **changes: str) -> dict[str, str]:
    token = csrf_token(client.get(f"/incidents/{incident.id}").text)
    return {"csrf_token": token, "rag-mood": "amber", "evidence-mood": "Parents worried at pick-up",
            "rag-response": "green", "evidence-response": "", "overall": "amber",
            "summary": "Rising", "owner_id": "", "next_review_at": "2026-11-20T18:00", **changes}


def test_the_form_records_a_version_and_comes_back_filled_in(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, clock: Any) -> None:
    incident = launch()
    me = signed_in(Role.DUTY_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    for words in ("Community impact assessment", "No community impact assessment has been recorded yet",
                  "Record the first assessment", "What is the mood at the school gate?",
                  "Ask the safer schools officer.", 'name="rag-mood" type="radio" value="amber"',
                  'value="2026-11-21T10:00"', f'<option value="{me.id}" selected>'):
        assert words in page, words
    response = client.post(f"/incidents/{incident.id}/assessments",
                           data=form_data(client, incident, owner_id=str(me.id)))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    for words in ("Community impact assessment version 1 recorded.", "Version 1, recorded 10:00, 20 Nov",
                  ">Amber</strong>", ">Green</strong>", "Parents worried at pick-up", "18:00, 20 Nov",
                  "Record version 2", 'id="rag-mood-green" name="rag-mood" type="radio" value="green"',
                  'value="amber" checked', ">Parents worried at pick-up</textarea>",
                  'value="2026-11-20T18:00"'):
        assert words in page, words
    assert "Review overdue" not in page


def test_bad_answers_come_back_by_field_with_what_was_typed(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, clock: Any) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    data = form_data(client, incident, **{"rag-mood": "red", "evidence-mood": "", "overall": "",
                                          "next_review_at": "soon", "summary": "Typed words stay"})
    response = client.post(f"/incidents/{incident.id}/assessments", data=data)
    assert response.status_code == 422
    text = response.text
    for words in ("<title>Error:", 'href="#evidence-mood"', 'href="#overall"', 'href="#owner_id"',
                  'href="#next_review_at"', "Give the evidence for the red rating",
                  'id="evidence-mood-error"',
                  'value="soon"', ">Typed words stay</textarea>", "Choose an overall rating",
                  'id="rag-mood" name="rag-mood" type="radio" value="red" checked'):
        assert words in text, words
    assert re.search(r"<details class=\"govuk-details\" open>\s*<summary[^>]*><span[^>]*>Record the first",
                     text)
    assert count(ImpactAssessment) == 0


def test_viewers_see_the_assessment_but_cannot_record_one(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, duty: User, now: datetime,
        clock: Any) -> None:
    incident = launch()
    assess(incident, duty, now)
    signed_in(Role.COMMS_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    assert ">Amber</strong>" in page and "Record version 2" not in page and 'name="rag-mood"' not in page
    assert client.post(f"/incidents/{incident.id}/assessments", data={"overall": "red"}).status_code == 403
    assert client.get(f"/incidents/{incident.id}/assessments/1").status_code == 200


def test_an_overdue_review_is_flagged_in_words(client: FlaskClient, signed_in: Callable[..., User],
                                               launch: Launch, duty: User, now: datetime, clock: Any) -> None:
    incident = launch()
    assess(incident, duty, now)
    signed_in(Role.COMMS_OFFICER)
    clock(now + timedelta(hours=9))
    assert "Review overdue" in client.get(f"/incidents/{incident.id}").text


def test_the_version_page_shows_what_changed_in_words(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, duty: User, now: datetime,
        clock: Any) -> None:
    incident = launch()
    assess(incident, duty, now)
    assess(incident, duty, now + timedelta(hours=1), ratings={"mood": "red", "response": "green"},
           evidence={"mood": "Fight outside the gates"}, overall="red")
    signed_in(Role.COMMS_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    assert "Earlier versions" in page and f'href="/incidents/{incident.id}/assessments/1"' in page
    assert "See what changed from version 1" in page
    second = client.get(f"/incidents/{incident.id}/assessments/2").text
    for words in ("Community impact assessment, version 2", "What changed from version 1",
                  "Amber → Red", "Green (no change)", "Fight outside the gates", '<ins class="app-ins">',
                  ">Red</strong>", "Back to CI-2026-0001"):
        assert words in second, words
    first = client.get(f"/incidents/{incident.id}/assessments/1").text
    assert "This is the first version" in first and "This is an earlier version" in first
    assert client.get(f"/incidents/{incident.id}/assessments/3").status_code == 404
    assert client.get(f"/incidents/{incident.id + 1}/assessments/1").status_code == 404


def test_the_incident_page_makes_the_same_queries_for_one_version_or_ten(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, duty: User, now: datetime,
        clock: Any) -> None:
    incident = launch()
    incident_id, duty_id = incident.id, duty.id
    signed_in(Role.DUTY_OFFICER)
    assess(incident, duty, now)

    def measure() -> int:
        client.get(f"/incidents/{incident_id}")
        db.session.remove()
        with count_queries() as counter:
            assert client.get(f"/incidents/{incident_id}").status_code == 200
        return counter.count

    one = measure()
    incident, duty = db.session.get(Incident, incident_id), db.session.get(User, duty_id)
    assert incident is not None and duty is not None
    for minutes in range(1, 10):
        assess(incident, duty, now + timedelta(minutes=minutes))
    assert count(ImpactAssessment) == 10
    assert measure() == one
