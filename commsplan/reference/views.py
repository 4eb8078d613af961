"""Pages to list, add, edit, retire and restore violence elements, qualifiers and business units."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.forms import AppForm, choices
from commsplan.reference import membership, service
from commsplan.reference.catalogue_views import Catalogue
from commsplan.reference.forms import FORMS, MemberForm
from commsplan.reference.kinds import KINDS, UNITS, ReferenceItem, ReferenceKind
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    role_required,
    signed_in_user,
)

bp = Blueprint("reference", __name__, url_prefix="/reference")


def prepare_form(kind: ReferenceKind, form: AppForm, item: ReferenceItem | None) -> None:
    """Offer active items as parents, never the item itself."""
    if kind.has_parent:
        options = service.parent_choices(current_session(), kind, item)
        form.parent_id.choices = choices(((o.id, o.name) for o in options), blank="None")


@bp.get("/")
def index() -> str:
    return render_template("reference/index.html", kinds=KINDS.values())


def member_form(unit: BusinessUnit) -> MemberForm:
    """Add-a-person form offering active people not yet in the unit."""
    form = MemberForm()
    inside = set(membership.user_ids(current_session(), unit))
    people = current_session().scalars(select(User).where(User.is_active).order_by(User.name))
    form.user_id.choices = choices(((p.id, f"{p.name} ({p.roles_text})") for p in people
                                    if p.id not in inside), blank="Select a person")
    return form


def show_context(kind: ReferenceKind, item: ReferenceItem) -> dict[str, Any]:
    """A business unit's page also lists and manages its members."""
    if not isinstance(item, BusinessUnit):
        return {"members": [], "member_form": None, "show_members": False}
    form = member_form(item) if signed_in_user().has_role(Role.ADMIN) else None
    return {"members": membership.members(current_session(), item), "member_form": form,
            "show_members": True}


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
                           confirm=ConfirmForm(), form=form,
                           **{**show_context(UNITS, unit), "member_form": form})


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


Catalogue(bp, KINDS, FORMS, "reference", prepare_form=prepare_form, show_context=show_context).register()
