"""Message maps: writing, versioning, checking, reviewing and approving what we say (2C).

Every edit adds a version. A map moves draft → in review → approved → retired; editing an
approved map starts a new draft while the approved version stays in force. Nobody approves a
version they helped write. Views, the API, CSV import and the demo loader all call these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel, LimitType
from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, PermissionDenied, ValidationError
from commsplan.messages.models import (
    MessageComment,
    MessageMap,
    MessageStatus,
    MessageVariant,
    MessageVersion,
    RipeStrand,
    Tone,
    TranslationStatus,
    message_map_qualifiers,
)
from commsplan.messages.text import (
    KEY_MESSAGE_WORDS,
    PLAIN_ENGLISH_READING_AGE,
    character_count,
    reading_age,
    word_count,
)
from commsplan.notifications import approvals
from commsplan.notifications import service as reminders
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement
from commsplan.timeutil import london_moment, to_london

WRITERS = (Role.COMMS_OFFICER, Role.ADMIN)
APPROVERS = (Role.APPROVER,)
COMMENTERS = (Role.COMMS_OFFICER, Role.APPROVER, Role.ADMIN)
MAX_KEY_MESSAGES = 3
MAX_FACTS = 3
MAX_BODY = 20_000
MAX_REVIEW_AHEAD = timedelta(days=3 * 366)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
REVIEW_REMINDER_TIME = "09:00"


# --- What callers send -------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyMessage:
    text: str
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class MapContent:
    """The versioned words of a map."""

    concern: str
    key_messages: tuple[KeyMessage, ...]
    call_to_action: str
    ripe_strands: tuple[RipeStrand, ...]
    tone: Tone | None

    def as_columns(self) -> dict[str, Any]:
        return {"concern": self.concern.strip(), "call_to_action": self.call_to_action.strip(),
                "key_messages": [{"text": message.text.strip(),
                                  "facts": [fact.strip() for fact in message.facts if fact.strip()]}
                                 for message in self.key_messages if message.text.strip()],
                "ripe_strands": [strand.value for strand in RipeStrand if strand in self.ripe_strands],
                "tone": self.tone}

    @classmethod
    def of(cls, version: MessageVersion) -> MapContent:
        return cls(concern=version.concern, call_to_action=version.call_to_action, tone=version.tone,
                   ripe_strands=tuple(RipeStrand(value) for value in version.ripe_strands),
                   key_messages=tuple(KeyMessage(item["text"], tuple(item["facts"]))
                                      for item in version.key_messages))


@dataclass(frozen=True)
class MapSettings:
    """What a map is about and who looks after it: not versioned, audited."""

    element_id: int | None
    audience_id: int | None
    qualifier_ids: tuple[int, ...] = ()
    unit_id: int | None = None
    owner_id: int | None = None
    review_date: date | None = None


@dataclass(frozen=True)
class VariantContent:
    channel_id: int | None
    language: str
    body: str
    has_media: bool = False
    alt_text: str = ""
    captions: bool = False
    easy_read: bool = False
    bsl: bool = False
    translation_status: TranslationStatus | None = TranslationStatus.ORIGINAL

    def as_columns(self) -> dict[str, Any]:
        return {"channel_id": self.channel_id, "language": self.language.strip(),
                "body": self.body.strip(), "has_media": self.has_media,
                "alt_text": self.alt_text.strip() if self.has_media else "",
                "captions": self.captions and self.has_media, "easy_read": self.easy_read,
                "bsl": self.bsl,
                "translation_status": self.translation_status or TranslationStatus.ORIGINAL}

    @classmethod
    def of(cls, variant: MessageVariant) -> VariantContent:
        return cls(channel_id=variant.channel_id, language=variant.language, body=variant.body,
                   has_media=variant.has_media, alt_text=variant.alt_text, captions=variant.captions,
                   easy_read=variant.easy_read, bsl=variant.bsl,
                   translation_status=variant.translation_status)


# --- Checks ------------------------------------------------------------------------------------

def check_content(content: MapContent) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not content.concern.strip():
        errors["concern"] = ["Enter the question or concern this map answers"]
    elif len(content.concern.strip()) > 500:
        errors["concern"] = ["The concern must be 500 characters or fewer"]
    if len(content.key_messages) > MAX_KEY_MESSAGES:
        errors["key_message_1"] = [f"Write {MAX_KEY_MESSAGES} key messages at most"]
    for number, message in enumerate(content.key_messages[:MAX_KEY_MESSAGES], start=1):
        errors |= _check_key_message(number, message)
    if not any(message.text.strip() for message in content.key_messages):
        errors.setdefault("key_message_1", ["Enter at least one key message"])
    if not content.call_to_action.strip():
        errors["call_to_action"] = ["Enter the call to action: what should people do?"]
    elif len(content.call_to_action.strip()) > 300:
        errors["call_to_action"] = ["The call to action must be 300 characters or fewer"]
    if not content.ripe_strands:
        errors["ripe_strands"] = ["Choose at least one RIPE strand"]
    if content.tone is None:
        errors["tone"] = ["Choose the tone"]
    return errors


def _check_key_message(number: int, message: KeyMessage) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(message.text.strip()) > 400:
        errors[f"key_message_{number}"] = ["A key message must be 400 characters or fewer"]
    if len(message.facts) > MAX_FACTS:
        errors[f"fact_{number}_1"] = [f"Give {MAX_FACTS} supporting facts at most"]
    for fact_number, fact in enumerate(message.facts[:MAX_FACTS], start=1):
        if len(fact.strip()) > 300:
            errors[f"fact_{number}_{fact_number}"] = ["A supporting fact must be 300 characters or "
                                                     "fewer"]
    if any(fact.strip() for fact in message.facts) and not message.text.strip():
        errors[f"key_message_{number}"] = ["Enter the key message these facts support"]
    return errors


def long_key_messages(key_messages: Iterable[dict[str, Any]]) -> list[tuple[int, int]]:
    """(position, words) of each key message over the 27-word guide."""
    counts = ((number, word_count(item["text"])) for number, item in enumerate(key_messages, 1))
    return [(number, words) for number, words in counts if words > KEY_MESSAGE_WORDS]


def _active(session: Session, model: Any, item_id: int | None, current: int | None) -> Any:
    """The item if it exists and is active, or is the one already chosen; None otherwise."""
    item = session.get(model, item_id) if item_id is not None else None
    if item is None or (item.is_retired and item_id != current):
        return None
    return item


def check_settings(session: Session, settings: MapSettings, *, current: MessageMap | None,
                   today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if _active(session, ViolenceElement, settings.element_id,
               current.element_id if current else None) is None:
        errors["element_id"] = ["Choose the violence element"]
    if _active(session, Audience, settings.audience_id,
               current.audience_id if current else None) is None:
        errors["audience_id"] = ["Choose the audience"]
    chosen = set(current.qualifier_codes) if current else set()
    for qualifier_id in settings.qualifier_ids:
        qualifier = session.get(Qualifier, qualifier_id)
        if qualifier is None or (qualifier.is_retired and qualifier.code not in chosen):
            errors["qualifier_ids"] = ["Choose qualifiers from the list"]
    if settings.unit_id is not None and _active(
            session, BusinessUnit, settings.unit_id, current.unit_id if current else None) is None:
        errors["unit_id"] = ["Choose an active business unit, or none for force-wide"]
    owner = session.get(User, settings.owner_id) if settings.owner_id is not None else None
    if owner is None or not owner.is_active:
        errors["owner_id"] = ["Choose an owner with an active account"]
    changed_date = settings.review_date != (current.review_date if current else None)
    if settings.review_date is not None and changed_date:
        if settings.review_date <= today:
            errors["review_date"] = ["The review date must be in the future"]
        elif settings.review_date > today + MAX_REVIEW_AHEAD:
            errors["review_date"] = ["The review date must be within three years"]
    return errors


def check_variant(session: Session, content: VariantContent, existing: Sequence[MessageVariant],
                  replacing: MessageVariant | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    current = replacing.channel_id if replacing else None
    channel = _active(session, Channel, content.channel_id, current)
    language = content.language.strip()
    if channel is None:
        errors["channel_id"] = ["Choose an active channel"]
    if not LANGUAGE_CODE.match(language):
        errors["language"] = ["Enter a language code like en, so or pt-BR"]
    elif channel is not None and channel.languages and language not in channel.languages:
        errors["language"] = [f"{channel.name} carries {', '.join(channel.languages)}; choose one of "
                              "those or add the language to the channel"]
    clash = any(v.channel_id == content.channel_id and v.language == language and v is not replacing
                for v in existing)
    if clash and not errors:
        errors["language"] = ["This map already has a variant for this channel in this language"]
    body = content.body.strip()
    if not body:
        errors["body"] = ["Enter the words for this channel"]
    elif len(body) > MAX_BODY:
        errors["body"] = [f"The body must be {MAX_BODY:,} characters or fewer"]
    elif channel is not None and (over := hard_limit_excess(channel, body)):
        errors["body"] = [f"{channel.name} allows {channel.length_limit} characters at most and this "
                          f"is {character_count(body)}: shorten it by {over}"]
    if content.has_media and len(content.alt_text.strip()) > 300:
        errors["alt_text"] = ["Alt text must be 300 characters or fewer"]
    if content.translation_status is None:
        errors["translation_status"] = ["Choose how the words were written or translated"]
    return errors


def check_variants(session: Session, variants: Sequence[VariantContent],
                   current: Sequence[MessageVariant] = ()) -> dict[str, list[str]]:
    """A whole set of variants, as the API and imports send them; errors name each by position.

    A variant sent back exactly as it is in `current` is not checked again, and one that changes
    may keep its channel though retired (as on the variant page): a map keeps words written
    before its channel was retired or had its limit lowered.
    """
    errors: dict[str, list[str]] = {}
    seen: set[tuple[int | None, str]] = set()
    stored: dict[tuple[int | None, str], MessageVariant] = {v.key: v for v in current}
    for index, variant in enumerate(variants):
        key = (variant.channel_id, variant.language.strip())
        old = stored.get(key)
        kept = old is not None and VariantContent.of(old).as_columns() == variant.as_columns()
        problems = {} if kept else check_variant(session, variant, [], old)
        if key in seen and not problems:
            problems["language"] = ["Another variant already covers this channel and language"]
        seen.add(key)
        errors |= {f"variants[{index}].{name}": messages for name, messages in problems.items()}
    return errors


def hard_limit_excess(channel: Channel, body: str) -> int:
    """How many characters over the channel's hard limit the body is (0 when within it)."""
    if channel.limit_type is not LimitType.HARD or channel.length_limit is None:
        return 0
    return max(character_count(body) - channel.length_limit, 0)


@dataclass(frozen=True)
class VariantCheck:
    """One line of a variant's checklist. `blocking` ones stop submission."""

    label: str
    passed: bool
    detail: str
    blocking: bool = True


def variant_checks(variant: MessageVariant, audience: Audience) -> list[VariantCheck]:
    """The definition of done for one variant: length, reading age and accessibility."""
    channel, needs = variant.channel, set(audience.accessibility_needs)
    checks = [_length_check(channel, variant.body)]
    age = reading_age(variant.body)
    checks.append(VariantCheck("Reading age", age is None or age <= PLAIN_ENGLISH_READING_AGE,
                        "Too short to estimate" if age is None else f"About {age} years "
                        f"(aim for {PLAIN_ENGLISH_READING_AGE} or under)", blocking=False))
    if channel.is_retired:
        checks.append(VariantCheck("Channel", False, f"{channel.name} is retired: move these words to "
                                              "another channel"))
    if variant.has_media:
        checks.append(VariantCheck("Alt text for the image or video", bool(variant.alt_text),
                            variant.alt_text or "Describe the image or video for screen readers"))
    if variant.has_media and "Subtitles" in needs:
        checks.append(VariantCheck("Captions", variant.captions,
                            "Captioned" if variant.captions else "This audience needs captions"))
    for need, flag, label in (("Easy Read", variant.easy_read, "Easy Read version"),
                              ("BSL", variant.bsl, "British Sign Language version")):
        if need in needs:
            checks.append(VariantCheck(label, flag, "Ready" if flag else f"This audience needs {need}"))
    if variant.translation_status is TranslationStatus.MACHINE:
        checks.append(VariantCheck("Translation", False, "Machine translation only: have a professional "
                                                  "or community reviewer check it", blocking=False))
    return checks


def _length_check(channel: Channel, body: str) -> VariantCheck:
    count = character_count(body)
    if channel.length_limit is None or channel.limit_type is LimitType.NONE:
        return VariantCheck("Length", True, f"{count:,} characters; no limit", blocking=False)
    within = count <= channel.length_limit
    detail = f"{count:,} of {channel.length_limit:,} characters"
    if channel.limit_type is LimitType.SOFT:
        return VariantCheck("Length", within, detail + ("" if within else ": over the soft limit"),
                     blocking=False)
    return VariantCheck("Length", within, detail + ("" if within else ": over the hard limit"))


def submission_problems(message_map: MessageMap, version: MessageVersion) -> dict[str, list[str]]:
    """What stops this version going to review: every blocking check that fails."""
    if not version.variants:
        return {"variants": ["Add at least one channel variant before submitting"]}
    errors: dict[str, list[str]] = {}
    for variant in version.variants:
        failed = [f"{variant.channel.name} ({variant.language}): {check.label.lower()} – {check.detail}"
                  for check in variant_checks(variant, message_map.audience)
                  if check.blocking and not check.passed]
        if failed:
            errors[f"variant-{variant.id}"] = failed
    return errors


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
    _schedule_review(session, message_map, now=now, delivery=delivery, actor=actor)
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
    _refuse_if_retired(message_map)
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
        _schedule_review(session, message_map, now=now, delivery=delivery, actor=actor)
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


def _refuse_if_retired(message_map: MessageMap) -> None:
    if message_map.status is MessageStatus.RETIRED:
        raise Conflict("This message map is retired; it can no longer change")


def _new_version(session: Session, message_map: MessageMap, *, actor: User, now: datetime,
                 note: str, content: MapContent | None = None,
                 change_variants: Callable[[list[VariantContent]], list[VariantContent]] | None = None,
                 ) -> MessageVersion | None:
    """Add a version from the latest with some words changed; None when nothing changed."""
    require_role(actor, WRITERS, "edit message maps")
    _refuse_if_retired(message_map)
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
        _cancel_approval_request(session, message_map, verb="Withdrawn for changes", now=now, actor=actor)
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


# --- Review ------------------------------------------------------------------------------------

def _set_status(session: Session, message_map: MessageMap, values: dict[str, Any], *, action: str,
                actor: User, now: datetime) -> None:
    audit.update_audited(session, message_map, values, actor=actor, now=now, action=action)


def submit(session: Session, message_map: MessageMap, *, actor: User, now: datetime,
           delivery: DeliverySettings) -> None:
    """Send the latest version to the approvers, if every blocking check passes."""
    require_role(actor, WRITERS, "submit message maps")
    if message_map.status is not MessageStatus.DRAFT:
        raise Conflict({MessageStatus.IN_REVIEW: "This version is already in review",
                        MessageStatus.APPROVED: "This version is already approved; edit it to "
                                                "start a new version",
                        MessageStatus.RETIRED: "This message map is retired"}[message_map.status])
    version = latest_version(session, message_map)
    if errors := submission_problems(message_map, version):
        raise ValidationError(errors)
    version.submitted_at = now
    _set_status(session, message_map, {"status": MessageStatus.IN_REVIEW}, action="submit",
                actor=actor, now=now)
    # Every approver but those who wrote part of it since the last approval: they may not decide.
    approvals.ask_for_approval(
        session, key_prefix=_approval_key(message_map, version.number, now), approvers=None,
        exclude=authors_since_approval(session, message_map),
        subject=_subject(message_map, "Approve message"),
        body=f"Version {version.number}, submitted by {actor.name}.", now=now, settings=delivery, actor=actor)


def _in_review(session: Session, message_map: MessageMap, number: int, actor: User) -> MessageVersion:
    """The version under review, if `number` is still it and `actor` may decide on it."""
    require_role(actor, APPROVERS, "approve message maps")
    if message_map.status is not MessageStatus.IN_REVIEW:
        raise Conflict("This message map is not waiting for review")
    if number != message_map.latest_number:
        raise Conflict(f"Version {message_map.latest_number} was saved after the one you reviewed; "
                       "review the latest version")
    if actor.id in authors_since_approval(session, message_map):
        raise PermissionDenied("You wrote part of this version, so another approver must decide on it")
    return latest_version(session, message_map)


def approve(session: Session, message_map: MessageMap, *, number: int, actor: User, now: datetime,
            delivery: DeliverySettings, comment: str = "") -> None:
    """Put version `number` in force; it replaces any version approved before."""
    version = _in_review(session, message_map, number, actor)
    version.approved_at, version.approved_by_id = now, actor.id
    _set_status(session, message_map, {"status": MessageStatus.APPROVED, "approved_number": number,
                                       "approved_at": now, "approved_by_id": actor.id},
                action="approve", actor=actor, now=now)
    if comment.strip():
        add_comment(session, message_map, body=comment, actor=actor, now=now)
    _cancel_approval_request(session, message_map, verb="Approved", now=now, actor=actor)


def return_for_changes(session: Session, message_map: MessageMap, *, number: int, comment: str,
                       actor: User, now: datetime, delivery: DeliverySettings) -> None:
    """Send the version back to draft, saying what needs to change."""
    version = _in_review(session, message_map, number, actor)
    if not comment.strip():
        raise ValidationError.single("comment", "Say what needs to change")
    add_comment(session, message_map, body=comment, actor=actor, now=now)
    _set_status(session, message_map, {"status": MessageStatus.DRAFT}, action="return", actor=actor,
                now=now)
    _cancel_approval_request(session, message_map, verb="Sent back", now=now, actor=actor)
    reminders.schedule(
        session, key=f"message:{message_map.id}:returned:{version.number}:{now:%Y%m%dT%H%M%S%f}",
        kind="general",
        recipient=reminders.Recipient.person(message_map.owner), due_at=now, now=now,
        settings=delivery, actor=actor, subject=_subject(message_map, "Changes asked for"),
        body=comment.strip()[:1000])


def retire(session: Session, message_map: MessageMap, *, actor: User, now: datetime) -> None:
    """Take the map out of use: nothing of it stays in force and its reminders stop."""
    require_role(actor, WRITERS, "retire message maps")
    _refuse_if_retired(message_map)
    if message_map.status is MessageStatus.IN_REVIEW:
        _cancel_approval_request(session, message_map, verb="Retired", now=now, actor=actor)
    _set_status(session, message_map, {"status": MessageStatus.RETIRED}, action="retire",
                actor=actor, now=now)
    _cancel_reviews(session, message_map, now=now, actor=actor)


def add_comment(session: Session, message_map: MessageMap, *, body: str, actor: User,
                now: datetime) -> MessageComment:
    require_role(actor, COMMENTERS, "comment on message maps")
    text = body.strip()
    if not text:
        raise ValidationError.single("comment", "Enter a comment")
    if len(text) > 2000:
        raise ValidationError.single("comment", "A comment must be 2,000 characters or fewer")
    comment = MessageComment(map_id=message_map.id, version_number=message_map.latest_number,
                             author_id=actor.id, body=text, created_at=now)
    audit.add_audited(session, comment, actor=actor, now=now)
    return comment


# --- Reminders ---------------------------------------------------------------------------------

def _approval_prefix(message_map: MessageMap) -> str:
    return f"message:{message_map.id}:approval:"


def _approval_key(message_map: MessageMap, number: int, now: datetime) -> str:
    """One key prefix per submission (each approver's id follows it), so a version sent back and
    submitted again tells the approvers again."""
    return f"{_approval_prefix(message_map)}{number}:{now:%Y%m%dT%H%M%S%f}:"


def _review_prefix(message_map: MessageMap) -> str:
    return f"message:{message_map.id}:review:"


def _subject(message_map: MessageMap, verb: str) -> reminders.Subject:
    return reminders.Subject(type="message_map", id=str(message_map.id),
                             title=f"{verb}: {message_map.title}"[:200],
                             link=f"/messages/{message_map.id}")


def _cancel_pending(session: Session, prefix: str, *, now: datetime, actor: User | None) -> None:
    reminders.cancel_matching(session, prefix, now=now, actor=actor)


def _cancel_approval_request(session: Session, message_map: MessageMap, *, verb: str, now: datetime,
                             actor: User) -> None:
    """The request is decided: it stops, and leaves every approver's inbox ("Approved by … at 14:20")."""
    approvals.resolve(session, key_prefix=_approval_prefix(message_map),
                      resolution=approvals.decided_by(verb, actor, now), now=now, actor=actor)


def _cancel_reviews(session: Session, message_map: MessageMap, *, now: datetime,
                    actor: User | None) -> None:
    """Stop the map's pending review reminders (each change of date or owner schedules afresh)."""
    _cancel_pending(session, _review_prefix(message_map), now=now, actor=actor)


def _schedule_review(session: Session, message_map: MessageMap, *, now: datetime,
                     delivery: DeliverySettings, actor: User | None) -> None:
    """Remind the owner at 09:00 London time on the review date; a new date or owner replaces it."""
    _cancel_reviews(session, message_map, now=now, actor=actor)
    if message_map.review_date is None or message_map.status is MessageStatus.RETIRED:
        return
    key = f"{_review_prefix(message_map)}{message_map.owner_id}:{now:%Y%m%dT%H%M%S%f}"
    reminders.schedule(session, key=key, kind="review_due",
                       recipient=reminders.Recipient.person(message_map.owner),
                       due_at=london_moment(message_map.review_date, REVIEW_REMINDER_TIME),
                       now=now, settings=delivery, actor=actor,
                       subject=_subject(message_map, "Review message"))


# --- Comparing versions ------------------------------------------------------------------------

@dataclass
class ComparedField:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _version_fields(version: MessageVersion) -> dict[str, str]:
    fields = {"Concern": version.concern}
    for number, item in enumerate(version.key_messages, start=1):
        fields[f"Key message {number}"] = item["text"]
        for fact_number, fact in enumerate(item["facts"], start=1):
            fields[f"Key message {number}, fact {fact_number}"] = fact
    fields["Call to action"] = version.call_to_action
    fields["RIPE strands"] = ", ".join(RipeStrand(s).label for s in version.ripe_strands)
    fields["Tone"] = version.tone.label
    for variant in version.variants:
        name = f"{variant.channel.name} ({variant.language})"
        fields[name] = variant.body
        fields[f"{name}: accessibility"] = _accessibility_summary(variant)
    return fields


def _accessibility_summary(variant: MessageVariant) -> str:
    parts = [f"image or video, alt text: {variant.alt_text or 'none'}" if variant.has_media
             else "no image or video"]
    parts += [label for flag, label in ((variant.captions, "captions"),
                                        (variant.easy_read, "Easy Read"), (variant.bsl, "BSL"))
              if flag]
    parts.append(variant.translation_status.label.lower())
    return "; ".join(parts)


def compare(old: MessageVersion, new: MessageVersion) -> list[ComparedField]:
    """Every field of either version, in reading order, with its text in each."""
    before, after = _version_fields(old), _version_fields(new)
    labels = list(before) + [label for label in after if label not in before]
    return [ComparedField(label, before.get(label, ""), after.get(label, "")) for label in labels]


@dataclass
class MapView:
    """Everything the map page shows about the latest version, computed once."""

    version: MessageVersion
    checks: dict[int, list[VariantCheck]] = field(default_factory=dict)
    long_messages: list[tuple[int, int]] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)


def map_view(session: Session, message_map: MessageMap, number: int | None = None) -> MapView:
    version = get_version(session, message_map, number or message_map.latest_number)
    return MapView(version=version,
                   checks={v.id: variant_checks(v, message_map.audience) for v in version.variants},
                   long_messages=long_key_messages(version.key_messages),
                   problems=submission_problems(message_map, version))
