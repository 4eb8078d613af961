"""What a message map must be before it is saved, submitted or sent: the content callers send,
and every check on it (settings, key messages, channel variants, length and accessibility).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel, LimitType
from commsplan.auth.models import User
from commsplan.messages.models import (
    MessageMap,
    MessageVariant,
    MessageVersion,
    RipeStrand,
    Tone,
    TranslationStatus,
)
from commsplan.messages.text import (
    KEY_MESSAGE_WORDS,
    PLAIN_ENGLISH_READING_AGE,
    character_count,
    reading_age,
    word_count,
)
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement

MAX_KEY_MESSAGES = 3
MAX_FACTS = 3
MAX_BODY = 20_000
MAX_REVIEW_AHEAD = timedelta(days=3 * 366)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")

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
