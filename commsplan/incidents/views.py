"""Incident pages: the duty board, launching a playbook, and one incident's tasks, clocks and timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from commsplan.auth.models import User, UserRole
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.incidents import (
    closing,
    decision_chain,
    decision_checks,
    decisions,
    drafts,
    inputs,
    records,
    report,
    service,
)
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Incident, IncidentStatus, TaskStatus
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks import vocab
from commsplan.playbooks.library import library
from commsplan.playbooks.model import Playbook
from commsplan.reference.kinds import UNITS
from commsplan.reference.service import active_items
from commsplan.timeutil import to_london, utcnow
from commsplan.web import ConfirmForm, attachment, role_required, signed_in_user

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
INPUT_PREFIX = "in_"
BOARD_REFRESH_SECONDS = 60


TIMELINE_SHOWN = 25  # the newest entries; the report holds them all
DUE_NOW = timedelta(hours=1)  # open tasks due within this are shown first; later ones are folded away
ETHICS_PRINCIPLES = {p.value: (p.label, p.description) for p in decisions.EthicsPrinciple}


@bp.before_request
def staff_only() -> None:
    """Every incident page, the board included, is for staff; a viewer-only account gets 403."""
    if current_user.is_authenticated and not signed_in_user().has_role(*service.READERS):
        abort(403)


def incident_or_404(incident_id: int) -> Incident:
    return service.get_incident(current_session(), incident_id)


def launchable(playbook_id: str) -> Playbook:
    playbook = library().playbooks.get(playbook_id)
    if playbook is None:
        abort(404)
    return playbook


@bp.get("/")
def board() -> str:
    """Active incidents with their next tasks; the page refreshes itself for duty staff."""
    now = utcnow()
    return render_template("incidents/board.html", rows=service.board(current_session(), now=now), now=now,
                           refresh=BOARD_REFRESH_SECONDS, playbooks=library().ordered(),
                           can_launch=signed_in_user().has_role(*service.WORKERS))


@bp.route("/launch/<playbook_id>", methods=["GET", "POST"])
@role_required(*service.WORKERS)
def launch(playbook_id: str) -> Response | tuple[str, int]:
    playbook = launchable(playbook_id)
    form = ConfirmForm()
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            launch_request = read_launch_form(playbook)
            with unit_of_work() as session:
                incident = service.launch(session, playbook, launch_request, actor=signed_in_user(),
                                          now=utcnow(), settings=current_settings())
            flash(f"{incident.reference} launched. Tasks are timed from the clocks recorded so far.",
                  "success")
            return redirect(url_for("incidents.show_incident", incident_id=incident.id))
        except ValidationError as error:
            input_ids = {spec.id for spec in playbook.inputs}
            errors = {(INPUT_PREFIX + name if name in input_ids else name): messages
                      for name, messages in (error.field_errors or {}).items()}
    elif request.method == "POST":
        errors = {"form": ["The form had expired: check the answers and launch again"]}
    return render_template("incidents/launch.html", playbook=playbook, form=form, errors=errors,
                           values=request.form, units=active_items(current_session(), UNITS),
                           input_types=vocab.INPUT_TYPES, prefix=INPUT_PREFIX,
                           default_notified=to_london(utcnow()).strftime("%Y-%m-%dT%H:%M")), (
        422 if errors else 200)


def read_launch_form(playbook: Playbook) -> service.LaunchRequest:
    inputs = {spec.id: request.form.get(INPUT_PREFIX + spec.id, "") for spec in playbook.inputs}
    return service.LaunchRequest(title=request.form.get("title", ""), mode=request.form.get("mode", ""),
                                 notified_at=request.form.get("notified_at", ""), inputs=inputs)


def read_time(name: str, errors: dict[str, list[str]]) -> datetime | None:
    try:
        return inputs.london_input(request.form.get(name, "").strip())
    except ValueError as error:
        errors[name] = [str(error).capitalize()]
        return None


@bp.get("/<int:incident_id>")
def show_incident(incident_id: int) -> str:
    incident = incident_or_404(incident_id)
    return render_incident(incident)


def render_incident(incident: Incident, *, errors: dict[str, list[str]] | None = None) -> str:
    session = current_session()
    playbook = records.playbook_of(incident)
    now, user = utcnow(), signed_in_user()
    active = incident.status is IncidentStatus.ACTIVE
    clocks = incident.anchor_times()
    decision_entries = decisions.decisions_of(session, incident)
    tasks, holders = service.tasks_of(session, incident), records.role_holders(session, incident)
    statements = drafts.statements_of(session, incident)
    open_tasks = [t for t in tasks if t.status is TaskStatus.OPEN and t.due_at is not None]
    soon = now + DUE_NOW
    return render_template(
        "incidents/show.html", incident=incident, playbook=playbook, now=now, clocks=clocks,
        open_tasks=open_tasks, overdue_count=sum(t.is_overdue(now) for t in open_tasks),
        tasks_now=[t for t in open_tasks if t.due_at and t.due_at <= soon],
        tasks_later=[t for t in open_tasks if t.due_at and t.due_at > soon],
        waiting_tasks=[t for t in tasks if t.status is TaskStatus.OPEN and t.due_at is None],
        closed_tasks=[t for t in tasks if t.status is not TaskStatus.OPEN],
        steps={step.id: step for step in playbook.steps},
        events=service.timeline(session, incident, limit=TIMELINE_SHOWN),
        timeline_total=service.timeline_count(session, incident), roles=holders, people=assignable_people(),
        waiting_anchors=[a for a in playbook.anchors if a not in clocks], form=ConfirmForm(),
        inputs=records.shown_inputs(session, playbook, incident.inputs), errors=errors or {},
        can_work=user.has_role(*service.WORKERS) and active,
        all_roles=records.incident_roles(playbook), TaskStatus=TaskStatus,
        figures=closing.figures(session, incident) if not active else None,
        debrief=closing.debrief_of(session, incident), can_close=user.has_role(*closing.CLOSERS),
        decisions=decision_entries, corrected=decisions.superseded_ids(decision_entries),
        ndm_parts=decisions.NDM_PARTS, ethics_principles=ETHICS_PRINCIPLES,
        can_decide=user.has_role(*decisions.LOGGERS) and active,
        statements=[(item, statement_service.guardrail_checks(incident, playbook, item.body))
                    for item in statements],
        sign_offs=statement_service.sign_offs(playbook, statements, tasks, holders),
        can_edit=user.has_role(*statement_service.EDITORS) and active,
        can_approve=active,
        can_release=user.has_role(*statement_service.RELEASERS) and active,
        raw_inputs=raw_inputs(playbook, incident.inputs), units=active_items(session, UNITS),
        details_failed=any(name.startswith(INPUT_PREFIX) for name in errors or {}),
        default_time=to_london(now).strftime("%Y-%m-%dT%H:%M"))


def raw_inputs(playbook: Playbook, values: dict[str, Any]) -> dict[str, str]:
    """Stored input values as the edit form shows them."""
    shown = {}
    for spec in playbook.inputs:
        value = values.get(spec.id)
        if value is None:
            shown[spec.id] = ""
        elif spec.type == "yesno":
            shown[spec.id] = "yes" if value else "no"
        elif spec.type == "datetime":
            shown[spec.id] = to_london(datetime.fromisoformat(value)).strftime("%Y-%m-%dT%H:%M")
        elif spec.type == "number":
            shown[spec.id] = f"{value:g}"
        else:
            shown[spec.id] = str(value)
    return shown


def assignable_people() -> list[User]:
    """Active staff who may read incidents: a partner's viewer account cannot hold an incident role."""
    staff = select(UserRole.user_id).where(UserRole.role.in_(service.READERS))
    return list(current_session().scalars(select(User).where(User.is_active.is_(True), User.id.in_(staff))
                                          .order_by(User.name)))


def act(incident_id: int, action: Any, *, prefix_errors: bool = False) -> Response | tuple[str, int]:
    """Run one change on the incident; a field error shows the page again with what went wrong.

    `prefix_errors` names errors as the inputs form names its fields.
    """
    incident = incident_or_404(incident_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_incident(incident, errors={"form": ["The form had expired: try again"]}), 400
    try:
        with unit_of_work() as session:
            message = action(session, incident)
    except ValidationError as error:
        errors = error.field_errors or {}
        if prefix_errors:
            errors = {INPUT_PREFIX + name: messages for name, messages in errors.items()}
        return render_incident(incident_or_404(incident_id), errors=errors), 422
    flash(message, "success")
    return redirect(url_for("incidents.show_incident", incident_id=incident_id))


@bp.post("/<int:incident_id>/anchors")
@role_required(*service.WORKERS)
def record_anchor(incident_id: int) -> Response | tuple[str, int]:
    def record(session: Any, incident: Incident) -> str:
        errors: dict[str, list[str]] = {}
        occurred_at = read_time("occurred_at", errors)
        if errors or occurred_at is None:
            raise ValidationError(errors)
        anchor = request.form.get("anchor", "")
        service.record_anchor(session, incident, anchor, occurred_at=occurred_at,
                              note=request.form.get("note", ""), actor=signed_in_user(), now=utcnow(),
                              settings=current_settings())
        return f"Recorded: {records.playbook_of(incident).anchors[anchor]}."
    return act(incident_id, record)


@bp.post("/<int:incident_id>/tasks/<int:task_id>")
@role_required(*service.WORKERS)
def finish_task(incident_id: int, task_id: int) -> Response | tuple[str, int]:
    def finish(session: Any, incident: Incident) -> str:
        task = service.get_task(session, incident, task_id)
        settings, now, actor = current_settings(), utcnow(), signed_in_user()
        if request.form.get("outcome") == "skip":
            service.skip_task(session, incident, task, reason=request.form.get("reason", ""), actor=actor,
                              now=now, settings=settings)
            return f"Skipped: {task.title}."
        service.complete_task(session, incident, task, actor=actor, now=now, settings=settings)
        return f"Done: {task.title}."
    return act(incident_id, finish)


@bp.post("/<int:incident_id>/roles")
@role_required(*service.WORKERS)
def assign_role(incident_id: int) -> Response | tuple[str, int]:
    def assign(session: Any, incident: Incident) -> str:
        person_id = request.form.get("user_id", "")
        person = session.get(User, int(person_id)) if person_id.isdigit() else None
        service.assign_role(session, incident, request.form.get("role", ""), person,
                            note=request.form.get("handover_note", ""), actor=signed_in_user(), now=utcnow(),
                            settings=current_settings())
        return "Role assigned."
    return act(incident_id, assign)


@bp.post("/<int:incident_id>/notes")
@role_required(*service.WORKERS)
def add_note(incident_id: int) -> Response | tuple[str, int]:
    def note(session: Any, incident: Incident) -> str:
        service.add_note(session, incident, request.form.get("text", ""), actor=signed_in_user(),
                         now=utcnow())
        return "Added to the timeline."
    return act(incident_id, note)


@bp.post("/<int:incident_id>/inputs")
@role_required(*service.WORKERS)
def update_inputs(incident_id: int) -> Response | tuple[str, int]:
    def update(session: Any, incident: Incident) -> str:
        playbook = records.playbook_of(incident)
        raw = {spec.id: request.form.get(INPUT_PREFIX + spec.id, "") for spec in playbook.inputs}
        changed = service.update_inputs(session, incident, raw, actor=signed_in_user(), now=utcnow())
        return f"Changed: {', '.join(changed)}." if changed else "Nothing had changed."
    return act(incident_id, update, prefix_errors=True)


@bp.post("/<int:incident_id>/status-updates")
@role_required(*service.WORKERS)
def post_status_update(incident_id: int) -> Response | tuple[str, int]:
    def post(session: Any, incident: Incident) -> str:
        service.post_status_update(session, incident, request.form.get("update", ""), actor=signed_in_user(),
                                   now=utcnow(), settings=current_settings())
        return "Status update posted. The next one is due a full cadence from now."
    return act(incident_id, post)


@bp.post("/<int:incident_id>/statements/<int:statement_id>")
@role_required(*statement_service.EDITORS, *statement_service.RELEASERS)
def change_statement(incident_id: int, statement_id: int) -> Response | tuple[str, int]:
    """Edit, ask for sign-off, approve (with an override decision when guardrails block) or release."""
    def change(session: Any, incident: Incident) -> str:
        statement = statement_service.get_statement(session, incident, statement_id)
        action, actor, now = request.form.get("action", ""), signed_in_user(), utcnow()
        if action == "edit":
            statement_service.edit(session, incident, statement, request.form.get("body", ""), actor=actor,
                                   now=now)
            return f"{statement.title} saved."
        if action == "ask":
            asked = statement_service.ask_for_sign_off(session, incident, statement, actor=actor, now=now,
                                                       settings=current_settings())
            return f"{', '.join(person.name for person in asked)} asked to sign off {statement.title}."
        if action == "approve":
            statement_service.approve(session, incident, statement, actor=actor, now=now,
                                      override=override_from_form())
            return f"{statement.title} approved."
        if action == "release":
            statement_service.release(session, incident, statement, request.form.getlist("channels") + [
                c for c in request.form.get("other_channels", "").split(",")], actor=actor, now=now,
                settings=current_settings())
            return f"{statement.title} released."
        raise ValidationError.single("action", "Choose edit, ask for sign-off, approve or release")
    return act(incident_id, change)


def override_from_form() -> decisions.DecisionInput | None:
    """An approver's override decision, when they wrote one; None otherwise."""
    if not request.form.get("override_decision", "").strip():
        return None
    return decision_from_form("override_")


def decision_from_form(prefix: str = "") -> decisions.DecisionInput:
    """The decision form's answers; a "who made it" that names nobody is a field error."""
    texts = {name: request.form.get(prefix + name, "") for name in (
        "decision_role", "decision", *decisions.NDM_PARTS, "ethics_note")}
    maker = request.form.get(prefix + "on_behalf_of_id", "").strip()
    maker_id = posted_id(maker)
    if maker and maker_id is None:
        raise ValidationError.single("on_behalf_of_id", "Choose who made the decision")
    return decisions.DecisionInput(**texts, ethics=tuple(request.form.getlist(prefix + "ethics")),
                                   on_behalf_of_id=maker_id)


def posted_id(text: str) -> int | None:
    """A record id as posted: plain digits that fit a database integer, or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


@bp.post("/<int:incident_id>/decisions")
@role_required(*decisions.LOGGERS)
def log_decision(incident_id: int) -> Response | tuple[str, int]:
    def add(session: Any, incident: Incident) -> str:
        supersedes_id = posted_id(request.form.get("supersedes_id", ""))
        entry = decisions.add_decision(session, incident, decision_from_form(), actor=signed_in_user(),
                                       now=utcnow(), supersedes_id=supersedes_id,
                                       settings=decision_chain.current_log_settings())
        return f"Decision {entry.sequence} logged."
    return act(incident_id, add)


@bp.get("/<int:incident_id>/decisions/verify")
def verify_decisions(incident_id: int) -> str:
    """The log checked entry by entry, against its checkpoints and the audit trail, with its head."""
    incident, session = incident_or_404(incident_id), current_session()
    settings = decision_chain.current_log_settings()
    checked = decision_checks.verify_chain(session, incident.id, settings=settings)
    return render_template("incidents/verify.html", incident=incident, checked=checked,
                           head=decision_chain.chain_head(session, incident))


@bp.post("/<int:incident_id>/stand-down")
@role_required(*service.WORKERS)
def stand_down(incident_id: int) -> Response | tuple[str, int]:
    def stand(session: Any, incident: Incident) -> str:
        closing.stand_down(session, incident, request.form.get("reason", ""), actor=signed_in_user(),
                           now=utcnow())
        return "Stood down. Reminders have stopped; hold the debrief to close it."
    return act(incident_id, stand)


@bp.post("/<int:incident_id>/close")
@role_required(*closing.CLOSERS)
def close_incident(incident_id: int) -> Response | tuple[str, int]:
    def close(session: Any, incident: Incident) -> str:
        answers = closing.DebriefInput(**{name: request.form.get(name, "") for name in (
            "went_well", "to_improve", "playbook_changes", "welfare_actions")})
        closing.close(session, incident, answers, actor=signed_in_user(), now=utcnow())
        return "Closed with the debrief. The report is ready."
    return act(incident_id, close)


@bp.get("/<int:incident_id>/report")
def report_page(incident_id: int) -> str:
    built = report.build(current_session(), incident_or_404(incident_id))
    return render_template("incidents/report.html", **report.context(built))


@bp.get("/<int:incident_id>/report.md")
def report_markdown(incident_id: int) -> Response:
    built = report.build(current_session(), incident_or_404(incident_id))
    return attachment(report.as_markdown(built), "text/markdown", f"{built.incident.reference}.md")


@bp.get("/figures")
def figures_page() -> str:
    rows, median = closing.closed_live_figures(current_session())
    return render_template("incidents/figures.html", rows=rows, median=median)
