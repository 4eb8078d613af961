"""Message map pages: list, write, add channel variants, review, compare versions, coverage."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.extensions import db
from commsplan.forms import AppForm
from commsplan.messages import checks, coverage, maps, review, versions
from commsplan.messages.forms import (
    CommentForm,
    ContentForm,
    DecisionForm,
    MapFilterForm,
    NewMapForm,
    SettingsFields,
    SettingsForm,
    VariantForm,
    fill_choices,
)
from commsplan.messages.models import MessageMap, MessageStatus, TranslationStatus
from commsplan.notifications.jobs import current_settings
from commsplan.reference.kinds import ELEMENTS, QUALIFIERS, UNITS
from commsplan.reference.service import active_items
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    page_number,
    pagination_params,
    signed_in_user,
    signed_in_with,
)

bp = Blueprint("messages", __name__, url_prefix="/messages")


def writer() -> User:
    """The signed-in person, if they may write message maps; 403 otherwise."""
    return signed_in_with(*maps.WRITERS)


def message_map(map_id: int) -> MessageMap:
    return maps.get_map(current_session(), map_id)


def owners() -> list[User]:
    query = select(User).where(User.is_active.is_(True)).order_by(User.name)
    return [user for user in current_session().scalars(query) if user.has_role(*maps.WRITERS)]


def named(items: list[Any]) -> list[tuple[Any, str]]:
    return [(item.id, item.name) for item in items]


def prepare_settings(form: SettingsFields, current: MessageMap | None) -> None:
    """Offer active choices, and keep a retired one the map already has."""
    session = current_session()

    def with_current(kind: Any, chosen: Any) -> list[Any]:
        items = active_items(session, kind)
        return items + [chosen] if chosen is not None and chosen not in items else items

    fill_choices(form.element_id, named(with_current(ELEMENTS, current and current.element)), "Choose…")
    fill_choices(form.audience_id, named(with_current(AUDIENCES, current and current.audience)),
                 "Choose…")
    fill_choices(form.unit_id, named(with_current(UNITS, current and current.unit)), "Force-wide")
    qualifiers = active_items(session, QUALIFIERS)
    qualifiers += [q for q in (current.qualifiers if current else []) if q not in qualifiers]
    fill_choices(form.qualifier_ids, named(qualifiers))
    people = owners()
    if current is not None and current.owner not in people:
        people.append(current.owner)
    fill_choices(form.owner_id, named(people), "Choose…")


def settings_of(form: SettingsFields) -> checks.MapSettings:
    return checks.MapSettings(element_id=form.element_id.data, audience_id=form.audience_id.data,
                            qualifier_ids=tuple(form.qualifier_ids.data or ()),
                            unit_id=form.unit_id.data, owner_id=form.owner_id.data,
                            review_date=form.review_date.data)


# --- Lists -------------------------------------------------------------------------------------

@bp.get("/")
def list_maps() -> str:
    session = current_session()
    filters = MapFilterForm(request.args)
    fill_choices(filters.element, named(active_items(session, ELEMENTS)), "All")
    fill_choices(filters.audience, named(active_items(session, AUDIENCES)), "All")
    fill_choices(filters.qualifier, named(active_items(session, QUALIFIERS)), "All")
    fill_choices(filters.unit, named(active_items(session, UNITS)), "All")
    fill_choices(filters.status, [(s.value, s.label) for s in MessageStatus], "All but retired")
    valid = filters.validate()
    criteria = maps.MapFilter(
        element_id=filters.element.data, audience_id=filters.audience.data,
        qualifier_id=filters.qualifier.data, unit_id=filters.unit.data,
        status=MessageStatus(filters.status.data) if filters.status.data else None,
        owner_id=signed_in_user().id if request.args.get("mine") == "yes" else None,
    ) if valid else maps.MapFilter()
    pagination = db.paginate(maps.maps_query(criteria), page=page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    args: dict[str, Any] = {key: value for key, value in request.args.items()
                            if key != "page" and value}
    pages = pagination_params(pagination, lambda n: url_for("messages.list_maps", page=n, **args))
    one_cell = criteria.element_id is not None and criteria.audience_id is not None
    return render_template("messages/list.html", pagination=pagination, pages=pages, filters=filters,
                           cell_channels=coverage.channels_in_force(session, criteria) if one_cell else None,
                           mine=request.args.get("mine") == "yes",
                           can_write=signed_in_user().has_role(*maps.WRITERS))


@bp.get("/coverage")
def coverage_matrix() -> str:
    session = current_session()
    unit_id = request.args.get("unit", type=int)
    qualifier_id = request.args.get("qualifier", type=int)
    units, qualifiers = active_items(session, UNITS), active_items(session, QUALIFIERS)
    unit_id = unit_id if unit_id in {u.id for u in units} else None
    qualifier_id = qualifier_id if qualifier_id in {q.id for q in qualifiers} else None
    result = coverage.matrix(session, unit_id=unit_id, qualifier_id=qualifier_id)
    return render_template("messages/coverage.html", matrix=result, units=units,
                           notes=coverage.element_notes(session, unit_id, signed_in_user()),
                           qualifiers=qualifiers, unit_id=unit_id, qualifier_id=qualifier_id,
                           states=list(coverage.CellState),
                           can_write=signed_in_user().has_role(*maps.WRITERS))


# --- Writing -----------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
def new_map() -> str | Response:
    actor = writer()
    form = NewMapForm()
    prepare_settings(form, None)
    if request.method == "GET":
        form.element_id.data = request.args.get("element", type=int)
        form.audience_id.data = request.args.get("audience", type=int)
        form.owner_id.data = actor.id
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                created = maps.create_map(session, settings=settings_of(form), content=form.content(),
                                          actor=actor, now=utcnow(), delivery=current_settings())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash("Message map saved as a draft. Add a variant for each channel, then submit it "
                  "for approval.", "success")
            return redirect(url_for("messages.show_map", map_id=created.id))
    return render_template("messages/new.html", form=form)


@bp.get("/<int:map_id>")
def show_map(map_id: int) -> str:
    session = current_session()
    item = message_map(map_id)
    user = signed_in_user()
    view = versions.map_view(session, item)
    decision = DecisionForm(data={"number": item.latest_number})
    return render_template(
        "messages/show.html", item=item, view=view, versions=maps.versions(session, item),
        comments=maps.comments(session, item), comment_form=CommentForm(), decision=decision,
        confirm=ConfirmForm(), can_write=user.has_role(*maps.WRITERS),
        can_comment=user.has_role(*maps.COMMENTERS), can_approve=maps.may_approve(session, item, user),
        is_author_approver=(item.status is MessageStatus.IN_REVIEW and user.has_role(Role.APPROVER)
                            and not maps.may_approve(session, item, user)),
        history=audit.history(session, MessageMap.__audit_type__, [str(item.id)]))


@bp.route("/<int:map_id>/edit", methods=["GET", "POST"])
def edit_map(map_id: int) -> str | Response:
    actor = writer()
    item = message_map(map_id)
    form = ContentForm()
    if request.method == "GET":
        form.fill(checks.MapContent.of(maps.latest_version(current_session(), item)))
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                version = maps.edit_content(session, item, form.content(),
                                            note=form.change_note.data or "", actor=actor,
                                            now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Saved as version {version.number}" if version else "Nothing changed", "success")
            return redirect(url_for("messages.show_map", map_id=item.id))
    return render_template("messages/edit.html", form=form, item=item)


@bp.route("/<int:map_id>/settings", methods=["GET", "POST"])
def edit_settings(map_id: int) -> str | Response:
    actor = writer()
    item = message_map(map_id)
    form = SettingsForm(data={"element_id": item.element_id, "audience_id": item.audience_id,
                              "unit_id": item.unit_id, "owner_id": item.owner_id,
                              "review_date": item.review_date,
                              "qualifier_ids": [q.id for q in item.qualifiers]})
    prepare_settings(form, item)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                changes = maps.update_settings(session, item, settings_of(form), actor=actor,
                                               now=utcnow(), delivery=current_settings())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash("Changes saved" if changes else "Nothing changed", "success")
            return redirect(url_for("messages.show_map", map_id=item.id))
    return render_template("messages/settings.html", form=form, item=item)


def variant_page(item: MessageMap, form: VariantForm, replacing: Any) -> str | Response:
    """Add or change one channel variant; a hard length limit is enforced here, before review."""
    actor = writer()
    channels = active_items(current_session(), CHANNELS)
    if replacing is not None and replacing.channel not in channels:
        channels.append(replacing.channel)
    fill_choices(form.channel_id, named(channels), "Choose…")
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                version = maps.save_variant(session, item, form.variant(), replacing=replacing,
                                            actor=actor, now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Saved as version {version.number}" if version else "Nothing changed", "success")
            return redirect(url_for("messages.show_map", map_id=item.id))
    limits = {c.id: {"limit": c.length_limit, "type": c.limit_type.value} for c in channels}
    return render_template("messages/variant.html", form=form, item=item, replacing=replacing,
                           limits=limits, audience=item.audience)


@bp.route("/<int:map_id>/variants/new", methods=["GET", "POST"])
def new_variant(map_id: int) -> str | Response:
    writer()
    item = message_map(map_id)
    form = VariantForm()
    if request.method == "GET":
        form.channel_id.data = request.args.get("channel", type=int)
        form.translation_status.data = TranslationStatus.ORIGINAL
    return variant_page(item, form, None)


@bp.route("/<int:map_id>/variants/<int:variant_id>/edit", methods=["GET", "POST"])
def edit_variant(map_id: int, variant_id: int) -> str | Response:
    writer()
    item = message_map(map_id)
    variant = maps.get_variant(current_session(), item, variant_id)
    form = VariantForm(obj=variant)
    return variant_page(item, form, variant)


@bp.post("/<int:map_id>/variants/<int:variant_id>/remove")
def remove_variant(map_id: int, variant_id: int) -> Response:
    actor = writer()
    item = message_map(map_id)
    variant = maps.get_variant(current_session(), item, variant_id)
    return act(item, ConfirmForm(), f"{variant.channel.name} variant removed",
               lambda session: maps.remove_variant(session, item, variant, actor=actor, now=utcnow()))


# --- Review ------------------------------------------------------------------------------------

def act(item: MessageMap, form: AppForm, done: str, change: Any) -> Response:
    """Run a button's change in one transaction, then show the map with what happened."""
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                change(session)
        except DomainError as error:
            for messages in (error.field_errors or {"": [error.message]}).values():
                for message in messages:
                    flash(message, "error")
        else:
            flash(done, "success")
    return redirect(url_for("messages.show_map", map_id=item.id))


@bp.post("/<int:map_id>/submit")
def submit_map(map_id: int) -> Response:
    actor = writer()
    item = message_map(map_id)
    return act(item, ConfirmForm(), "Sent for approval: approvers have been told",
               lambda session: review.submit(session, item, actor=actor, now=utcnow(),
                                           delivery=current_settings()))


@bp.post("/<int:map_id>/decide")
def decide(map_id: int) -> Response:
    """Approve, or send back with a comment; refused (403) to anyone who wrote the version."""
    actor = signed_in_user()
    if not actor.has_role(*maps.APPROVERS):
        abort(403)
    session = current_session()
    item = message_map(map_id)
    if actor.id in maps.authors_since_approval(session, item):
        abort(403, description="You wrote part of this version, so another approver must decide "
                               "on it")
    form = DecisionForm()
    number = int(form.number.data) if (form.number.data or "").isdigit() else 0
    if form.send_back.data:
        return act(item, form, "Sent back to the author with your comment",
                   lambda s: review.return_for_changes(s, item, number=number,
                                                     comment=form.comment.data or "", actor=actor,
                                                     now=utcnow(), delivery=current_settings()))
    return act(item, form, f"Version {number} approved: it is now in force",
               lambda s: review.approve(s, item, number=number, actor=actor, now=utcnow(),
                                      delivery=current_settings(), comment=form.comment.data or ""))


@bp.post("/<int:map_id>/retire")
def retire_map(map_id: int) -> Response:
    actor = writer()
    item = message_map(map_id)
    return act(item, ConfirmForm(), "Message map retired",
               lambda session: review.retire(session, item, actor=actor, now=utcnow()))


@bp.post("/<int:map_id>/comments")
def add_comment(map_id: int) -> Response:
    actor = signed_in_user()
    if not actor.has_role(*maps.COMMENTERS):
        abort(403)
    item = message_map(map_id)
    form = CommentForm()
    return act(item, form, "Comment added",
               lambda session: review.add_comment(session, item, body=form.comment.data or "",
                                                actor=actor, now=utcnow()))


# --- History -----------------------------------------------------------------------------------

@bp.get("/<int:map_id>/versions/<int:number>")
def show_version(map_id: int, number: int) -> str:
    session = current_session()
    item = message_map(map_id)
    view = versions.map_view(session, item, number)
    return render_template("messages/version.html", item=item, view=view,
                           versions=maps.versions(session, item))


@bp.get("/<int:map_id>/compare")
def compare_versions(map_id: int) -> str:
    session = current_session()
    item = message_map(map_id)
    latest = item.latest_number
    old_number = min(max(request.args.get("from", max(latest - 1, 1), type=int) or 1, 1), latest)
    new_number = min(max(request.args.get("to", latest, type=int) or latest, 1), latest)
    old = maps.get_version(session, item, old_number)
    new = maps.get_version(session, item, new_number)
    return render_template("messages/compare.html", item=item, old=old, new=new,
                           fields=versions.compare(old, new), versions=maps.versions(session, item))
