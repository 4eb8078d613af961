"""Admin → Bank holidays: the days non-urgent reminders wait over, and adding the years to come."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from commsplan.auth.models import Role
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.notifications import holidays
from commsplan.notifications.forms import BankHolidayForm
from commsplan.notifications.jobs import current_settings
from commsplan.notifications.views import bp
from commsplan.timeutil import utcnow
from commsplan.web import ConfirmForm, add_form_errors, role_required, signed_in_user


@bp.route("/admin/bank-holidays", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def list_bank_holidays() -> str | Response:
    form, now = BankHolidayForm(), utcnow()
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                holiday = holidays.add_holiday(session, day=form.day.data, name=form.name.data or "",
                                               actor=signed_in_user(), now=now, settings=current_settings())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"{holiday.audit_label} added: non-urgent reminders wait over it", "success")
            return redirect(url_for("notifications.list_bank_holidays"))
    session = current_session()
    return render_template("notifications/list_bank_holidays.html", form=form,
                           days=holidays.upcoming(session, now=now),
                           known_until=holidays.known_until(session),
                           runs_out=holidays.runs_out_soon(session, now=now), confirm=ConfirmForm())


@bp.post("/admin/bank-holidays/<int:holiday_id>/remove")
@role_required(Role.ADMIN)
def remove_bank_holiday(holiday_id: int) -> Response:
    try:
        with unit_of_work() as session:
            holiday = holidays.get_holiday(session, holiday_id)
            holidays.remove_holiday(session, holiday, actor=signed_in_user(), now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"{holiday.audit_label} removed", "success")
    return redirect(url_for("notifications.list_bank_holidays"))
