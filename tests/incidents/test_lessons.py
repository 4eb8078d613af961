"""Lessons from a debrief: raised against the playbook version the incident ran, listed on the playbook's
page, marked as addressed by a later version's owner, and chased when past due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.incidents import closing, lessons
from commsplan.incidents.models import Incident, PlaybookLesson
from commsplan.notifications.jobs import current_settings, run_dispatch
from commsplan.notifications.models import InboxItem, Reminder, ReminderStatus
from tests.factories import make_user

Launch = Callable[..., Incident]
DEBRIEF = closing.DebriefInput(went_well="Holding line out fast.", to_improve="Schools told late.")


def closed(launch: Launch, session: Any, duty: User, now: datetime, **changes: Any) -> Incident:
    incident = launch(**changes)
    closing.stand_down(session, incident, "Charged", actor=duty, now=now)
    closing.close(session, incident, DEBRIEF, actor=duty, now=now)
    return incident


def raise_one(session: Any, incident: Incident, owner: User, duty: User, now: datetime,
              change: str = "Brief schools within the hour", due_on: str = "1/12/2026") -> PlaybookLesson:
    return lessons.raise_lesson(session, incident, lessons.LessonInput(change, owner.id, due_on),
                                actor=duty, now=now, settings=current_settings())


@pytest.fixture
def owner(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.COMMS_OFFICER,), name="Olu Owner", now=now)


def test_a_lesson_is_raised_against_the_version_the_incident_ran(
        launch: Launch, session: Any, now: datetime, duty: User, owner: User) -> None:
    incident = closed(launch, session, duty, now)
    lesson = raise_one(session, incident, owner, duty, now)
    assert (lesson.playbook_id, lesson.raised_against_version) == ("street-robbery-test", 2)
    assert lesson.due_on == date(2026, 12, 1) and lesson.owner_id == owner.id
    entry = session.scalar(select(AuditEntry).where(AuditEntry.object_type == "playbook_lesson"))
    assert entry.action == "create" and entry.changes["proposed_change"][1] == "Brief schools within the hour"


def test_bad_answers_are_refused_by_field_and_nothing_is_saved(
        launch: Launch, session: Any, now: datetime, duty: User, owner: User) -> None:
    incident = closed(launch, session, duty, now)
    viewer = make_user(session, roles=(Role.VIEWER,), name="Partner", now=now)
    for answers, field in ((lessons.LessonInput(" ", owner.id, "1/12/2026"), "proposed_change"),
                           (lessons.LessonInput("x" * 2001, owner.id, "1/12/2026"), "proposed_change"),
                           (lessons.LessonInput("Change", None, "1/12/2026"), "owner"),
                           (lessons.LessonInput("Change", viewer.id, "1/12/2026"), "owner"),
                           (lessons.LessonInput("Change", 99999, "1/12/2026"), "owner"),
                           (lessons.LessonInput("Change", owner.id, "31/2/2027"), "due_on"),
                           (lessons.LessonInput("Change", owner.id, "1/1/2020"), "due_on"),
                           (lessons.LessonInput("Change", owner.id, "1/1/2099"), "due_on")):
        with pytest.raises(ValidationError) as refused:
            lessons.raise_lesson(session, incident, answers, actor=duty, now=now, settings=current_settings())
        assert field in refused.value.field_errors, answers
    assert session.scalar(select(func.count()).select_from(PlaybookLesson)) == 0


def test_lessons_need_a_debrief_and_a_closer(launch: Launch, session: Any, now: datetime, duty: User,
                                             owner: User) -> None:
    active = launch()
    with pytest.raises(Conflict):
        raise_one(session, active, owner, duty, now)
    incident = closed(launch, session, duty, now, title="Second")
    with pytest.raises(PermissionDenied):
        raise_one(session, incident, owner, owner, now)


def test_only_a_later_version_addresses_a_lesson_and_only_its_owner_marks_it(
        launch: Launch, session: Any, now: datetime, duty: User, owner: User) -> None:
    incident = closed(launch, session, duty, now)
    first = raise_one(session, incident, owner, duty, now)
    second = raise_one(session, incident, duty, duty, now, change="Add a task for the IAG briefing")
    with pytest.raises(ValidationError) as same_version:
        lessons.mark_addressed(session, "street-robbery-test", 2, [first.id], "Done", actor=owner, now=now)
    assert "publish a later version" in same_version.value.field_errors["lessons"][0]
    with pytest.raises(ValidationError) as not_theirs:
        lessons.mark_addressed(session, "street-robbery-test", 3, [first.id, second.id], "Done in v3",
                               actor=owner, now=now)
    assert "Dana Duty's to mark" in not_theirs.value.field_errors["lessons"][0]
    for ids, note, field in (([], "Done", "lessons"), ([first.id], " ", "note"),
                             ([424242], "Done", "lessons")):
        with pytest.raises(ValidationError) as refused:
            lessons.mark_addressed(session, "street-robbery-test", 3, ids, note, actor=owner, now=now)
        assert field in refused.value.field_errors
    assert first.addressed_at is None and second.addressed_at is None
    marked = lessons.mark_addressed(session, "street-robbery-test", 3, [first.id],
                                    "New step 4 briefs schools", actor=owner, now=now)
    assert marked == [first] and (first.addressed_in_version, first.addressed_by_id) == (3, owner.id)
    assert lessons.open_lessons(session, "street-robbery-test", 1).lessons == [second]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "address"))
    assert entry.changes["addressed_in_version"] == [None, 3]


def test_an_open_lesson_past_due_is_chased_and_an_addressed_one_is_not(
        launch: Launch, session: Any, now: datetime, duty: User, owner: User) -> None:
    incident = closed(launch, session, duty, now)
    chased = raise_one(session, incident, owner, duty, now, due_on="23/11/2026")
    done = raise_one(session, incident, owner, duty, now, change="Second change", due_on="23/11/2026")
    lessons.mark_addressed(session, "street-robbery-test", 3, [done.id], "Fixed", actor=owner, now=now)
    session.commit()
    run_dispatch(now=lambda: datetime(2026, 11, 24, 8, 59, tzinfo=UTC))
    assert session.scalar(select(InboxItem).where(InboxItem.kind == "playbook_lesson_overdue")) is None
    run_dispatch(now=lambda: datetime(2026, 11, 24, 9, 1, tzinfo=UTC))
    items = list(session.scalars(select(InboxItem).where(InboxItem.kind == "playbook_lesson_overdue")))
    assert [(item.user_id, item.title) for item in items] == [
        (owner.id, f"Lesson from {incident.reference} for street-robbery-test")]
    statuses = {r.idempotency_key: r.status for r in session.scalars(select(Reminder))}
    assert statuses[f"lesson:{done.id}:overdue:{owner.id}"] is ReminderStatus.CANCELLED
    assert chased.addressed_at is None


def test_open_lessons_come_a_page_at_a_time_soonest_due_first(
        launch: Launch, session: Any, now: datetime, duty: User, owner: User) -> None:
    incident = closed(launch, session, duty, now)
    for number in range(lessons.PAGE_SIZE + 3):
        raise_one(session, incident, owner, duty, now, change=f"Change {number}",
                  due_on=f"{1 + number % 28}/12/2026")
    first, last = (lessons.open_lessons(session, "street-robbery-test", page) for page in (1, 99))
    assert (first.total, first.pages, len(first.lessons), len(last.lessons), last.page) == (23, 2, 20, 3, 2)
    assert first.lessons[0].due_on == date(2026, 12, 1)
