"""Which audiences a violence element needs to reach in a unit, read from its risk profile's VOLT notes.

An audience is suggested when the VOLT notes (victims, offenders, locations, times) mention people
of its age or words tied to its segment ("school", "licensed premises", "faith"), and more strongly
when an approved message map already speaks to it about that element. Each suggestion keeps its
reasons, so the officer (and the gap list) can see why it was made.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from commsplan.audiences.models import Affinity, Audience, Channel, Segment
from commsplan.risk.models import RiskProfileEntry

AGE_RANGE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:–|-|to)\s*(\d{1,2})(?!\d)")
SEGMENT_WORDS: dict[Segment, tuple[str, ...]] = {
    Segment.YOUNG_PEOPLE: ("young people", "young men", "young women", "teenage", "pupil", "youth",
                           "student", "under-18", "children", "boys", "girls", "school"),
    Segment.PARENTS_CARERS: ("parent", "carer", "school", "children", "famil"),
    Segment.EDUCATION: ("school", "college", "pupil referral", "pupils", "university", "campus"),
    Segment.AT_RISK: ("group", "gang", "peer", "carrying", "known offenders", "repeat offenders", "drill"),
    Segment.BUSINESS: ("shop", "business", "trader", "venue", "licensed", "pub", "bar", "club",
                       "night-time", "takeaway", "fast-food", "fast food", "retail", "market", "betting"),
    Segment.FAITH_COMMUNITY: ("faith", "worship", "mosque", "church", "synagogue", "temple", "gurdwara",
                              "religio"),
    Segment.VICTIMS_FAMILIES: ("repeat victim", "bereaved", "victims' families", "vulnerable victim"),
    Segment.PUBLIC: ("resident", "commuter", "passenger", "town centre", "high street", "estate",
                     "night-time", "women"),
    Segment.PARTNER: ("youth club", "youth service", "outreach", "council", "housing"),
    Segment.MEDIA: (),
    Segment.GOVERNANCE: (),
    Segment.INTERNAL: (),
}
# The adults around children, who matter whenever the victims or offenders are under 18.
AROUND_CHILDREN = {Segment.PARENTS_CARERS, Segment.EDUCATION}
MAX_SUGGESTED = 3


@dataclass
class Suggestion:
    audience: Audience
    score: int = 0
    reasons: list[str] = field(default_factory=list)


@lru_cache(maxsize=4096)
def ages(text: str) -> tuple[tuple[int, int], ...]:
    """Age ranges written like "aged 12–19" or "15 to 24"; implausible pairs are left out. Kept
    once read: the integrated plan asks about the same few age bands for every unit's priorities."""
    found = []
    for low, high in AGE_RANGE.findall(text):
        start, end = int(low), int(high)
        if 5 <= start < end <= 99:
            found.append((start, end))
    return tuple(found)


def overlaps(band: str, ranges: Iterable[tuple[int, int]]) -> bool:
    """Whether the audience's age band shares at least half of the narrower range (so 18–40 does
    not match 12–19 on one year's overlap)."""
    for low, high in ages(band):
        for other_low, other_high in ranges:
            shared = min(high, other_high) - max(low, other_low)
            if shared > 0 and shared * 2 >= min(high - low, other_high - other_low):
                return True
    return False


def volt_text(entry: RiskProfileEntry) -> str:
    return " ".join((entry.victims, entry.offenders, entry.locations, entry.times)).lower()


def suggest_audiences(entry: RiskProfileEntry, audiences: Sequence[Audience], mapped: set[tuple[int, int]],
                      approved: set[tuple[int, int]]) -> list[Suggestion]:
    """The audiences this element most needs to reach in this unit, best first, with the reasons.

    `mapped` and `approved` hold (element id, audience id) pairs that have a message map, and an
    approved one."""
    text, people = volt_text(entry), ages(f"{entry.victims} {entry.offenders}")
    words_of = {segment: [word for word in words if word in text] for segment, words in SEGMENT_WORDS.items()}
    found = []
    for audience in audiences:
        suggestion = Suggestion(audience)
        if people and overlaps(audience.age_band, people):
            suggestion.score += 2
            suggestion.reasons.append(f"the VOLT notes name people aged {format_ages(people)}")
        if people and audience.segment in AROUND_CHILDREN and any(low < 18 for low, _ in people):
            suggestion.score += 1
            suggestion.reasons.append("the victims or offenders include under-18s")
        words = words_of.get(audience.segment, [])
        if words:
            suggestion.score += min(len(words), 2)
            suggestion.reasons.append(f"the VOLT notes mention “{words[0]}”")
        pair = (entry.element_id, audience.id)
        if pair in approved:
            suggestion.score += 2
            suggestion.reasons.append("an approved message map already speaks to them about it")
        elif pair in mapped:
            suggestion.score += 1
            suggestion.reasons.append("a message map for them is being written")
        if suggestion.score >= 2:
            found.append(suggestion)
    found.sort(key=lambda s: (-s.score, s.audience.name))
    return found[:MAX_SUGGESTED]


def format_ages(ranges: Sequence[tuple[int, int]]) -> str:
    return ", ".join(f"{low}–{high}" for low, high in dict.fromkeys(ranges))


@dataclass(frozen=True)
class ChannelReach:
    channel: Channel
    score: int
    evidence: str


def best_channels(audience: Audience, channels: Sequence[Channel],
                  affinity: Mapping[tuple[int, int], Affinity], *, limit: int = 2) -> list[ChannelReach]:
    """The channels that reach the audience best (score 2 or 3), cheaper and quicker ones first on a tie."""
    cost = {"none": 0, "low": 1, "medium": 2, "high": 3}
    scored = [ChannelReach(channel, row.score, row.evidence) for channel in channels
              if (row := affinity.get((audience.id, channel.id))) is not None and row.score >= 2]
    scored.sort(key=lambda c: (-c.score, cost.get(c.channel.cost_band.value, 9), c.channel.lead_time_days,
                               c.channel.name))
    return scored[:limit]


class SuggestionMemo:
    """`suggest_audiences` remembered across requests, as audience ids, by everything it reads: the
    entry's element and VOLT notes, each audience's id, name, age band and segment, and which
    audiences have a message map (and an approved one) for the element. A change to any of them
    makes a new key, so nothing needs clearing when audiences, maps or profiles change; the memo is
    emptied when it reaches `limit` keys."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self.found: dict[tuple[object, ...], tuple[int, ...]] = {}

    def audience_ids(self, entry: RiskProfileEntry, audiences: Sequence[Audience],
                     mapped: set[tuple[int, int]], approved: set[tuple[int, int]],
                     keys: SuggestionKeys) -> tuple[int, ...]:
        """The ids of the audiences suggested for `entry`, best first; `keys` is made once per
        request from the same audiences, mapped and approved pairs."""
        key = (entry.element_id, entry.victims, entry.offenders, entry.locations, entry.times,
               keys.audiences, keys.pairs.get(entry.element_id))
        found = self.found.get(key)
        if found is None:
            found = tuple(s.audience.id for s in suggest_audiences(entry, audiences, mapped, approved))
            if len(self.found) >= self.limit:
                self.found.clear()
            self.found[key] = found
        return found


@dataclass(frozen=True)
class SuggestionKeys:
    """What the suggestions depend on beyond the entry, made hashable once per request."""

    audiences: tuple[tuple[int, str, str, Segment], ...]
    pairs: dict[int, tuple[frozenset[int], frozenset[int]]]  # element → (mapped, approved) audiences

    @classmethod
    def of(cls, audiences: Sequence[Audience], mapped: set[tuple[int, int]],
           approved: set[tuple[int, int]]) -> SuggestionKeys:
        by_element: dict[int, tuple[set[int], set[int]]] = {}
        for pairs, index in ((mapped, 0), (approved, 1)):
            for element_id, audience_id in pairs:
                by_element.setdefault(element_id, (set(), set()))[index].add(audience_id)
        return cls(tuple((a.id, a.name, a.age_band, a.segment) for a in audiences),
                   {element: (frozenset(m), frozenset(a)) for element, (m, a) in by_element.items()})


SUGGESTIONS = SuggestionMemo()
