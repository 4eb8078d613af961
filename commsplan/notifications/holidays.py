"""Bank holidays beyond the bundled list: admins add the dates of years it does not reach.

Non-urgent reminders wait for working days, so a missing holiday means a reminder arriving on a
day nobody is at work. The admin pages warn when the known dates run out within a year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.notifications.kinds import Urgency
from commsplan.notifications.models import BankHoliday, Reminder, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.notifications.workhours import bank_holidays, bundled_holidays
from commsplan.timeutil import LONDON, to_london

WARN_WITHIN = timedelta(days=365)


def added_holidays(session: Session) -> list[date]:
    return list(session.scalars(select(BankHoliday.day).order_by(BankHoliday.day)))


def added_holiday_rows(session: Session) -> list[BankHoliday]:
    return list(session.scalars(select(BankHoliday).order_by(BankHoliday.day)))


def known_until(session: Session) -> date:
    """The last bank holiday Commsplan knows of, bundled or added."""
    return max([*bank_holidays(), *added_holidays(session)])


def runs_out_soon(session: Session, *, now: datetime) -> date | None:
    """The last known bank holiday, when it is less than a year away; None while there is time."""
    last = known_until(session)
    return last if last < to_london(now + WARN_WITHIN).date() else None


def upcoming(session: Session, *, now: datetime) -> list[tuple[date, str, BankHoliday | None]]:
    """Every known bank holiday from today on, bundled or added (the added ones with their row)."""
    today = to_london(now).date()
    added = {row.day: row for row in added_holiday_rows(session) if row.day >= today}
    bundled = {day: name for day, name in bundled_holidays().items() if day >= today}
    days = sorted(set(bundled) | set(added))
    return [(day, added[day].name if day in added else bundled[day], added.get(day)) for day in days]


def check_new_holiday(session: Session, day: date | None, name: str, *, now: datetime) -> None:
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["day"] = ["Enter the date of the bank holiday"]
    elif day < to_london(now).date():
        errors["day"] = ["Enter a date from today onwards"]
    elif day.year > 2100:
        errors["day"] = ["Enter a date before 2101"]
    elif day.weekday() >= 5:
        errors["day"] = ["Bank holidays fall on weekdays: when one falls at a weekend, enter the "
                         "substitute day (usually the Monday)"]
    elif day in bank_holidays() or session.scalar(select(BankHoliday.id).where(BankHoliday.day == day)):
        errors["day"] = [f"{day:%-d %B %Y} is already a bank holiday"]
    if not name.strip():
        errors["name"] = ["Enter the holiday's name, like Christmas Day"]
    elif len(name.strip()) > 100:
        errors["name"] = [f"Use 100 characters at most (this is {len(name.strip())})"]
    if errors:
        raise ValidationError(errors)


def add_holiday(session: Session, *, day: date | None, name: str, actor: User, now: datetime,
                settings: DeliverySettings) -> BankHoliday:
    """Add a bank holiday; non-urgent reminders waiting to go out that day move to the next working
    morning (urgent ones never wait). Audited with how many reminders moved."""
    check_new_holiday(session, day, name, now=now)
    assert day is not None
    holiday = BankHoliday(day=day, name=name.strip(), created_at=now, created_by_id=actor.id)
    audit.add_audited(session, holiday, actor=actor, now=now)
    start = datetime.combine(day, datetime.min.time(), tzinfo=LONDON).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=LONDON).astimezone(UTC)
    morning = settings.with_holidays([day]).working_hours.next_working_moment(end)
    moved = session.execute(update(Reminder).where(
        Reminder.status == ReminderStatus.PENDING, Reminder.urgency == Urgency.NORMAL,
        Reminder.deliver_at >= start, Reminder.deliver_at < end).values(deliver_at=morning, updated_at=now))
    count = int(moved.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        audit.record(session, actor=actor, action="move_reminders", obj=holiday, now=now,
                     changes={"reminders_moved_to_next_working_morning": [0, count]})
    return holiday


def get_holiday(session: Session, holiday_id: int) -> BankHoliday:
    holiday = session.get(BankHoliday, holiday_id)
    if holiday is None:
        raise NotFound("No such bank holiday")
    return holiday


def remove_holiday(session: Session, holiday: BankHoliday, *, actor: User, now: datetime) -> None:
    """Remove an added holiday that has not passed; reminders already moved stay where they are."""
    if holiday.day < to_london(now).date():
        raise Conflict("A bank holiday that has passed stays on the list")
    audit.delete_audited(session, holiday, actor=actor, now=now)
