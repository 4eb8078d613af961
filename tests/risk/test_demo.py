"""The demo risk profiles: the corporate centre and every borough command, this year and last."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import User
from commsplan.demo.risk import entry_rows, load_profiles, settings
from commsplan.reference.models import UnitKind
from commsplan.reference.seed import seed_reference
from commsplan.risk import profiles
from commsplan.risk.models import ProfileStatus, RiskProfile, RiskProfileEntry

ELEMENTS = ("MSV", "AWI", "SSO", "ROB", "HATE", "DV", "HAR")
VOLT_FIELDS = ("victims", "offenders", "locations", "times")
BOROUGHS = [code for code in settings()["units"] if code != "CORP"]
DRAFTS = set(settings()["drafts_this_year"])

# Plausible yearly volumes for one London borough command.
VOLUME_RANGES = {"MSV": (30, 300), "AWI": (900, 5000), "SSO": (100, 700), "ROB": (150, 4000),
                 "HATE": (150, 1500), "DV": (700, 2600), "HAR": (800, 3500)}


@pytest.fixture
def loaded(session: Session, officer: User, approver: User, now: datetime) -> list[str]:
    seed_reference(session, actor=None, now=now)
    return load_profiles(session, officer=officer, approver=approver, now=now)


def all_profiles(session: Session) -> list[RiskProfile]:
    return list(session.scalars(select(RiskProfile).order_by(RiskProfile.year, RiskProfile.id)))


def audit_count(session: Session, object_type: str, action: str) -> int:
    return session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.object_type == object_type, AuditEntry.action == action)) or 0


def latest_profile_audit(session: Session) -> datetime:
    found = session.scalar(select(func.max(AuditEntry.at))
                           .where(AuditEntry.object_type.like("risk_profile%")))
    assert found is not None
    return found


def test_every_borough_and_the_corporate_centre_has_two_years(session: Session, loaded: list[str],
                                                              officer: User, approver: User,
                                                              now: datetime) -> None:
    found = all_profiles(session)
    assert len(loaded) == len(found) == 66
    assert Counter(p.year for p in found) == {2025: 33, 2026: 33}
    assert Counter(p.unit.kind for p in found) == {UnitKind.BOROUGH_COMMAND: 64, UnitKind.CORPORATE: 2}
    assert all(sorted(e.element.code for e in p.entries) == sorted(ELEMENTS) for p in found)
    assert all(p.updated_by_id == officer.id for p in found)
    approved = [p for p in found if p.status is ProfileStatus.APPROVED]
    assert all(p.approved_by_id == approver.id and p.approved_at is not None for p in approved)
    drafts = {p.unit.code for p in found if p.status is ProfileStatus.DRAFT}
    assert drafts == DRAFTS and all(p.year == 2026 for p in found if p.status is ProfileStatus.DRAFT)
    assert audit_count(session, "risk_profile", "create") == 66
    assert audit_count(session, "risk_profile_entry", "create") == 66 * 7
    assert audit_count(session, "risk_profile", "approve") == 60
    assert latest_profile_audit(session) <= now


def test_this_years_priorities_have_trends_and_volt_notes(session: Session, loaded: list[str]) -> None:
    trends = []
    for profile in (p for p in all_profiles(session) if p.year == 2026):
        ranked = profiles.ranked_entries(session, profile)
        assert [row.rank for row in ranked] == list(range(1, 8))
        assert all(row.trend and row.trend != "new" for row in ranked), profile.unit.code
        trends += [row.trend for row in ranked]
        for row in ranked[:3]:
            notes = [getattr(row.entry, name).strip() for name in VOLT_FIELDS]
            assert all(notes), (profile.unit.code, row.rank)
    assert any(t.startswith("up ") for t in trends) and any(t.startswith("down ") for t in trends)


def test_pinned_ranks_carry_their_reasons(session: Session, loaded: list[str]) -> None:
    pinned = list(session.scalars(select(RiskProfileEntry).where(
        RiskProfileEntry.priority_override.is_not(None))))
    assert len(pinned) >= 4 and all(entry.override_reason.strip() for entry in pinned)
    croydon = next(p for p in all_profiles(session) if p.unit.code == "ZD" and p.year == 2026)
    robbery = next(row for row in profiles.ranked_entries(session, croydon)
                   if row.entry.element.code == "ROB")
    # The written reason says harm alone ranks robbery fourth in Croydon.
    assert (robbery.rank, robbery.harm_rank, robbery.overridden) == (1, 4, True)


def test_the_corporate_profile_is_the_force_total(session: Session, loaded: list[str]) -> None:
    for year in (2025, 2026):
        entries = [e for p in all_profiles(session) if p.year == year for e in p.entries]
        corporate = {e.element.code: e for e in entries if e.profile.unit.code == "CORP"}
        for code in ELEMENTS:
            boroughs = [e for e in entries if e.element.code == code and e.profile.unit.code != "CORP"]
            assert corporate[code].volume == sum(e.volume for e in boroughs)
            assert corporate[code].harm_score == pytest.approx(sum(e.harm_score for e in boroughs))
            assert corporate[code].confidence == corporate[code].force_confidence
            assert 48 <= (corporate[code].force_confidence or 0) <= 52


def test_loading_again_adds_nothing(session: Session, loaded: list[str], officer: User, approver: User,
                                    now: datetime) -> None:
    before = session.scalar(select(func.count(AuditEntry.id)))
    assert load_profiles(session, officer=officer, approver=approver, now=now) == []
    assert session.scalar(select(func.count(AuditEntry.id))) == before


def test_loading_early_in_the_year_never_dates_anything_after_now(session: Session, officer: User,
                                                                  approver: User) -> None:
    early = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    seed_reference(session, actor=None, now=early)
    assert len(load_profiles(session, officer=officer, approver=approver, now=early)) == 66
    assert {p.year for p in all_profiles(session)} == {2025, 2026}
    assert latest_profile_audit(session) <= early


def demo_figures(year: int) -> dict[str, dict[str, dict[str, float]]]:
    """Unit code → element code → volume, harm score and confidence, from the demo's CSV."""
    return {unit: {row["element"]: {name: float(row[name]) for name in ("volume", "harm_score", "confidence")}
                   for row in rows}
            for unit, rows in entry_rows(2026)[year].items()}


@pytest.mark.parametrize("year", [2025, 2026])
def test_figures_are_plausible_for_london(year: int) -> None:
    entries = demo_figures(year)
    for borough in BOROUGHS:
        for code, (low, high) in VOLUME_RANGES.items():
            assert low <= entries[borough][code]["volume"] <= high, (borough, code)
        assert 38 <= entries[borough]["MSV"]["confidence"] <= 62
    for high_volume in ("CW", "LX", "MD", "KF", "ZD", "HT"):
        for low_volume in ("TW", "ZT", "VK", "QA"):
            for code in ("ROB", "AWI", "MSV"):
                assert entries[high_volume][code]["volume"] > entries[low_volume][code]["volume"]
    force = entries["CORP"]
    per_offence = {code: force[code]["harm_score"] / force[code]["volume"] for code in ELEMENTS}
    assert sorted(per_offence, key=per_offence.__getitem__, reverse=True)[:2] == ["MSV", "SSO"]


def test_year_on_year_changes_stay_within_a_fifth() -> None:
    now, before = demo_figures(2026), demo_figures(2025)
    changes = [now[unit][code]["volume"] / before[unit][code]["volume"] - 1
               for unit in now for code in ELEMENTS]
    assert all(-0.2 <= change <= 0.2 for change in changes)
    assert sum(change > 0 for change in changes) > 30 and sum(change < 0 for change in changes) > 30


def test_a_later_year_moves_the_figures_to_it() -> None:
    assert set(entry_rows(2030)) == {2029, 2030}
    assert entry_rows(2030)[2030]["ZD"] == [{**row, "year": "2030"} for row in entry_rows(2026)[2026]["ZD"]]


def test_demo_load_command_adds_the_profiles_once(runner: FlaskCliRunner, session: Session) -> None:
    assert runner.invoke(args=["demo", "load", "--commit"]).exit_code == 0
    assert session.scalar(select(func.count(RiskProfile.id))) == 66
    again = runner.invoke(args=["demo", "load", "--commit"])
    assert again.exit_code == 0, again.output
    assert session.scalar(select(func.count(RiskProfile.id))) == 66
