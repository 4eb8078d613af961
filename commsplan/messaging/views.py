"""Audiences, channels, the affinity grid, and CSV import and export (deliverable 2C)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse

from commsplan.catalogue_views import Catalogue
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.messaging import csv_io, map_csv, service, variant_csv
from commsplan.messaging.forms import FORMS, AffinityCellForm, ImportForm
from commsplan.messaging.kinds import AUDIENCES, KINDS, WRITERS
from commsplan.messaging.models import SCORE_LABELS, Audience, Channel, ChannelKind, Segment
from commsplan.notifications.jobs import current_settings
from commsplan.reference.kinds import ReferenceKind
from commsplan.timeutil import utcnow
from commsplan.web import add_form_errors, attachment, role_required, signed_in_user

bp = Blueprint("messaging", __name__, url_prefix="/messaging")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def list_filters(kind: ReferenceKind, query: Any) -> tuple[Any, dict[str, Any]]:
    """Audiences filter by segment, channels by kind."""
    field, enum, column = (("segment", Segment, Audience.segment) if kind is AUDIENCES
                           else ("kind", ChannelKind, Channel.kind))
    chosen = request.args.get(field, "")
    if chosen in {member.value for member in enum}:
        query = query.where(column == chosen)
    return query, {"filter_name": field, "filter_options": list(enum), "filter_value": chosen,
                   "args": {field: chosen or None}}


def show_context(kind: ReferenceKind, item: Any) -> dict[str, Any]:
    """The other side of the affinity grid for this audience or channel."""
    audiences, channels, cells = service.grid(current_session())
    pairs: list[tuple[Any, Any]]
    if kind is AUDIENCES:
        pairs = [(c, cells.get((item.id, c.id))) for c in channels]
    else:
        pairs = [(a, cells.get((a.id, item.id))) for a in audiences]
    reach = sorted(((other, cell) for other, cell in pairs if cell is not None),
                   key=lambda pair: (-pair[1].score, pair[0].name))
    return {"reach": reach, "score_labels": SCORE_LABELS}


Catalogue(bp, KINDS, FORMS, "messaging", show_context=show_context, list_filters=list_filters).register()


@bp.get("/")
def index() -> str:
    return render_template("messaging/index.html", kinds=KINDS.values())


def scores_from_form(form: Any) -> dict[service.Cell, int | None]:
    """cell-<audience>-<channel> fields to scores; blank clears a cell, anything else is an error."""
    scores: dict[service.Cell, int | None] = {}
    for name, value in form.items():
        if not name.startswith("cell-"):
            continue
        parts = name.split("-")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
            raise ValidationError.single(name, "Unknown cell")
        if value not in ("", "0", "1", "2", "3"):
            raise ValidationError.single(name, "Choose a score from 0 to 3")
        scores[(int(parts[1]), int(parts[2]))] = int(value) if value else None
    return scores


@bp.route("/affinity", methods=["GET", "POST"])
def affinity() -> str | BaseResponse:
    """How well each channel reaches each audience, edited as a grid."""
    form = FlaskForm()
    error = None
    if request.method == "POST":
        if not signed_in_user().has_role(*WRITERS):
            abort(403)
        if form.validate_on_submit():
            try:
                with unit_of_work() as session:
                    changed = service.set_scores(session, scores=scores_from_form(request.form),
                                                 actor=signed_in_user(), now=utcnow())
            except ValidationError as failure:
                error = failure.message
            else:
                flash(f"Affinity saved: {changed} cell{'s' if changed != 1 else ''} changed", "success")
                return redirect(url_for("messaging.affinity"))
    audiences, channels, cells = service.grid(current_session())
    return render_template("messaging/affinity.html", audiences=audiences, channels=channels,
                           cells=cells, score_labels=SCORE_LABELS, grid_form=form, error=error,
                           can_edit=signed_in_user().has_role(*WRITERS))


@bp.route("/affinity/<int:audience_id>/<int:channel_id>", methods=["GET", "POST"])
def affinity_cell(audience_id: int, channel_id: int) -> str | BaseResponse:
    """One cell of the grid, with the evidence for its score."""
    if request.method == "POST" and not signed_in_user().has_role(*WRITERS):
        abort(403)
    session = current_session()
    audience, channel = session.get(Audience, audience_id), session.get(Channel, channel_id)
    if audience is None or channel is None:
        abort(404)
    current = service.affinities_for(session, audience_id, channel_id)
    form = AffinityCellForm(data={"score": str(current.score) if current else "",
                                  "evidence": current.evidence if current else ""})
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                service.set_affinity(session, audience=audience, channel=channel,
                                     score=int(form.score.data) if form.score.data else None,
                                     evidence=form.evidence.data or "", actor=signed_in_user(),
                                     now=utcnow())
        except ValidationError as failure:
            add_form_errors(form, failure)
        else:
            flash(f"Saved: {channel.name} for {audience.name}", "success")
            return redirect(url_for("messaging.affinity"))
    return render_template("messaging/affinity_cell.html", form=form, audience=audience,
                           channel=channel, can_edit=signed_in_user().has_role(*WRITERS))


@bp.route("/import", methods=["GET", "POST"])
@role_required(*WRITERS)
def import_csv() -> str | BaseResponse:
    """Upload a CSV of audiences, channels, affinity, maps or variants: every row is saved, or none."""
    form = ImportForm()
    failed: list[csv_io.RowError] = []
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            text = decode_upload(raw)
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
            return redirect(url_for("messaging.import_csv"))
    return render_template("messaging/import_csv.html", form=form, failed=failed[:200],
                           more=max(len(failed) - 200, 0))


def decode_upload(raw: bytes) -> str:
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError.single("file", "The file must be 5 MB or smaller")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError.single("file", "Save the file as CSV UTF-8 and try again") from None


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
    return attachment(text, "text/csv", f"commsplan-{what}.csv")
