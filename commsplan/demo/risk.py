"""Demo risk profiles: the corporate centre and every borough command, this financial year and last.

The entries are `data/risk_entries.csv`, in the risk profile import's own format, written for the
financial years in `risk_profiles.yaml` (`written_for` and the year before); loading in a later year
moves them to that year and the one before. Each profile is drafted with its notes, its entries
imported, its pinned ranks set and, unless it waits for its board, approved, with the clock set to
when each step happened early in its year, so the audit log, ranks and trends are what real use
leaves behind.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.csv_io import write_csv
from commsplan.auth.models import User
from commsplan.demo.files import read_text, read_yaml
from commsplan.reference.models import BusinessUnit
from commsplan.risk import profile_csv, profiles
from commsplan.risk.models import RiskProfile

CORPORATE = "CORP"


def settings() -> dict[str, Any]:
    return dict(read_yaml("risk_profiles.yaml"))


def entry_rows(this_year: int) -> dict[int, dict[str, list[dict[str, str]]]]:
    """The CSV's rows by year and unit, the demo's own years moved so that `written_for` is `this_year`."""
    shift = this_year - settings()["written_for"]
    by_year: dict[int, dict[str, list[dict[str, str]]]] = {}
    for row in csv.DictReader(io.StringIO(read_text("risk_entries.csv"))):
        year = int(row["year"]) + shift
        by_year.setdefault(year, {}).setdefault(row["unit"], []).append({**row, "year": str(year)})
    return by_year


def profile_notes(code: str, year: int, draft: bool) -> str:
    notes = settings()["notes"]
    parts = [notes["force_scope"]] if code == CORPORATE else []
    parts.append(notes["sources"].format(year=year))
    return " ".join(parts + ([notes["draft"]] if draft else []))


@dataclass(frozen=True)
class Timeline:
    """When a profile was drafted and approved: early in its financial year, a little later for each
    unit in turn, never after `now`."""

    year: int
    number: int
    now: datetime

    def at(self, days: int, hours: int) -> datetime:
        start = datetime(self.year, 4, 1, 9, tzinfo=self.now.tzinfo)
        return min(start + timedelta(days=days + self.number // 6, hours=hours + self.number % 6), self.now)

    @property
    def drafted(self) -> datetime:
        return self.at(settings()["drafted_days_in"], 0)

    @property
    def approved(self) -> datetime:
        return self.at(settings()["approved_days_in"], 1)


def pin_ranks(session: Session, profile: RiskProfile, period: str, *, actor: User, now: datetime) -> None:
    """The ranks a board set against the harm order, with its reasons."""
    for pin in settings()["pinned"]:
        if pin["unit"] != profile.unit.code or pin["year"] != period:
            continue
        entry = next(e for e in profile.entries if e.element.code == pin["element"])
        held = {field.name: getattr(entry, field.name) for field in fields(profiles.EntryValues)}
        values = profiles.EntryValues(**{**held, "priority_override": pin["rank"],
                                         "override_reason": pin["reason"]})
        profiles.update_entry(session, entry, values=values, actor=actor, now=now)


def load_profile(session: Session, unit: BusinessUnit, rows: list[dict[str, str]], period: str, *,
                 people: tuple[User, User | None], timeline: Timeline) -> RiskProfile:
    """Draft the profile as the officer, import its entries and, unless `people` has no approver,
    approve it."""
    officer, approver = people
    year, at = timeline.year, timeline.drafted
    profile = profiles.create_profile(session, unit=unit, year=year, actor=officer, now=at,
                                      notes=profile_notes(unit.code, year, draft=approver is None))
    text = write_csv(profile_csv.COLUMNS, ([row[column] for column in profile_csv.COLUMNS] for row in rows))
    profile_csv.import_profiles(session, text, year=year, actor=officer, now=at)
    session.refresh(profile, ["entries"])
    pin_ranks(session, profile, period, actor=officer, now=at)
    if approver is not None and profile.entries:
        profiles.approve_profile(session, profile, actor=approver, now=timeline.approved)
    return profile


def load_profiles(session: Session, *, officer: User, approver: User, now: datetime) -> list[str]:
    """Last year's profiles approved and this year's mostly approved, for the corporate centre and every
    borough command; a unit and year with a profile already is left alone. Returns what was added."""
    this_year = profiles.financial_year(now)
    codes = settings()["units"]
    units = {unit.code: unit for unit in session.scalars(
        select(BusinessUnit).where(BusinessUnit.code.in_(codes)))}
    taken = {(unit_id, year) for unit_id, year in session.execute(
        select(RiskProfile.unit_id, RiskProfile.year))}
    added = []
    by_year = entry_rows(this_year)
    for period, year in (("last", this_year - 1), ("this", this_year)):
        rows = by_year.get(year, {})
        for number, code in enumerate(codes):
            unit = units.get(code)
            if unit is None or (unit.id, year) in taken or not rows.get(code):
                continue
            draft = period == "this" and code in settings()["drafts_this_year"]
            profile = load_profile(session, unit, rows[code], period,
                                   people=(officer, None if draft else approver),
                                   timeline=Timeline(year, number, now))
            added.append(f"risk profile {code} {profile.year_label}")
    return added
