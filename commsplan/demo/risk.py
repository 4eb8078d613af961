"""Demo risk profiles: the corporate centre and every borough command, this financial year and last.

The entries are `data/risk_entries.csv`, in the risk profile import's own format, written for the
financial years in `risk_profiles.yaml` (`written_for` and the year before); loading in a later year
moves them to that year and the one before. For each year the officer drafts every unit's profile
with its notes, imports the year's figures in one file, and pins the ranks boards set; then each
profile not waiting for its board is approved. The clock is set to when each step happened early
in its year, so the audit log, ranks and trends are what real use leaves behind.
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


Rows = dict[str, list[dict[str, str]]]  # the CSV's rows by unit code


def draft_profiles(session: Session, drafts: list[tuple[BusinessUnit, Timeline]], waiting: set[str], *,
                   officer: User) -> list[tuple[RiskProfile, Timeline]]:
    """Each unit's empty draft with its notes, made at its own time."""
    made = []
    for unit, timeline in drafts:
        notes = profile_notes(unit.code, timeline.year, draft=unit.code in waiting)
        profile = profiles.create_profile(session, unit=unit, year=timeline.year, notes=notes, actor=officer,
                                          now=timeline.drafted)
        made.append((profile, timeline))
    return made


def load_year(session: Session, drafts: list[tuple[BusinessUnit, Timeline]], rows: Rows, period: str, *,
              officer: User, approver: User) -> list[RiskProfile]:
    """The officer drafts each unit's profile with its notes, then imports the year's figures for all
    of them in one file, pins the ranks the boards set, and the approver approves those not waiting
    for their board."""
    waiting = set(settings()["drafts_this_year"]) if period == "this" else set()
    made = draft_profiles(session, drafts, waiting, officer=officer)
    if not made:
        return []
    imported_at = max(timeline.drafted for _, timeline in made)
    text = write_csv(profile_csv.COLUMNS, ([row[column] for column in profile_csv.COLUMNS]
                                          for unit, _ in drafts for row in rows[unit.code]))
    profile_csv.import_profiles(session, text, year=made[0][1].year, actor=officer, now=imported_at)
    for profile, timeline in made:
        session.refresh(profile, ["entries"])
        pin_ranks(session, profile, period, actor=officer, now=imported_at)
        if profile.unit.code not in waiting:
            profiles.approve_profile(session, profile, actor=approver,
                                     now=max(timeline.approved, imported_at))
    return [profile for profile, _ in made]


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
        drafts = [(units[code], Timeline(year, number, now)) for number, code in enumerate(codes)
                  if code in units and (units[code].id, year) not in taken and rows.get(code)]
        made = load_year(session, drafts, rows, period, officer=officer, approver=approver)
        added += [f"risk profile {profile.unit.code} {profile.year_label}" for profile in made]
    return added
