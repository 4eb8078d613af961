"""Communication plans over the API: list, get with what the plan holds, create, change details and
OASIS sections, and the review workflow (submit, approve, return with a comment, start delivery, close,
revise), through the same services and roles as the plan pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy.orm import Session

from commsplan.api.auth import api_user
from commsplan.api.jsonforms import (
    Reader,
    choice_arg,
    flag_arg,
    iso,
    page_json,
    paginate,
    request_object,
    unknown_fields,
)
from commsplan.api.plan_items import PARTS, current_rules, first_of
from commsplan.api.views import bp
from commsplan.auth.models import Role
from commsplan.auth.service import require_role
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.notifications.jobs import current_settings
from commsplan.plans import service, workflow
from commsplan.plans.models import SECTION_NAMES, CommPlan, PlanStatus, PlanVersion
from commsplan.timeutil import utcnow
from commsplan.web import id_arg, posted_year

DETAIL_FIELDS = ("unit_id", "year", "title", "owner_id", "review_date")
VERSIONS_SHOWN = 20
DECISION_FIELDS = ("version", "comment")


# --- Reading JSON ------------------------------------------------------------------------------

def read_details(reader: Reader, plan: CommPlan | None) -> service.PlanDetails:
    """The details sent, over the plan's current ones; a new plan is owned by the caller unless sent."""
    current = service.PlanDetails(unit_id=plan.unit_id, year=plan.year, title=plan.title,
                                  owner_id=plan.owner_id, review_date=plan.review_date) if plan else \
        service.PlanDetails(unit_id=None, year=None, title="", owner_id=api_user().id)
    readers: dict[str, Callable[[], Any]] = {
        "unit_id": lambda: reader.record_id("unit_id"), "year": lambda: reader.whole("year"),
        "title": lambda: reader.text("title"), "owner_id": lambda: reader.record_id("owner_id"),
        "review_date": lambda: reader.day("review_date")}
    return replace(current, **{name: read() for name, read in readers.items() if name in reader.payload})


def read_sections(reader: Reader, plan: CommPlan | None) -> service.Sections:
    """The OASIS sections sent (an object by section), over the plan's current ones."""
    current = service.Sections.of(plan) if plan else service.Sections()
    sent = reader.payload.get("sections")
    if not isinstance(sent, dict):
        reader.fail("sections", "Send an object with the sections to change, by name")
        return current
    reader.errors |= unknown_fields(sent, SECTION_NAMES, "sections.")
    texts = Reader(sent, prefix="sections.")
    sections = replace(current, **{name: texts.text(name) for name in SECTION_NAMES if name in sent})
    reader.errors |= texts.errors
    return sections


def read_plan(payload: dict[str, Any], plan: CommPlan | None
              ) -> tuple[service.PlanDetails | None, service.Sections | None]:
    """What to save, each part None when not sent (a new plan always has details). A field sent wrongly
    is a 422 that also names what the service would refuse, so one answer lists everything to fix."""
    reader = Reader(payload)
    reader.unknown((*DETAIL_FIELDS, "sections"))
    details = read_details(reader, plan) if plan is None or set(DETAIL_FIELDS) & set(payload) else None
    sections = read_sections(reader, plan) if "sections" in payload else None
    if reader.errors:
        found = service.check_details(current_session(), details, current=plan) if details else {}
        found |= service.check_sections(sections) if sections else {}
        raise ValidationError({**found, **reader.errors})
    return details, sections


def optional_object() -> dict[str, Any]:
    """A body that may be left out: no body is an empty object, anything but an object a 422."""
    if not request.get_data():
        return {}
    return request_object()


# --- Writing JSON ------------------------------------------------------------------------------

def plan_summary(plan: CommPlan) -> dict[str, Any]:
    return {"id": plan.id, "unit_id": plan.unit_id, "unit": plan.unit.name, "year": plan.year,
            "year_label": plan.year_label, "level": plan.level_label, "title": plan.title,
            "owner_id": plan.owner_id, "owner": plan.owner.name,
            "review_date": plan.review_date.isoformat() if plan.review_date else None,
            "status": plan.status.value, "version_number": plan.version_number,
            "approved_number": plan.approved_number, "submitted_at": iso(plan.submitted_at),
            "approved_at": iso(plan.approved_at), "updated_at": iso(plan.updated_at)}


def version_json(version: PlanVersion) -> dict[str, Any]:
    return {"number": version.number, "outcome": version.outcome.value,
            "submitted_at": iso(version.submitted_at),
            "submitted_by": version.submitted_by.name if version.submitted_by else None,
            "decided_at": iso(version.decided_at),
            "decided_by": version.decided_by.name if version.decided_by else None,
            "comment": version.comment}


def plan_json(plan: CommPlan) -> dict[str, Any]:
    """The plan with its sections and, of what it holds, the first few of each kind with the totals."""
    session = current_session()
    profile = service.linked_profile(session, plan)
    problems = service.submission_problems(session, plan) if plan.status is PlanStatus.DRAFT else {}
    return {**plan_summary(plan), "sections": asdict(service.Sections.of(plan)),
            "risk_profile_id": profile.id if profile else None,
            **{slug: first_of(kind, plan) for slug, kind in PARTS.items()},
            "versions": [version_json(v) for v in service.versions(session, plan)[:VERSIONS_SHOWN]],
            "submission_problems": problems, "warnings": service.warnings(session, plan, profile),
            "you_may_approve": service.may_approve(plan, api_user())}


# --- Endpoints ---------------------------------------------------------------------------------

@bp.get("/plans")
def list_plans() -> Response:
    criteria = service.PlanFilter(year=posted_year("year"), unit_id=id_arg("unit_id"),
                                  status=choice_arg("status", PlanStatus),
                                  owner_id=api_user().id if flag_arg("mine") else None)
    page = paginate(service.plans_query(criteria))
    return jsonify(page_json(page, [plan_summary(plan) for plan in page.items]))


@bp.post("/plans")
def create_plan() -> tuple[Response, int]:
    require_role(api_user(), service.WRITERS, "write communication plans")
    details, sections = read_plan(request_object(), None)
    assert details is not None  # a new plan's details are always read
    with unit_of_work() as session:
        plan = service.create_plan(session, details=details, sections=sections or service.Sections(),
                                   actor=api_user(), now=utcnow(), delivery=current_settings())
    return jsonify(plan_json(plan)), 201


@bp.get("/plans/<int:item_id>")
def get_plan(item_id: int) -> Response:
    return jsonify(plan_json(service.get_plan(current_session(), item_id)))


@bp.patch("/plans/<int:item_id>")
def update_plan(item_id: int) -> Response:
    """Details change unless the plan is closed (unit and year only in draft); sections only in draft."""
    require_role(api_user(), service.WRITERS, "change communication plans")
    plan = service.get_plan(current_session(), item_id)
    details, sections = read_plan(request_object(), plan)
    with unit_of_work() as session:
        if details is not None:
            service.update_details(session, plan, details=details, actor=api_user(), now=utcnow(),
                                   delivery=current_settings(), rules=current_rules())
        if sections is not None:
            service.save_sections(session, plan, sections=sections, actor=api_user(), now=utcnow())
    return jsonify(plan_json(plan))


def workflow_step(item_id: int, roles: tuple[Role, ...], doing: str,
                  step: Callable[[Session, CommPlan, dict[str, Any]], Any]) -> Response:
    """Check the role, read the optional body, take the step in one transaction, answer the plan."""
    require_role(api_user(), roles, doing)
    plan = service.get_plan(current_session(), item_id)
    payload = optional_object()
    with unit_of_work() as session:
        step(session, plan, payload)
    return jsonify(plan_json(plan))


def decision(payload: dict[str, Any], plan: CommPlan) -> tuple[int, str]:
    """The version decided on (the one waiting if not sent) and the comment."""
    reader = Reader(payload)
    reader.unknown(DECISION_FIELDS)
    number = reader.whole("version", 1)
    comment = reader.text("comment")
    reader.done()
    return number or plan.version_number, comment


@bp.post("/plans/<int:item_id>/submit")
def submit_plan(item_id: int) -> Response:
    return workflow_step(item_id, service.WRITERS, "submit communication plans",
                         lambda session, plan, _: workflow.submit_plan(
                             session, plan, actor=api_user(), now=utcnow(), delivery=current_settings()))


@bp.post("/plans/<int:item_id>/approve")
def approve_plan(item_id: int) -> Response:
    def approve(session: Session, plan: CommPlan, payload: dict[str, Any]) -> None:
        number, comment = decision(payload, plan)
        workflow.approve_plan(session, plan, number=number, comment=comment, actor=api_user(), now=utcnow(),
                              delivery=current_settings(), rules=current_rules())

    return workflow_step(item_id, service.APPROVERS, "approve communication plans", approve)


@bp.post("/plans/<int:item_id>/return")
def return_plan(item_id: int) -> Response:
    def send_back(session: Session, plan: CommPlan, payload: dict[str, Any]) -> None:
        number, comment = decision(payload, plan)
        workflow.return_plan(session, plan, number=number, comment=comment, actor=api_user(), now=utcnow(),
                             delivery=current_settings())

    return workflow_step(item_id, service.APPROVERS, "review communication plans", send_back)


@bp.post("/plans/<int:item_id>/activate")
def activate_plan(item_id: int) -> Response:
    return workflow_step(item_id, (*service.WRITERS, *service.APPROVERS), "start delivering plans",
                         lambda session, plan, _: workflow.start_delivery(
                             session, plan, actor=api_user(), now=utcnow()))


@bp.post("/plans/<int:item_id>/close")
def close_plan(item_id: int) -> Response:
    return workflow_step(item_id, (*service.WRITERS, *service.APPROVERS), "close plans",
                         lambda session, plan, _: workflow.close_plan(
                             session, plan, actor=api_user(), now=utcnow(), delivery=current_settings(),
                             rules=current_rules()))


@bp.post("/plans/<int:item_id>/revise")
def revise_plan(item_id: int) -> Response:
    return workflow_step(item_id, service.WRITERS, "revise communication plans",
                         lambda session, plan, _: workflow.revise_plan(
                             session, plan, actor=api_user(), now=utcnow()))
