"""The incident's campaign work page: the sensitivity window it proposes, the activities in its unit
and elements over the next weeks (a page at a time, with their queued reminders), and pausing
chosen ones, each with a decision in the log."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import SubmitField

from commsplan.db import current_session, db, unit_of_work
from commsplan.errors import DomainError
from commsplan.forms import AppForm, ChoiceField, MultiChoiceField, choices
from commsplan.incidents import campaigns, decisions, records
from commsplan.incidents.models import Incident
from commsplan.incidents.views import bp, incident_or_404
from commsplan.plans import pausing
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
)

PAUSED_SHOWN = 50


class ChosenIds(MultiChoiceField):
    """Ids ticked on the page: the service checks each against what the incident affects now, as the
    list may have moved on since the page was read."""

    def pre_validate(self, form: object) -> None:
        return None


class PauseForm(AppForm):
    activity_ids = ChosenIds("Activities to pause", coerce=int, default=list)
    decision_role = ChoiceField("Deciding as", message="Choose the incident role you are deciding in")
    submit = SubmitField("Pause the chosen activities", widget=GovSubmitInput())


def campaign_page(incident_id: int, form: PauseForm | None = None, status: int = 200) -> tuple[str, int]:
    session, now = current_session(), utcnow()
    incident = incident_or_404(incident_id)
    query = campaigns.affected(session, incident, now)
    pagination = db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False) if query is not None else None
    rows = list(pagination.items) if pagination is not None else []
    form = form or PauseForm()
    viewer = signed_in_user()
    held = held_roles(incident)
    form.decision_role.choices = choices(held.items())
    form.activity_ids.choices = choices((activity.id, activity.title) for activity in rows)
    pages = pagination_params(pagination, lambda n: url_for(
        "incidents.campaign_work", incident_id=incident_id, page=n)) if pagination is not None else {}
    return render_template(
        "incidents/campaign_work.html", incident=incident, rows=rows, pagination=pagination, pages=pages,
        proposal=campaigns.proposed_window(session, incident, now), form=form, confirm=ConfirmForm(),
        reminders=pausing.queued_reminders(session, [a.id for a in rows]),
        paused=pausing.paused_for(session, incident.id, limit=PAUSED_SHOWN),
        may_pause=viewer.has_role(*decisions.LOGGERS) and bool(held)), status


def held_roles(incident: Incident) -> dict[str, str]:
    """The incident roles the viewer holds, by name and label: the roles they may decide in."""
    labels = records.incident_roles(records.playbook_of(incident))
    viewer = signed_in_user()
    return {holder.role: labels.get(holder.role, holder.role)
            for holder in records.role_holders(current_session(), incident).values()
            if holder.user_id == viewer.id}


@bp.get("/<int:incident_id>/campaigns")
def campaign_work(incident_id: int) -> tuple[str, int]:
    return campaign_page(incident_id)


@bp.post("/<int:incident_id>/campaigns/window")
@role_required(*decisions.LOGGERS)
def add_campaign_window(incident_id: int) -> Response:
    incident = incident_or_404(incident_id)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                window = campaigns.add_window(session, incident, actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"Sensitivity window added: {window.title}", "success")
    return redirect(url_for("incidents.campaign_work", incident_id=incident_id))


@bp.post("/<int:incident_id>/campaigns/pause")
@role_required(*decisions.LOGGERS)
def pause_campaign_work(incident_id: int) -> Response | tuple[str, int]:
    form = PauseForm()
    form.decision_role.choices = choices(held_roles(incident_or_404(incident_id)).items())
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                paused = campaigns.pause(session, incident_or_404(incident_id), form.activity_ids.data or [],
                                         decision_role=form.decision_role.data or "", actor=signed_in_user(),
                                         now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
            return campaign_page(incident_id, form, 422)
    else:
        return campaign_page(incident_id, form, 422)
    flash(f"Paused {len(paused)} {'activity' if len(paused) == 1 else 'activities'}, each logged as a "
          "decision. Their owners will be reminded to review them when the incident stands down.",
          "success")
    return redirect(url_for("incidents.campaign_work", incident_id=incident_id))
