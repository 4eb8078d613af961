"""Message maps: reading, writing and versioning what we say (2C); checks are in `checks`, the review
in `review`, comparing versions in `versions`.

Every edit adds a version. A map moves draft → in review → approved → retired; editing an
approved map starts a new draft while the approved version stays in force. Nobody approves a
version they helped write. Views, the API, CSV import and the demo loader all call these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel
from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.messages.checks import (
    MapContent,
    MapSettings,
    VariantContent,
    check_content,
    check_settings,
    check_variant,
    check_variants,
)
from commsplan.messages.models import (
    MessageComment,
    MessageMap,
    MessageStatus,
    MessageVariant,
    MessageVersion,
    message_map_qualifiers,
)
from commsplan.messages.review_reminders import cancel_approval_request, schedule_review
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement
from commsplan.timeutil import to_london

WRITERS = (Role.COMMS_OFFICER, Role.ADMIN)
APPROVERS = (Role.APPROVER,)
COMMENTERS = (Role.COMMS_OFFICER, Role.APPROVER, Role.ADMIN)

# --- Reading -----------------------------------------------------------------------------------

def get_map(session: Session, map_id: int) -> MessageMap:
    message_map = session.get(MessageMap, map_id)
    if message_map is None:
        raise NotFound("No such message map")
    return message_map


def get_version(session: Session, message_map: MessageMap, number: int) -> MessageVersion:
    version = session.scalar(select(MessageVersion).where(MessageVersion.map_id == message_map.id,
                                                          MessageVersion.number == number))
    if version is None:
        raise NotFound(f"This message map has no version {number}")
    return version


def latest_version(session: Session, message_map: MessageMap) -> MessageVersion:
    return get_version(session, message_map, message_map.latest_number)


def versions(session: Session, message_map: MessageMap) -> list[MessageVersion]:
    """Every version, newest first, without their variants."""
    return list(session.scalars(select(MessageVersion).where(MessageVersion.map_id == message_map.id)
                                .order_by(MessageVersion.number.desc())))


def comments(session: Session, message_map: MessageMap) -> list[MessageComment]:
    return list(session.scalars(select(MessageComment).where(MessageComment.map_id == message_map.id)
                                .order_by(MessageComment.created_at, MessageComment.id)))


def authors_since_approval(session: Session, message_map: MessageMap) -> set[int]:
    """Everyone who wrote a version after the one last approved."""
    query = select(MessageVersion.created_by_id).where(
        MessageVersion.map_id == message_map.id,
        MessageVersion.number > (message_map.approved_number or 0))
    return {user_id for user_id in session.scalars(query) if user_id is not None}


def may_approve(session: Session, message_map: MessageMap, user: User) -> bool:
    return (message_map.status is MessageStatus.IN_REVIEW and user.has_role(*APPROVERS)
            and user.id not in authors_since_approval(session, message_map))


@dataclass(frozen=True)
class MapFilter:
    element_id: int | None = None
    audience_id: int | None = None
    qualifier_id: int | None = None
    unit_id: int | None = None
    owner_id: int | None = None
    status: MessageStatus | None = None
    include_retired: bool = False


SelectOf = TypeVar("SelectOf", bound=Select)


def narrowed(query: SelectOf, criteria: MapFilter) -> SelectOf:
    """Apply a filter to any query over message_maps. A unit also sees force-wide maps."""
    if criteria.element_id is not None:
        query = query.where(MessageMap.element_id == criteria.element_id)
    if criteria.audience_id is not None:
        query = query.where(MessageMap.audience_id == criteria.audience_id)
    if criteria.unit_id is not None:
        query = query.where(or_(MessageMap.unit_id == criteria.unit_id, MessageMap.unit_id.is_(None)))
    if criteria.owner_id is not None:
        query = query.where(MessageMap.owner_id == criteria.owner_id)
    if criteria.status is not None:
        query = query.where(MessageMap.status == criteria.status)
    elif not criteria.include_retired:
        query = query.where(MessageMap.status != MessageStatus.RETIRED)
    if criteria.qualifier_id is not None:
        query = query.where(exists().where(message_map_qualifiers.c.map_id == MessageMap.id,
                                           message_map_qualifiers.c.qualifier_id == criteria.qualifier_id))
    return query


def maps_query(criteria: MapFilter) -> Select[Any]:
    query = (select(MessageMap).join(MessageMap.element).join(MessageMap.audience)
             .order_by(ViolenceElement.position, Audience.name, MessageMap.id))
    return narrowed(query, criteria)


# --- Writing -----------------------------------------------------------------------------------

def version_snapshot(version: MessageVersion) -> dict[str, Any]:
    """The version's words in comparable form, variants keyed by channel and language."""
    return {
        "concern": version.concern, "key_messages": version.key_messages,
        "call_to_action": version.call_to_action, "ripe_strands": version.ripe_strands,
        "tone": audit.jsonable(version.tone),
        "variants": {f"{v.channel.name} [{v.language}]": audit.jsonable_dict(VariantContent.of(v)
                                                                             .as_columns())
                     for v in version.variants},
    }


def _build_version(session: Session, message_map: MessageMap, number: int, content: MapContent,
                   variants: Iterable[VariantContent], *, note: str, actor: User | None,
                   now: datetime) -> MessageVersion:
    version = MessageVersion(map_id=message_map.id, number=number, change_note=note.strip()[:300],
                             created_by_id=actor.id if actor else None, created_at=now,
                             **content.as_columns())
    for variant in variants:
        _append_variant(session, version, variant)
    session.add(version)
    return version


def create_map(session: Session, *, settings: MapSettings, content: MapContent,
               variants: Sequence[VariantContent] = (), actor: User, now: datetime,
               delivery: DeliverySettings) -> MessageMap:
    """A new map with its first version, in draft."""
    require_role(actor, WRITERS, "write message maps")
    errors = check_settings(session, settings, current=None, today=to_london(now).date())
    errors |= check_content(content)
    if errors:
        raise ValidationError(errors)
    message_map = MessageMap(status=MessageStatus.DRAFT, latest_number=1, created_at=now,
                             updated_at=now, **_settings_columns(session, settings))
    audit.add_audited(session, message_map, actor=actor, now=now)
    version = _build_version(session, message_map, 1, content, [], note="First version",
                             actor=actor, now=now)
    session.flush()
    if errors := check_variants(session, variants):
        raise ValidationError(errors)
    for variant in variants:
        _append_variant(session, version, variant)
    schedule_review(session, message_map, now=now, delivery=delivery, actor=actor)
    return message_map


def _append_variant(session: Session, version: MessageVersion, variant: VariantContent) -> None:
    columns = variant.as_columns()
    version.variants.append(MessageVariant(**columns, channel=session.get(Channel,
                                                                         columns["channel_id"])))


def _settings_columns(session: Session, settings: MapSettings) -> dict[str, Any]:
    """Relationships rather than ids, so that audit labels read the new choices straight away."""
    unit = session.get(BusinessUnit, settings.unit_id) if settings.unit_id is not None else None
    return {"element": session.get(ViolenceElement, settings.element_id),
            "audience": session.get(Audience, settings.audience_id), "unit": unit,
            "owner": session.get(User, settings.owner_id), "review_date": settings.review_date,
            "qualifiers": [session.get(Qualifier, qualifier_id)
                           for qualifier_id in sorted(set(settings.qualifier_ids))]}


def update_settings(session: Session, message_map: MessageMap, settings: MapSettings, *,
                    actor: User, now: datetime, delivery: DeliverySettings) -> audit.Changes:
    """Change what a map is about or who owns it; no new version, but audited."""
    require_role(actor, WRITERS, "change message maps")
    refuse_if_retired(message_map)
    errors = check_settings(session, settings, current=message_map, today=to_london(now).date())
    errors = errors or _fixed_subject(message_map, settings)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(message_map)
    for name, value in _settings_columns(session, settings).items():
        setattr(message_map, name, value)
    changes = audit.diff(before, audit.snapshot(message_map))
    if changes:
        message_map.updated_at = now
        session.flush()
        audit.record(session, actor=actor, action="update", obj=message_map, changes=changes, now=now)
    if {"review_date", "owner_name"} & set(changes):
        schedule_review(session, message_map, now=now, delivery=delivery, actor=actor)
    return changes


def _fixed_subject(message_map: MessageMap, settings: MapSettings) -> dict[str, list[str]]:
    """Once approved (or in review), what a map is about stays as approved; only its owner and review
    date change. Speaking to another audience or about another element is a new map."""
    if message_map.approved_number is None and message_map.status is not MessageStatus.IN_REVIEW:
        return {}
    reason = ("This map has been approved for its element, qualifiers, audience and unit, so they cannot "
              "change: write a new map instead" if message_map.approved_number is not None else
              "This map is in review: send it back to draft before changing what it is about")
    current = (message_map.element_id, tuple(sorted(q.id for q in message_map.qualifiers)),
               message_map.audience_id, message_map.unit_id)
    wanted = (settings.element_id, tuple(sorted(set(settings.qualifier_ids))), settings.audience_id,
              settings.unit_id)
    names = ("element_id", "qualifier_ids", "audience_id", "unit_id")
    return {name: [reason] for name, before, after in zip(names, current, wanted, strict=True)
            if before != after}


def refuse_if_retired(message_map: MessageMap) -> None:
    if message_map.status is MessageStatus.RETIRED:
        raise Conflict("This message map is retired; it can no longer change")


def _new_version(session: Session, message_map: MessageMap, *, actor: User, now: datetime,
                 note: str, content: MapContent | None = None,
                 change_variants: Callable[[list[VariantContent]], list[VariantContent]] | None = None,
                 ) -> MessageVersion | None:
    """Add a version from the latest with some words changed; None when nothing changed."""
    require_role(actor, WRITERS, "edit message maps")
    refuse_if_retired(message_map)
    latest = latest_version(session, message_map)
    variants = [VariantContent.of(variant) for variant in latest.variants]
    if change_variants is not None:
        variants = change_variants(variants)
    version = _build_version(session, message_map, message_map.latest_number + 1,
                             content or MapContent.of(latest), variants, note=note, actor=actor,
                             now=now)
    changes = audit.diff(version_snapshot(latest), version_snapshot(version))
    if not changes:
        session.expunge(version)
        return None
    was_in_review = message_map.status is MessageStatus.IN_REVIEW
    changes |= audit.diff({"latest_number": message_map.latest_number,
                           "status": message_map.status.value},
                          {"latest_number": version.number, "status": MessageStatus.DRAFT.value})
    message_map.latest_number, message_map.status = version.number, MessageStatus.DRAFT
    message_map.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="edit", obj=message_map, changes=changes, now=now)
    if was_in_review:
        cancel_approval_request(session, message_map, verb="Withdrawn for changes", now=now, actor=actor)
    return version


def edit_content(session: Session, message_map: MessageMap, content: MapContent | None, *,
                 variants: Sequence[VariantContent] | None = None, note: str = "", actor: User,
                 now: datetime) -> MessageVersion | None:
    """New words, a new set of variants, or both, as one new version."""
    errors = check_content(content) if content is not None else {}
    if variants is not None:
        errors |= check_variants(session, variants, latest_version(session, message_map).variants)
    if errors:
        raise ValidationError(errors)
    return _new_version(session, message_map, actor=actor, now=now, note=note, content=content,
                        change_variants=None if variants is None else lambda _: list(variants))


def get_variant(session: Session, message_map: MessageMap, variant_id: int) -> MessageVariant:
    """A variant of the map's latest version; older versions' variants are read-only history."""
    variant = session.get(MessageVariant, variant_id)
    if variant is None or variant.version.map_id != message_map.id:
        raise NotFound("No such variant on this message map")
    if variant.version.number != message_map.latest_number:
        raise NotFound("This variant belongs to an older version; open the latest version to edit")
    return variant


def save_variant(session: Session, message_map: MessageMap, content: VariantContent, *,
                 replacing: MessageVariant | None = None, actor: User, now: datetime
                 ) -> MessageVersion | None:
    """Add a channel variant, or change one, as a new version."""
    require_role(actor, WRITERS, "edit message maps")
    latest = latest_version(session, message_map)
    if errors := check_variant(session, content, latest.variants, replacing):
        raise ValidationError(errors)
    old_key = replacing.key if replacing else None

    def change(variants: list[VariantContent]) -> list[VariantContent]:
        kept = [v for v in variants if (v.channel_id, v.language) != old_key]
        return [*kept, content]

    label = session.get(Channel, content.channel_id).name  # type: ignore[union-attr]
    note = f"{'Changed' if replacing else 'Added'} the {label} variant ({content.language.strip()})"
    return _new_version(session, message_map, actor=actor, now=now, note=note, change_variants=change)


def remove_variant(session: Session, message_map: MessageMap, variant: MessageVariant, *,
                   actor: User, now: datetime) -> MessageVersion | None:
    note = f"Removed the {variant.channel.name} variant ({variant.language})"
    return _new_version(session, message_map, actor=actor, now=now, note=note, change_variants=lambda
                        variants: [v for v in variants if (v.channel_id, v.language) != variant.key])
