"""Activities: the campaign work on a plan's calendar, each checked against its channel and message.

An activity starts within the plan's financial year (London time) and reminds its owner some days
before it starts: by default the configured number, never fewer than its channel's lead time. The
message map it uses must be about the same element and speak to one of its audiences; a map not
yet approved is allowed and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel
from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import ValidationError
from commsplan.messages.models import MessageMap, MessageStatus, RipeStrand
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import clashes, schedule
from commsplan.plans.items import NOTES_LIMIT, Errors, clean_text, save_item
from commsplan.plans.models import Activity, ActivityStatus, CommPlan
from commsplan.plans.rules import PlanRules
from commsplan.plans.service import WRITERS, require_calendar_editable, touch
from commsplan.reference.models import ViolenceElement
from commsplan.rendering import format_date
from commsplan.timeutil import london_day_start, to_london

MAX_COST = 10_000_000
MAX_REMINDER_DAYS = 365
MAX_AUDIENCES = 10
MAX_LENGTH = timedelta(days=366)


@dataclass(frozen=True)
class ActivityValues:
    title: str
    element_id: int | None
    audience_ids: tuple[int, ...]
    channel_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    owner_id: int | None
    ripe_strand: str
    status: str = ActivityStatus.PLANNED.value
    message_map_id: int | None = None
    cost_pounds: int | None = None
    reminder_days: int | None = None  # None: the default, or the channel's lead time if longer
    notes: str = ""
    window_reason: str = ""  # why it goes ahead inside an "avoid" sensitivity window


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The financial year as UTC moments: midnight London time on 1 April to the next 1 April."""
    return london_day_start(date(year, 4, 1)), london_day_start(date(year + 1, 4, 1))


def reminder_days(channel: Channel | None, asked: int | None, rules: PlanRules) -> int:
    lead = channel.lead_time_days if channel is not None else 0
    return max(rules.activity_reminder_days, lead) if asked is None else asked


def _active(session: Session, model: Any, item_id: int | None) -> Any:
    item = session.get(model, item_id) if item_id is not None else None
    return None if item is None or getattr(item, "is_retired", False) else item


def _check_choices(session: Session, values: ActivityValues, errors: Errors) -> dict[str, Any]:
    element = _active(session, ViolenceElement, values.element_id)
    if element is None:
        errors["element_id"] = ["Select the violence element it addresses"]
    channel = _active(session, Channel, values.channel_id)
    if channel is None:
        errors["channel_id"] = ["Select the channel it uses"]
    ids = list(dict.fromkeys(values.audience_ids))
    audiences = list(session.scalars(select(Audience).where(Audience.id.in_(ids),
                                                            Audience.retired_at.is_(None))))
    if not ids or len(audiences) != len(ids):
        errors["audience_ids"] = ["Select at least one audience from the list"]
    elif len(ids) > MAX_AUDIENCES:
        errors["audience_ids"] = [f"Select {MAX_AUDIENCES} audiences at most; split the activity up"]
    owner = session.get(User, values.owner_id) if values.owner_id is not None else None
    if owner is None or not owner.is_active:
        errors["owner_id"] = ["Select an owner who has an active account"]
    message_map = _check_message(session, values.message_map_id, element, audiences, errors)
    return {"element": element, "channel": channel, "audiences": sorted(audiences, key=lambda a: a.name),
            "owner": owner, "message_map": message_map}


def _check_message(session: Session, map_id: int | None, element: ViolenceElement | None,
                   audiences: list[Audience], errors: Errors) -> MessageMap | None:
    if map_id is None:
        return None
    message_map = session.get(MessageMap, map_id)
    if message_map is None or message_map.status is MessageStatus.RETIRED:
        errors["message_map_id"] = ["Select a message map that is in use, or none"]
    elif element is not None and (message_map.element_id != element.id
                                  or message_map.audience_id not in {a.id for a in audiences}):
        errors["message_map_id"] = [f"Select a message map about {element.name.lower()} for one of "
                                    "the chosen audiences"]
    return message_map


def _check_times(plan: CommPlan, values: ActivityValues, errors: Errors) -> None:
    start, end = year_bounds(plan.year)
    if values.starts_at is None:
        errors["starts_at"] = ["Enter when it starts"]
    elif not start <= values.starts_at < end:
        errors["starts_at"] = [f"It must start within the plan's year: 1 April {plan.year} to "
                               f"31 March {plan.year + 1}"]
    if values.ends_at is None:
        errors["ends_at"] = ["Enter when it ends"]
    elif values.starts_at is not None and values.ends_at < values.starts_at:
        errors["ends_at"] = ["It must end after it starts"]
    elif values.starts_at is not None and values.ends_at - values.starts_at > MAX_LENGTH:
        errors["ends_at"] = ["It can run for a year at most; split a longer one up"]


def _check_numbers(values: ActivityValues, channel: Channel | None, days: int, errors: Errors) -> None:
    if values.cost_pounds is not None and not 0 <= values.cost_pounds <= MAX_COST:
        errors["cost_pounds"] = [f"Enter a cost from £0 to £{MAX_COST:,}, in whole pounds"]
    if not 0 <= days <= MAX_REMINDER_DAYS:
        errors["reminder_days"] = [f"Enter from 0 to {MAX_REMINDER_DAYS} days"]
    elif channel is not None and days < channel.lead_time_days:
        errors["reminder_days"] = [f"{channel.name} needs {channel.lead_time_days} days' notice: remind "
                                   f"at least {channel.lead_time_days} days before it starts"]


def check_activity(session: Session, plan: CommPlan, values: ActivityValues, rules: PlanRules, *,
                   now: datetime | None = None, current: Activity | None = None
                   ) -> tuple[Errors, dict[str, Any]]:
    """Every problem with the values, by field, and the columns to write when there are none. Given
    `now`, a new or moved start is checked against a strict channel's lead time."""
    errors: Errors = {}
    fields = _check_choices(session, values, errors)
    _check_times(plan, values, errors)
    days = reminder_days(fields["channel"], values.reminder_days, rules)
    _check_numbers(values, fields["channel"], days, errors)
    if values.status not in set(ActivityStatus):
        errors["status"] = ["Choose the activity's status from the list"]
    if values.ripe_strand not in set(RipeStrand):
        errors["ripe_strand"] = ["Choose the RIPE strand: reassurance, intelligence, prevention or "
                                 "enforcement"]
    if now is not None and fields["channel"] is not None and fields["channel"].lead_time_strict:
        shortfall = lead_time_shortfall(fields["channel"], values, now, current)
        if shortfall and "starts_at" not in errors:
            errors["starts_at"] = [shortfall]
    fields |= {
        "title": clean_text(errors, "title", values.title, label="a title for the activity", limit=200),
        "notes": clean_text(errors, "notes", values.notes, label="notes", limit=NOTES_LIMIT, required=False),
        "starts_at": values.starts_at, "ends_at": values.ends_at, "cost_pounds": values.cost_pounds,
        "reminder_days": days, "status": ActivityStatus(values.status) if not errors.get("status") else None,
        "ripe_strand": RipeStrand(values.ripe_strand) if not errors.get("ripe_strand") else None,
        "window_reason": _check_windows(session, plan, values, fields, errors),
    }
    return errors, fields


def _check_windows(session: Session, plan: CommPlan, values: ActivityValues, fields: dict[str, Any],
                   errors: Errors) -> str:
    """The reason to keep: one is needed while the activity falls in an "avoid" window, and kept
    only then."""
    if (values.starts_at is None or values.ends_at is None or fields["element"] is None
            or not fields["audiences"] or values.status == ActivityStatus.CANCELLED.value):
        return ""
    found = clashes.avoid_windows_for(session, plan, element_id=fields["element"].id,
                                      audience_ids=[a.id for a in fields["audiences"]],
                                      starts_at=values.starts_at, ends_at=values.ends_at)
    if not found:
        return ""
    reason = clean_text(errors, "window_reason", values.window_reason, label="a reason", limit=NOTES_LIMIT,
                        required=False)
    if not reason:
        window = found[0]
        errors["window_reason"] = [f"It falls in “{window.title}” ({format_date(window.first_day)} to "
                                   f"{format_date(window.last_day)}), a time to avoid campaign work: "
                                   "enter why it must go ahead then"]
    return reason


def start_moved(values: ActivityValues, current: Activity | None) -> bool:
    """A new activity, or one whose start or channel changes: the lead time is checked again."""
    return current is None or (values.starts_at, values.channel_id) != (current.starts_at, current.channel_id)


def lead_time_shortfall(channel: Channel, values: ActivityValues, now: datetime,
                        current: Activity | None) -> str | None:
    """What is wrong when a new or moved activity starts inside its channel's lead time."""
    if (values.starts_at is None or not start_moved(values, current) or channel.lead_time_days <= 0
            or values.status in (ActivityStatus.CANCELLED.value, ActivityStatus.DONE.value)):
        return None
    ready = london_day_start(to_london(now).date() + timedelta(days=channel.lead_time_days))
    if not now <= values.starts_at < ready:  # a start already past is a record, not a booking
        return None
    return (f"{channel.name} needs {channel.lead_time_days} days' notice: it should start on or after "
            f"{format_date(ready)}")


def lead_time_warning(session: Session, values: ActivityValues, now: datetime,
                      current: Activity | None) -> str | None:
    """The shortfall to warn of when a new or moved start is inside its channel's lead time (a strict
    channel refuses it when saving instead)."""
    if current is not None and not start_moved(values, current):
        return None
    channel = session.get(Channel, values.channel_id) if values.channel_id else None
    return lead_time_shortfall(channel, values, now, current) if channel else None


def save_activity(session: Session, plan: CommPlan, values: ActivityValues, *, actor: User, now: datetime,
                  delivery: DeliverySettings, rules: PlanRules, activity: Activity | None = None) -> Activity:
    """Add or change an activity; a new start, owner or status moves its reminder."""
    require_role(actor, WRITERS, "change communication plans")
    require_calendar_editable(plan)
    errors, fields = check_activity(session, plan, values, rules, now=now, current=activity)
    if errors:
        raise ValidationError(errors)
    item = activity or Activity(plan_id=plan.id, created_at=now, updated_at=now)
    if save_item(session, plan, item, fields, actor=actor, now=now):
        schedule.sync_activity(session, plan, item, now=now, delivery=delivery, actor=actor)
    return item


def remove_activity(session: Session, plan: CommPlan, activity: Activity, *, actor: User,
                    now: datetime) -> None:
    """Delete an activity and cancel its reminder."""
    require_role(actor, WRITERS, "change communication plans")
    require_calendar_editable(plan)
    schedule.cancel_activity(session, activity, now=now, actor=actor)
    audit.delete_audited(session, activity, actor=actor, now=now)
    touch(plan, actor=actor, now=now)
