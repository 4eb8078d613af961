"""Media enquiries: logging with a clock, the status rules, answers and the handler's reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.incidents.models import Incident, TimelineEvent
from commsplan.notifications.jobs import run_dispatch
from commsplan.notifications.models import InboxItem, Reminder, ReminderStatus
from commsplan.press import answers, enquiries
from commsplan.press.models import AnswerKind, EnquiryStatus, MediaEnquiry, PressDraft
from commsplan.reference.models import BusinessUnit
from tests.factories import make_user
from tests.incidents.conftest import statement_of
from tests.press.conftest import SETTINGS, release_holding

Launch = Callable[..., Incident]


def details(unit: BusinessUnit, handler: User, **changes: Any) -> enquiries.EnquiryInput:
    values: dict[str, Any] = {"outlet": "South London Press", "journalist": "Sam Reporter",
                              "channel": "phone", "question": "Was the boy stabbed?",
                              "unit_id": unit.id, "handler_id": handler.id, **changes}
    return enquiries.EnquiryInput(**values)


def log(session: Any, unit: BusinessUnit, press: User, now: datetime, **changes: Any) -> MediaEnquiry:
    return enquiries.log_enquiry(session, details(unit, press, **changes), actor=press, now=now,
                                 settings=SETTINGS)


def test_an_enquiry_about_an_incident_takes_the_default_time_for_its_severity(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    incident = launch()  # the test playbook's severity is medium: two hours
    enquiry = log(session, unit, press, now, incident_id=incident.id)
    assert enquiry.deadline_at == now + timedelta(hours=2) and not enquiry.deadline_given
    assert enquiry.status is EnquiryStatus.NEW
    texts = [event.text for event in session.scalars(select(TimelineEvent))]
    assert any(text.startswith("Media enquiry from South London Press (Sam Reporter)") for text in texts)
    assert session.scalar(select(AuditEntry).where(AuditEntry.object_type == "media_enquiry")) is not None


def test_a_given_deadline_is_kept(session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    enquiry = log(session, unit, press, now, deadline_at=now + timedelta(minutes=50))
    assert enquiry.deadline_at == now + timedelta(minutes=50) and enquiry.deadline_given


@pytest.mark.parametrize(("changes", "field"), [
    ({"deadline_at": "past"}, "deadline_at"),
    ({"incident_id": 999}, "incident_id"),
    ({"unit_id": None}, "unit_id"),
    ({"unit_id": 0}, "unit_id"),
    ({"handler_id": None}, "handler_id"),
    ({"outlet": "  "}, "outlet"),
    ({"journalist": "x" * 201}, "journalist"),
    ({"channel": "pigeon"}, "channel"),
    ({"question": ""}, "question"),
    ({"plan_id": 12345}, "plan_id"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
        session: Any, now: datetime, unit: BusinessUnit, press: User, changes: dict[str, Any],
        field: str) -> None:
    if changes.get("deadline_at") == "past":
        changes = {"deadline_at": now - timedelta(minutes=1)}
    with pytest.raises(ValidationError) as refused:
        log(session, unit, press, now, **changes)
    assert field in refused.value.field_errors
    assert session.scalar(select(MediaEnquiry)) is None
    assert session.scalar(select(Reminder)) is None


def test_a_partner_viewer_cannot_handle_or_log(session: Any, now: datetime, unit: BusinessUnit,
                                                press: User) -> None:
    viewer = make_user(session, roles=(Role.VIEWER,), now=now)
    with pytest.raises(ValidationError) as refused:
        log(session, unit, press, now, handler_id=viewer.id)
    assert "handler_id" in refused.value.field_errors
    with pytest.raises(PermissionDenied):
        enquiries.log_enquiry(session, details(unit, press), actor=viewer, now=now, settings=SETTINGS)


def test_status_moves_only_forwards(session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    enquiry = log(session, unit, press, now)
    with pytest.raises(Conflict):
        enquiries.close(session, enquiry, actor=press, now=now)
    enquiries.start(session, enquiry, actor=press, now=now)
    with pytest.raises(Conflict):
        enquiries.start(session, enquiry, actor=press, now=now)
    enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="ncnd", text="We would not discuss that."),
                     actor=press, now=now)
    assert enquiry.answer_kind is AnswerKind.NCND and enquiry.answer_text == "We would not discuss that."
    with pytest.raises(Conflict):
        enquiries.decline(session, enquiry, "Too late", actor=press, now=now)
    enquiries.close(session, enquiry, actor=press, now=now)
    assert enquiry.status is EnquiryStatus.CLOSED


def test_declining_needs_a_reason(session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    enquiry = log(session, unit, press, now)
    with pytest.raises(ValidationError) as refused:
        enquiries.decline(session, enquiry, " ", actor=press, now=now)
    assert "decline_reason" in refused.value.field_errors and enquiry.status is EnquiryStatus.NEW
    enquiries.decline(session, enquiry, "A matter for the coroner", actor=press, now=now)
    assert enquiry.status is EnquiryStatus.DECLINED


def test_answered_with_the_released_holding_statement(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User, approver: User,
        duty: User) -> None:
    incident = launch(next_update_time="4pm")
    holding = release_holding(session, incident, approver, duty, now)
    enquiry = log(session, unit, press, now, incident_id=incident.id)
    later = now + timedelta(minutes=20)
    enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="statement", statement_id=holding.id,
                                                             background=True), actor=press, now=later)
    assert enquiry.answer_text == holding.body and enquiry.background and enquiry.answered_in_time()
    assert enquiries.incident_counts(session, incident.id) == (1, 1)


def test_an_unreleased_statement_or_unapproved_map_is_refused(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    incident = launch(next_update_time="4pm")
    draft = statement_of(session, incident, "holding")
    enquiry = log(session, unit, press, now, incident_id=incident.id)
    with pytest.raises(ValidationError) as refused:
        enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="statement", statement_id=draft.id),
                         actor=press, now=now)
    assert "statement_id" in refused.value.field_errors
    with pytest.raises(ValidationError) as refused:
        enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="message_map", map_id=4242),
                         actor=press, now=now)
    assert "map_id" in refused.value.field_errors
    assert enquiry.status is EnquiryStatus.NEW


def test_written_words_are_drafted_approved_by_another_and_given(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User, duty: User,
        approver: User) -> None:
    incident = launch(next_update_time="4pm", victim_name="Tom Smith")
    enquiry = log(session, unit, press, now, incident_id=incident.id)
    for words, rule in (("The attack looks gang-related.", "gang-related"), ("Tom Smith was hurt.", "child"),
                        ("  ", "Write the answer")):
        with pytest.raises(ValidationError) as refused:
            answers.draft(session, enquiry, words, actor=press, now=now)
        assert rule in refused.value.field_errors["draft_text"][0]
    assert session.scalar(select(func.count(PressDraft.id))) == 0
    drafted = answers.draft(session, enquiry, "A boy was hurt.", actor=press, now=now)
    with pytest.raises(Conflict):  # not before it is approved
        enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="written", draft_id=drafted.id),
                         actor=press, now=now)
    with pytest.raises(PermissionDenied, match="You drafted this answer"):
        answers.approve(session, enquiry, drafted.id, actor=press, now=now)
    with pytest.raises(PermissionDenied, match="do not allow you to approve"):
        answers.approve(session, enquiry, drafted.id, actor=duty, now=now)
    later = now + timedelta(minutes=5)
    answers.approve(session, enquiry, drafted.id, actor=approver, now=later)
    assert (drafted.approved_by_id, drafted.approved_as, drafted.approved_at) == (
        approver.id, "approver", later)
    with pytest.raises(Conflict):  # only the newest words, so none approved unseen
        enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="written", draft_id=drafted.id + 1),
                         actor=press, now=later)
    enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="written", draft_id=drafted.id),
                     actor=press, now=later)
    assert enquiry.answer_kind is AnswerKind.WRITTEN and enquiry.answer_text == "A boy was hurt."
    assert drafted.given_at == later and enquiry.status is EnquiryStatus.ANSWERED
    with pytest.raises(Conflict):  # answered: nothing more to draft
        answers.draft(session, enquiry, "More words.", actor=press, now=later)


def test_the_handler_is_reminded_before_the_deadline_and_not_after_an_answer(
        session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    first = log(session, unit, press, now, deadline_at=now + timedelta(hours=1), journalist="First")
    second = log(session, unit, press, now, deadline_at=now + timedelta(hours=1), journalist="Second")
    session.commit()
    run_dispatch(now=lambda: now + timedelta(minutes=44))
    assert session.scalar(select(InboxItem)) is None
    run_dispatch(now=lambda: now + timedelta(minutes=46))
    due = {(item.user_id, item.kind, item.title) for item in session.scalars(select(InboxItem))}
    assert due == {(press.id, "press_enquiry_due", "Media enquiry: South London Press, First"),
                   (press.id, "press_enquiry_due", "Media enquiry: South London Press, Second")}
    enquiries.answer(session, first, enquiries.AnswerInput(kind="ncnd"), actor=press, now=now)
    session.commit()
    run_dispatch(now=lambda: now + timedelta(hours=2))
    lapsed = {item.title for item in session.scalars(select(InboxItem).where(
        InboxItem.kind == "press_enquiry_lapsed"))}
    assert lapsed == {"Media enquiry: South London Press, Second"}
    statuses = {r.idempotency_key: r.status for r in session.scalars(select(Reminder))}
    assert statuses[f"press:enquiry:{first.id}:20261120T100000:lapsed:{press.id}"] is ReminderStatus.CANCELLED
    assert second.id != first.id


def test_a_handover_moves_the_reminders_to_come(session: Any, now: datetime, unit: BusinessUnit,
                                                press: User) -> None:
    other = make_user(session, roles=(Role.COMMS_OFFICER,), name="Sam Second", now=now)
    enquiry = log(session, unit, press, now, deadline_at=now + timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        enquiries.hand_over(session, enquiry, 4242, actor=press, now=now, settings=SETTINGS)
    assert "handler_id" in refused.value.field_errors
    later = now + timedelta(minutes=10)
    enquiries.hand_over(session, enquiry, other.id, actor=press, now=later, settings=SETTINGS)
    enquiries.hand_over(session, enquiry, press.id, actor=other, now=later + timedelta(minutes=1),
                        settings=SETTINGS)
    pending = {(r.recipient_user_id, r.kind) for r in session.scalars(
        select(Reminder).where(Reminder.status == ReminderStatus.PENDING))}
    assert pending == {(press.id, "press_enquiry_due"), (press.id, "press_enquiry_lapsed")}
    assert enquiry.handler_id == press.id
    enquiries.decline(session, enquiry, "Not ours to answer", actor=press, now=later)
    with pytest.raises(Conflict):
        enquiries.hand_over(session, enquiry, other.id, actor=press, now=later, settings=SETTINGS)


def test_the_desk_lists_open_enquiries_soonest_first_and_search_finds_repeat_enquirers(
        session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    late = log(session, unit, press, now, deadline_at=now + timedelta(hours=3), outlet="Evening Standard")
    soon = log(session, unit, press, now, deadline_at=now + timedelta(hours=1), journalist="Kim Writer")
    done = log(session, unit, press, now, deadline_at=now + timedelta(hours=2))
    enquiries.decline(session, done, "No comment on that", actor=press, now=now)
    assert list(session.scalars(enquiries.due_next_query())) == [soon, late]
    assert list(session.scalars(enquiries.search_query("kim"))) == [soon]
    assert set(session.scalars(enquiries.search_query("south london"))) == {soon, done}
