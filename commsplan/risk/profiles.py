"""Risk profile rules: one per unit and year, entries checked field by field, ranks and trends computed.

Priority rank is highest harm first (ties: higher volume, then the element's order); an officer may
pin an entry to a rank with a reason, and the others fill the remaining ranks in harm order. Trend
compares volume with the same unit's profile for the year before, when there is one; neither is stored.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, PermissionDenied, ValidationError
from commsplan.numbers import EARLIEST_YEAR, LATEST_YEAR
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk.models import (
    Likelihood,
    ProfileStatus,
    RiskProfile,
    RiskProfileEntry,
    year_label,
)

WRITERS = (Role.COMMS_OFFICER, Role.ADMIN)
APPROVERS = (Role.APPROVER,)
FIRST_YEAR, LAST_YEAR = EARLIEST_YEAR, LATEST_YEAR
MAX_RANK = 99
NOTES_LIMIT = 4000
TEXT_LIMITS = {"harm_method": 120, "override_reason": 2000, "victims": 4000, "offenders": 4000,
               "locations": 4000, "times": 4000}


@dataclass(frozen=True)
class EntryValues:
    """What an officer enters for one element; numbers already parsed, None when left blank."""

    volume: int | None
    harm_score: float | None
    harm_method: str = ""
    likelihood: str = Likelihood.MEDIUM.value
    victims: str = ""
    offenders: str = ""
    locations: str = ""
    times: str = ""
    confidence: float | None = None
    force_confidence: float | None = None
    priority_override: int | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class RankedEntry:
    entry: RiskProfileEntry
    rank: int
    harm_rank: int
    trend: str | None  # None when there is no profile for the year before

    @property
    def overridden(self) -> bool:
        return self.entry.priority_override is not None


@dataclass(frozen=True)
class ProfileFilter:
    year: int | None = None
    unit_id: int | None = None
    status: ProfileStatus | None = None


def check_entry(values: EntryValues) -> dict[str, list[str]]:
    """Every problem with the values, by field; empty when they can be saved."""
    found: list[tuple[str, str]] = []
    if values.volume is None or values.volume < 0:
        found.append(("volume", "Enter the volume as a whole number" if values.volume is None
                      else "Volume must be 0 or more"))
    if values.harm_score is None or values.harm_score < 0:
        found.append(("harm_score", "Enter the harm score as a number" if values.harm_score is None
                      else "Harm score must be 0 or more"))
    if not values.harm_method.strip():
        found.append(("harm_method", "Enter the harm method, for example Cambridge Crime Harm Index"))
    if values.likelihood not in set(Likelihood):
        found.append(("likelihood", "Choose low, medium or high"))
    found += [(name, "Enter a percentage from 0 to 100") for name in ("confidence", "force_confidence")
              if (percent := getattr(values, name)) is not None and not 0 <= percent <= 100]
    found += check_override(values)
    found += [(name, f"Use {limit:,} characters or fewer") for name, limit in TEXT_LIMITS.items()
              if len(getattr(values, name)) > limit]
    errors: dict[str, list[str]] = {}
    for name, message in found:
        errors.setdefault(name, []).append(message)
    return errors


def check_override(values: EntryValues) -> list[tuple[str, str]]:
    """A pinned rank must be in range and say why it differs from the rank by harm."""
    if values.priority_override is None:
        return []
    found = []
    if not 1 <= values.priority_override <= MAX_RANK:
        found.append(("priority_override", f"Enter a rank from 1 to {MAX_RANK}"))
    if not values.override_reason.strip():
        found.append(("override_reason", "Enter why this rank overrides the one from harm"))
    return found


def entry_fields(values: EntryValues) -> dict[str, object]:
    fields = asdict(values)
    fields["likelihood"] = Likelihood(values.likelihood)
    fields["override_reason"] = values.override_reason.strip() if values.priority_override else ""
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


def require_draft(profile: RiskProfile) -> None:
    if profile.status is ProfileStatus.APPROVED:
        raise Conflict(f"The {profile.year_label} profile for {profile.unit.name} is approved; "
                       "it can no longer change")


def touch(profile: RiskProfile, *, actor: User, now: datetime) -> None:
    profile.updated_by_id = actor.id
    profile.updated_at = now


def financial_year(now: datetime) -> int:
    """The financial year `now` falls in: April 2026 to March 2027 is 2026."""
    return now.year if now.month >= 4 else now.year - 1


def create_profile(
    session: Session, *, unit: BusinessUnit, year: int, notes: str = "", actor: User, now: datetime
) -> RiskProfile:
    """A new draft profile; refuses a second profile for the same unit and year."""
    if find_profile(session, unit_id=unit.id, year=year) is not None:
        raise Conflict(f"{unit.name} already has a profile for {year_label(year)}", field="unit")
    return create_profiles(session, units=[unit], year=year, notes=notes, actor=actor, now=now)[0]


def create_profiles(
    session: Session, *, units: Sequence[BusinessUnit], year: int, notes: str = "", actor: User,
    now: datetime,
) -> list[RiskProfile]:
    """New draft profiles for `units`, none of which may have one for the year yet (the caller
    has checked); one INSERT and one audit INSERT however many."""
    require_role(actor, WRITERS, "write risk profiles")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError.single("year", f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}")
    if len(notes) > NOTES_LIMIT:
        raise ValidationError.single("notes", f"Use {NOTES_LIMIT:,} characters or fewer")
    made = [RiskProfile(unit=unit, year=year, notes=notes.strip(), status=ProfileStatus.DRAFT,
                        updated_by_id=actor.id, created_at=now, updated_at=now) for unit in units]
    audit.add_all_audited(session, made, actor=actor, now=now)
    return made


def update_notes(session: Session, profile: RiskProfile, *, notes: str, actor: User, now: datetime
                 ) -> bool:
    """Change a draft profile's notes (sources, scope, caveats); False if they are unchanged."""
    require_role(actor, WRITERS, "write risk profiles")
    require_draft(profile)
    if len(notes) > NOTES_LIMIT:
        raise ValidationError.single("notes", f"Use {NOTES_LIMIT:,} characters or fewer")
    if not audit.update_audited(session, profile, {"notes": notes.strip()}, actor=actor, now=now):
        return False
    touch(profile, actor=actor, now=now)
    session.flush()
    return True


def save_entry(
    session: Session, profile: RiskProfile, *, element: ViolenceElement, values: EntryValues,
    actor: User, now: datetime,
) -> RiskProfileEntry:
    """Add or replace the profile's entry for `element`; a draft only, every field checked."""
    return save_entries(session, [(profile, element, values)], actor=actor, now=now)[0][1]


EntryChange = tuple[RiskProfile, ViolenceElement, EntryValues]


def save_entries(
    session: Session, changes: Sequence[EntryChange], *, actor: User, now: datetime
) -> list[tuple[str, RiskProfileEntry]]:
    """Add or replace many entries, all or none, each checked as one would be (drafts only, every
    field); new entries go in one INSERT, changed ones in one batched UPDATE, audited together.
    Returns ("created", "updated" or "unchanged", the entry) for each change, in order."""
    require_role(actor, WRITERS, "write risk profiles")
    for profile, _, values in changes:
        require_draft(profile)
        if errors := check_entry(values):
            raise ValidationError(errors)
    found = {(p.id, e.id): next((x for x in p.entries if x.element_id == e.id), None)
             for p, e, _ in changes}
    new = [{"profile_id": p.id, "element_id": e.id, **entry_fields(v)} for p, e, v in changes
           if found[(p.id, e.id)] is None]
    updates = [(entry, entry_fields(v)) for p, e, v in changes if (entry := found[(p.id, e.id)])]
    for entry in audit.insert_all_audited(session, RiskProfileEntry, new, actor=actor, now=now):
        found[(entry.profile_id, entry.element_id)] = entry
    changed = dict(zip((id(entry) for entry, _ in updates),
                       audit.update_all_audited(session, updates, actor=actor, now=now), strict=True))
    outcomes = []
    for profile, element, _ in changes:
        entry = found[(profile.id, element.id)]
        assert entry is not None
        outcome = "unchanged" if changed.get(id(entry)) == {} else (
            "updated" if id(entry) in changed else "created")
        if outcome != "unchanged":
            touch(profile, actor=actor, now=now)
        if outcome == "created":
            session.expire(profile, ["entries"])
        outcomes.append((outcome, entry))
    session.flush()
    return outcomes


def add_entry(
    session: Session, profile: RiskProfile, *, element: ViolenceElement, values: EntryValues,
    actor: User, now: datetime,
) -> RiskProfileEntry:
    """Add an element the draft does not cover yet; one already in it is changed, not added again."""
    require_role(actor, WRITERS, "write risk profiles")
    require_draft(profile)
    if any(entry.element_id == element.id for entry in profile.entries):
        raise ValidationError.single("element", f"{element.name} is already in this profile: "
                                                "change its entry instead")
    if element.is_retired:
        raise ValidationError.single("element", f"{element.name} is retired: choose an element in use")
    return save_entry(session, profile, element=element, values=values, actor=actor, now=now)


def remove_entry(session: Session, entry: RiskProfileEntry, *, actor: User, now: datetime) -> None:
    """Take an element out of a draft profile, recording what it held in the audit log."""
    require_role(actor, WRITERS, "write risk profiles")
    profile = entry.profile
    require_draft(profile)
    audit.delete_audited(session, entry, actor=actor, now=now)
    session.expire(profile, ["entries"])
    touch(profile, actor=actor, now=now)
    session.flush()


def missing_elements(session: Session, profile: RiskProfile) -> list[ViolenceElement]:
    """Elements in use that the profile has no entry for, in the reference order."""
    present = {entry.element_id for entry in profile.entries}
    query = (select(ViolenceElement).where(ViolenceElement.retired_at.is_(None))
             .order_by(ViolenceElement.position, ViolenceElement.code))
    return [element for element in session.scalars(query) if element.id not in present]


def update_entry(
    session: Session, entry: RiskProfileEntry, *, values: EntryValues, actor: User, now: datetime
) -> RiskProfileEntry:
    """Change one entry, including pinning its rank (which needs a reason)."""
    return save_entry(session, entry.profile, element=entry.element, values=values, actor=actor,
                      now=now)


def approve_profile(session: Session, profile: RiskProfile, *, actor: User, now: datetime) -> None:
    """Approve a draft; the approver may not be the person who last changed it."""
    require_role(actor, APPROVERS, "approve risk profiles")
    require_draft(profile)
    if not profile.entries:
        raise Conflict("Add at least one element before approving the profile")
    if profile.updated_by_id == actor.id:
        raise PermissionDenied("You made the last change to this profile; another approver must "
                               "approve it")
    audit.update_audited(session, profile, {"status": ProfileStatus.APPROVED}, actor=actor, now=now,
                         action="approve")
    profile.approved_by_id, profile.approved_at = actor.id, now
    session.flush()


def find_profile(session: Session, *, unit_id: int, year: int) -> RiskProfile | None:
    return session.scalar(select(RiskProfile).where(RiskProfile.unit_id == unit_id,
                                                    RiskProfile.year == year))


def get_profile(session: Session, profile_id: int) -> RiskProfile:
    """The profile with its entries and their elements, or NotFound."""
    profile = session.scalar(select(RiskProfile).where(RiskProfile.id == profile_id)
                             .options(selectinload(RiskProfile.entries)))
    if profile is None:
        raise NotFound("There is no such risk profile")
    return profile


def get_entry(session: Session, profile_id: int, entry_id: int) -> RiskProfileEntry:
    entry = session.get(RiskProfileEntry, entry_id)
    if entry is None or entry.profile_id != profile_id:
        raise NotFound("There is no such entry in this risk profile")
    return entry


def profiles_query(criteria: ProfileFilter) -> Select[RiskProfile]:
    """Newest year first, then by unit code."""
    query = (select(RiskProfile).join(RiskProfile.unit)
             .order_by(RiskProfile.year.desc(), BusinessUnit.code, RiskProfile.id))
    if criteria.year is not None:
        query = query.where(RiskProfile.year == criteria.year)
    if criteria.unit_id is not None:
        query = query.where(RiskProfile.unit_id == criteria.unit_id)
    if criteria.status is not None:
        query = query.where(RiskProfile.status == criteria.status)
    return query


def entry_counts(session: Session, profile_ids: Iterable[int]) -> dict[int, int]:
    """How many elements each profile covers, in one query."""
    rows = session.execute(select(RiskProfileEntry.profile_id, func.count())
                           .where(RiskProfileEntry.profile_id.in_(list(profile_ids)))
                           .group_by(RiskProfileEntry.profile_id))
    return {profile_id: count for profile_id, count in rows}


def profile_years(session: Session) -> list[int]:
    return list(session.scalars(select(RiskProfile.year).distinct().order_by(RiskProfile.year.desc())))


def harm_order(entries: Sequence[RiskProfileEntry]) -> list[RiskProfileEntry]:
    return sorted(entries, key=lambda e: (-e.harm_score, -e.volume, e.element.position, e.element.code))


def ranks(entries: Sequence[RiskProfileEntry]) -> dict[int, tuple[int, int]]:
    """Element id → (priority rank, rank by harm alone); pinned ranks first, others fill the gaps."""
    by_harm = harm_order(entries)
    harm_rank = {entry.element_id: number for number, entry in enumerate(by_harm, start=1)}
    taken: set[int] = set()
    result: dict[int, tuple[int, int]] = {}
    pinned = sorted((e for e in by_harm if e.priority_override is not None),
                    key=lambda e: (e.priority_override or 0, harm_rank[e.element_id]))
    for entry in pinned:
        rank = entry.priority_override or 1
        while rank in taken:
            rank += 1
        taken.add(rank)
        result[entry.element_id] = (rank, harm_rank[entry.element_id])
    free = (number for number in itertools.count(1) if number not in taken)
    for entry in by_harm:
        if entry.element_id not in result:
            result[entry.element_id] = (next(free), harm_rank[entry.element_id])
    return result


def trend(volume: int, previous: int | None) -> str:
    """Volume against the year before: "up 12%", "down 3%", "no change", or "new"."""
    if previous is None:
        return "new"
    if previous == 0:
        return "no change" if volume == 0 else "up from 0"
    change = round((volume - previous) / previous * 100)
    return "no change" if change == 0 else f"up {change}%" if change > 0 else f"down {-change}%"


def previous_profile(session: Session, profile: RiskProfile) -> RiskProfile | None:
    return session.scalar(select(RiskProfile).where(
        RiskProfile.unit_id == profile.unit_id, RiskProfile.year == profile.year - 1)
        .options(selectinload(RiskProfile.entries)))


def ranked_entries(session: Session, profile: RiskProfile) -> list[RankedEntry]:
    """The profile's entries in priority order with their trends, in a fixed number of queries."""
    before = previous_profile(session, profile)
    volumes = {e.element_id: e.volume for e in before.entries} if before is not None else None
    order = ranks(profile.entries)
    rows = [RankedEntry(entry=e, rank=order[e.element_id][0], harm_rank=order[e.element_id][1],
                        trend=None if volumes is None else trend(e.volume, volumes.get(e.element_id)))
            for e in profile.entries]
    return sorted(rows, key=lambda row: (row.rank, row.harm_rank))
