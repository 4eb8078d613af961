"""Demo risk profiles: the corporate centre and every borough command, this financial year and last.

Everything goes through the profile services with the clock set to when each step happened, so the
audit log, ranks and trends are what real use leaves behind. This year's volumes are written down in
`demo_profiles`; last year's follow from each element's change, drawn around London's trend by a
generator seeded with the borough and element, so every load gives the same numbers. The corporate
profile is the force total: the sum of the boroughs.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk import profiles
from commsplan.risk.demo_profiles import (
    BOROUGHS,
    CHANGES,
    CORPORATE,
    CORPORATE_NOTES,
    DRAFTS,
    ELEMENTS,
    FIGURES,
    FORCE_CONFIDENCE,
    HARM_METHOD,
    HARM_PER_OFFENCE,
    LONDON_TREND,
    NOTES,
    OVERRIDES,
    POPULATION,
    TEMPLATES,
    VOLT_FIELDS,
    Borough,
)
from commsplan.risk.models import Likelihood, RiskProfile

CURRENT, PREVIOUS = "current", "previous"
PERIODS = ((PREVIOUS, -1), (CURRENT, 0))
BY_CODE = {borough.code: borough for borough in BOROUGHS}
MAX_CHANGE = 0.18
# The force's view of likelihood, agreed at the Anti-Violence Board rather than worked out per borough.
CORPORATE_LIKELIHOOD = {
    PREVIOUS: {"MSV": "high", "AWI": "medium", "SSO": "high", "ROB": "high", "HATE": "medium", "DV": "high",
               "HAR": "medium"},
    CURRENT: {"MSV": "medium", "AWI": "medium", "SSO": "high", "ROB": "high", "HATE": "high", "DV": "high",
              "HAR": "medium"},
}


@dataclass(frozen=True)
class Cell:
    volume: int
    harm: float


Cells = dict[str, Cell]  # by element code


def draw(key: str, low: float, high: float) -> float:
    """A number in [low, high] that is the same on every run for the same key."""
    return random.Random(key).uniform(low, high)


def change(code: str, element: str) -> float:
    """A borough's volume this year against last, as a fraction: written down, or drawn around London's."""
    if (code, element) in CHANGES:
        return CHANGES[(code, element)]
    drawn = LONDON_TREND[element] + draw(f"trend {code} {element}", -0.09, 0.09)
    return round(min(MAX_CHANGE, max(-MAX_CHANGE, drawn)), 2)


def borough_cells(borough: Borough, period: str) -> Cells:
    """Volume and CCHI harm per element; harm per offence varies a little with each borough's offence mix."""
    cells = {}
    for element, this_year in zip(ELEMENTS, borough.volumes, strict=True):
        volume = this_year if period == CURRENT else round(this_year / (1 + change(borough.code, element)))
        per_offence = HARM_PER_OFFENCE[element] * (1 + draw(f"harm {borough.code} {element} {period}",
                                                            -0.07, 0.07))
        cells[element] = Cell(volume, float(round(volume * per_offence)))
    return cells


def year_cells(period: str) -> dict[str, Cells]:
    """Every unit's cells for the period, the corporate centre first."""
    by_unit = {borough.code: borough_cells(borough, period) for borough in BOROUGHS}
    force = {element: Cell(sum(cells[element].volume for cells in by_unit.values()),
                           sum(cells[element].harm for cells in by_unit.values())) for element in ELEMENTS}
    return {CORPORATE: force, **by_unit}


def likelihood(code: str, volume: int, force_volume: int, rising: float) -> Likelihood:
    """High where the rate per resident is well above London's, or rising fast from around it; low
    where it is well below London's and not rising."""
    index = (volume / POPULATION[code]) / (force_volume / sum(POPULATION.values()))
    if index >= 1.25 or (index >= 0.8 and rising >= 0.08):
        return Likelihood.HIGH
    if index <= 0.7 and rising < 0.05:
        return Likelihood.LOW
    return Likelihood.MEDIUM


def confidence(code: str, period: str) -> float:
    """The unit's confidence measure: written down for this year; last year a little higher, as in London."""
    if code == CORPORATE:
        return FORCE_CONFIDENCE[period]
    this_year = BY_CODE[code].confidence
    if period == CURRENT:
        return float(this_year)
    return float(min(62, max(38, this_year + random.Random(f"confidence {code}").randint(-1, 4))))


def template_key(borough: Borough, element: str) -> str:
    if element == "MSV" and borough.volumes[0] < 100:
        return "MSV-few"
    if element == "ROB" and borough.visitor_robbery:
        return "ROB-visitors"
    return element


def volt(code: str, element: str, period: str) -> dict[str, str]:
    """Victims, offenders, locations and times: written for the unit, or a template with its places."""
    texts: tuple[str, ...]
    if code == CORPORATE:
        texts = CORPORATE_NOTES[element]
    elif (code, element) in NOTES:
        texts = NOTES[(code, element)]
    else:
        borough = BY_CODE[code]
        key = template_key(borough, element)
        generator = random.Random(f"volt {code} {element} {period}")
        slots = {**asdict(borough), **{name: generator.randint(low, high)
                                       for name, (low, high) in FIGURES[key].items()}}
        texts = tuple(text.format(**slots) for text in TEMPLATES[key])
    return dict(zip(VOLT_FIELDS, texts, strict=True))


def noted_elements(code: str, cells: Cells, pinned: set[str]) -> set[str]:
    """Elements whose VOLT notes are filled in: the top three by harm, any pinned, any written for the
    unit; the corporate profile covers every element."""
    if code == CORPORATE:
        return set(ELEMENTS)
    top = sorted(ELEMENTS, key=lambda element: -cells[element].harm)[:3]
    return {*top, *pinned, *(element for unit, element in NOTES if unit == code)}


def unit_entries(code: str, period: str, cells: dict[str, Cells], rising: dict[str, float]
                 ) -> dict[str, profiles.EntryValues]:
    """What one unit's profile holds for each element in the period."""
    pinned = {element: why for (unit, element), why in OVERRIDES[period].items() if unit == code}
    noted = noted_elements(code, cells[code], set(pinned))
    entries = {}
    for element, cell in cells[code].items():
        rank, reason = pinned.get(element, (None, ""))
        level = (Likelihood(CORPORATE_LIKELIHOOD[period][element]) if code == CORPORATE else
                 likelihood(code, cell.volume, cells[CORPORATE][element].volume, rising.get(element, 0.0)))
        entries[element] = profiles.EntryValues(
            volume=cell.volume, harm_score=cell.harm, harm_method=HARM_METHOD, likelihood=level.value,
            confidence=confidence(code, period), force_confidence=FORCE_CONFIDENCE[period],
            priority_override=rank, override_reason=reason,
            **(volt(code, element, period) if element in noted else {}))
    return entries


def demo_entries(period: str) -> dict[str, dict[str, profiles.EntryValues]]:
    """Unit code → element code → the demo profile's entry for the period (no database needed)."""
    cells = year_cells(period)
    entries = {}
    for code in cells:
        rising = ({element: change(code, element) for element in ELEMENTS}
                  if period == CURRENT and code != CORPORATE else {})
        entries[code] = unit_entries(code, period, cells, rising)
    return entries


def profile_notes(code: str, year: int, draft: bool) -> str:
    scope = "The force total: the sum of the 32 borough commands. " if code == CORPORATE else ""
    notes = (f"{scope}Volumes: offences recorded on the force crime recording system in the 12 months to "
             f"31 March {year}, by where each happened. Harm: Cambridge Crime Harm Index, the starting-point "
             "sentence for each offence in days of custody, summed. Confidence: the public attitude survey, "
             "'the police do a good job in this area', rolling 12 months. Domestic violence offences are "
             "also counted under assault with injury or harassment.")
    return notes + (" Draft: awaiting agreement at the borough's community safety partnership board."
                    if draft else "")


@dataclass(frozen=True)
class Timeline:
    """When a profile was drafted and approved: early in its financial year, never after `now`."""

    year: int
    number: int
    now: datetime

    def at(self, days: int, hours: int) -> datetime:
        start = datetime(self.year, 4, 1, 9, tzinfo=self.now.tzinfo)
        return min(start + timedelta(days=days + self.number // 6, hours=hours + self.number % 6), self.now)

    @property
    def drafted(self) -> datetime:
        return self.at(8, 0)

    @property
    def approved(self) -> datetime:
        return self.at(29, 1)


def load_profile(session: Session, unit: BusinessUnit, year: int, entries: dict[str, profiles.EntryValues],
                 *, elements: dict[str, ViolenceElement], people: tuple[User, User | None],
                 timeline: Timeline) -> RiskProfile:
    """Draft the profile as the officer and, unless `people` has no approver, approve it."""
    officer, approver = people
    profile = profiles.create_profile(session, unit=unit, year=year, actor=officer, now=timeline.drafted,
                                      notes=profile_notes(unit.code, year, draft=approver is None))
    for code, values in entries.items():
        if code in elements:
            profiles.save_entry(session, profile, element=elements[code], values=values, actor=officer,
                                now=timeline.drafted)
    if approver is not None and profile.entries:
        profiles.approve_profile(session, profile, actor=approver, now=timeline.approved)
    return profile


def load_profiles(session: Session, *, officer: User, approver: User, now: datetime) -> list[str]:
    """Last year's profiles approved and this year's mostly approved, for the corporate centre and every
    borough command; a unit and year with a profile already is left alone. Returns what was added."""
    this_year = profiles.financial_year(now)
    units = {unit.code: unit for unit in session.scalars(
        select(BusinessUnit).where(BusinessUnit.code.in_([CORPORATE, *BY_CODE])))}
    elements = {element.code: element for element in session.scalars(
        select(ViolenceElement).where(ViolenceElement.code.in_(ELEMENTS),
                                      ViolenceElement.retired_at.is_(None)))}
    rows = session.execute(select(RiskProfile.unit_id, RiskProfile.year))
    taken = {(unit_id, year) for unit_id, year in rows}
    added = []
    for period, offset in PERIODS:
        year = this_year + offset
        for number, (code, entries) in enumerate(demo_entries(period).items()):
            unit = units.get(code)
            if unit is None or (unit.id, year) in taken:
                continue
            draft = period == CURRENT and code in DRAFTS
            profile = load_profile(session, unit, year, entries, elements=elements,
                                   people=(officer, None if draft else approver),
                                   timeline=Timeline(year, number, now))
            added.append(f"risk profile {code} {profile.year_label}")
    return added
