"""Message-map test helpers: valid words, variants, reminder look-ups, row counts, bulk maps."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from commsplan.audiences.models import Channel
from commsplan.audit.models import AuditEntry
from commsplan.extensions import db
from commsplan.messages import checks
from commsplan.messages.models import (
    MessageComment,
    MessageMap,
    MessageStatus,
    MessageVariant,
    MessageVersion,
    RipeStrand,
    Tone,
    message_map_qualifiers,
)
from commsplan.notifications.models import Reminder, ReminderStatus

CONTENT = checks.MapContent(
    concern="Is it safe for my child to walk home from school?",
    key_messages=(checks.KeyMessage("Officers patrol the routes home from every school in Hackney.",
                                  ("Patrols run from 3pm to 5pm on school days",)),
                  checks.KeyMessage("Phones out of sight make young people less of a target.")),
    call_to_action="Report worries to 101, or anonymously to Crimestoppers on 0800 555 111",
    ripe_strands=(RipeStrand.REASSURANCE, RipeStrand.PREVENTION),
    tone=Tone.REASSURING,
)


def content(**changes: Any) -> checks.MapContent:
    """The valid words with some fields replaced."""
    values = {"concern": CONTENT.concern, "key_messages": CONTENT.key_messages,
              "call_to_action": CONTENT.call_to_action, "ripe_strands": CONTENT.ripe_strands,
              "tone": CONTENT.tone, **changes}
    return checks.MapContent(**values)


def variant(channel: Channel, body: str = "Officers patrol the routes home from school.",
            **values: Any) -> checks.VariantContent:
    return checks.VariantContent(channel_id=channel.id, language=values.pop("language", "en"), body=body,
                               **values)


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def written() -> tuple[int, int, int, int, int, int]:
    """Maps, versions, variants, comments, reminders and audit entries: unchanged after a refusal."""
    db.session.expire_all()
    return (count(MessageMap), count(MessageVersion), count(MessageVariant), count(MessageComment),
            count(Reminder), count(AuditEntry))


def reminders(message_map: MessageMap, kind: str | None = None,
              status: ReminderStatus | None = None) -> list[Reminder]:
    """The map's reminders, oldest first, optionally of one kind and status."""
    query = select(Reminder).where(Reminder.subject_type == "message_map",
                                   Reminder.subject_id == str(message_map.id)).order_by(Reminder.id)
    if kind is not None:
        query = query.where(Reminder.kind == kind)
    if status is not None:
        query = query.where(Reminder.status == status)
    return list(db.session.scalars(query))


def audit_actions(message_map: MessageMap) -> list[str]:
    query = (select(AuditEntry.action).where(AuditEntry.object_type == "message_map",
                                             AuditEntry.object_id == str(message_map.id))
             .order_by(AuditEntry.id))
    return list(db.session.scalars(query))


_STATES = [(MessageStatus.APPROVED, 1), (MessageStatus.IN_REVIEW, None), (MessageStatus.DRAFT, None),
           (MessageStatus.APPROVED, 1)]


def insert_maps(total: int, *, now: datetime, owner_ids: list[int], element_ids: list[int],
                audience_ids: list[int], channel_ids: list[int], unit_ids: list[int | None],
                qualifier_ids: list[int]) -> None:
    """Add maps with direct inserts (no service, no audit) until there are `total`: a mix of
    approved, in-review and draft maps, units and qualifiers, each with two variants."""
    session = db.session
    start = count(MessageMap)
    first_map = (session.scalar(select(func.max(MessageMap.id))) or 0) + 1
    first_version = (session.scalar(select(func.max(MessageVersion.id))) or 0) + 1
    map_rows: list[dict[str, Any]] = []
    version_rows: list[dict[str, Any]] = []
    variant_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    cycle = itertools.count()
    for offset, n in enumerate(range(start, total)):
        map_id, version_id = first_map + offset, first_version + offset
        status, approved = _STATES[n % len(_STATES)]
        owner = owner_ids[n % len(owner_ids)]
        map_rows.append({
            "id": map_id, "element_id": element_ids[n % len(element_ids)],
            "audience_id": audience_ids[n % len(audience_ids)], "unit_id": unit_ids[n % len(unit_ids)],
            "owner_id": owner, "status": status, "latest_number": 1, "approved_number": approved,
            "approved_at": now if approved else None, "approved_by_id": owner if approved else None,
            "review_date": None, "created_at": now, "updated_at": now})
        version_rows.append({
            "id": version_id, "map_id": map_id, "number": 1, "concern": f"Concern {n}",
            "key_messages": [{"text": f"Key message {n}", "facts": []}], "call_to_action": "Call 101",
            "ripe_strands": ["prevention"], "tone": Tone.INFORMATIVE, "change_note": "",
            "created_by_id": owner, "created_at": now,
            "approved_at": now if approved else None, "approved_by_id": owner if approved else None})
        variant_rows += [{"version_id": version_id, "channel_id": channel_ids[(n + k) % len(channel_ids)],
                          "language": "en", "body": f"Words {n}", "has_media": False, "alt_text": "",
                          "captions": False, "easy_read": False, "bsl": False,
                          "translation_status": "original"} for k in range(2)]
        if n % 3 == 0:
            link_rows.append({"map_id": map_id,
                              "qualifier_id": qualifier_ids[next(cycle) % len(qualifier_ids)]})
    if map_rows:
        session.execute(insert(MessageMap), map_rows)
        session.execute(insert(MessageVersion), version_rows)
        session.execute(insert(MessageVariant), variant_rows)
    if link_rows:
        session.execute(insert(message_map_qualifiers), link_rows)
    session.commit()
