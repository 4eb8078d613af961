"""Risk profile pages: the list, one profile, editing one entry, approval and CSV import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError, ValidationError
from commsplan.extensions import db
from commsplan.forms import choices
from commsplan.messaging.csv_io import ImportFailed, RowError
from commsplan.messaging.views import decode_upload
from commsplan.planning import profile_csv, profiles
from commsplan.planning.forms import EntryForm, ProfileFilterForm, ProfileImportForm
from commsplan.planning.models import ProfileStatus, year_label
from commsplan.reference.kinds import UNITS
from commsplan.reference.service import active_items
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
)

bp = Blueprint("planning", __name__, url_prefix="/planning")


def financial_year(now: Any) -> int:
    return now.year if now.month >= 4 else now.year - 1


@bp.get("/profiles")
def list_profiles() -> str:
    session = current_session()
    filters = ProfileFilterForm(request.args)
    years = sorted({*profiles.profile_years(session), financial_year(utcnow())}, reverse=True)
    filters.year.choices = choices(((y, year_label(y)) for y in years), blank="Any")
    filters.unit.choices = choices(((u.id, u.name) for u in active_items(session, UNITS)), blank="Any")
    criteria = profiles.ProfileFilter(
        year=filters.year.data, unit_id=filters.unit.data,
        status=ProfileStatus(filters.status.data) if filters.status.data else None,
    ) if filters.validate() else profiles.ProfileFilter()
    pagination = db.paginate(profiles.profiles_query(criteria), page=page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    args: dict[str, Any] = {key: value for key, value in request.args.items() if key != "page" and value}
    pages = pagination_params(pagination, lambda n: url_for("planning.list_profiles", page=n, **args))
    counts = profiles.entry_counts(session, [p.id for p in pagination.items])
    return render_template("planning/list_profiles.html", pagination=pagination, pages=pages,
                           filters=filters, counts=counts,
                           can_write=signed_in_user().has_role(*profiles.WRITERS))


@bp.get("/profiles/<int:profile_id>")
def show_profile(profile_id: int) -> str:
    session = current_session()
    profile = profiles.get_profile(session, profile_id)
    user = signed_in_user()
    return render_template("planning/show_profile.html", profile=profile,
                           rows=profiles.ranked_entries(session, profile), approve_form=ConfirmForm(),
                           can_write=user.has_role(*profiles.WRITERS),
                           can_approve=user.has_role(*profiles.APPROVERS))


@bp.post("/profiles/<int:profile_id>/approve")
@role_required(*profiles.APPROVERS)
def approve_profile(profile_id: int) -> BaseResponse:
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                profile = profiles.get_profile(session, profile_id)
                profiles.approve_profile(session, profile, actor=signed_in_user(), now=utcnow())
        except DomainError as failure:
            if failure.status_code == 404:
                raise
            flash(failure.message, "error")
        else:
            flash("Risk profile approved", "success")
    return redirect(url_for("planning.show_profile", profile_id=profile_id))


@bp.route("/profiles/<int:profile_id>/entries/<int:entry_id>", methods=["GET", "POST"])
@role_required(*profiles.WRITERS)
def edit_entry(profile_id: int, entry_id: int) -> str | BaseResponse:
    entry = profiles.get_entry(current_session(), profile_id, entry_id)
    form = EntryForm(obj=entry)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                profiles.update_entry(session, entry, values=form.values(), actor=signed_in_user(),
                                      now=utcnow())
        except DomainError as failure:
            add_form_errors(form, failure)
        else:
            flash(f"Saved: {entry.element.name}", "success")
            return redirect(url_for("planning.show_profile", profile_id=profile_id))
    return render_template("planning/edit_entry.html", form=form, entry=entry, profile=entry.profile)


@bp.route("/profiles/import", methods=["GET", "POST"])
@role_required(*profiles.WRITERS)
def import_profiles() -> str | BaseResponse:
    """Upload a year's profiles for many units: every row is saved, or none."""
    form = ProfileImportForm(data={"year": financial_year(utcnow())} if request.method == "GET" else None)
    failed: list[RowError] = []
    if form.validate_on_submit() and form.year.data is not None:
        try:
            text = decode_upload(form.file.data.read(5 * 1024 * 1024 + 1))
            with unit_of_work() as session:
                result = profile_csv.import_profiles(session, text, year=form.year.data,
                                                     actor=signed_in_user(), now=utcnow())
        except ImportFailed as failure:
            failed = failure.rows
            form.file.errors = [f"Nothing was imported: {len(failed)} problem"
                                f"{'s' if len(failed) != 1 else ''} in the file (listed below)"]
        except ValidationError as failure:
            add_form_errors(form, failure)
        else:
            flash(f"Imported {result.rows} row{'s' if result.rows != 1 else ''} for "
                  f"{year_label(form.year.data)}: {result.profiles_created} new profiles, "
                  f"{result.entries_created} entries added, {result.entries_updated} replaced", "success")
            return redirect(url_for("planning.list_profiles", year=form.year.data))
    return render_template("planning/import_profiles.html", form=form, failed=failed[:200],
                           more=max(len(failed) - 200, 0))


@bp.get("/profiles/import/template.csv")
def profile_template() -> Response:
    year = request.args.get("year", type=int) or financial_year(utcnow())
    text = profile_csv.template_csv(current_session(), year)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="risk-profiles-{year}.csv"'})
