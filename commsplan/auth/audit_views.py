"""The admin's view of the audit log: filters by person, kind of record and dates, paginated.

It lives with the other admin pages about people (auth) because it lists them; the audit package
itself sits below auth and only records.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from sqlalchemy import select

from commsplan.audit import service
from commsplan.audit.forms import AuditFilterForm
from commsplan.auth.models import Role, User
from commsplan.db import current_session
from commsplan.extensions import db
from commsplan.forms import choices
from commsplan.timeutil import london_day_start
from commsplan.web import page_number, pagination_params, role_required

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def filter_form() -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args if request.args else None)
    people = db.session.execute(select(User.id, User.name).order_by(User.name)).all()
    form.actor_id.choices = choices(((p.id, p.name) for p in people), blank="Anyone")
    types = service.object_types(current_session())
    form.object_type.choices = choices(((t, t.replace("_", " ")) for t in types), blank="Any")
    return form


def criteria(form: AuditFilterForm) -> service.AuditFilter:
    if request.args and not form.validate():
        return service.AuditFilter()
    return service.AuditFilter(
        actor_id=form.actor_id.data,
        object_type=form.object_type.data,
        since=london_day_start(form.since.data) if form.since.data else None,
        until=london_day_start(form.until.data + timedelta(days=1)) if form.until.data else None,
    )


@bp.get("/")
@role_required(Role.ADMIN)
def list_entries() -> str:
    form = filter_form()
    query = service.entries_query(criteria(form))
    pagination = db.paginate(query, page=page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    # Every value, not just the first: a date arrives as three `since` (or `until`) parameters.
    args: dict[str, Any] = {k: v for k, v in request.args.lists() if k != "page"}
    pages = pagination_params(pagination, lambda n: url_for("audit.list_entries", page=n,
                                                            **args))
    return render_template("audit/list_entries.html", form=form, pagination=pagination,
                           pages=pages)
