"""Calendar feeds: ICS files at private addresses that calendar programs subscribe to.

A feed is one plan, one person's own activities and milestones, the integrated plan for a year, or
the sensitivity windows (those still to come and those of the last few weeks).
Its address holds a random token shown once; only the token's SHA-256 is kept, so a leaked
database gives no working address. A feed answers with what its owner may see, stops when it is
revoked or its owner's account is deactivated, and gives times in Europe/London with the zone's
yearly rules included (feed_times), so summer and winter times land right in every calendar program.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.plans import feed_times
from commsplan.plans.exports import ActivityRow, activity_rows
from commsplan.plans.models import ActivityStatus, CalendarFeed, CommPlan, FeedScope, Milestone, PlanStatus
from commsplan.risk.models import year_label
from commsplan.sensitivity.models import SensitivityWindow

PRODUCT = "-//Commsplan//Violence reduction communication plans//EN"
STATUS = {ActivityStatus.PLANNED: "TENTATIVE", ActivityStatus.IN_PRODUCTION: "TENTATIVE",
          ActivityStatus.SCHEDULED: "CONFIRMED", ActivityStatus.LIVE: "CONFIRMED",
          ActivityStatus.DONE: "CONFIRMED", ActivityStatus.CANCELLED: "CANCELLED"}
MAX_FEEDS_PER_PERSON = 20
USE_RECORDED_EVERY = timedelta(hours=1)
WINDOWS_PAST = timedelta(weeks=6)  # a windows feed keeps those that ended this recently
MAX_WINDOWS = 500
STAMP_LINE = re.compile(rb"^DTSTAMP[:;][^\r\n]*\r\n", re.MULTILINE)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(session: Session, *, user: User, scope: FeedScope, plan: CommPlan | None = None,
                year: int | None = None, now: datetime) -> tuple[CalendarFeed, str]:
    """A new feed for `user`; returns it with the token, which is never shown again."""
    if scope is FeedScope.PLAN and plan is None:
        raise ValidationError.single("plan", "Choose the plan to subscribe to")
    if scope is FeedScope.INTEGRATED and year is None:
        raise ValidationError.single("year", "Choose the year to subscribe to")
    if len(feeds_of(session, user)) >= MAX_FEEDS_PER_PERSON:
        raise Conflict(f"You have {MAX_FEEDS_PER_PERSON} feeds already: remove one you no longer use")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=user.id, scope=scope, plan_id=plan.id if plan else None,
                        year=year if scope is FeedScope.INTEGRATED else None,
                        token_hash=token_hash(token), created_at=now)
    audit.add_audited(session, feed, actor=user, now=now)
    return feed, token


def feeds_of(session: Session, user: User) -> list[CalendarFeed]:
    return list(session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                           CalendarFeed.revoked_at.is_(None))
                                .order_by(CalendarFeed.created_at.desc())))


def revoke_feed(session: Session, feed: CalendarFeed, *, actor: User, now: datetime) -> None:
    if feed.user_id != actor.id:
        raise NotFound("There is no such calendar feed")
    audit.update_audited(session, feed, {"revoked_at": now}, actor=actor, now=now, action="revoke")


def get_feed(session: Session, feed_id: int) -> CalendarFeed:
    feed = session.get(CalendarFeed, feed_id)
    if feed is None or not feed.is_active:
        raise NotFound("There is no such calendar feed")
    return feed


def find_by_token(session: Session, token: str) -> CalendarFeed | None:
    """The live feed the token opens, or None (revoked, unknown, or its owner deactivated)."""
    if not 20 <= len(token) <= 100:
        return None
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    if feed is None or not feed.is_active or not feed.user.is_active:
        return None
    return feed


# --- Building the calendar ---------------------------------------------------------------------

def feed_contents(session: Session, feed: CalendarFeed) -> tuple[str, list[ActivityRow], list[Milestone]]:
    """The feed's name, activities and milestones."""
    if feed.scope is FeedScope.PLAN and feed.plan is not None:
        return (feed.plan.title, activity_rows(session, [feed.plan.id]),
                milestones_of(session, [feed.plan.id]))
    if feed.scope is FeedScope.INTEGRATED and feed.year is not None:
        plans = [plan for plan in session.scalars(select(CommPlan).where(CommPlan.year == feed.year))
                 if plan.has_been_approved]
        ids = [plan.id for plan in plans]
        return (f"Integrated plan {year_label(feed.year)}",
                [row for row in activity_rows(session, ids) if row.status.counts],
                milestones_of(session, ids))
    return person_contents(session, feed.user)


def person_contents(session: Session, user: User) -> tuple[str, list[ActivityRow], list[Milestone]]:
    """What a person owns or leads in plans that are not closed."""
    open_plans = list(session.scalars(select(CommPlan.id).where(CommPlan.status != PlanStatus.CLOSED)))
    rows = [row for row in activity_rows(session, open_plans) if row.owner_id == user.id]
    led = list(session.scalars(select(Milestone).join(CommPlan, CommPlan.id == Milestone.plan_id).where(
        Milestone.plan_id.in_(open_plans),
        or_(Milestone.lead_id == user.id, (Milestone.lead_id.is_(None)) & (CommPlan.owner_id == user.id)))))
    return f"{user.name}: activities and milestones", rows, led


def milestones_of(session: Session, plan_ids: Sequence[int]) -> list[Milestone]:
    return list(session.scalars(select(Milestone).where(Milestone.plan_id.in_(list(plan_ids)))
                                .order_by(Milestone.target_date)))


def calendar_bytes(name: str, events: Iterable[Event], *, stamp: datetime) -> bytes:
    """The ICS file: the London zone as yearly rules, then the events, each stamped with `stamp`."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", feed_times.ZONE_ID)
    calendar.add_component(feed_times.london_timezone())
    for event in events:
        event.pop("dtstamp", None)  # the same events are written again when their stamp moves
        event.add("dtstamp", stamp)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def activity_event(row: ActivityRow, *, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"activity-{row.id}@commsplan")
    event.add("dtstart", feed_times.feed_time(row.starts_at))
    event.add("dtend", feed_times.feed_time(row.ends_at))
    event.add("summary", f"{row.title} ({row.unit_code})")
    unapproved = row.message and not row.message_approved
    event.add("description", "\n".join((
        f"{row.element} for {', '.join(row.audiences)}", f"Channel: {row.channel}",
        f"Message map: {row.message or 'none chosen'}{' (not yet approved)' if unapproved else ''}",
        f"Owner: {row.owner}", f"Status: {row.status.label}", f"Plan: {row.plan_title}")))
    event.add("status", STATUS[row.status])
    event.add("url", f"{base_url}/plans/{row.plan_id}#activity-{row.id}")
    return event


def window_events(session: Session, *, base_url: str, now: datetime) -> list[Event]:
    """The windows still open or to come, and those just over, each as all-day events."""
    windows = session.scalars(select(SensitivityWindow).where(SensitivityWindow.ends_at > now - WINDOWS_PAST)
                              .order_by(SensitivityWindow.starts_at, SensitivityWindow.id).limit(MAX_WINDOWS))
    return [window_event(window, base_url=base_url) for window in windows]


def window_event(window: SensitivityWindow, *, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"window-{window.id}@commsplan")
    event.add("dtstart", window.first_day)
    event.add("dtend", window.last_day + timedelta(days=1))
    event.add("summary", f"{window.severity.label}: {window.title}")
    touches = [f"Units: {', '.join(window.unit_codes) or 'all'}",
               f"Elements: {', '.join(window.element_codes) or 'all'}",
               f"Audiences: {', '.join(window.audience_names) or 'all'}"]
    event.add("description", "\n".join((window.kind.label, window.severity.hint, *touches,
                                        *([window.note] if window.note else []))))
    event.add("transp", "TRANSPARENT")
    event.add("url", f"{base_url}/sensitivity/#window-{window.id}")
    return event


def milestone_event(milestone: Milestone, *, base_url: str) -> Event:
    """A milestone is an all-day event on its target date."""
    event = Event()
    event.add("uid", f"milestone-{milestone.id}@commsplan")
    event.add("dtstart", milestone.target_date)
    event.add("dtend", milestone.target_date + timedelta(days=1))
    event.add("summary", f"Milestone: {milestone.title}")
    done = f" Completed {milestone.completed_on:%-d %B %Y}." if milestone.completed_on else ""
    event.add("description", f"Lead: {milestone.lead_label}. {milestone.rag.label}.{done}")
    event.add("url", f"{base_url}/plans/{milestone.plan_id}#milestone-{milestone.id}")
    return event


# --- Serving the feed --------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedFile:
    """A feed's ICS file with what HTTP caches need: a tag for these exact bytes and when the events
    last changed."""

    body: bytes
    etag: str
    changed_at: datetime


def feed_ics(session: Session, feed: CalendarFeed, *, base_url: str, now: datetime) -> FeedFile:
    """The feed as it stands. Its DTSTAMP is when its events last changed, not when it was fetched, so
    the same events give the same bytes; that moment moves only when the events do."""
    if feed.scope is FeedScope.WINDOWS:
        name, events = "Sensitivity windows", window_events(session, base_url=base_url, now=now)
    else:
        name, rows, milestones = feed_contents(session, feed)
        events = [activity_event(row, base_url=base_url) for row in rows]
        events += [milestone_event(milestone, base_url=base_url) for milestone in milestones]
    body = calendar_bytes(name, events, stamp=feed.content_changed_at or whole_second(now))
    fingerprint = content_hash(body)
    if feed.content_hash != fingerprint or feed.content_changed_at is None:
        feed.content_hash, feed.content_changed_at = fingerprint, whole_second(now)
        body = calendar_bytes(name, events, stamp=feed.content_changed_at)
    note_use(feed, now)
    return FeedFile(body, hashlib.sha256(body).hexdigest()[:32], feed.content_changed_at)


def content_hash(body: bytes) -> str:
    """What the feed says, apart from its DTSTAMPs (which follow from it)."""
    return hashlib.sha256(STAMP_LINE.sub(b"", body)).hexdigest()


def whole_second(moment: datetime) -> datetime:
    """HTTP dates and DTSTAMP have no fractions of a second."""
    return moment.replace(microsecond=0)


def note_use(feed: CalendarFeed, now: datetime) -> None:
    """Record that the feed was read, at most once an hour, so calendar programs polling every few
    minutes do not write to the database each time."""
    if feed.last_used_at is None or now - feed.last_used_at >= USE_RECORDED_EVERY:
        feed.last_used_at = now
