"""CSV import and export of everything 2C holds: audiences, channels, affinity, message maps and
their channel variants, on one page (`/messaging/import`, routes of the audiences blueprint).

It lives with message maps because it reads and writes both domains; audiences never import messages.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from commsplan.audiences import csv_io
from commsplan.audiences.forms import FORMS
from commsplan.audiences.kinds import WRITERS
from commsplan.audiences.views import bp
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.messages import map_csv, variant_csv
from commsplan.messages.forms import ImportForm
from commsplan.notifications.jobs import current_settings
from commsplan.timeutil import utcnow
from commsplan.web import add_form_errors, csv_download, read_csv_upload, role_required, signed_in_user


@bp.route("/import", methods=["GET", "POST"])
@role_required(*WRITERS)
def import_csv() -> str | BaseResponse:
    """Upload a CSV of audiences, channels, affinity, maps or variants: every row is saved, or none."""
    form = ImportForm()
    failed: list[csv_io.RowError] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = read_csv_upload(upload)
            with unit_of_work() as session:
                result = run_import(session, form.what.data or "", text)
        except csv_io.ImportFailed as failure:
            failed = failure.rows
            form.file.errors = [f"Nothing was imported: {len(failed)} problem"
                                f"{'s' if len(failed) != 1 else ''} in the file (listed below)"]
        except ValidationError as failure:
            add_form_errors(form, failure)
        else:
            flash(f"Imported {form.what.data}: {result.created} added, {result.updated} changed, "
                  f"{result.unchanged} unchanged", "success")
            return redirect(url_for("audiences.import_csv"))
    return render_template("audiences/import_csv.html", form=form, failed=failed[:200],
                           more=max(len(failed) - 200, 0))


def run_import(session: Any, what: str, text: str) -> csv_io.ImportResult:
    if what == "affinity":
        return csv_io.import_affinity(session, text, actor=signed_in_user(), now=utcnow())
    if what == "message-maps":
        return map_csv.import_maps(session, text, actor=signed_in_user(), now=utcnow(),
                                   delivery=current_settings())
    if what == "message-variants":
        return variant_csv.import_variants(session, text, actor=signed_in_user(), now=utcnow())
    kind = csv_io.IMPORTABLE[what]
    return csv_io.import_kind(session, kind, FORMS[kind], text, actor=signed_in_user(), now=utcnow())


@bp.get("/export/<what>.csv")
def export_csv(what: str) -> Response:
    session = current_session()
    if what == "affinity":
        text = csv_io.export_affinity(session)
    elif what == "message-maps":
        text = map_csv.export_maps(session)
    elif what == "message-variants":
        text = variant_csv.export_variants(session)
    elif what in csv_io.IMPORTABLE:
        text = csv_io.export_kind(session, csv_io.IMPORTABLE[what])
    else:
        abort(404)
    return csv_download(text, f"commsplan-{what}.csv")
