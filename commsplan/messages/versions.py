"""Comparing two versions of a map field by field, and everything a map page shows about one version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from commsplan.messages.checks import VariantCheck, long_key_messages, submission_problems, variant_checks
from commsplan.messages.maps import get_version
from commsplan.messages.models import MessageMap, MessageVariant, MessageVersion, RipeStrand


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
