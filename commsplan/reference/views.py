"""Pages to list, add, edit, retire and restore violence elements, qualifiers and business units."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.extensions import db
from commsplan.forms import choices
from commsplan.reference import membership, service
from commsplan.reference.forms import FORMS, MemberForm
from commsplan.reference.kinds import KINDS, UNITS, ReferenceItem, ReferenceKind
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
)

bp = Blueprint("reference", __name__, url_prefix="/reference")


def kind_or_404(slug: str) -> ReferenceKind:
    kind = KINDS.get(slug)
    if kind is None:
        abort(404)
    return kind


def build_form(kind: ReferenceKind, item: ReferenceItem | None) -> FlaskForm:
    """The kind's form, filled from the item on GET, with parent choices that exclude the item."""
    data = {field: getattr(item, field) for field in kind.fields} if item else None
    form = FORMS[kind](data=data)
    if kind.has_parent:
        options = service.parent_choices(current_session(), kind, item)
        form.parent_id.choices = choices(((o.id, o.name) for o in options), blank="None")
    return form


def form_values(kind: ReferenceKind, form: FlaskForm) -> dict[str, Any]:
    return {field: form[field].data for field in kind.fields}


@bp.get("/")
def index() -> str:
    return render_template("reference/index.html", kinds=KINDS.values())


@bp.get("/<slug>")
def list_items(slug: str) -> str:
    kind = kind_or_404(slug)
    search = request.args.get("q", "")[:100]
    include_retired = request.args.get("retired") == "show"
    query = service.items_query(kind, include_retired=include_retired, search=search)
    pagination = db.paginate(query, page=page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    pages = pagination_params(pagination, lambda n: url_for(
        "reference.list_items", slug=slug, page=n, q=search or None,
        retired="show" if include_retired else None))
    return render_template("reference/list_items.html", kind=kind, pagination=pagination,
                           pages=pages, search=search, include_retired=include_retired)


@bp.route("/<slug>/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_item(slug: str) -> str | Response:
    kind = kind_or_404(slug)
    form = build_form(kind, None)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                item = service.create_item(session, kind, values=form_values(kind, form),
                                           actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"{kind.singular.capitalize()} {item.name} added", "success")
            return redirect(url_for("reference.list_items", slug=slug))
    return render_template("reference/new_item.html", kind=kind, form=form)


def member_form(unit: BusinessUnit) -> MemberForm:
    """Add-a-person form offering active people not yet in the unit."""
    form = MemberForm()
    inside = set(membership.user_ids(current_session(), unit))
    people = current_session().scalars(select(User).where(User.is_active).order_by(User.name))
    form.user_id.choices = choices(((p.id, f"{p.name} ({p.roles_text})") for p in people
                                    if p.id not in inside), blank="Select a person")
    return form


@bp.get("/<slug>/<int:item_id>")
def show_item(slug: str, item_id: int) -> str:
    kind = kind_or_404(slug)
    item = service.get_item(current_session(), kind, item_id)
    history = audit.history(current_session(), kind.audit_type, [str(item.id)])
    members, form = [], None
    if isinstance(item, BusinessUnit):
        members, form = membership.members(current_session(), item), member_form(item)
    return render_template("reference/show_item.html", kind=kind, item=item, history=history,
                           confirm=ConfirmForm(), members=members, member_form=form)


@bp.post("/business-units/<int:item_id>/members")
@role_required(Role.ADMIN)
def add_member(item_id: int) -> str | Response:
    unit = service.get_unit(current_session(), item_id)
    form = member_form(unit)
    if form.validate_on_submit():
        person = current_session().get(User, form.user_id.data)
        if person is None:
            abort(404)
        try:
            with unit_of_work() as session:
                membership.add_member(session, unit, person, actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{person.name} added to {unit.name}", "success")
        return redirect(url_for("reference.show_item", slug=UNITS.slug, item_id=unit.id))
    history = audit.history(current_session(), UNITS.audit_type, [str(unit.id)])
    return render_template("reference/show_item.html", kind=UNITS, item=unit, history=history,
                           confirm=ConfirmForm(), members=membership.members(current_session(), unit),
                           member_form=form, form=form)


@bp.post("/business-units/<int:item_id>/members/<int:user_id>/remove")
@role_required(Role.ADMIN)
def remove_member(item_id: int, user_id: int) -> Response:
    unit = service.get_unit(current_session(), item_id)
    try:
        with unit_of_work() as session:
            membership.remove_member(session, unit, user_id, actor=signed_in_user(), now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Removed from {unit.name}", "success")
    return redirect(url_for("reference.show_item", slug=UNITS.slug, item_id=unit.id))


@bp.route("/<slug>/<int:item_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_item(slug: str, item_id: int) -> str | Response:
    kind = kind_or_404(slug)
    item = service.get_item(current_session(), kind, item_id)
    form = build_form(kind, item)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                changes = service.update_item(session, kind, item, values=form_values(kind, form),
                                              actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Changes to {item.name} saved" if changes else "Nothing changed", "success")
            return redirect(url_for("reference.show_item", slug=slug, item_id=item.id))
    return render_template("reference/edit_item.html", kind=kind, item=item, form=form)


@bp.post("/<slug>/<int:item_id>/retire")
@role_required(Role.ADMIN)
def retire_item(slug: str, item_id: int) -> Response:
    return _change_status(slug, item_id, service.retire_item, "retired")


@bp.post("/<slug>/<int:item_id>/restore")
@role_required(Role.ADMIN)
def restore_item(slug: str, item_id: int) -> Response:
    return _change_status(slug, item_id, service.restore_item, "restored")


def _change_status(slug: str, item_id: int, change: Any, done: str) -> Response:
    kind = kind_or_404(slug)
    item = service.get_item(current_session(), kind, item_id)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                change(session, kind, item, actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{item.name} {done}", "success")
    return redirect(url_for("reference.show_item", slug=slug, item_id=item.id))
