"""Incident pages: the duty board, launching a playbook, and one incident's tasks, clocks and timeline.
One route per action; each reads its form and calls one service."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from commsplan.auth.models import User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.forms import AppForm
from commsplan.incidents import board as incident_board
from commsplan.incidents import (
    closing,
    decision_chain,
    decision_checks,
    decisions,
    figures,
    inputs,
    page,
    records,
    report,
    service,
)
from commsplan.incidents import statements as statement_service
from commsplan.incidents.forms import (
    INPUT_PREFIX,
    AnchorForm,
    ApproveForm,
    DebriefForm,
    DecisionForm,
    LaunchForm,
    NoteForm,
    ReleaseForm,
    RoleForm,
    SkipTaskForm,
    StandDownForm,
    StatementForm,
    StatusUpdateForm,
    inputs_form,
    posted_id,
)
from commsplan.incidents.models import Incident, IncidentMode, IncidentStatement
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks import vocab
from commsplan.playbooks.library import library
from commsplan.playbooks.model import Playbook
from commsplan.reference.kinds import UNITS
from commsplan.reference.service import active_items
from commsplan.timeutil import to_london, utcnow
from commsplan.web import (
    ConfirmForm,
    attachment,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
)

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
BOARD_REFRESH_SECONDS = 60


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


BOARD_SECTIONS = ((IncidentMode.LIVE, "page"), (IncidentMode.EXERCISE, "exercise_page"))


@bp.get("/")
def board() -> str:
    """Active incidents, most urgent first, live apart from exercises, a page of each at a time; the
    page refreshes itself for duty staff."""
    now, session, per_page = utcnow(), current_session(), current_app.config["PAGE_SIZE"]
    asked = {argument: page_number(argument) for _, argument in BOARD_SECTIONS}
    sections = []
    for mode, argument in BOARD_SECTIONS:
        section = incident_board.board_section(session, mode=mode, now=now, page=asked[argument],
                                               per_page=per_page)
        links = pagination_params(section.page, lambda number, argument=argument: url_for(
            "incidents.board", **{**asked, argument: number}))  # type: ignore[misc]
        sections.append((section, links))
    return render_template("incidents/board.html", sections=sections, now=now, refresh=BOARD_REFRESH_SECONDS,
                           playbooks=library().ordered(),
                           can_launch=signed_in_user().has_role(*service.WORKERS))


@bp.route("/launch/<playbook_id>", methods=["GET", "POST"])
@role_required(*service.WORKERS)
def launch(playbook_id: str) -> Response | tuple[str, int]:
    playbook = launchable(playbook_id)
    form = inputs_form(playbook, LaunchForm)
    assert isinstance(form, LaunchForm)
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            launch_request = service.LaunchRequest(title=form.title.data, mode=form.mode.data,
                                                   notified_at=form.notified_at.data,
                                                   inputs=form.input_values())
            with unit_of_work() as session:
                incident = service.launch(session, playbook, launch_request, actor=signed_in_user(),
                                          now=utcnow(), settings=current_settings())
            flash(f"{incident.reference} launched. Tasks are timed from the clocks recorded so far.",
                  "success")
            return redirect(url_for("incidents.show_incident", incident_id=incident.id))
        except ValidationError as error:
            errors = input_field_errors(playbook, error)
    elif request.method == "POST":
        errors = {"form": ["The form had expired: check the answers and launch again"]}
    return render_template("incidents/launch.html", playbook=playbook, form=form, errors=errors,
                           values=request.form, units=active_items(current_session(), UNITS),
                           input_types=vocab.INPUT_TYPES, prefix=INPUT_PREFIX,
                           default_notified=to_london(utcnow()).strftime("%Y-%m-%dT%H:%M")), (
        422 if errors else 200)


def input_field_errors(playbook: Playbook, error: ValidationError) -> dict[str, list[str]]:
    """A service's errors named as the form names its fields (a playbook input is `in_<id>`)."""
    input_ids = {spec.id for spec in playbook.inputs}
    return {(INPUT_PREFIX + name if name in input_ids else name): messages
            for name, messages in (error.field_errors or {}).items()}


@bp.get("/<int:incident_id>")
def show_incident(incident_id: int) -> str:
    incident = incident_or_404(incident_id)
    return render_incident(incident)


def render_incident(incident: Incident, *, errors: dict[str, list[str]] | None = None) -> str:
    built = page.incident_page(current_session(), incident, viewer=signed_in_user(), now=utcnow())
    errors = errors or {}
    return render_template("incidents/show.html", **built.template_values(), form=ConfirmForm(),
                           errors=errors,
                           details_failed=any(name.startswith(INPUT_PREFIX) for name in errors))


Action = Callable[[Session, Incident], str]


def act(incident_id: int, form: AppForm, action: Action) -> Response | tuple[str, int]:
    """Run one change on the incident; a field error shows the page again with what went wrong."""
    incident = incident_or_404(incident_id)
    if not form.validate_on_submit():
        return render_incident(incident, errors={"form": ["The form had expired: try again"]}), 400
    try:
        with unit_of_work() as session:
            message = action(session, incident)
    except ValidationError as error:
        return render_incident(incident_or_404(incident_id), errors=error.field_errors or {}), 422
    flash(message, "success")
    return redirect(url_for("incidents.show_incident", incident_id=incident_id))


@bp.post("/<int:incident_id>/anchors")
@role_required(*service.WORKERS)
def record_anchor(incident_id: int) -> Response | tuple[str, int]:
    form = AnchorForm()

    def record(session: Session, incident: Incident) -> str:
        try:
            occurred_at = inputs.london_input(form.occurred_at.data.strip())
        except ValueError as error:
            raise ValidationError.single("occurred_at", str(error).capitalize()) from None
        service.record_anchor(session, incident, form.anchor.data, occurred_at=occurred_at,
                              note=form.note.data, actor=signed_in_user(), now=utcnow(),
                              settings=current_settings())
        return f"Recorded: {records.playbook_of(incident).anchors[form.anchor.data]}."
    return act(incident_id, form, record)


@bp.post("/<int:incident_id>/tasks/<int:task_id>/complete")
@role_required(*service.WORKERS)
def complete_task(incident_id: int, task_id: int) -> Response | tuple[str, int]:
    def complete(session: Session, incident: Incident) -> str:
        task = service.get_task(session, incident, task_id)
        service.complete_task(session, incident, task, actor=signed_in_user(), now=utcnow(),
                              settings=current_settings())
        return f"Done: {task.title}."
    return act(incident_id, ConfirmForm(), complete)


@bp.post("/<int:incident_id>/tasks/<int:task_id>/skip")
@role_required(*service.WORKERS)
def skip_task(incident_id: int, task_id: int) -> Response | tuple[str, int]:
    form = SkipTaskForm()

    def skip(session: Session, incident: Incident) -> str:
        task = service.get_task(session, incident, task_id)
        service.skip_task(session, incident, task, reason=form.reason.data, actor=signed_in_user(),
                          now=utcnow(), settings=current_settings())
        return f"Skipped: {task.title}."
    return act(incident_id, form, skip)


@bp.post("/<int:incident_id>/roles")
@role_required(*service.WORKERS)
def assign_role(incident_id: int) -> Response | tuple[str, int]:
    form = RoleForm()

    def assign(session: Session, incident: Incident) -> str:
        person_id = form.person_id()
        person = session.get(User, person_id) if person_id is not None else None
        service.assign_role(session, incident, form.role.data, person, note=form.handover_note.data,
                            actor=signed_in_user(), now=utcnow(), settings=current_settings())
        return "Role assigned."
    return act(incident_id, form, assign)


@bp.post("/<int:incident_id>/notes")
@role_required(*service.WORKERS)
def add_note(incident_id: int) -> Response | tuple[str, int]:
    form = NoteForm()

    def note(session: Session, incident: Incident) -> str:
        service.add_note(session, incident, form.text.data, actor=signed_in_user(), now=utcnow())
        return "Added to the timeline."
    return act(incident_id, form, note)


@bp.post("/<int:incident_id>/inputs")
@role_required(*service.WORKERS)
def update_inputs(incident_id: int) -> Response | tuple[str, int]:
    playbook = records.playbook_of(incident_or_404(incident_id))
    form = inputs_form(playbook)

    def update(session: Session, incident: Incident) -> str:
        try:
            changed = service.update_inputs(session, incident, form.input_values(), actor=signed_in_user(),
                                            now=utcnow(), settings=current_settings())
        except ValidationError as error:
            raise ValidationError(input_field_errors(playbook, error)) from None
        return f"Changed: {', '.join(changed)}." if changed else "Nothing had changed."
    return act(incident_id, form, update)


@bp.post("/<int:incident_id>/status-updates")
@role_required(*service.WORKERS)
def post_status_update(incident_id: int) -> Response | tuple[str, int]:
    form = StatusUpdateForm()

    def post(session: Session, incident: Incident) -> str:
        service.post_status_update(session, incident, form.update.data, actor=signed_in_user(),
                                   now=utcnow(), settings=current_settings())
        return "Status update posted. The next one is due a full cadence from now."
    return act(incident_id, form, post)


def statement_action(incident_id: int, statement_id: int, form: AppForm,
                     change: Callable[[Session, Incident, IncidentStatement], str]
                     ) -> Response | tuple[str, int]:
    """`act` on one of the incident's statements."""
    def on_statement(session: Session, incident: Incident) -> str:
        return change(session, incident, statement_service.get_statement(session, incident, statement_id))
    return act(incident_id, form, on_statement)


@bp.post("/<int:incident_id>/statements/<int:statement_id>/edit")
@role_required(*statement_service.EDITORS)
def edit_statement(incident_id: int, statement_id: int) -> Response | tuple[str, int]:
    form = StatementForm()

    def edit(session: Session, incident: Incident, statement: IncidentStatement) -> str:
        statement_service.edit(session, incident, statement, form.body.data, actor=signed_in_user(),
                               now=utcnow())
        return f"{statement.title} saved."
    return statement_action(incident_id, statement_id, form, edit)


@bp.post("/<int:incident_id>/statements/<int:statement_id>/ask")
@role_required(*statement_service.EDITORS)
def ask_for_sign_off(incident_id: int, statement_id: int) -> Response | tuple[str, int]:
    def ask(session: Session, incident: Incident, statement: IncidentStatement) -> str:
        asked = statement_service.ask_for_sign_off(session, incident, statement, actor=signed_in_user(),
                                                   now=utcnow(), settings=current_settings())
        return f"{', '.join(person.name for person in asked)} asked to sign off {statement.title}."
    return statement_action(incident_id, statement_id, ConfirmForm(), ask)


@bp.post("/<int:incident_id>/statements/<int:statement_id>/approve")
@role_required(*statement_service.EDITORS, *statement_service.RELEASERS)
def approve_statement(incident_id: int, statement_id: int) -> Response | tuple[str, int]:
    """Approve; an approver overriding a guardrail writes the decision to override it with it."""
    form = ApproveForm()

    def approve(session: Session, incident: Incident, statement: IncidentStatement) -> str:
        statement_service.approve(session, incident, statement, actor=signed_in_user(), now=utcnow(),
                                  override=form.override())
        return f"{statement.title} approved."
    return statement_action(incident_id, statement_id, form, approve)


@bp.post("/<int:incident_id>/statements/<int:statement_id>/release")
@role_required(*statement_service.RELEASERS)
def release_statement(incident_id: int, statement_id: int) -> Response | tuple[str, int]:
    form = ReleaseForm()

    def release(session: Session, incident: Incident, statement: IncidentStatement) -> str:
        statement_service.release(session, incident, statement, form.channel_names(), actor=signed_in_user(),
                                  now=utcnow(), settings=current_settings())
        return f"{statement.title} released."
    return statement_action(incident_id, statement_id, form, release)


@bp.post("/<int:incident_id>/decisions")
@role_required(*decisions.LOGGERS)
def log_decision(incident_id: int) -> Response | tuple[str, int]:
    form = DecisionForm()

    def add(session: Session, incident: Incident) -> str:
        entry = decisions.add_decision(session, incident, form.decision_input(), actor=signed_in_user(),
                                       now=utcnow(), supersedes_id=posted_id(form.supersedes_id.data),
                                       settings=decision_chain.current_log_settings())
        return f"Decision {entry.sequence} logged."
    return act(incident_id, form, add)


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
    form = StandDownForm()

    def stand(session: Session, incident: Incident) -> str:
        closing.stand_down(session, incident, form.reason.data, actor=signed_in_user(), now=utcnow(),
                           settings=current_settings())
        return "Stood down. Reminders have stopped; hold the debrief to close it."
    return act(incident_id, form, stand)


@bp.post("/<int:incident_id>/close")
@role_required(*closing.CLOSERS)
def close_incident(incident_id: int) -> Response | tuple[str, int]:
    form = DebriefForm()

    def close(session: Session, incident: Incident) -> str:
        closing.close(session, incident, form.answers(), actor=signed_in_user(), now=utcnow())
        return "Closed with the debrief. The report is ready."
    return act(incident_id, form, close)


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
    """Totals and the median across closed live incidents, with the incidents a page at a time."""
    summary = figures.closed_live_summary(current_session(), page=page_number(),
                                          per_page=current_app.config["PAGE_SIZE"])
    pages = pagination_params(summary.page, lambda number: url_for("incidents.figures_page", page=number))
    return render_template("incidents/figures.html", summary=summary, pages=pages)
