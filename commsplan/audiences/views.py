"""Audiences, channels and the affinity grid (deliverable 2C); their CSV files travel through
`commsplan.messages.exchange_views`, which adds the import and export routes to this blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from commsplan.audiences import service
from commsplan.audiences.forms import FORMS, AffinityCellForm
from commsplan.audiences.kinds import AUDIENCES, KINDS, WRITERS
from commsplan.audiences.models import SCORE_LABELS, Audience, Channel, ChannelKind, Segment
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.forms import AppForm
from commsplan.numbers import record_id
from commsplan.reference.catalogue_views import Catalogue
from commsplan.reference.kinds import ReferenceKind
from commsplan.timeutil import utcnow
from commsplan.web import add_form_errors, signed_in_user

bp = Blueprint("audiences", __name__, url_prefix="/messaging")


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


Catalogue(bp, KINDS, FORMS, "audiences", show_context=show_context, list_filters=list_filters).register()


@bp.get("/")
def index() -> str:
    return render_template("audiences/index.html", kinds=KINDS.values())


def scores_from_form(form: Any) -> dict[service.Cell, int | None]:
    """cell-<audience>-<channel> fields to scores; blank clears a cell, anything else is an error."""
    scores: dict[service.Cell, int | None] = {}
    for name, value in form.items():
        if not name.startswith("cell-"):
            continue
        parts = name.split("-")
        ids = [record_id(part) if part.isdigit() else None for part in parts[1:]]
        if len(ids) != 2 or ids[0] is None or ids[1] is None:
            raise ValidationError.single(name, "Unknown cell")
        if value not in ("", "0", "1", "2", "3"):
            raise ValidationError.single(name, "Choose a score from 0 to 3")
        scores[(ids[0], ids[1])] = int(value) if value else None
    return scores


@bp.route("/affinity", methods=["GET", "POST"])
def affinity() -> str | BaseResponse:
    """How well each channel reaches each audience, edited as a grid."""
    form = AppForm()
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
                return redirect(url_for("audiences.affinity"))
    audiences, channels, cells = service.grid(current_session())
    return render_template("audiences/affinity.html", audiences=audiences, channels=channels,
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
            return redirect(url_for("audiences.affinity"))
    return render_template("audiences/affinity_cell.html", form=form, audience=audience,
                           channel=channel, can_edit=signed_in_user().has_role(*WRITERS))
