"""The press desk: the enquiry desk, one enquiry and its answer, and the CSV export.
Staff only: partner viewers, who must not see journalists' or private people's names, get 403."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError, ValidationError
from commsplan.extensions import db
from commsplan.incidents import inputs
from commsplan.incidents.models import Incident
from commsplan.incidents.page import assignable_people
from commsplan.notifications.jobs import current_settings
from commsplan.numbers import record_id
from commsplan.plans.models import CommPlan
from commsplan.press import answers, corrections, enquiries, exports
from commsplan.press.forms import (
    AnswerForm,
    CorrectionForm,
    DeclineForm,
    DraftAnswerForm,
    EnquiryForm,
    HandoverForm,
)
from commsplan.press.models import AnswerKind, EnquiryChannel, MediaEnquiry
from commsplan.reference.kinds import UNITS
from commsplan.reference.service import active_items
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    csv_download,
    id_arg,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
)

bp = Blueprint("press", __name__, url_prefix="/press")
LONGEST_SEARCH = 100


@bp.before_request
def staff_only() -> None:
    if current_user.is_authenticated and not signed_in_user().has_role(*enquiries.READERS):
        abort(403)


def posted_choice(value: str) -> int | None:
    """A chosen record's id: None when nothing was chosen; 0 (which matches no record, so the
    service names the field) when what was posted is not an id at all."""
    return None if not value.strip() else (record_id(value.strip()) or 0)


def london_time(field: str, value: str) -> Any:
    if not value.strip():
        return None
    try:
        return inputs.london_input(value)
    except ValueError as error:
        raise ValidationError.single(field, str(error).capitalize()) from None


@bp.get("/enquiries")
def list_enquiries() -> str:
    """Open enquiries, the soonest deadline first; or every enquiry matching a search or an incident."""
    term = request.args.get("q", "").strip()[:LONGEST_SEARCH]
    incident_id = id_arg("incident")
    query = enquiries.search_query(term) if term else enquiries.due_next_query()
    if incident_id is not None:
        query = enquiries.of_incident(query if term else enquiries.search_query(""), incident_id)
    pagination = db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    args: dict[str, Any] = {key: value for key, value in (("q", term), ("incident", incident_id)) if value}
    pages = pagination_params(pagination, lambda n: url_for("press.list_enquiries", page=n, **args))
    incident = db.session.get(Incident, incident_id) if incident_id else None
    return render_template("press/list_enquiries.html", pagination=pagination, pages=pages, term=term,
                           incident=incident, now=utcnow(),
                           can_write=signed_in_user().has_role(*enquiries.WRITERS))


def enquiry_choices(incident_id: int | None) -> dict[str, Any]:
    session = current_session()
    return {"unit_options": [(unit.id, unit.name) for unit in active_items(session, UNITS)],
            "people_options": [(person.id, person.name) for person in assignable_people(session)],
            "plan_options": enquiries.plan_options(session),
            "channels": list(EnquiryChannel), "incident": session.get(Incident, incident_id)
            if incident_id else None}


def about_incident(incident_id: int | None) -> dict[str, Any]:
    """A new record's starting answers: the incident it is about, and that incident's unit."""
    incident = current_session().get(Incident, incident_id) if incident_id else None
    return {"incident_id": incident.id, "unit_id": incident.unit_id or ""} if incident else {}


@bp.route("/enquiries/new", methods=["GET", "POST"])
@role_required(*enquiries.WRITERS)
def new_enquiry() -> str | Response | tuple[str, int]:
    form, actor = EnquiryForm(), signed_in_user()
    incident_id = id_arg("incident_id") if request.method == "GET" else posted_choice(form.incident_id.data)
    values = about_incident(incident_id) | {"handler_id": actor.id} if request.method == "GET" \
        else {name: field.data for name, field in form._fields.items()}
    if request.method == "GET":
        return render_template("press/new_enquiry.html", form=form, values=values, errors={},
                               **enquiry_choices(incident_id))
    try:
        if not form.validate_on_submit():
            raise ValidationError.single("form", "The form had expired: try again")
        with unit_of_work() as session:
            enquiry = enquiries.log_enquiry(session, enquiry_input(form), actor=actor, now=utcnow(),
                                            settings=current_settings())
    except ValidationError as error:
        return render_template("press/new_enquiry.html", form=form, values=values, errors=error.field_errors,
                               **enquiry_choices(incident_id)), 422
    flash(f"Enquiry logged: answer due {enquiries.clock.shown(enquiry.deadline_at)}.", "success")
    return redirect(url_for("press.show_enquiry", enquiry_id=enquiry.id))


def enquiry_input(form: EnquiryForm) -> enquiries.EnquiryInput:
    return enquiries.EnquiryInput(
        outlet=form.outlet.data, journalist=form.journalist.data, channel=form.channel.data,
        question=form.question.data, unit_id=posted_choice(form.unit_id.data),
        handler_id=posted_choice(form.handler_id.data),
        deadline_at=london_time("deadline_at", form.deadline_at.data),
        incident_id=posted_choice(form.incident_id.data), plan_id=posted_choice(form.plan_id.data))


def render_enquiry(enquiry_id: int, errors: dict[str, list[str]] | None = None) -> str:
    session = current_session()
    enquiry = enquiries.get_enquiry(session, enquiry_id)
    viewer = signed_in_user()
    drafts = answers.history(session, enquiry)
    pending = drafts[0] if drafts and drafts[0].given_at is None else None
    return render_template(
        "press/show_enquiry.html", drafts=drafts, pending=pending,
        approval_refusal=answers.refusal(pending, viewer) if pending else None, enquiry=enquiry,
        history=audit.history(session, MediaEnquiry.__audit_type__, [str(enquiry.id)], limit=30),
        errors=errors or {}, form=ConfirmForm(),
        incident=session.get(Incident, enquiry.incident_id) if enquiry.incident_id else None,
        plan=session.get(CommPlan, enquiry.plan_id) if enquiry.plan_id else None,
        statements=enquiries.released_statements(session, enquiry.incident_id),
        maps=enquiries.approved_maps(session), kinds=list(AnswerKind), now=utcnow(),
        answered_by=session.get(User, enquiry.answered_by_id) if enquiry.answered_by_id else None,
        may_write=viewer.has_role(*enquiries.WRITERS),
        people=assignable_people(session) if enquiry.status in enquiries.OPEN else [],
        next_status=enquiries.NEXT_STATUS[enquiry.status])


@bp.get("/enquiries/<int:enquiry_id>")
def show_enquiry(enquiry_id: int) -> str:
    return render_enquiry(enquiry_id)


def act_on(record_id: int, form: Any, change: Any, done: str, *, get: Any, render: Any, page: Any
           ) -> Response | tuple[str, int]:
    """Run one change on an enquiry or a claim (`get` loads it, `render` shows its page with errors,
    `page` gives its page's address); a refusal shows the page again saying what went wrong."""
    if not form.validate_on_submit():
        return render(record_id, {"form": ["The form had expired: try again"]}), 400
    try:
        with unit_of_work() as session:
            change(session, get(session, record_id))
    except ValidationError as error:
        return render(record_id, error.field_errors), 422
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        return render(record_id, {"form": [error.message]}), 409
    flash(done, "success")
    return redirect(page(record_id))


def act(enquiry_id: int, form: Any, change: Any, done: str) -> Response | tuple[str, int]:
    return act_on(enquiry_id, form, change, done, get=enquiries.get_enquiry, render=render_enquiry,
                  page=lambda number: url_for("press.show_enquiry", enquiry_id=number))


@bp.post("/enquiries/<int:enquiry_id>/start")
@role_required(*enquiries.WRITERS)
def start_enquiry(enquiry_id: int) -> Response | tuple[str, int]:
    return act(enquiry_id, ConfirmForm(), lambda session, enquiry: enquiries.start(
        session, enquiry, actor=signed_in_user(), now=utcnow()), "Marked as being answered.")


@bp.post("/enquiries/<int:enquiry_id>/answer")
@role_required(*enquiries.WRITERS)
def answer_enquiry(enquiry_id: int) -> Response | tuple[str, int]:
    form = AnswerForm()
    given = enquiries.AnswerInput(kind=form.kind.data, statement_id=posted_choice(form.statement_id.data),
                                  map_id=posted_choice(form.map_id.data), text=form.text.data,
                                  background=bool(form.background.data),
                                  draft_id=posted_choice(form.draft_id.data))
    return act(enquiry_id, form, lambda session, enquiry: enquiries.answer(
        session, enquiry, given, actor=signed_in_user(), now=utcnow()), "Answer recorded.")


@bp.post("/enquiries/<int:enquiry_id>/correction")
@role_required(*enquiries.WRITERS)
def correct_enquiry(enquiry_id: int) -> Response | tuple[str, int]:
    form = CorrectionForm()

    def change(session: Any, enquiry: Any) -> None:
        corrections.correct_enquiry(session, enquiry, form.question.data,
                                    london_time("deadline_at", form.deadline_at.data), actor=signed_in_user(),
                                    now=utcnow(), settings=current_settings())
    return act(enquiry_id, form, change, "Enquiry corrected.")


@bp.post("/enquiries/<int:enquiry_id>/drafts")
@role_required(*enquiries.WRITERS)
def draft_answer(enquiry_id: int) -> Response | tuple[str, int]:
    form = DraftAnswerForm()
    return act(enquiry_id, form, lambda session, enquiry: answers.draft(
        session, enquiry, form.draft_text.data, actor=signed_in_user(), now=utcnow()),
        "Answer drafted: it waits for an approver.")


@bp.post("/enquiries/<int:enquiry_id>/drafts/approval")
@role_required(*enquiries.WRITERS)
def approve_answer(enquiry_id: int) -> Response | tuple[str, int]:
    form = DraftAnswerForm()
    return act(enquiry_id, form, lambda session, enquiry: answers.approve(
        session, enquiry, posted_choice(form.draft_id.data), actor=signed_in_user(), now=utcnow()),
        "Answer approved.")


@bp.post("/enquiries/<int:enquiry_id>/handler")
@role_required(*enquiries.WRITERS)
def hand_over_enquiry(enquiry_id: int) -> Response | tuple[str, int]:
    form = HandoverForm()
    return act(enquiry_id, form, lambda session, enquiry: enquiries.hand_over(
        session, enquiry, posted_choice(form.handler_id.data), actor=signed_in_user(), now=utcnow(),
        settings=current_settings()), "Handed over: the reminders go to the new handler.")


@bp.post("/enquiries/<int:enquiry_id>/decline")
@role_required(*enquiries.WRITERS)
def decline_enquiry(enquiry_id: int) -> Response | tuple[str, int]:
    form = DeclineForm()
    return act(enquiry_id, form, lambda session, enquiry: enquiries.decline(
        session, enquiry, form.decline_reason.data, actor=signed_in_user(), now=utcnow()),
        "Enquiry declined.")


@bp.post("/enquiries/<int:enquiry_id>/close")
@role_required(*enquiries.WRITERS)
def close_enquiry(enquiry_id: int) -> Response | tuple[str, int]:
    return act(enquiry_id, ConfirmForm(), lambda session, enquiry: enquiries.close(
        session, enquiry, actor=signed_in_user(), now=utcnow()), "Enquiry closed.")


@bp.get("/enquiries.csv")
def export_enquiries() -> Response:
    return csv_download(exports.enquiries_csv(current_session()), "media-enquiries.csv")
