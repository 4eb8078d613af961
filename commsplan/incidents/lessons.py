"""Lessons from a debrief, each a change to one playbook with an owner and a due date.

A lesson is raised against the playbook version the incident ran. Once the playbook file's version is
higher, the lesson's owner marks which lessons the new version addressed, with a note; until then an
open lesson past its due date is chased by a reminder to its owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User, UserRole
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents import closing, records, service
from commsplan.incidents.models import Incident, PlaybookLesson
from commsplan.notifications import service as reminders
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import london_moment, to_london

LONGEST_CHANGE = 2000
LONGEST_NOTE = 2000
FURTHEST_DUE = timedelta(days=2 * 366)
PAGE_SIZE = 20
MOST_MARKED = 100  # lessons marked in one go (a page shows PAGE_SIZE)
CHASE_AT = "09:00"  # London time on the day after the due date


@dataclass(frozen=True)
class LessonInput:
    proposed_change: str
    owner_id: int | None
    due_on: str


def lesson_key(lesson: PlaybookLesson) -> str:
    return f"lesson:{lesson.id}:"


def raise_lesson(session: Session, incident: Incident, answers: LessonInput, *, actor: User,
                 now: datetime, settings: DeliverySettings) -> PlaybookLesson:
    """Record a lesson against the playbook version `incident` ran, and schedule its chase."""
    require_role(actor, closing.CLOSERS, "record lessons from a debrief")
    if closing.debrief_of(session, incident) is None:
        raise Conflict("Close the incident with its debrief before recording lessons")
    today = to_london(now).date()
    errors: dict[str, list[str]] = {}
    change = owner = due_on = None
    try:
        change = records.written("proposed_change", answers.proposed_change,
                                 missing="Say what should change in the playbook", limit=LONGEST_CHANGE)
    except ValidationError as error:
        errors |= error.errors
    owner = staff_member(session, answers.owner_id)
    if owner is None:
        errors["owner"] = ["Choose who owns this lesson"]
    due_on = parse_day(answers.due_on)
    if due_on is None:
        errors["due_on"] = ["Enter the due date as day/month/year, like 31/3/2027"]
    elif due_on < today:
        errors["due_on"] = ["The due date cannot be in the past"]
    elif due_on > today + FURTHEST_DUE:
        errors["due_on"] = ["Set a due date within two years"]
    if errors or change is None or owner is None or due_on is None:
        raise ValidationError(errors)
    lesson = PlaybookLesson(
        incident_id=incident.id, playbook_id=incident.playbook_id,
        raised_against_version=incident.playbook_version, proposed_change=change, owner_id=owner.id,
        owner=owner, due_on=due_on, raised_by_id=actor.id, raised_at=now, addressed_note="")
    audit.add_audited(session, lesson, actor=actor, now=now)
    records.log(session, incident, "lesson",
                f"Lesson for the playbook, owned by {owner.name}: {change}"[:500], actor=actor, now=now)
    chase(session, lesson, incident, now=now, settings=settings, actor=actor)
    return lesson


def chase(session: Session, lesson: PlaybookLesson, incident: Incident, *, now: datetime,
          settings: DeliverySettings, actor: User | None) -> None:
    """A reminder to the owner the morning after the due date, if the lesson is still open then."""
    reminders.schedule(
        session, key=f"{lesson_key(lesson)}overdue:{lesson.owner_id}", kind="playbook_lesson_overdue",
        recipient=reminders.Recipient.person(lesson.owner),
        subject=reminders.Subject(type="playbook", id=lesson.playbook_id[:40],
                                  title=f"Lesson from {incident.reference} for {lesson.playbook_id}"[:200],
                                  link=f"/playbooks/{lesson.playbook_id}#open-lessons"),
        due_at=london_moment(lesson.due_on + timedelta(days=1), CHASE_AT), now=now, settings=settings,
        actor=actor, body=f"Due {lesson.due_on:%-d %B %Y}: {lesson.proposed_change}"[:1000])


def mark_addressed(session: Session, playbook_id: str, current_version: int, lesson_ids: Sequence[int],
                   note: str, *, actor: User, now: datetime) -> list[PlaybookLesson]:
    """Mark the chosen open lessons as addressed by the playbook's current version.

    Only a lesson's owner (or an admin) marks it, and only once the file's version is above the one
    the lesson was raised against. All or nothing: one refused lesson leaves every lesson open.
    """
    require_role(actor, service.READERS, "mark playbook lessons")
    errors: dict[str, list[str]] = {}
    try:
        why = records.written("note", note, missing="Say how the new version addresses the lessons",
                              limit=LONGEST_NOTE)
    except ValidationError as error:
        errors |= error.errors
        why = ""
    chosen = sorted(set(lesson_ids))[:MOST_MARKED + 1]
    lessons = list(session.scalars(select(PlaybookLesson).where(
        PlaybookLesson.id.in_(chosen), PlaybookLesson.playbook_id == playbook_id,
        PlaybookLesson.addressed_at.is_(None)).order_by(PlaybookLesson.id))) if chosen else []
    problems = lesson_problems(lessons, chosen, current_version, actor)
    if problems:
        errors["lessons"] = problems
    if errors:
        raise ValidationError(errors)
    for lesson in lessons:
        before = audit.snapshot(lesson)
        lesson.addressed_in_version, lesson.addressed_note = current_version, why
        lesson.addressed_by_id, lesson.addressed_at = actor.id, now
        audit.record(session, actor=actor, action="address", obj=lesson,
                     changes=audit.diff(before, audit.snapshot(lesson)), now=now)
    cancel_chases(session, lessons, now=now, actor=actor)
    return lessons


def lesson_problems(lessons: list[PlaybookLesson], chosen: list[int], current_version: int,
                    actor: User) -> list[str]:
    """Why the chosen lessons cannot be marked, one line each; empty when they all can."""
    if not chosen:
        return ["Choose at least one lesson the new version addressed"]
    if len(chosen) > MOST_MARKED:
        return [f"Mark at most {MOST_MARKED} lessons at a time"]
    problems = []
    if len(lessons) != len(chosen):
        problems.append("One or more of the chosen lessons is not open on this playbook")
    for lesson in lessons:
        if current_version <= lesson.raised_against_version:
            problems.append(f"\"{lesson.proposed_change[:60]}\" was raised against version "
                            f"{lesson.raised_against_version}: publish a later version first")
        if lesson.owner_id != actor.id and not actor.has_role(Role.ADMIN):
            problems.append(f"\"{lesson.proposed_change[:60]}\" is {lesson.owner.name}'s to mark")
    return problems


def cancel_chases(session: Session, lessons: Sequence[PlaybookLesson], *, now: datetime, actor: User) -> None:
    for lesson in lessons:
        reminders.cancel(session, key=f"{lesson_key(lesson)}overdue:{lesson.owner_id}", now=now, actor=actor)


@dataclass(frozen=True)
class LessonPage:
    """One page of a playbook's open lessons, oldest due first, and how many are open in all."""

    lessons: list[PlaybookLesson]
    total: int
    page: int
    pages: int


def open_lessons(session: Session, playbook_id: str, page: int) -> LessonPage:
    """Two queries however many lessons there are: the count, and one page of them."""
    where = (PlaybookLesson.playbook_id == playbook_id, PlaybookLesson.addressed_at.is_(None))
    total = session.scalar(select(func.count()).select_from(PlaybookLesson).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    lessons = list(session.scalars(select(PlaybookLesson).where(*where).order_by(
        PlaybookLesson.due_on, PlaybookLesson.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return LessonPage(lessons, total, page, pages)


def lessons_of(session: Session, incident: Incident) -> list[PlaybookLesson]:
    """The lessons an incident's debrief raised (a debrief raises a handful, not hundreds)."""
    return list(session.scalars(select(PlaybookLesson).where(PlaybookLesson.incident_id == incident.id)
                                .order_by(PlaybookLesson.id).limit(PAGE_SIZE * 5)))


def staff_member(session: Session, user_id: int | None) -> User | None:
    """An active person who may read incidents: a partner's viewer account cannot own a lesson."""
    if user_id is None:
        return None
    staff = select(UserRole.user_id).where(UserRole.role.in_(service.READERS))
    return session.scalar(select(User).where(User.id == user_id, User.is_active.is_(True),
                                             User.id.in_(staff)))


def parse_day(text: str) -> date | None:
    """A day written as day/month/year (or 2027-03-31); None when it is not a real date."""
    cleaned = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None
