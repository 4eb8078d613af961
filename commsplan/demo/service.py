"""The demo year, loaded from the data files in `commsplan/demo/data/` through the app's own services.

Catalogues (audiences, channels, affinity, risk profile entries) go through the CSV imports users
use; everything else through the services the pages call. So every record has its audit entries,
reminders and checks as if a person had made it. Only what is missing is added.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audiences import csv_io
from commsplan.audiences import service as affinity
from commsplan.audiences.forms import FORMS
from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audiences.models import Audience, Channel
from commsplan.auth import service as accounts
from commsplan.auth.models import Role, User
from commsplan.demo.confidence import load_confidence
from commsplan.demo.files import account_email, demo_accounts, demo_password, duration, read_text, read_yaml
from commsplan.demo.incidents import People, load_incidents
from commsplan.demo.plans import load_plans
from commsplan.demo.press import load_press
from commsplan.demo.risk import load_profiles
from commsplan.demo.sensitivity import load_windows
from commsplan.messages import checks, maps, review
from commsplan.messages.models import MessageMap, RipeStrand, Tone, TranslationStatus
from commsplan.notifications import service as reminders
from commsplan.notifications.expand import expand_due
from commsplan.notifications.kinds import Urgency
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference import membership
from commsplan.reference.kinds import ReferenceKind
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement
from commsplan.reference.seed import seed_reference


def person_by_email(session: Session, email: str) -> User:
    found = accounts.find_by_email(session, email)
    if found is None:
        raise LookupError(f"No demo account {email}")
    return found


def person(session: Session, key: str) -> User:
    """The demo account the data files call `key` (officer, approver…); the accounts are loaded first."""
    return person_by_email(session, account_email(key))


def load_accounts(session: Session, *, now: datetime) -> list[str]:
    added = []
    for account in demo_accounts():
        if accounts.find_by_email(session, account.email) is None:
            accounts.create_user(session, email=account.email, name=account.name, roles=account.roles,
                                 password=demo_password(), actor=None, now=now)
            added.append(f"account {account.email}")
    return added


def load_memberships(session: Session, *, admin: User, now: datetime) -> list[str]:
    added = []
    for row in read_yaml("people.yaml")["memberships"]:
        member = accounts.find_by_email(session, row["email"])
        unit = session.scalar(select(BusinessUnit).where(BusinessUnit.code == row["unit"]))
        if member is None or unit is None or member.id in membership.user_ids(session, unit):
            continue
        membership.add_member(session, unit, member, actor=admin, now=now)
        added.append(f"membership {row['email']} in {row['unit']}")
    return added


def recipient_of(session: Session, row: dict[str, Any]) -> reminders.Recipient:
    """A reminder goes to a `person` (by email) or to a `role` in a `unit`."""
    if "person" in row:
        return reminders.Recipient.person(person_by_email(session, row["person"]))
    unit_id = session.scalar(select(BusinessUnit.id).where(BusinessUnit.code == row["unit"]))
    return reminders.Recipient.role_in(Role(row["role"]), unit_id)


def load_reminders(session: Session, *, author: User, now: datetime) -> list[str]:
    """Schedule the demo reminders; those already due land in inboxes straight away."""
    settings = DeliverySettings()
    added = []
    for row in read_yaml("people.yaml")["reminders"]:
        if reminders.find(session, row["key"]) is not None:
            continue
        reminders.schedule(
            session, key=row["key"], kind="general", recipient=recipient_of(session, row),
            subject=reminders.Subject(type="note", id=row["key"], title=row["title"], link=row["link"]),
            due_at=now + duration(row["due_in"]), now=now, settings=settings, actor=author,
            body=row.get("body", ""), urgency=Urgency.URGENT if row.get("urgent") else None)
        added.append(f"reminder {row['key']}")
    expand_due(session, now=now, worker="demo", settings=settings)
    return added


def missing_rows(name: str, columns: tuple[str, ...], required: tuple[str, ...],
                 present: Any) -> tuple[str, list[dict[str, str]]]:
    """The CSV file `name` cut down to the rows `present(row)` says are not in the database yet."""
    rows = [row for _, row in csv_io.read_rows(read_text(name), columns, required) if not present(row)]
    return csv_io.write_csv(columns, ([row[column] for column in columns] for row in rows)), rows


def import_catalogue(session: Session, kind: ReferenceKind, name: str, *, author: User,
                     now: datetime) -> list[str]:
    """The catalogue's rows whose names are missing, through the catalogue's CSV import."""
    names = {item_name.lower() for item_name in session.scalars(select(kind.model.name))}
    text, rows = missing_rows(name, kind.fields, ("name",), lambda row: row["name"].lower() in names)
    if rows:
        csv_io.import_kind(session, kind, FORMS[kind], text, actor=author, now=now)
    return [f"{kind.singular} {row['name']}" for row in rows]


def load_audiences(session: Session, *, author: User, now: datetime) -> list[str]:
    """Audiences, channels and how well each channel reaches each audience, where missing."""
    added = import_catalogue(session, AUDIENCES, "audiences.csv", author=author, now=now)
    added += import_catalogue(session, CHANNELS, "channels.csv", author=author, now=now)
    audiences = {a.id: a.name.lower() for a in session.scalars(select(Audience))}
    channels = {c.id: c.name.lower() for c in session.scalars(select(Channel))}
    scored = {(audiences[a], channels[c]) for a, c in affinity.affinities(session)}
    text, rows = missing_rows("affinity.csv", csv_io.AFFINITY_COLUMNS, ("audience", "channel", "score"),
                              lambda row: (row["audience"].lower(), row["channel"].lower()) in scored)
    if rows:
        csv_io.import_affinity(session, text, actor=author, now=now)
    return added + [f"affinity {row['channel']} → {row['audience']}" for row in rows]


def demo_map_content(row: dict[str, Any], channels: dict[str, int]
                     ) -> tuple[checks.MapContent, list[checks.VariantContent]]:
    content = checks.MapContent(
        concern=row["concern"], call_to_action=row["call_to_action"], tone=Tone(row["tone"]),
        ripe_strands=tuple(RipeStrand(strand) for strand in row["ripe"]),
        key_messages=tuple(checks.KeyMessage(item["text"], tuple(item["facts"]))
                           for item in row["key_messages"]))
    variants = [checks.VariantContent(
        channel_id=channels[variant["channel"]], language=variant["language"], body=variant["body"],
        has_media=variant.get("has_media", False), alt_text=variant.get("alt_text", ""),
        captions=variant.get("captions", False), easy_read=variant.get("easy_read", False),
        bsl=variant.get("bsl", False),
        translation_status=TranslationStatus(variant.get("translation_status") or "original"))
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
    for row in read_yaml("message_maps.yaml")["maps"]:
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
    """draft, in_review, approved, or approved_with_draft: approved, then a newer draft that drops the
    last supporting fact of the last key message."""
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
    """Add the demo accounts and data that are missing; returns what was added."""
    added = load_accounts(session, now=now)
    admin, officer, approver = (person(session, key) for key in ("admin", "officer", "approver"))
    added += seed_reference(session, actor=admin, now=now)
    added += load_memberships(session, admin=admin, now=now)
    added += load_reminders(session, author=officer, now=now)
    added += load_audiences(session, author=officer, now=now)
    added += load_message_maps(session, author=officer, approver=approver, now=now)
    added += load_profiles(session, officer=officer, approver=approver, now=now)
    people = People(duty=person(session, "duty"), approver=approver, officer=officer,
                    gold=person(session, "gold"))
    added += load_incidents(session, people=people, settings=DeliverySettings(), now=now)
    added += load_press(session, people={"officer": officer, "duty": people.duty, "approver": approver},
                        settings=DeliverySettings())
    # Plans are drafted from the risk profiles, so they come after them.
    added += load_plans(session, officer=officer, approver=approver, now=now)
    added += load_confidence(session, officer=officer, now=now)
    # Windows come last: the demo's activities were planned before the events they mark.
    added += load_windows(session, officer=officer, now=now)
    return added
