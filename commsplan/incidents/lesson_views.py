"""Lessons from a debrief: raised on the incident page, listed on their playbook's page (a section the
playbooks room lets this room add), and marked as addressed there by their owners."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from commsplan.auth.models import Role, User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.incidents import closing, lessons, service
from commsplan.incidents.forms import AddressedForm, LessonForm
from commsplan.incidents.models import Incident
from commsplan.incidents.page import Panel, assignable_people
from commsplan.incidents.views import act, bp
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks.library import library
from commsplan.playbooks.model import Playbook
from commsplan.playbooks.views import Section, render_playbook
from commsplan.timeutil import to_london, utcnow
from commsplan.web import page_number, role_required, signed_in_user


def incident_panel(session: Session, incident: Incident, viewer: User) -> Panel | None:
    """The debrief's lessons on the incident page, with the form to add one once the debrief is written."""
    if closing.debrief_of(session, incident) is None:
        return None
    return Panel("incidents/_lessons.html", {
        "anchor": "lessons", "heading": "Lessons for the playbook", "incident_id": incident.id,
        "lessons": lessons.lessons_of(session, incident),
        "people": assignable_people(session) if viewer.has_role(*closing.CLOSERS) else [],
        "can_raise": viewer.has_role(*closing.CLOSERS), "today": to_london(utcnow()).date()})


def playbook_section(playbook: Playbook, viewer: User, errors: dict[str, list[str]]) -> Section | None:
    """The playbook's open lessons, a page at a time; staff only (a partner viewer sees the playbook)."""
    if not viewer.has_role(*service.READERS):
        return None
    found = lessons.open_lessons(current_session(), playbook.id, page_number("lessons_page"))
    markable = [lesson.id for lesson in found.lessons if playbook.version > lesson.raised_against_version
                and (lesson.owner_id == viewer.id or viewer.has_role(Role.ADMIN))]
    return Section("incidents/_playbook_lessons.html", {
        "anchor": "open-lessons", "heading": "Open lessons", "found": found, "markable": markable,
        "errors": errors, "today": to_london(utcnow()).date(),
        "note": request.form.get("note", "") if request.method == "POST" else "",
        "ticked": request.form.getlist("lessons") if request.method == "POST" else [],
        "form": AddressedForm()})


@bp.post("/<int:incident_id>/lessons")
@role_required(*closing.CLOSERS)
def raise_lesson(incident_id: int) -> Response | tuple[str, int]:
    form = LessonForm()

    def record(session: Session, incident: Incident) -> str:
        lessons.raise_lesson(session, incident, form.answers(), actor=signed_in_user(), now=utcnow(),
                             settings=current_settings())
        return "Lesson recorded. It is listed on the playbook's page until a new version addresses it."
    return act(incident_id, form, record)


@bp.post("/lessons/<playbook_id>/addressed")
@role_required(*service.READERS)
def mark_addressed(playbook_id: str) -> Response | tuple[str, int]:
    playbook = library().playbooks.get(playbook_id)
    form = AddressedForm()
    if playbook is None:
        return render_playbook(playbook_id), 404
    if not form.validate_on_submit():
        return render_playbook(playbook_id, {"form": ["The form had expired: try again"]}), 400
    try:
        with unit_of_work() as session:
            marked = lessons.mark_addressed(session, playbook.id, playbook.version, form.lesson_ids(),
                                            form.note.data, actor=signed_in_user(), now=utcnow())
    except ValidationError as error:
        return render_playbook(playbook_id, error.field_errors or {}), 422
    flash(f"Marked {len(marked)} lesson{'s' if len(marked) != 1 else ''} as addressed by version "
          f"{playbook.version}.", "success")
    return redirect(url_for("playbooks.show_playbook", playbook_id=playbook.id) + "#open-lessons")
