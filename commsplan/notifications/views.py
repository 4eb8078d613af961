"""The inbox, notification settings, reminders people schedule, and the admin delivery pages."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from commsplan.auth.models import Role, User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError, NotFound
from commsplan.extensions import db
from commsplan.forms import choices
from commsplan.notifications import inbox as inbox_items
from commsplan.notifications import service, webhooks
from commsplan.notifications.forms import (
    ReminderForm,
    RescheduleForm,
    SnoozeForm,
    WebhookForm,
    preference_form,
)
from commsplan.notifications.jobs import current_settings
from commsplan.notifications.kinds import KINDS, ChannelChoice
from commsplan.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    InboxItem,
    Reminder,
    WebhookTarget,
)
from commsplan.notifications.notifiers import NotifierError, post_webhook
from commsplan.reference.kinds import UNITS
from commsplan.reference.service import active_items
from commsplan.timeutil import london_day_start, to_london, utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
)

bp = Blueprint("notifications", __name__)

SCHEDULERS = (Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER, Role.ADMIN)


@bp.app_context_processor
def inject_unread_count() -> dict[str, int]:
    """The header's unread count, counted once per request (form widgets render templates too)."""
    if not current_user.is_authenticated:
        return {"unread_count": 0}
    if "unread_count" not in g:
        g.unread_count = inbox_items.unread_count(current_session(), user_id=current_user.id,
                                              now=utcnow())
    return {"unread_count": g.unread_count}


def paginate(query: Any, endpoint: str, **args: Any) -> tuple[Any, dict[str, Any]]:
    pagination = db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    return pagination, pagination_params(pagination, lambda n: url_for(endpoint, page=n, **args))


@bp.get("/inbox")
def inbox() -> str:
    user, now = signed_in_user(), utcnow()
    show = request.args.get("show", "unread")
    show = show if show in ("unread", "all", "snoozed") else "unread"
    kind = request.args.get("kind", "")
    due_today = request.args.get("due") == "today"
    if show == "snoozed":
        query = inbox_items.snoozed_items(user.id, now)
    else:
        query = inbox_items.visible_items(user.id, now)
    if show == "unread":  # what someone else already dealt with is not waiting for anyone
        query = query.where(InboxItem.read_at.is_(None), InboxItem.resolved_at.is_(None))
    if kind in KINDS:
        query = query.where(InboxItem.kind == kind)
    if due_today:
        today = to_london(now).date()
        query = query.where(InboxItem.due_at >= london_day_start(today),
                            InboxItem.due_at < london_day_start(today + timedelta(days=1)))
    args = {"show": show, "kind": kind or None, "due": "today" if due_today else None}
    pagination, pages = paginate(query, "notifications.inbox", **args)
    return render_template("notifications/inbox.html", pagination=pagination, pages=pages,
                           show=show, kind=kind, due_today=due_today, kinds=KINDS.values(),
                           confirm=ConfirmForm())


@bp.post("/inbox/<int:item_id>/open")
def open_item(item_id: int) -> Response:
    with unit_of_work() as session:
        item = inbox_items.inbox_item(session, item_id, user=signed_in_user())
        inbox_items.mark_read(session, item=item, actor=signed_in_user(), now=utcnow())
    return redirect(item.link)


@bp.post("/inbox/<int:item_id>/read")
def mark_read(item_id: int) -> Response:
    with unit_of_work() as session:
        item = inbox_items.inbox_item(session, item_id, user=signed_in_user())
        inbox_items.mark_read(session, item=item, actor=signed_in_user(), now=utcnow())
    flash(f"Marked as read: {item.title}", "success")
    return redirect(url_for("notifications.inbox"))


@bp.post("/inbox/read-all")
def mark_all_read() -> Response:
    with unit_of_work() as session:
        count = inbox_items.mark_all_read(session, user=signed_in_user(), now=utcnow())
    flash(f"{count} notification{'s' if count != 1 else ''} marked as read", "success")
    return redirect(url_for("notifications.inbox"))


def snooze_until(form: SnoozeForm, now: datetime) -> datetime:
    period = form.period.data
    if period == "30m":
        return now + timedelta(minutes=30)
    if period == "2h":
        return now + timedelta(hours=2)
    if period == "tomorrow":
        hours = current_settings().working_hours
        return hours.morning_of(to_london(now).date() + timedelta(days=1))
    return form.custom_moment()


@bp.route("/inbox/<int:item_id>/snooze", methods=["GET", "POST"])
def snooze(item_id: int) -> str | Response:
    item = inbox_items.inbox_item(current_session(), item_id, user=signed_in_user())
    form = SnoozeForm()
    if form.validate_on_submit():
        now = utcnow()
        until = snooze_until(form, now)
        try:
            with unit_of_work() as session:
                inbox_items.snooze(session, item=item, until=until, actor=signed_in_user(), now=now)
        except DomainError as error:
            form.until_date.errors = [*form.until_date.errors, error.message]
        else:
            flash(f"Snoozed until {to_london(until):%-d %b %Y, %H:%M}: {item.title}", "success")
            return redirect(url_for("notifications.inbox"))
    return render_template("notifications/snooze.html", item=item, form=form)


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences() -> str | Response:
    user, session = signed_in_user(), current_session()
    current = inbox_items.preferences(session, user)
    form_class = preference_form(list(current))
    form = form_class(data={**{kind: choice.value for kind, choice in current.items()},
                            "daily_digest": inbox_items.has_digest(session, user.id)})
    if form.validate_on_submit():
        chosen = {kind: ChannelChoice(form[kind].data) for kind in current}
        with unit_of_work() as session:
            inbox_items.set_preferences(session, user=user, choices=chosen,
                                    digest=bool(form.daily_digest.data), now=utcnow())
        flash("Your notification settings are saved", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, kinds=list(current))


def reminder_form_choices(form: ReminderForm | WebhookForm, target: WebhookTarget | None = None) -> None:
    """Active units (and a webhook's current unit, even if since retired) and active people."""
    units = active_items(current_session(), UNITS)
    if target is not None and target.business_unit is not None and target.business_unit not in units:
        units.append(target.business_unit)
    unit_choices = choices(((u.id, u.name) for u in units), blank="All business units")
    if isinstance(form, ReminderForm):
        people = current_session().scalars(select(User).where(User.is_active).order_by(User.name))
        form.user_id.choices = choices(((p.id, p.name) for p in people), blank="Select a person")
        form.unit_id.choices = unit_choices
    else:
        form.business_unit_id.choices = unit_choices


@bp.get("/reminders")
@role_required(*SCHEDULERS)
def list_reminders() -> str:
    query = (select(Reminder).where(Reminder.created_by_id == signed_in_user().id)
             .order_by(Reminder.due_at.desc(), Reminder.id.desc()))
    pagination, pages = paginate(query, "notifications.list_reminders")
    return render_template("notifications/list_reminders.html", pagination=pagination, pages=pages,
                           confirm=ConfirmForm())


@bp.route("/reminders/new", methods=["GET", "POST"])
@role_required(*SCHEDULERS)
def new_reminder() -> str | Response:
    form = ReminderForm()
    reminder_form_choices(form)
    if form.validate_on_submit():
        person = form.recipient_type.data == "person"
        recipient = (service.Recipient(user_id=form.user_id.data) if person
                     else service.Recipient.role_in(form.role.data, form.unit_id.data))
        try:
            with unit_of_work() as session:
                reminder = service.schedule_note(
                    session, author=signed_in_user(), recipient=recipient,
                    title=form.title.data or "", link=(form.link.data or "").strip() or "/inbox",
                    body=form.body.data or "", due_at=form.due_moment(), urgent=bool(form.urgent.data),
                    now=utcnow(), settings=current_settings())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Reminder scheduled for {reminder.recipient_label}", "success")
            return redirect(url_for("notifications.list_reminders"))
    return render_template("notifications/new_reminder.html", form=form)


def own_reminder(reminder_id: int) -> Reminder:
    reminder = current_session().get(Reminder, reminder_id)
    user = signed_in_user()
    if reminder is None or (reminder.created_by_id != user.id and not user.has_role(Role.ADMIN)):
        raise NotFound("No such reminder")
    return reminder


@bp.route("/reminders/<int:reminder_id>/edit", methods=["GET", "POST"])
@role_required(*SCHEDULERS)
def edit_reminder(reminder_id: int) -> str | Response:
    reminder = own_reminder(reminder_id)
    due = to_london(reminder.due_at)
    form = RescheduleForm(data={"due_date": due.date(), "due_time": due.strftime("%H:%M")})
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                service.reschedule_note(session, reminder=reminder, due_at=form.due_moment(),
                                        actor=signed_in_user(), now=utcnow(),
                                        settings=current_settings())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Reminder moved: {reminder.subject_title}", "success")
            return redirect(url_for("notifications.list_reminders"))
    return render_template("notifications/edit_reminder.html", form=form, reminder=reminder)


@bp.post("/reminders/<int:reminder_id>/cancel")
@role_required(*SCHEDULERS)
def cancel_reminder(reminder_id: int) -> Response:
    reminder = own_reminder(reminder_id)
    with unit_of_work() as session:
        cancelled = service.cancel(session, key=reminder.idempotency_key, now=utcnow(),
                                   actor=signed_in_user())
    flash(f"Reminder cancelled: {reminder.subject_title}" if cancelled
          else "That reminder was already cancelled", "success")
    return redirect(url_for("notifications.list_reminders"))


@bp.get("/admin/deliveries")
@role_required(Role.ADMIN)
def list_deliveries() -> str:
    status = request.args.get("status", "")
    query = select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id.desc())
    if status in {s.value for s in DeliveryStatus}:
        query = query.where(Delivery.status == status)
    pagination, pages = paginate(query, "notifications.list_deliveries", status=status or None)
    return render_template("notifications/list_deliveries.html", pagination=pagination,
                           pages=pages, status=status, statuses=list(DeliveryStatus),
                           confirm=ConfirmForm())


@bp.get("/admin/deliveries/<int:delivery_id>")
@role_required(Role.ADMIN)
def show_delivery(delivery_id: int) -> str:
    delivery = db.get_or_404(Delivery, delivery_id)
    attempts = current_session().scalars(
        select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery.id)
        .order_by(DeliveryAttempt.at.desc(), DeliveryAttempt.id.desc()).limit(100)).all()
    return render_template("notifications/show_delivery.html", delivery=delivery,
                           attempts=attempts, confirm=ConfirmForm())


@bp.post("/admin/deliveries/<int:delivery_id>/resend")
@role_required(Role.ADMIN)
def resend_delivery(delivery_id: int) -> Response:
    delivery = db.get_or_404(Delivery, delivery_id)
    try:
        with unit_of_work() as session:
            webhooks.resend(session, delivery, actor=signed_in_user(), now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("The delivery will be tried again within a few seconds", "success")
    return redirect(url_for("notifications.show_delivery", delivery_id=delivery.id))


@bp.get("/admin/webhooks")
@role_required(Role.ADMIN)
def list_webhooks() -> str:
    targets = current_session().scalars(select(WebhookTarget).order_by(WebhookTarget.name)).all()
    return render_template("notifications/list_webhooks.html", targets=targets,
                           confirm=ConfirmForm())


def webhook_values(form: WebhookForm) -> dict[str, Any]:
    return {"name": form.name.data, "url": form.url.data,
            "business_unit_id": form.business_unit_id.data, "urgent_only": form.urgent_only.data,
            "is_active": form.is_active.data}


@bp.route("/admin/webhooks/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_webhook() -> str | Response:
    form = WebhookForm()
    reminder_form_choices(form)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                target = webhooks.create_webhook(session, values=webhook_values(form),
                                                actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Webhook {target.name} added. Use 'Send a test' to check it works.", "success")
            return redirect(url_for("notifications.edit_webhook", target_id=target.id))
    return render_template("notifications/new_webhook.html", form=form)


@bp.route("/admin/webhooks/<int:target_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_webhook(target_id: int) -> str | Response:
    target = webhooks.get_webhook(current_session(), target_id)
    form = WebhookForm(obj=target)
    reminder_form_choices(form, target)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                webhooks.update_webhook(session, target, values=webhook_values(form),
                                       actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Webhook {target.name} saved", "success")
            return redirect(url_for("notifications.list_webhooks"))
    return render_template("notifications/edit_webhook.html", form=form, target=target,
                           confirm=ConfirmForm())


@bp.post("/admin/webhooks/<int:target_id>/test")
@role_required(Role.ADMIN)
def test_webhook(target_id: int) -> Response:
    """Send a signed test post now and say what the receiver answered."""
    target = webhooks.get_webhook(current_session(), target_id)
    settings = current_settings()
    payload = {"idempotency_key": f"test:{target.id}:{secrets.token_hex(6)}", "kind": "test",
               "title": "Test from Commsplan", "text": f"Test message for {target.name}",
               "url": settings.base_url + url_for("notifications.list_webhooks")}
    try:
        post_webhook(target.url, target.secret, payload, payload["idempotency_key"],
                     settings.webhook_timeout)
    except NotifierError as error:
        flash(f"The test failed: {error}", "error")
    else:
        flash(f"The test reached {target.name}", "success")
    return redirect(url_for("notifications.edit_webhook", target_id=target.id))
