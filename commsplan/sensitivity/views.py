"""Sensitivity window pages: the list (coming and past), adding, changing and removing."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from commsplan.audiences.kinds import AUDIENCES
from commsplan.db import current_session, db, unit_of_work
from commsplan.errors import DomainError
from commsplan.forms import choices
from commsplan.reference.kinds import ELEMENTS, UNITS
from commsplan.reference.service import active_items
from commsplan.sensitivity import service
from commsplan.sensitivity.forms import WindowForm
from commsplan.sensitivity.models import SensitivityWindow
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    page_number,
    pagination_params,
    signed_in_user,
    signed_in_with,
)

bp = Blueprint("sensitivity", __name__, url_prefix="/sensitivity")


@bp.get("/")
def list_windows() -> str:
    """Windows still to come or running (or, with ?past=1, those over), a page at a time."""
    past = request.args.get("past") == "1"
    now = utcnow()
    query = service.windows_query(ended_before=now) if past else service.windows_query(ending_after=now)
    pagination = db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    pages = pagination_params(pagination, lambda n: url_for("sensitivity.list_windows", page=n,
                                                            past="1" if past else None))
    return render_template("sensitivity/list_windows.html", pagination=pagination, pages=pages, past=past,
                           can_write=signed_in_user().has_role(*service.WRITERS))


def prepare(form: WindowForm, window: SensitivityWindow | None) -> None:
    """Choices in use, plus any retired one the window already names."""
    session = current_session()
    for field, kind, chosen in ((form.unit_ids, UNITS, window.units if window else []),
                                (form.element_ids, ELEMENTS, window.elements if window else []),
                                (form.audience_ids, AUDIENCES, window.audiences if window else [])):
        rows = active_items(session, kind)
        field.choices = choices((row.id, row.name) for row in rows + [r for r in chosen if r not in rows])


def window_page(window: SensitivityWindow | None) -> str | Response:
    form = WindowForm()
    prepare(form, window)
    if request.method == "GET" and window is not None:
        form.process(obj=window, kind=window.kind.value, severity=window.severity.value,
                     unit_ids=[u.id for u in window.units], element_ids=[e.id for e in window.elements],
                     audience_ids=[a.id for a in window.audiences])
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                saved = service.save_window(session, form.values(), actor=signed_in_user(), now=utcnow(),
                                            window=window)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Sensitivity window saved: {saved.title}", "success")
            return redirect(url_for("sensitivity.list_windows"))
    elif request.method == "POST":
        # The form found some fields wrong; the service names the rest, so all show at once.
        errors, _ = service.check_window(current_session(), form.values())
        for name, messages in errors.items():
            if name in form and not form[name].errors:
                form[name].errors = list(messages)
    return render_template("sensitivity/edit_window.html", form=form, window=window,
                           remove_form=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
def new_window() -> str | Response:
    signed_in_with(*service.WRITERS)
    return window_page(None)


@bp.route("/<int:window_id>", methods=["GET", "POST"])
def edit_window(window_id: int) -> str | Response:
    signed_in_with(*service.WRITERS)
    return window_page(service.get_window(current_session(), window_id))


@bp.post("/<int:window_id>/remove")
def remove_window(window_id: int) -> Response:
    signed_in_with(*service.WRITERS)
    window = service.get_window(current_session(), window_id)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                service.remove_window(session, window, actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"Sensitivity window removed: {window.title}", "success")
    return redirect(url_for("sensitivity.list_windows"))
