"""Adding, changing and removing a plan's objectives, metrics, milestones and activities.

One set of routes serves all four; each kind says which form, service and choices it uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.forms import AppForm, choices
from commsplan.messages.models import MessageMap, MessageStatus
from commsplan.notifications.jobs import current_settings
from commsplan.plans import activities, items, pausing
from commsplan.plans.forms import ActivityForm, MetricForm, MilestoneForm, ObjectiveForm
from commsplan.plans.models import Activity, CommPlan, Milestone, PlanMetric, PlanObjective
from commsplan.plans.views import bp, current_rules, get_plan, person_choices, writer
from commsplan.reference.kinds import ELEMENTS
from commsplan.reference.service import active_items
from commsplan.rendering import format_datetime
from commsplan.timeutil import utcnow
from commsplan.web import ConfirmForm, signed_in_user, signed_in_with

Saver = Callable[[Session, CommPlan, AppForm, Any], Any]


@dataclass(frozen=True)
class ItemKind:
    slug: str
    noun: str
    model: Any
    form: type[AppForm]
    save: Saver
    prepare: Callable[[AppForm, CommPlan, Any], None]
    fill: Callable[[AppForm, Any], None]
    remove: Callable[[Session, CommPlan, Any], None]


def named(rows: list[Any]) -> list[tuple[Any, str]]:
    return [(row.id, row.name) for row in rows]


def with_current(rows: list[Any], chosen: Any) -> list[Any]:
    """Active choices, plus a retired one the item already has."""
    return rows + [chosen] if chosen is not None and chosen not in rows else rows


# --- Choices and filling for each kind ---------------------------------------------------------

def prepare_objective(form: Any, plan: CommPlan, item: PlanObjective | None) -> None:
    elements = with_current(active_items(current_session(), ELEMENTS), item.element if item else None)
    form.element_id.choices = choices(named(elements), blank="None")


def fill_objective(form: Any, item: PlanObjective) -> None:
    form.process(obj=item)


def fill_metric(form: Any, item: PlanMetric) -> None:
    form.process(obj=item, level=item.level.value)


def prepare_milestone(form: Any, plan: CommPlan, item: Milestone | None) -> None:
    form.lead_id.choices = choices(person_choices(item.lead if item else None, roles=()), blank="None")


def fill_milestone(form: Any, item: Milestone) -> None:
    form.process(obj=item, rag=item.rag.value)


def message_choices(session: Session, item: Activity | None) -> list[tuple[int, str]]:
    """Maps in use, approved ones first; a map not yet approved says so."""
    rows = list(session.scalars(select(MessageMap).where(MessageMap.status != MessageStatus.RETIRED)))
    if item is not None and item.message_map is not None and item.message_map not in rows:
        rows.append(item.message_map)
    rows.sort(key=lambda m: (m.approved_number is None, m.element.position, m.audience.name))
    return [(m.id, f"{m.title}{'' if m.approved_number else ' (not yet approved)'}") for m in rows]


def prepare_activity(form: Any, plan: CommPlan, item: Activity | None) -> None:
    session = current_session()
    form.element_id.choices = choices(named(with_current(active_items(session, ELEMENTS),
                                                         item.element if item else None)), blank="Choose…")
    audiences = active_items(session, AUDIENCES)
    audiences += [a for a in (item.audiences if item else []) if a not in audiences]
    form.audience_ids.choices = choices(named(audiences))
    form.channel_id.choices = choices(named(with_current(active_items(session, CHANNELS),
                                                         item.channel if item else None)), blank="Choose…")
    form.message_map_id.choices = choices(message_choices(session, item), blank="None yet")
    form.owner_id.choices = choices(person_choices(item.owner if item else None), blank="Choose…")


def fill_activity(form: Any, item: Activity) -> None:
    form.process(obj=item, status=item.status.value, ripe_strand=item.ripe_strand.value,
                 audience_ids=[a.id for a in item.audiences])
    form.fill_times(item.starts_at, item.ends_at)


def save_milestone(session: Session, plan: CommPlan, form: Any, item: Any) -> Any:
    return items.save_milestone(session, plan, form.values(), actor=signed_in_user(), now=utcnow(),
                                delivery=current_settings(), rules=current_rules(), milestone=item)


def save_activity(session: Session, plan: CommPlan, form: Any, item: Any) -> Any:
    """Save it; a start inside its channel's lead time is refused by a strict channel, otherwise
    saved with a warning."""
    values, now = form.values(), utcnow()
    shortfall = activities.lead_time_warning(session, values, now, item)
    saved = activities.save_activity(session, plan, values, actor=signed_in_user(), now=now,
                                     delivery=current_settings(), rules=current_rules(), activity=item)
    if shortfall:
        flash(f"Check the timing: {shortfall}", "warning")
    return saved


def remove_activity(session: Session, plan: CommPlan, item: Any) -> None:
    activities.remove_activity(session, plan, item, actor=signed_in_user(), now=utcnow())


def remove_other(session: Session, plan: CommPlan, item: Any) -> None:
    items.remove_item(session, plan, item, actor=signed_in_user(), now=utcnow())


KINDS = {kind.slug: kind for kind in (
    ItemKind("objectives", "objective", PlanObjective, ObjectiveForm,
             lambda s, plan, form, item: items.save_objective(s, plan, form.values(), actor=signed_in_user(),
                                                              now=utcnow(), objective=item),
             prepare_objective, fill_objective, remove_other),
    ItemKind("metrics", "evaluation metric", PlanMetric, MetricForm,
             lambda s, plan, form, item: items.save_metric(s, plan, form.values(), actor=signed_in_user(),
                                                           now=utcnow(), metric=item),
             lambda form, plan, item: None, fill_metric, remove_other),
    ItemKind("milestones", "milestone", Milestone, MilestoneForm, save_milestone, prepare_milestone,
             fill_milestone, remove_other),
    ItemKind("activities", "activity", Activity, ActivityForm, save_activity, prepare_activity,
             fill_activity, remove_activity),
)}
# Service errors about the moment an activity starts or ends belong to its date boxes.
FIELD_FOR = {"starts_at": "start_date", "ends_at": "end_date"}


def kind_of(part: str) -> ItemKind:
    if part not in KINDS:
        abort(404)
    return KINDS[part]


def show_errors(form: AppForm, errors: dict[str, list[str]]) -> None:
    """Each message on its field, leaving alone a field the form already found wrong."""
    for name, messages in errors.items():
        target = FIELD_FOR.get(name, name)
        if target not in form:
            form.form_errors.extend(messages)
        elif not form[target].errors:
            form[target].errors = list(messages)


def saved_message(kind: ItemKind, item: Any) -> str:
    """What was saved; an activity is named with its start, as the plan page lists only the next
    weeks and the calendar holds the rest."""
    if isinstance(item, Activity):
        return f"Activity saved: {item.title}, starting {format_datetime(item.starts_at)}"
    return f"{kind.noun.capitalize()} saved"


def item_page(kind: ItemKind, plan: CommPlan, item: Any) -> str | Response:
    form = kind.form()
    kind.prepare(form, plan, item)
    if request.method == "GET":
        if item is not None:
            kind.fill(form, item)
        elif kind.slug == "activities":
            form.owner_id.data = signed_in_user().id
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                saved = kind.save(session, plan, form, item)
        except DomainError as error:
            show_errors(form, error.field_errors or {"__form__": [error.message]})
        else:
            flash(saved_message(kind, saved), "success")
            return redirect(url_for("plans.show_plan", plan_id=plan.id, _anchor=kind.slug))
    elif request.method == "POST" and kind.slug == "activities":
        # The form found some fields wrong; the service names the rest, so all show at once.
        errors, _ = activities.check_activity(current_session(), plan, form.values(), current_rules(),
                                              now=utcnow(), current=item)
        show_errors(form, errors)
    return render_template("plans/edit_item.html", form=form, plan=plan, kind=kind, item=item,
                           remove_form=ConfirmForm())


@bp.route("/<int:plan_id>/<part>/new", methods=["GET", "POST"])
def new_item(plan_id: int, part: str) -> str | Response:
    writer()
    return item_page(kind_of(part), get_plan(plan_id), None)


@bp.route("/<int:plan_id>/<part>/<int:item_id>", methods=["GET", "POST"])
def edit_item(plan_id: int, part: str, item_id: int) -> str | Response:
    writer()
    kind, plan = kind_of(part), get_plan(plan_id)
    return item_page(kind, plan, items.get_item(current_session(), kind.model, plan, item_id))


@bp.post("/<int:plan_id>/<part>/<int:item_id>/remove")
def remove_item(plan_id: int, part: str, item_id: int) -> Response:
    writer()
    kind, plan = kind_of(part), get_plan(plan_id)
    item = items.get_item(current_session(), kind.model, plan, item_id)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                kind.remove(session, plan, item)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{kind.noun.capitalize()} removed", "success")
    return redirect(url_for("plans.show_plan", plan_id=plan.id, _anchor=kind.slug))


@bp.post("/<int:plan_id>/activities/<int:item_id>/resume")
def resume_activity(plan_id: int, item_id: int) -> Response:
    """Let an activity paused for an incident go ahead again."""
    user = signed_in_with(*pausing.PAUSERS)
    plan = get_plan(plan_id)
    activity = items.get_item(current_session(), Activity, plan, item_id)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                pausing.resume_activity(session, plan, activity, actor=user, now=utcnow(),
                                        delivery=current_settings())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"Resumed: {activity.title}", "success")
    return redirect(url_for("plans.show_plan", plan_id=plan.id, _anchor=f"activity-{activity.id}"))
