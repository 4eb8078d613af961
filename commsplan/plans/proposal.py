"""Drafting a plan from a risk profile: priorities, audiences, channels, messages and a calendar.

`propose` reads and never writes. It takes the profile's highest priorities, suggests the audiences
their VOLT notes point to (insight.py), the channels that reach those audiences best (affinity),
the approved message maps that fit, and two activities for each audience spread over the year:
timed for the months the notes name as peaks where they name any, never starting sooner than the
channel's lead time allows. `confirm` writes the proposal, as the officer edited it, through the
ordinary plan services in the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences import service as affinity
from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audiences.models import Affinity, Audience, Channel, Segment
from commsplan.auth.models import User
from commsplan.errors import ValidationError
from commsplan.messages.models import MessageMap, MessageStatus, RipeStrand
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, items, service
from commsplan.plans.insight import ChannelReach, Suggestion, best_channels, suggest_audiences
from commsplan.plans.models import CommPlan
from commsplan.plans.rules import PlanRules
from commsplan.reference.models import ViolenceElement
from commsplan.reference.service import active_items
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile
from commsplan.timeutil import to_london

PRIORITIES = 3
ACTIVITY_DAYS = 14
SECOND_WAVE_MONTHS = 4
MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")), start=1) for name in names}
SEASONS = {"summer": (6, 7, 8), "winter": (12, 1, 2), "autumn": (10, 11), "spring": (3, 4, 5),
           "dark evenings": (10, 11, 12, 1, 2), "christmas": (12,), "school holidays": (7, 8),
           "half term": (10, 2), "new year": (1,)}
MONTH_RANGE = re.compile(r"\b([a-z]{3,9})\s*(?:–|-|to)\s*([a-z]{3,9})\b")
PREVENTION_SEGMENTS = {Segment.YOUNG_PEOPLE, Segment.AT_RISK, Segment.EDUCATION, Segment.PARENTS_CARERS,
                       Segment.PARTNER}


@dataclass
class ProposedActivity:
    title: str
    element: ViolenceElement
    audience: Audience
    channel: Channel
    message_map: MessageMap | None
    starts_on: date
    ends_on: date
    ripe_strand: RipeStrand
    reason: str


@dataclass
class Priority:
    rank: int
    entry: profiles.RankedEntry
    audiences: list[Suggestion]
    channels: dict[int, list[ChannelReach]]


@dataclass
class Proposal:
    profile: RiskProfile
    title: str
    sections: service.Sections
    priorities: list[Priority]
    activities: list[ProposedActivity]
    objectives: list[items.ObjectiveValues]
    metrics: list[items.MetricValues]
    skipped: list[str] = field(default_factory=list)


def peak_months(times: str) -> list[int]:
    """Months a VOLT "times" note names as busy: "Oct–Feb", "in summer", "December"."""
    text = times.lower()
    months: list[int] = []
    for start, end in MONTH_RANGE.findall(text):
        if start in MONTHS and end in MONTHS:
            month = MONTHS[start]
            while True:
                months.append(month)
                if month == MONTHS[end]:
                    break
                month = month % 12 + 1
    months += [MONTHS[word] for word in re.findall(r"[a-z]+", text) if word in MONTHS and len(word) > 3]
    months += [month for season, named in SEASONS.items() if season in text for month in named]
    return list(dict.fromkeys(months))


def next_tuesday(day: date) -> date:
    return day + timedelta(days=(1 - day.weekday()) % 7)


def first_day_of(month: int, year: int) -> date:
    """The month's first day within the financial year starting in April of `year`."""
    return date(year + (month < 4), month, 1)


def start_days(times: str, year: int, earliest: date, slot: int) -> list[date]:
    """Start days for one audience: a first wave two weeks before the first peak the notes name (or
    spread by `slot` when they name none) and a second wave some months later, if the year has room."""
    year_end = date(year + 1, 3, 31)
    peaks = [first_day_of(month, year) for month in peak_months(times)]
    upcoming = sorted(day for day in peaks if day >= earliest)
    if upcoming:
        first = max(upcoming[0] - timedelta(days=14), earliest)
    else:
        first = min(earliest + timedelta(days=30 * (slot % 4)), max(earliest, year_end - timedelta(days=60)))
    first = next_tuesday(first)
    room = (year_end - first).days
    gap = min(30 * SECOND_WAVE_MONTHS, room // 2)
    return [first, next_tuesday(first + timedelta(days=gap))] if gap >= 3 * ACTIVITY_DAYS // 2 else [first]


def ripe_for(audience: Audience) -> RipeStrand:
    """Prevention for the young and those around them; reassurance for everyone else."""
    return RipeStrand.PREVENTION if audience.segment in PREVENTION_SEGMENTS else RipeStrand.REASSURANCE


@dataclass(frozen=True)
class Library:
    """What proposals draw on, read once: audiences, channels, affinity and message maps."""

    audiences: list[Audience]
    channels: list[Channel]
    affinity: dict[tuple[int, int], Affinity]
    maps: list[MessageMap]

    def best_map(self, element_id: int, audience_id: int, unit_id: int) -> MessageMap | None:
        """The unit's own approved map first, then a force-wide approved one, then any draft."""
        fitting = [m for m in self.maps if m.element_id == element_id and m.audience_id == audience_id
                   and m.unit_id in (None, unit_id)]
        fitting.sort(key=lambda m: (m.approved_number is None, m.unit_id is None, m.id))
        return fitting[0] if fitting else None


def library(session: Session) -> Library:
    maps = list(session.scalars(select(MessageMap).where(MessageMap.status != MessageStatus.RETIRED)))
    return Library(active_items(session, AUDIENCES), active_items(session, CHANNELS),
                   dict(affinity.affinities(session)), maps)


def propose(session: Session, profile: RiskProfile, *, now: datetime, rules: PlanRules) -> Proposal:
    """A draft plan for the profile's unit and year; nothing is written."""
    lib = library(session)
    mapped = {(m.element_id, m.audience_id) for m in lib.maps if m.unit_id in (None, profile.unit_id)}
    approved = {(m.element_id, m.audience_id) for m in lib.maps
                if m.approved_number is not None and m.unit_id in (None, profile.unit_id)}
    ranked = profiles.ranked_entries(session, profile)[:PRIORITIES]
    priorities = []
    for row in ranked:
        suggestions = suggest_audiences(row.entry, lib.audiences, mapped, approved)
        channels = {s.audience.id: best_channels(s.audience, lib.channels, lib.affinity)
                    for s in suggestions}
        priorities.append(Priority(row.rank, row, suggestions, channels))
    earliest = max(date(profile.year, 4, 1), to_london(now).date() + timedelta(days=1))
    planned, skipped = schedule_activities(profile, priorities, lib, earliest)
    proposal = Proposal(profile, f"{profile.unit.name} violence communication plan {profile.year_label}",
                        service.Sections(), priorities, planned, objectives_for(profile, ranked),
                        metrics_for(profile, ranked, len(planned)), skipped)
    proposal.sections = sections_for(proposal)
    return proposal


def schedule_activities(profile: RiskProfile, priorities: Sequence[Priority], lib: Library, earliest: date
                        ) -> tuple[list[ProposedActivity], list[str]]:
    year_end = date(profile.year + 1, 3, 31)
    planned, skipped, slot = [], [], 0
    for priority in priorities:
        element = priority.entry.entry.element
        for suggestion in priority.audiences:
            audience = suggestion.audience
            choice = next(iter(priority.channels.get(audience.id, [])), None)
            if choice is None:
                skipped.append(f"{element.name} for {audience.name}: no channel reaches them well "
                               "(affinity 2 or 3); add one on the affinity grid")
                continue
            message_map = lib.best_map(element.id, audience.id, profile.unit_id)
            ready = earliest + timedelta(days=choice.channel.lead_time_days)
            days = start_days(priority.entry.entry.times, profile.year, ready, slot)
            for number, day in enumerate(days, start=1):
                if day > year_end:
                    skipped.append(f"{element.name} for {audience.name} (wave {number}): too late in the "
                                   f"year, as {choice.channel.name} needs {choice.channel.lead_time_days} "
                                   "days' notice")
                    continue
                planned.append(ProposedActivity(
                    f"{element.name}: {choice.channel.name} for {audience.name} (wave {number})"[:200],
                    element, audience, choice.channel, message_map, day,
                    min(day + timedelta(days=ACTIVITY_DAYS - 1), year_end),
                    ripe_for(audience), "; ".join(suggestion.reasons)))
            slot += 1
    planned.sort(key=lambda p: (p.starts_on, p.title))
    return planned, skipped


# --- Objectives, metrics and the words of the sections -----------------------------------------

def objectives_for(profile: RiskProfile, ranked: Sequence[profiles.RankedEntry]
                   ) -> list[items.ObjectiveValues]:
    """A 5% fall in volume for each priority, and confidence up to the force's level."""
    deadline = date(profile.year + 1, 3, 31)
    found = [items.ObjectiveValues(
        statement=f"Reduce {row.entry.element.name.lower()} in {profile.unit.name} by 5%",
        metric=f"Recorded {row.entry.element.name.lower()} offences", unit_of_measure="offences",
        baseline=float(row.entry.volume), target=float(round(row.entry.volume * 0.95)), deadline=deadline,
        element_id=row.entry.element_id) for row in ranked if row.entry.volume > 0]
    confidence = confidence_figures(ranked)
    if confidence is not None:
        unit, force = confidence
        target = force if force > unit else unit + 2
        found.append(items.ObjectiveValues(
            statement=f"Raise confidence in {profile.unit.name} to {target:g}%",
            metric="Confidence measure: the police and council deal with the issues that matter",
            unit_of_measure="%", baseline=unit, target=target, deadline=deadline))
    return found


def confidence_figures(ranked: Sequence[profiles.RankedEntry]) -> tuple[float, float] | None:
    """The unit's and the force's confidence measure, from the first entry that has both."""
    for row in ranked:
        if row.entry.confidence is not None and row.entry.force_confidence is not None:
            return row.entry.confidence, row.entry.force_confidence
    return None


def metrics_for(profile: RiskProfile, ranked: Sequence[profiles.RankedEntry], planned: int
                ) -> list[items.MetricValues]:
    confidence = confidence_figures(ranked)
    found = [
        items.MetricValues("inputs", "Staff time and spend", "Activity costs recorded in Commsplan", "£"),
        items.MetricValues("outputs", "Activities delivered as planned", "Activity status in Commsplan",
                           "activities", 0, float(planned)),
        items.MetricValues("outtakes", "Recall of the messages among the audiences",
                           "Post-campaign survey of each audience", "%"),
        items.MetricValues("outcomes", "Confidence measure", "Public attitude survey, quarterly", "%",
                           confidence[0] if confidence else None, confidence[1] if confidence else None,
                           is_confidence=True),
    ]
    if ranked:
        top = ranked[0].entry
        found.append(items.MetricValues(
            "impact", f"Harm score for {top.element.name.lower()}", top.harm_method or "Harm index", "",
            top.harm_score, round(top.harm_score * 0.95, 1)))
    return found


def sections_for(proposal: Proposal) -> service.Sections:
    profile = proposal.profile
    lines = [f"Priorities from the {profile.year_label} risk profile for {profile.unit.name}, highest harm "
             "first:", ""]
    lines += [f"{p.rank}. **{p.entry.entry.element.name}**: harm {p.entry.entry.harm_score:,.0f}, volume "
              f"{p.entry.entry.volume:,}{f' ({p.entry.trend})' if p.entry.trend else ''}"
              for p in proposal.priorities]
    lines += ["", "Each has a SMART objective below; confidence is measured against the force's."]
    insight = []
    for p in proposal.priorities:
        entry = p.entry.entry
        insight += [f"**{entry.element.name}.** Victims: {entry.victims or 'not recorded'}. Offenders: "
                    f"{entry.offenders or 'not recorded'}. Where and when: "
                    f"{'; '.join(t for t in (entry.locations, entry.times) if t) or 'not recorded'}.", ""]
        insight += [f"- {s.audience.name}: {'; '.join(s.reasons)}." for s in p.audiences] or \
                   ["- No audience stands out from the notes: choose audiences by hand."]
        insight.append("")
    strategy = []
    for p in proposal.priorities:
        for s in p.audiences:
            picks = p.channels.get(s.audience.id, [])
            reach = ", ".join(f"{c.channel.name} (reaches {('many', 'most')[c.score - 2]})" for c in picks)
            strategy.append(f"- {p.entry.entry.element.name} for {s.audience.name}: "
                            f"{reach or 'no channel reaches them well yet'}.")
    implementation = [f"{len(proposal.activities)} activities, each starting no sooner than its channel's "
                      "lead time allows and timed for the months the profile names as peaks:", ""]
    implementation += [f"- {a.starts_on:%-d %b %Y}: {a.title}" for a in proposal.activities]
    implementation += [f"- Not planned: {note}" for note in proposal.skipped]
    scoring = ["Evaluated at every level, from inputs to impact (see the metrics), and reported each quarter "
               "to the borough's violence reduction board. The confidence measure is the headline outcome."]
    return service.Sections("\n".join(lines), "\n".join(insight).strip(), "\n".join(strategy),
                            "\n".join(implementation), "\n".join(scoring))


# --- Confirming --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Confirmed:
    """What the officer kept of the proposal, as edited on the page."""

    title: str
    owner_id: int | None
    sections: service.Sections
    activities: list[tuple[int, activities.ActivityValues]]  # (row on the page, values)


def confirm(session: Session, profile: RiskProfile, confirmed: Confirmed, *, proposal: Proposal,
            actor: User, now: datetime, delivery: DeliverySettings, rules: PlanRules) -> CommPlan:
    """Create the plan with the proposal's objectives and metrics and the activities kept."""
    details = service.PlanDetails(unit_id=profile.unit_id, year=profile.year, title=confirmed.title,
                                  owner_id=confirmed.owner_id)
    plan = service.create_plan(session, details=details, sections=confirmed.sections, actor=actor, now=now,
                               delivery=delivery)
    for objective in proposal.objectives:
        items.save_objective(session, plan, objective, actor=actor, now=now)
    for metric in proposal.metrics:
        items.save_metric(session, plan, metric, actor=actor, now=now)
    for number, values in confirmed.activities:
        try:
            activities.save_activity(session, plan, values, actor=actor, now=now, delivery=delivery,
                                     rules=rules)
        except ValidationError as error:
            raise ValidationError({f"activities-{number}-{name}": messages
                                   for name, messages in error.field_errors.items()}) from None
    return plan
