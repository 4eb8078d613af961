"""Confidence pages: the measures, entering and importing results, a unit's picture, the league table."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from commsplan.audiences.csv_io import ImportFailed, RowError
from commsplan.confidence import csv_io, did, pictures, results
from commsplan.confidence.forms import (
    EffectForm,
    LeagueFilterForm,
    MeasureFilterForm,
    MeasureForm,
    ResultForm,
    ResultImportForm,
)
from commsplan.confidence.models import ConfidenceMeasure
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError, ValidationError
from commsplan.forms import choices
from commsplan.incidents.service import READERS as INCIDENT_READERS
from commsplan.reference import service as reference
from commsplan.reference.kinds import UNITS
from commsplan.reference.models import UnitKind
from commsplan.reference.service import active_items
from commsplan.timeutil import utcnow
from commsplan.web import (
    add_form_errors,
    csv_download,
    id_arg,
    read_csv_upload,
    role_required,
    signed_in_user,
)

bp = Blueprint("confidence", __name__, url_prefix="/confidence")
SHOWN_PROBLEMS = 200


def can_write() -> bool:
    return signed_in_user().has_role(*results.WRITERS)


@bp.get("/")
def list_measures() -> str:
    session = current_session()
    return render_template("confidence/list_measures.html", measures=results.measures(session),
                           force=results.force_unit(session), can_write=can_write())


@bp.route("/measures/new", methods=["GET", "POST"])
@role_required(*results.WRITERS)
def new_measure() -> str | BaseResponse:
    form = MeasureForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                measure = results.create_measure(
                    session, code=form.code.data or "", name=form.name.data or "",
                    question=form.question.data or "", source=form.source.data or "",
                    is_headline=bool(form.is_headline.data), actor=signed_in_user(), now=utcnow())
        except DomainError as failure:
            add_form_errors(form, failure)
        else:
            flash(f"Measure added: {measure.name}", "success")
            return redirect(url_for("confidence.list_measures"))
    return render_template("confidence/new_measure.html", form=form)


@bp.route("/results/new", methods=["GET", "POST"])
@role_required(*results.WRITERS)
def new_result() -> str | BaseResponse:
    """Type in one result; a wave already held is corrected, and the page says so."""
    session = current_session()
    form = ResultForm(data={"measure": id_arg("measure"), "unit": id_arg("unit")}
                      if request.method == "GET" else None)
    form.measure.choices = choices(((m.id, m.name) for m in results.measures(session)),
                                   blank="Choose a measure")
    form.unit.choices = choices(((u.id, u.name) for u in active_items(session, UNITS)),
                                blank="Choose a business unit")
    if form.validate_on_submit() and form.period.data is not None:
        measure = results.get_measure(session, form.measure.data)
        unit = reference.get_unit(session, form.unit.data)
        try:
            with unit_of_work() as work:
                corrected = results.enter_result(work, measure=measure, unit=unit, period=form.period.data,
                                                 values=form.values(), actor=signed_in_user(), now=utcnow())
        except DomainError as failure:
            add_form_errors(form, failure)
        else:
            flash(f"{'Corrected' if corrected else 'Saved'}: {unit.name}, "
                  f"{pictures.wave_label(form.period.data)}", "success")
            return redirect(url_for("confidence.unit_confidence", unit_id=unit.id, measure=measure.id))
    return render_template("confidence/new_result.html", form=form)


@bp.route("/import", methods=["GET", "POST"])
@role_required(*results.WRITERS)
def import_results() -> str | BaseResponse:
    """Upload results for many units and waves: every row is saved, or none."""
    form = ResultImportForm()
    failed: list[RowError] = []
    if form.validate_on_submit():
        try:
            text = read_csv_upload(form.file.data)
            with unit_of_work() as session:
                summary = csv_io.import_results(session, text, actor=signed_in_user(), now=utcnow())
        except ImportFailed as failure:
            failed = failure.rows
            form.file.errors = [f"Nothing was imported: {len(failed):,} problem"
                                f"{'' if len(failed) == 1 else 's'} in the file (listed below)"]
        except ValidationError as failure:
            add_form_errors(form, failure)
        else:
            flash(summary.text, "success")
            return redirect(url_for("confidence.list_measures"))
    return render_template("confidence/import_results.html", form=form, failed=failed[:SHOWN_PROBLEMS],
                           more=max(len(failed) - SHOWN_PROBLEMS, 0))


@bp.get("/import/template.csv")
def results_template() -> Response:
    return csv_download(csv_io.template_csv(current_session()), "confidence-results-template.csv")


@bp.get("/results.csv")
def export_results() -> Response:
    session = current_session()
    measure_id = id_arg("measure")
    measure = results.get_measure(session, measure_id) if measure_id is not None else None
    name = f"confidence-{measure.code.lower()}.csv" if measure else "confidence-results.csv"
    return csv_download(csv_io.export_results(session, measure), name)


def chosen_measure(form: MeasureFilterForm, measures: list[ConfidenceMeasure]) -> ConfidenceMeasure:
    """The measure the filter names, or the headline (a named field error when the filter's is unknown)."""
    form.measure.choices = choices((m.id, m.name) for m in measures)
    form.validate()
    by_id = {m.id: m for m in measures}
    if form.measure.errors or form.measure.data not in by_id:
        form.measure.data = measures[0].id
    return by_id[form.measure.data]


def no_measures() -> BaseResponse:
    flash("No confidence measures have been added yet", "info")
    return redirect(url_for("confidence.list_measures"))


@bp.get("/units/<int:unit_id>")
def unit_confidence(unit_id: int) -> str | BaseResponse:
    session = current_session()
    unit = reference.get_unit(session, unit_id)
    form, measures = MeasureFilterForm(request.args), results.measures(session)
    if not measures:
        return no_measures()
    measure = chosen_measure(form, measures)
    series = pictures.unit_series(session, unit=unit, measure=measure,
                                  show_incidents=signed_in_user().has_role(*INCIDENT_READERS))
    return render_template("confidence/unit_confidence.html", series=series, form=form,
                           drawn=pictures.series_chart(series), percent=pictures.percent,
                           can_write=can_write())


@bp.get("/league")
def league_table() -> str | BaseResponse:
    session = current_session()
    form, measures = LeagueFilterForm(request.args), results.measures(session)
    if not measures:
        return no_measures()
    measure = chosen_measure(form, measures)
    form.period.errors = []  # checked below, against the measure's own waves
    wanted = request.args.get("period", "").strip() or None
    periods = pictures.wave_periods(session, measure)
    form.period.choices = choices((p.isoformat(), pictures.wave_label(p)) for p in periods)
    chosen = next((p for p in periods if p.isoformat() == wanted), None)
    if wanted is not None and chosen is None:
        form.period.errors = [form.period.unknown_message]
    found = pictures.league(session, measure=measure, period=chosen, periods=periods)
    form.period.data = found.period.isoformat() if found.period else None
    return render_template("confidence/league_table.html", league=found, form=form,
                           percent=pictures.percent, wave_label=pictures.wave_label)


@bp.get("/campaign-effect")
def campaign_effect() -> str | BaseResponse:
    """Ask for a difference in differences; the answer is worked out on the fly and saves nothing."""
    session = current_session()
    measures = results.measures(session)
    if not measures:
        return no_measures()
    form = EffectForm(request.args)
    form.measure.choices = choices((m.id, m.name) for m in measures)
    units = [u for u in active_items(session, UNITS) if u.kind is not UnitKind.CORPORATE]
    form.campaign.choices = form.comparison.choices = choices((u.id, u.name) for u in units)
    found = None
    if request.args and form.validate() and form.start.data is not None:
        campaign = set(form.campaign.data or [])
        comparison = set(form.comparison.data or []) or {u.id for u in units} - campaign
        measure = results.get_measure(session, form.measure.data)
        rows = did.observations(session, measure=measure, unit_ids=sorted(campaign | comparison),
                                start=form.start.data)
        found = did.estimate(rows, campaign=campaign, start=form.start.data)
    elif not request.args:
        form.measure.data = measures[0].id
    return render_template("confidence/campaign_effect.html", form=form, found=found,
                           wave_label=pictures.wave_label)
