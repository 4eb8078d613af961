"""Plan pages: the list, a new plan, one plan with its workflow, its details and OASIS sections.

Objectives, metrics, milestones and activities are edited through item_views.py; calendars,
the draft from a risk profile, the integrated plan and the feeds have modules of their own."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.extensions import db
from commsplan.forms import AppForm, choices
from commsplan.notifications.jobs import current_settings
from commsplan.numbers import LARGEST_INTEGER
from commsplan.plans import actuals, clashes, overview, pausing, service, workflow
from commsplan.plans.forms import CommentForm, PlanDetailsForm, PlanFilterForm, SectionsForm
from commsplan.plans.models import OASIS_SECTIONS, CommPlan, PlanStatus
from commsplan.plans.rules import PlanRules, plan_rules
from commsplan.reference.kinds import UNITS
from commsplan.reference.service import active_items
from commsplan.risk import profiles
from commsplan.risk.models import year_label
from commsplan.timeutil import to_london, utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    id_arg,
    number_arg,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
    signed_in_with,
)

bp = Blueprint("plans", __name__, url_prefix="/plans")


def writer() -> User:
    """The signed-in person, if they may write plans; 403 otherwise."""
    return signed_in_with(*service.WRITERS)


def current_rules() -> PlanRules:
    return plan_rules(current_app.config)


def get_plan(plan_id: int) -> CommPlan:
    return service.get_plan(current_session(), plan_id)


def financial_year() -> int:
    """The financial year today falls in."""
    return profiles.financial_year(to_london(utcnow()))


def active_people(roles: tuple[Any, ...] = ()) -> list[User]:
    query = select(User).where(User.is_active.is_(True)).order_by(User.name)
    people = current_session().scalars(query)
    return [person for person in people if not roles or person.has_role(*roles)]


def person_choices(current: User | None, *, roles: tuple[Any, ...] = service.WRITERS) -> list[Any]:
    people = active_people(roles)
    if current is not None and current not in people:
        people.append(current)
    return [(person.id, person.name) for person in people]


def go_to_plan(plan_id: int, anchor: str | None = None) -> Response:
    return redirect(url_for("plans.show_plan", plan_id=plan_id, _anchor=anchor))


def run(plan: CommPlan, form: AppForm, done: str, change: Any, anchor: str | None = None) -> Response:
    """Run a button's change in one transaction, then show the plan with what happened."""
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                change(session)
        except DomainError as error:
            for messages in (error.field_errors or {"": [error.message]}).values():
                for message in messages:
                    flash(message, "error")
        else:
            flash(done, "success")
    return go_to_plan(plan.id, anchor)


# --- List and new ------------------------------------------------------------------------------

@bp.get("/")
def list_plans() -> str:
    session = current_session()
    filters = PlanFilterForm(request.args)
    years = sorted({financial_year(), *session.scalars(select(CommPlan.year).distinct())}, reverse=True)
    filters.year.choices = choices(((y, year_label(y)) for y in years), blank="Any")
    filters.unit.choices = choices(((u.id, u.name) for u in active_items(session, UNITS)), blank="Any")
    user = signed_in_user()
    criteria = service.PlanFilter(
        year=filters.year.data, unit_id=filters.unit.data,
        status=PlanStatus(filters.status.data) if filters.status.data else None,
        owner_id=user.id if filters.mine.data else None) if filters.validate() else service.PlanFilter()
    pagination = db.paginate(service.plans_query(criteria), page=page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    args: dict[str, Any] = {key: value for key, value in request.args.items() if key != "page" and value}
    pages = pagination_params(pagination, lambda n: url_for("plans.list_plans", page=n, **args))
    return render_template("plans/list_plans.html", pagination=pagination, pages=pages, filters=filters,
                           can_write=user.has_role(*service.WRITERS), year=financial_year())


def prepare_details(form: PlanDetailsForm, plan: CommPlan | None) -> None:
    units = active_items(current_session(), UNITS)
    if plan is not None and plan.unit not in units:
        units.append(plan.unit)
    form.unit_id.choices = choices(((u.id, u.name) for u in units), blank="Choose…")
    form.owner_id.choices = choices(person_choices(plan.owner if plan else None), blank="Choose…")


@bp.route("/new", methods=["GET", "POST"])
def new_plan() -> str | Response:
    actor = writer()
    form = PlanDetailsForm()
    prepare_details(form, None)
    if request.method == "GET":
        form.year.data, form.owner_id.data = financial_year(), actor.id
        form.unit_id.data = id_arg("unit")
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                plan = service.create_plan(session, details=form.details(), actor=actor, now=utcnow(),
                                           delivery=current_settings())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash("Plan created as a draft. Write its five sections, then add objectives, metrics "
                  "and activities.", "success")
            return go_to_plan(plan.id)
    return render_template("plans/new_plan.html", form=form)


# --- One plan ----------------------------------------------------------------------------------

@bp.get("/<int:plan_id>")
def show_plan(plan_id: int) -> str:
    """The plan: its document in full, and of its calendar what runs now and in the next weeks."""
    session = current_session()
    plan = get_plan(plan_id)
    user = signed_in_user()
    profile = service.linked_profile(session, plan)
    problems = service.submission_problems(session, plan) if plan.status is PlanStatus.DRAFT else {}
    objectives, metrics = service.objectives(session, plan), service.metrics(session, plan)
    upcoming = overview.upcoming_activities(session, plan, now=utcnow())
    return render_template(
        "plans/show_plan.html", plan=plan, sections=OASIS_SECTIONS, profile=profile,
        priorities=profiles.ranked_entries(session, profile)[:5] if profile else [],
        objectives=objectives, metrics=metrics,
        standings=actuals.standings(session, plan, objectives, metrics),
        upcoming=upcoming, clashes=clashes.clashes_of(session, [a.id for a in upcoming.activities]),
        upcoming_weeks=overview.UPCOMING_WEEKS,
        milestones=overview.milestones_shown(session, plan), versions=service.versions(session, plan),
        problems=problems, warnings=service.warnings(session, plan, profile), confirm=ConfirmForm(),
        comment_form=CommentForm(), can_write=user.has_role(*service.WRITERS),
        can_resume=user.has_role(*pausing.PAUSERS),
        can_approve=service.may_approve(plan, user),
        history=audit.history(session, CommPlan.__audit_type__, [str(plan.id)]))


@bp.route("/<int:plan_id>/details", methods=["GET", "POST"])
def edit_details(plan_id: int) -> str | Response:
    actor = writer()
    plan = get_plan(plan_id)
    form = PlanDetailsForm(obj=plan)
    prepare_details(form, plan)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                service.update_details(session, plan, details=form.details(), actor=actor, now=utcnow(),
                                       delivery=current_settings(), rules=current_rules())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash("Plan details saved", "success")
            return go_to_plan(plan.id)
    return render_template("plans/edit_details.html", form=form, plan=plan)


@bp.route("/<int:plan_id>/sections", methods=["GET", "POST"])
def edit_sections(plan_id: int) -> str | Response:
    actor = writer()
    plan = get_plan(plan_id)
    if not plan.is_editable:
        flash("Take the plan back to draft before changing its sections", "error")
        return go_to_plan(plan.id)
    form = SectionsForm(obj=plan)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                service.save_sections(session, plan, sections=form.sections(), actor=actor, now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash("Sections saved", "success")
            return go_to_plan(plan.id, "sections")
    return render_template("plans/edit_sections.html", form=form, plan=plan)


# --- Workflow ----------------------------------------------------------------------------------

@bp.post("/<int:plan_id>/submit")
def submit_plan(plan_id: int) -> Response:
    actor = writer()
    plan = get_plan(plan_id)
    return run(plan, ConfirmForm(), "Sent for approval: approvers have been told",
               lambda s: workflow.submit_plan(s, plan, actor=actor, now=utcnow(),
                                              delivery=current_settings()))


def approver_of(plan: CommPlan) -> User:
    """An approver who may decide on this plan; 403 for the plan's own people."""
    user = signed_in_user()
    if plan.status is PlanStatus.SUBMITTED and not service.may_approve(plan, user):
        abort(403, description="You own, submitted or last changed this plan, so another "
                               "approver must decide on it")
    return user


@bp.post("/<int:plan_id>/approve")
@role_required(*service.APPROVERS)
def approve_plan(plan_id: int) -> Response:
    plan = get_plan(plan_id)
    actor = approver_of(plan)
    number = number_arg("number", 1, LARGEST_INTEGER, posted=True) or 0
    return run(plan, CommentForm(), f"Version {number} approved",
               lambda s: workflow.approve_plan(s, plan, number=number, actor=actor, now=utcnow(),
                                               delivery=current_settings(), rules=current_rules(),
                                               comment=request.form.get("comment", "")))


@bp.post("/<int:plan_id>/return")
@role_required(*service.APPROVERS)
def return_plan(plan_id: int) -> Response:
    plan = get_plan(plan_id)
    actor = approver_of(plan)
    number = number_arg("number", 1, LARGEST_INTEGER, posted=True) or 0
    return run(plan, CommentForm(), "Sent back to the owner with your comment",
               lambda s: workflow.return_plan(s, plan, number=number,
                                              comment=request.form.get("comment", ""), actor=actor,
                                              now=utcnow(), delivery=current_settings()))


@bp.post("/<int:plan_id>/activate")
@role_required(*service.WRITERS, *service.APPROVERS)
def activate_plan(plan_id: int) -> Response:
    plan = get_plan(plan_id)
    actor = signed_in_user()
    return run(plan, ConfirmForm(), "Delivery started",
               lambda s: workflow.start_delivery(s, plan, actor=actor, now=utcnow()))


@bp.post("/<int:plan_id>/close")
@role_required(*service.WRITERS, *service.APPROVERS)
def close_plan(plan_id: int) -> Response:
    plan = get_plan(plan_id)
    actor = signed_in_user()
    return run(plan, ConfirmForm(), "Plan closed: its reminders have stopped",
               lambda s: workflow.close_plan(s, plan, actor=actor, now=utcnow(),
                                             delivery=current_settings(), rules=current_rules()))


@bp.post("/<int:plan_id>/revise")
def revise_plan(plan_id: int) -> Response:
    actor = writer()
    plan = get_plan(plan_id)
    return run(plan, ConfirmForm(), "The plan is a draft again; its calendar still counts while you "
                                    "revise it",
               lambda s: workflow.revise_plan(s, plan, actor=actor, now=utcnow()))


@bp.get("/<int:plan_id>/versions/<int:number>")
def show_version(plan_id: int, number: int) -> str:
    plan = get_plan(plan_id)
    version = service.get_version(current_session(), plan, number)
    return render_template("plans/show_version.html", plan=plan, version=version,
                           sections=OASIS_SECTIONS)
