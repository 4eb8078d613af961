"""An objective's or metric's actuals: its series so far, its status, and a form to add a figure."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.plans import actuals, items, service
from commsplan.plans.forms import ActualForm
from commsplan.plans.item_views import show_errors
from commsplan.plans.models import PlanMetric, PlanObjective
from commsplan.plans.views import bp, get_plan
from commsplan.timeutil import utcnow
from commsplan.web import add_form_errors, signed_in_user, signed_in_with

MODELS = {"objectives": PlanObjective, "metrics": PlanMetric}


@bp.route("/<int:plan_id>/<part>/<int:item_id>/actuals", methods=["GET", "POST"])
def item_actuals(plan_id: int, part: str, item_id: int) -> str | Response:
    """Everyone who can read the plan sees the series; writers add to it."""
    actor = signed_in_with(*service.WRITERS) if request.method == "POST" else signed_in_user()
    if part not in MODELS:
        abort(404)
    plan = get_plan(plan_id)
    item = items.get_item(current_session(), MODELS[part], plan, item_id)
    form = ActualForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                with unit_of_work() as session:
                    actual = actuals.record_actual(session, plan, item, measured_on=form.measured_on.data,
                                                   value=form.value.data, source=form.source.data or "",
                                                   actor=actor, now=utcnow())
            except DomainError as failure:
                add_form_errors(form, failure)
            else:
                flash(f"Actual recorded: {actual.value:g} on {actual.measured_on:%-d %B %Y}", "success")
                return redirect(url_for("plans.item_actuals", plan_id=plan.id, part=part, item_id=item.id))
        else:  # the form found some fields wrong; the service names the rest, so all show at once
            show_errors(form, actuals.check_actual(plan, measured_on=form.measured_on.data,
                                                   value=form.value.data, source=form.source.data or "",
                                                   now=utcnow()))
    found = actuals.history(current_session(), item)
    return render_template(
        "plans/item_actuals.html", plan=plan, item=item, part=part, form=form, history=found,
        status=actuals.standing(plan, item, found[0] if found else None),
        due=actuals.due_by(plan, item), start=actuals.plan_start(plan), slack=actuals.AMBER_SLACK,
        can_write=actor.has_role(*service.WRITERS))
