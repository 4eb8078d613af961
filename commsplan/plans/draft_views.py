"""Drafting a plan from a risk profile: choose the profile, review the proposal, confirm it.

The proposal page writes nothing; only "Create the plan" saves, and then everything or nothing."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from commsplan.audiences.models import Audience, Channel
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.forms import choices
from commsplan.messages.models import MessageMap
from commsplan.notifications.jobs import current_settings
from commsplan.plans import proposal as drafting
from commsplan.plans.forms import ProposalForm
from commsplan.plans.item_views import FIELD_FOR
from commsplan.plans.models import CommPlan
from commsplan.plans.views import bp, current_rules, financial_year, person_choices, writer
from commsplan.reference.models import ViolenceElement
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile
from commsplan.timeutil import utcnow
from commsplan.web import year_arg


@bp.get("/draft")
def choose_profile() -> str:
    writer()
    session = current_session()
    year = year_arg(financial_year())
    found = list(session.scalars(profiles.profiles_query(profiles.ProfileFilter(year=year))))
    planned = set(session.scalars(select(CommPlan.unit_id).where(CommPlan.year == year)))
    years = sorted({financial_year(), *profiles.profile_years(session)}, reverse=True)
    return render_template("plans/choose_profile.html", profiles=found, planned=planned, year=year,
                           years=years)


def fill_from(form: ProposalForm, proposal: drafting.Proposal, owner_id: int) -> None:
    form.title.data, form.owner_id.data = proposal.title, owner_id
    for name in ("objectives", "audience_insight", "strategy", "implementation", "scoring"):
        form[name].data = getattr(proposal.sections, name)
    for planned in proposal.activities:
        form.activity_rows.append_entry({
            "include": True, "title": planned.title, "element_id": planned.element.id,
            "audience_id": planned.audience.id, "channel_id": planned.channel.id,
            "message_map_id": planned.message_map.id if planned.message_map else "",
            "ripe_strand": planned.ripe_strand.value, "start_date": planned.starts_on,
            "end_date": planned.ends_on})


def kept(form: ProposalForm) -> drafting.Confirmed:
    rows = [(number, row.form.values(form.owner_id.data))
            for number, row in enumerate(form.activity_rows, start=0) if row.form.include.data]
    return drafting.Confirmed(form.title.data or "", form.owner_id.data, form.sections(), rows)


def show_row_errors(form: ProposalForm, error: DomainError) -> None:
    """Errors named "activities-3-starts_at" go to that row's fields; the rest to the plan's."""
    for name, messages in (error.field_errors or {"__form__": [error.message]}).items():
        target = error_target(form, name)
        if target is None:
            form.form_errors.extend(messages)
        else:
            target.errors = [*target.errors, *messages]
    # The list keeps the errors it found while validating; without the service's, the page would
    # have no error summary and no "Error:" title for a row the rules refused.
    rows = form.activity_rows
    rows.errors = [entry.errors for entry in rows] if any(entry.errors for entry in rows) else []


def error_target(form: ProposalForm, name: str) -> Any:
    if name.startswith("activities-"):
        _, number, field = name.split("-", 2)
        row = form.activity_rows[int(number)].form
        field = FIELD_FOR.get(field, field)
        return row[field] if field in row else row.title
    return form[name] if name in form else None


def names(session: Any) -> dict[str, dict[int, str]]:
    """Names for the ids the rows carry, so a page shown again after an error still reads."""
    return {"elements": {e.id: e.name for e in session.scalars(select(ViolenceElement))},
            "audiences": {a.id: a.name for a in session.scalars(select(Audience))},
            "channels": {c.id: f"{c.name} ({c.lead_time_days} days' lead time)"
                         for c in session.scalars(select(Channel))},
            "maps": {m.id: ("approved" if m.approved_number else "not yet approved")
                     for m in session.scalars(select(MessageMap))}}


@bp.route("/draft/<int:profile_id>", methods=["GET", "POST"])
def review_proposal(profile_id: int) -> str | Response:
    actor = writer()
    session = current_session()
    profile: RiskProfile = profiles.get_profile(session, profile_id)
    existing = session.scalar(select(CommPlan).where(CommPlan.unit_id == profile.unit_id,
                                                     CommPlan.year == profile.year))
    if existing is not None:
        flash(f"{profile.unit.name} already has a plan for {profile.year_label}", "error")
        return redirect(url_for("plans.show_plan", plan_id=existing.id))
    proposal = drafting.propose(session, profile, now=utcnow(), rules=current_rules())
    form = ProposalForm()
    form.owner_id.choices = choices(person_choices(None), blank="Choose…")
    if request.method == "GET":
        fill_from(form, proposal, actor.id)
    elif form.validate_on_submit():
        try:
            with unit_of_work() as writing:
                plan = drafting.confirm(writing, profile, kept(form), proposal=proposal, actor=actor,
                                        now=utcnow(), delivery=current_settings(), rules=current_rules())
        except DomainError as error:
            show_row_errors(form, error)
        else:
            flash("Plan created as a draft from the risk profile. Check it, then submit it for "
                  "approval.", "success")
            return redirect(url_for("plans.show_plan", plan_id=plan.id))
    return render_template("plans/review_proposal.html", form=form, profile=profile, proposal=proposal,
                           names=names(session))
