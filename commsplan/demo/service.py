"""Demo data: the strategy's reference data and one account per role, for trying Commsplan out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audiences import demo as demo_content
from commsplan.audiences import service as affinity
from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audiences.models import Audience, Channel
from commsplan.auth import service as accounts
from commsplan.auth.models import Role, User
from commsplan.demo.incidents import People, load_incidents
from commsplan.messages import checks, maps, review
from commsplan.messages.demo import MESSAGE_MAPS
from commsplan.messages.models import MessageMap, RipeStrand, Tone, TranslationStatus
from commsplan.notifications import service as reminders
from commsplan.notifications.expand import expand_due
from commsplan.notifications.kinds import Urgency
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans.demo import load_plans
from commsplan.reference import membership
from commsplan.reference import service as catalogue
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement
from commsplan.reference.seed import seed_reference
from commsplan.risk.demo import load_profiles

DEMO_PASSWORD = "commsplan-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    roles: frozenset[Role]


DEMO_ACCOUNTS = [
    DemoAccount("admin@commsplan.test", "Priya Shah", frozenset({Role.ADMIN})),
    DemoAccount("officer@commsplan.test", "Tom Okafor", frozenset({Role.COMMS_OFFICER})),
    DemoAccount("approver@commsplan.test", "Helen Marsh", frozenset({Role.APPROVER})),
    DemoAccount("duty@commsplan.test", "Marcus Bell", frozenset({Role.DUTY_OFFICER})),
    DemoAccount("viewer@commsplan.test", "Ana Costa", frozenset({Role.VIEWER})),
    # A senior officer: Gold (strategic commander) in the demo incidents, whose decisions the duty
    # officer logs on her behalf.
    DemoAccount("gold@commsplan.test", "Supt Niamh Reid", frozenset({Role.DUTY_OFFICER})),
]


# (account email, unit code): who works where, so reminders to "a role in a unit" reach them.
DEMO_MEMBERSHIPS = [
    ("officer@commsplan.test", "DPA"), ("officer@commsplan.test", "GD"),
    ("approver@commsplan.test", "DPA"), ("duty@commsplan.test", "GD"),
    ("duty@commsplan.test", "DPA"), ("viewer@commsplan.test", "CORP"),
]


@dataclass(frozen=True)
class DemoReminder:
    key: str
    title: str
    link: str
    due_in: timedelta
    recipient: tuple[str, str]  # ("person", email) or (role, unit code)
    body: str = ""
    urgent: bool = False


DEMO_REMINDERS = [
    DemoReminder("demo:bonfire-asb-review", "Review the Bonfire Night anti-social behaviour posts "
                 "with the Hackney neighbourhood teams", "/reference/business-units",
                 timedelta(days=-2), ("comms_officer", "GD"),
                 "Pull the engagement figures before the meeting and note any complaints."),
    DemoReminder("demo:reassurance-briefing", "Community reassurance patrol briefing for the "
                 "Mare Street stabbing, 18:00 at Stoke Newington", "/",
                 timedelta(hours=-3), ("duty_officer", "GD"),
                 "Bring the agreed lines for officers talking to shopkeepers.", urgent=True),
    DemoReminder("demo:gazette-callback", "Call the Hackney Gazette back about the witness appeal",
                 "/", timedelta(hours=-1), ("person", "officer@commsplan.test")),
    DemoReminder("demo:half-term-posts", "Check the half-term knife-crime safety posts are booked "
                 "on the borough accounts", "/reference/violence-elements", timedelta(days=3),
                 ("comms_officer", "DPA")),
    DemoReminder("demo:risk-profile-review", "Review the business unit list before the 2027/28 "
                 "risk profiles are drafted", "/reference/business-units", timedelta(days=12),
                 ("person", "admin@commsplan.test")),
]


def load_memberships(session: Session, *, admin: User, now: datetime) -> list[str]:
    added = []
    for email, code in DEMO_MEMBERSHIPS:
        person = accounts.find_by_email(session, email)
        unit = session.scalar(select(BusinessUnit).where(BusinessUnit.code == code))
        if person is None or unit is None or person.id in membership.user_ids(session, unit):
            continue
        membership.add_member(session, unit, person, actor=admin, now=now)
        added.append(f"membership {email} in {code}")
    return added


def load_reminders(session: Session, *, author: User, now: datetime) -> list[str]:
    """Schedule the demo reminders; those already due land in inboxes straight away."""
    settings = DeliverySettings()
    added = []
    for item in DEMO_REMINDERS:
        if reminders.find(session, item.key) is not None:
            continue
        kind, target = item.recipient
        if kind == "person":
            person = accounts.find_by_email(session, target)
            assert person is not None
            recipient = reminders.Recipient.person(person)
        else:
            unit_id = session.scalar(select(BusinessUnit.id).where(BusinessUnit.code == target))
            recipient = reminders.Recipient.role_in(Role(kind), unit_id)
        reminders.schedule(
            session, key=item.key, kind="general", recipient=recipient,
            subject=reminders.Subject(type="note", id=item.key, title=item.title, link=item.link),
            due_at=now + item.due_in, now=now,
            settings=settings, actor=author, body=item.body,
            urgency=Urgency.URGENT if item.urgent else None)
        added.append(f"reminder {item.key}")
    expand_due(session, now=now, worker="demo", settings=settings)
    return added


def load_audiences(session: Session, *, author: User, now: datetime) -> list[str]:
    """Audiences, channels and their affinity, each added only when its name is missing."""
    added = []
    for kind, rows in ((AUDIENCES, demo_content.AUDIENCES), (CHANNELS, demo_content.CHANNELS)):
        for row in rows:
            if session.scalar(select(kind.model.id).where(kind.model.name == row["name"])) is None:
                catalogue.create_item(session, kind, values=row, actor=author, now=now)
                added.append(f"{kind.singular} {row['name']}")
    audiences = {a.name: a for a in session.scalars(select(Audience))}
    channels = {c.name: c for c in session.scalars(select(Channel))}
    cells = affinity.affinities(session)
    for audience_at, channel_at, score, evidence in demo_content.AFFINITY:
        audience = audiences[demo_content.AUDIENCES[audience_at]["name"]]
        channel = channels[demo_content.CHANNELS[channel_at]["name"]]
        if (audience.id, channel.id) not in cells:
            affinity.set_affinity(session, audience=audience, channel=channel, score=score,
                                  evidence=evidence, actor=author, now=now)
            added.append(f"affinity {channel.name} → {audience.name}")
    return added


def demo_map_content(row: dict[str, Any], channels: dict[str, int]
                     ) -> tuple[checks.MapContent, list[checks.VariantContent]]:
    content = checks.MapContent(
        concern=row["concern"], call_to_action=row["call_to_action"], tone=Tone(row["tone"]),
        ripe_strands=tuple(RipeStrand(strand) for strand in row["ripe"]),
        key_messages=tuple(checks.KeyMessage(item["text"], tuple(item["facts"]))
                           for item in row["key_messages"]))
    variants = [checks.VariantContent(
        channel_id=channels[variant["channel"]], language=variant["language"], body=variant["body"],
        has_media=variant["has_media"], alt_text=variant["alt_text"], captions=variant["captions"],
        easy_read=variant["easy_read"], bsl=variant["bsl"],
        translation_status=TranslationStatus(variant["translation_status"] or "original"))
        for variant in row["variants"]]
    return content, variants


def load_message_maps(session: Session, *, author: User, approver: User, now: datetime) -> list[str]:
    """The demo year's message maps, taken through review as far as each one's `state` says."""
    delivery = DeliverySettings()
    by_code = {e.code: e.id for e in session.scalars(select(ViolenceElement))}
    qualifiers = {q.code: q.id for q in session.scalars(select(Qualifier))}
    audiences = {a.name: a.id for a in session.scalars(select(Audience))}
    units = {u.code: u.id for u in session.scalars(select(BusinessUnit))}
    channels = {c.name: c.id for c in session.scalars(select(Channel))}
    existing = {(m.element_id, m.audience_id, tuple(m.qualifier_codes))
                for m in session.scalars(select(MessageMap))}
    added = []
    for row in MESSAGE_MAPS:
        codes = tuple(sorted(row["qualifiers"], key=list(qualifiers).index))
        key = (by_code[row["element"]], audiences[row["audience"]], codes)
        if key in existing:
            continue
        settings = checks.MapSettings(
            element_id=key[0], audience_id=key[1], qualifier_ids=tuple(qualifiers[c] for c in codes),
            unit_id=units[row["unit"]] if row["unit"] else None, owner_id=author.id,
            review_date=now.date() + timedelta(days=row["review_in_days"]))
        content, variants = demo_map_content(row, channels)
        created = maps.create_map(session, settings=settings, content=content, variants=variants,
                                  actor=author, now=now, delivery=delivery)
        take_through_review(session, created, row["state"], author=author, approver=approver,
                            now=now, delivery=delivery)
        added.append(f"message map {created.title}")
    return added


def take_through_review(session: Session, created: MessageMap, state: str, *, author: User,
                        approver: User, now: datetime, delivery: DeliverySettings) -> None:
    if state == "draft":
        return
    review.submit(session, created, actor=author, now=now, delivery=delivery)
    if state == "in_review":
        return
    review.approve(session, created, number=created.latest_number, actor=approver, now=now,
                 delivery=delivery)
    if state == "approved_with_draft":
        content = checks.MapContent.of(maps.latest_version(session, created))
        last = content.key_messages[-1]
        trimmed = checks.KeyMessage(last.text, last.facts[:-1] if len(last.facts) > 1 else last.facts)
        maps.edit_content(session, created,
                          replace(content, key_messages=(*content.key_messages[:-1], trimmed)),
                          note="Dropped a supporting fact that is out of date", actor=author, now=now)


def has_data(session: Session) -> bool:
    return (session.scalar(select(func.count(User.id))) or 0) > 0


def load_demo(session: Session, *, now: datetime) -> list[str]:
    """Add the demo accounts and reference data that are missing; returns what was added."""
    added: list[str] = []
    for account in DEMO_ACCOUNTS:
        if accounts.find_by_email(session, account.email) is None:
            accounts.create_user(session, email=account.email, name=account.name,
                                 roles=account.roles, password=DEMO_PASSWORD, actor=None, now=now)
            added.append(f"account {account.email}")
    admin = accounts.find_by_email(session, DEMO_ACCOUNTS[0].email)
    officer = accounts.find_by_email(session, DEMO_ACCOUNTS[1].email)
    assert admin is not None and officer is not None
    added += seed_reference(session, actor=admin, now=now)
    added += load_memberships(session, admin=admin, now=now)
    added += load_reminders(session, author=officer, now=now)
    added += load_audiences(session, author=officer, now=now)
    approver = accounts.find_by_email(session, "approver@commsplan.test")
    assert approver is not None
    added += load_message_maps(session, author=officer, approver=approver, now=now)
    added += load_profiles(session, officer=officer, approver=approver, now=now)
    duty = accounts.find_by_email(session, "duty@commsplan.test")
    gold = accounts.find_by_email(session, "gold@commsplan.test")
    assert duty is not None and gold is not None
    added += load_incidents(session, people=People(duty=duty, approver=approver, officer=officer, gold=gold),
                            settings=DeliverySettings(), now=now)
    # Plans are drafted from the risk profiles, so they come after them.
    added += load_plans(session, officer=officer, approver=approver, now=now)
    return added
