"""Risk profile pages: the list, one profile, its entries, approval, CSV import and the pictures."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from commsplan.audiences.csv_io import RowError
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError, ValidationError
from commsplan.extensions import db
from commsplan.forms import choices
from commsplan.reference import service as reference
from commsplan.reference.kinds import UNITS
from commsplan.reference.models import UnitKind, ViolenceElement
from commsplan.reference.service import active_items
from commsplan.risk import pictures, profile_csv, profiles
from commsplan.risk.forms import (
    EntryForm,
    HeatMapFilterForm,
    NewEntryForm,
    NewProfileForm,
    ProfileFilterForm,
    ProfileImportForm,
)
from commsplan.risk.models import ProfileStatus, year_label
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    csv_download,
    id_arg,
    page_number,
    pagination_params,
    read_csv_upload,
    role_required,
    signed_in_user,
    year_arg,
)

bp = Blueprint("risk", __name__, url_prefix="/planning")


def this_year() -> int:
    return profiles.financial_year(utcnow())


def year_choices(years: list[int], *, blank: str | None = None) -> list[Any]:
    """Every year with profiles, and the current one, newest first."""
    return choices(((y, year_label(y)) for y in sorted({*years, this_year()}, reverse=True)), blank=blank)


@bp.get("/profiles")
def list_profiles() -> str:
    session = current_session()
    filters = ProfileFilterForm(request.args)
    filters.year.choices = year_choices(profiles.profile_years(session), blank="Any")
    filters.unit.choices = choices(((u.id, u.name) for u in active_items(session, UNITS)), blank="Any")
    criteria = profiles.ProfileFilter(
        year=filters.year.data, unit_id=filters.unit.data,
        status=ProfileStatus(filters.status.data) if filters.status.data else None,
    ) if filters.validate() else profiles.ProfileFilter()
    pagination = db.paginate(profiles.profiles_query(criteria), page=page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    args: dict[str, Any] = {key: value for key, value in request.args.items() if key != "page" and value}
    pages = pagination_params(pagination, lambda n: url_for("risk.list_profiles", page=n, **args))
    counts = profiles.entry_counts(session, [p.id for p in pagination.items])
    return render_template("risk/list_profiles.html", pagination=pagination, pages=pages,
                           filters=filters, counts=counts,
                           can_write=signed_in_user().has_role(*profiles.WRITERS))


@bp.get("/profiles/<int:profile_id>")
def show_profile(profile_id: int) -> str:
    session = current_session()
    profile = profiles.get_profile(session, profile_id)
    user = signed_in_user()
    can_write = user.has_role(*profiles.WRITERS) and profile.status is ProfileStatus.DRAFT
    return render_template("risk/show_profile.html", profile=profile,
                           rows=profiles.ranked_entries(session, profile), approve_form=ConfirmForm(),
                           can_write=can_write, can_approve=user.has_role(*profiles.APPROVERS),
                           can_add=can_write and bool(profiles.missing_elements(session, profile)))


@bp.route("/profiles/new", methods=["GET", "POST"])
@role_required(*profiles.WRITERS)
def new_profile() -> str | BaseResponse:
    """Start a draft profile for a unit and year; the page suggests the unit and year it came from."""
    asked = {"unit": id_arg("unit"), "year": year_arg(this_year())}
    form = NewProfileForm(data=asked if request.method == "GET" else None)
    form.unit.choices = choices(((u.id, u.name) for u in active_items(current_session(), UNITS)),
                                blank="Choose a business unit")
    if form.validate_on_submit() and form.year.data is not None:
        unit = reference.get_unit(current_session(), form.unit.data)
        try:
            with unit_of_work() as session:
                profile = profiles.create_profile(session, unit=unit, year=form.year.data,
                                                  notes=form.notes.data or "", actor=signed_in_user(),
                                                  now=utcnow())
        except DomainError as failure:
            add_form_errors(form, failure)
        else:
            flash(f"Risk profile started: {unit.name}, {profile.year_label}. Add its elements next.",
                  "success")
            return redirect(url_for("risk.show_profile", profile_id=profile.id))
    return render_template("risk/new_profile.html", form=form)


@bp.route("/profiles/<int:profile_id>/entries/new", methods=["GET", "POST"])
@role_required(*profiles.WRITERS)
def new_entry(profile_id: int) -> str | BaseResponse:
    """Add an element the draft does not cover yet; only those are offered."""
    session = current_session()
    profile = profiles.get_profile(session, profile_id)
    profiles.require_draft(profile)
    missing = profiles.missing_elements(session, profile)
    form = NewEntryForm(data={"likelihood": "medium"} if request.method == "GET" else None)
    form.element.choices = choices((str(element.id), element.name) for element in missing)
    if missing and form.validate_on_submit():
        element = db.get_or_404(ViolenceElement, int(form.element.data))
        try:
            with unit_of_work() as session:
                profiles.add_entry(session, profile, element=element, values=form.values(),
                                   actor=signed_in_user(), now=utcnow())
        except DomainError as failure:
            add_form_errors(form, failure)
        else:
            flash(f"Added: {element.name}", "success")
            return redirect(url_for("risk.show_profile", profile_id=profile_id))
    return render_template("risk/new_entry.html", form=form, profile=profile, missing=missing)


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
    return redirect(url_for("risk.show_profile", profile_id=profile_id))


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
            return redirect(url_for("risk.show_profile", profile_id=profile_id))
    return render_template("risk/edit_entry.html", form=form, entry=entry, profile=entry.profile)


@bp.route("/profiles/<int:profile_id>/entries/<int:entry_id>/remove", methods=["GET", "POST"])
@role_required(*profiles.WRITERS)
def remove_entry(profile_id: int, entry_id: int) -> str | BaseResponse:
    """Ask, then take the element out of the draft; what it held stays in the audit log."""
    entry = profiles.get_entry(current_session(), profile_id, entry_id)
    profiles.require_draft(entry.profile)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("risk/remove_entry.html", form=form, entry=entry, profile=entry.profile)
    name = entry.element.name
    with unit_of_work() as session:
        profiles.remove_entry(session, entry, actor=signed_in_user(), now=utcnow())
    flash(f"Removed: {name}", "success")
    return redirect(url_for("risk.show_profile", profile_id=profile_id))


@bp.route("/profiles/import", methods=["GET", "POST"])
@role_required(*profiles.WRITERS)
def import_profiles() -> str | BaseResponse:
    """Upload a year's profiles for many units: every row is saved, or none."""
    form = ProfileImportForm(data={"year": this_year()} if request.method == "GET" else None)
    failed: list[RowError] = []
    if form.validate_on_submit() and form.year.data is not None:
        try:
            text = read_csv_upload(form.file.data)
            with unit_of_work() as session:
                result = profile_csv.import_profiles(session, text, year=form.year.data,
                                                     actor=signed_in_user(), now=utcnow())
        except profile_csv.ProfileImportFailed as failure:
            failed = failure.rows
            form.file.errors = [failure.summary]
        except ValidationError as failure:
            add_form_errors(form, failure)
        else:
            flash(result.summary(form.year.data), "success")
            return redirect(url_for("risk.list_profiles", year=form.year.data))
    return render_template("risk/import_profiles.html", form=form, failed=failed[:200],
                           more=max(len(failed) - 200, 0))


@bp.get("/profiles/import/template.csv")
def profile_template() -> Response:
    year = year_arg(this_year())
    text = profile_csv.template_csv(current_session(), year)
    return csv_download(text, f"risk-profiles-{year}.csv")


@bp.get("/heat-map")
def heat_map() -> str:
    """Units × elements by harm for a year; a bad filter is named and the map shown without it."""
    session = current_session()
    filters = HeatMapFilterForm(request.args)
    years = profiles.profile_years(session)
    filters.year.choices = year_choices(years)
    filters.validate()
    if filters.year.errors or filters.year.data is None:
        filters.year.data = pictures.default_year(years, this_year())
    kind = UnitKind(filters.kind.data) if filters.kind.data and not filters.kind.errors else None
    found = pictures.heat_map(session, year=filters.year.data, kind=kind)
    return render_template("risk/heat_map.html", form=filters, heat=found, figure=pictures.figure,
                           year_text=year_label(found.year),
                           can_write=signed_in_user().has_role(*profiles.WRITERS))


@bp.get("/units/<int:unit_id>/trend")
def unit_trend(unit_id: int) -> str:
    found = pictures.unit_trend(current_session(), unit_id=unit_id)
    return render_template("risk/unit_trend.html", trend=found, charts=pictures.trend_charts(found),
                           figure=pictures.figure)
