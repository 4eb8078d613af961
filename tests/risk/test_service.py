"""Risk profile rules: field checks, ranks, overrides, trends and approval."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk import profiles
from commsplan.risk.models import ProfileStatus
from tests.factories import make_user
from tests.risk.conftest import entry_values, make_profile


def test_ranks_put_highest_harm_first(session: Any, now: datetime, officer: User,
                                      units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements, harms=[10, 300, 42],
                           actor=officer, now=now)
    rows = profiles.ranked_entries(session, profile)
    assert [(row.entry.element.code, row.rank) for row in rows] == [("AWI", 1), ("ROB", 2), ("MSV", 3)]
    assert all(row.trend is None for row in rows)  # no profile for 2025


def test_an_override_pins_the_rank_and_others_fill_the_gaps(
    session: Any, now: datetime, officer: User, units: list[BusinessUnit], elements: list[ViolenceElement]
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements, harms=[10, 300, 42],
                           actor=officer, now=now)
    lowest = next(e for e in profile.entries if e.element.code == "MSV")
    profiles.update_entry(session, lowest, values=entry_values(harm_score=10, priority_override=1,
                                                               override_reason="Two recent homicides"),
                          actor=officer, now=now)
    rows = profiles.ranked_entries(session, profile)
    assert [(row.entry.element.code, row.rank, row.harm_rank) for row in rows] == [
        ("MSV", 1, 3), ("AWI", 2, 1), ("ROB", 3, 2)]
    assert rows[0].overridden
    changes = session.scalars(select(AuditEntry.changes).where(
        AuditEntry.object_type == "risk_profile_entry", AuditEntry.action == "update")).all()
    assert changes and changes[-1]["priority_override"] == [None, 1]


def test_an_override_needs_a_reason(session: Any, now: datetime, officer: User,
                                    units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    profile = profiles.create_profile(session, unit=units[0], year=2026, actor=officer, now=now)
    with pytest.raises(ValidationError) as failure:
        profiles.save_entry(session, profile, element=elements[0],
                            values=entry_values(priority_override=2, override_reason="  "),
                            actor=officer, now=now)
    assert failure.value.errors == {"override_reason": ["Enter why this rank overrides the one from harm"]}


@pytest.mark.parametrize(("values", "field"), [
    ({"volume": -1}, "volume"), ({"volume": None}, "volume"), ({"harm_score": -0.5}, "harm_score"),
    ({"harm_score": None}, "harm_score"), ({"harm_method": ""}, "harm_method"),
    ({"likelihood": "certain"}, "likelihood"), ({"confidence": 101.0}, "confidence"),
    ({"force_confidence": -1.0}, "force_confidence"),
    ({"priority_override": 0, "override_reason": "x"}, "priority_override"),
])
def test_bad_values_are_named_by_field(values: dict[str, Any], field: str) -> None:
    assert list(profiles.check_entry(entry_values(**values))) == [field]


def test_trend_against_the_year_before(session: Any, now: datetime, officer: User,
                                       units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    make_profile(session, unit=units[0], year=2025, elements=elements[:2], harms=[1, 1], volumes=[100, 200],
                 actor=officer, now=now)
    make_profile(session, unit=units[1], year=2025, elements=elements, harms=[1, 1, 1],
                 volumes=[1, 1, 1], actor=officer, now=now)  # another unit: never compared
    current = make_profile(session, unit=units[0], year=2026, elements=elements, harms=[3, 2, 1],
                           volumes=[112, 194, 5], actor=officer, now=now)
    trends = {row.entry.element.code: row.trend for row in profiles.ranked_entries(session, current)}
    assert trends == {"MSV": "up 12%", "AWI": "down 3%", "ROB": "new"}


@pytest.mark.parametrize(("volume", "previous", "expected"), [
    (100, 100, "no change"), (0, 0, "no change"), (5, 0, "up from 0"), (5, None, "new"), (0, 4, "down 100%")])
def test_trend_wording(volume: int, previous: int | None, expected: str) -> None:
    assert profiles.trend(volume, previous) == expected


def test_one_profile_per_unit_and_year(session: Any, now: datetime, officer: User,
                                       units: list[BusinessUnit]) -> None:
    profiles.create_profile(session, unit=units[0], year=2026, actor=officer, now=now)
    with pytest.raises(Conflict):
        profiles.create_profile(session, unit=units[0], year=2026, actor=officer, now=now)
    profiles.create_profile(session, unit=units[0], year=2027, actor=officer, now=now)


def test_approval_rules(session: Any, now: datetime, officer: User, approver: User,
                        units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements, harms=[3, 2, 1],
                           actor=officer, now=now)
    with pytest.raises(PermissionDenied):
        profiles.approve_profile(session, profile, actor=officer, now=now)  # not an approver
    both = make_user(session, roles=[*officer.roles, *approver.roles], now=now)
    profiles.save_entry(session, profile, element=elements[0], values=entry_values(volume=7),
                        actor=both, now=now)
    with pytest.raises(PermissionDenied, match="last change"):
        profiles.approve_profile(session, profile, actor=both, now=now)
    profiles.approve_profile(session, profile, actor=approver, now=now)
    assert profile.status is ProfileStatus.APPROVED and profile.approved_by_id == approver.id
    with pytest.raises(Conflict, match="approved"):
        profiles.save_entry(session, profile, element=elements[1], values=entry_values(),
                            actor=officer, now=now)
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "approve")) is not None


def test_an_empty_profile_cannot_be_approved(session: Any, now: datetime, officer: User, approver: User,
                                             units: list[BusinessUnit]) -> None:
    profile = profiles.create_profile(session, unit=units[0], year=2026, actor=officer, now=now)
    with pytest.raises(Conflict):
        profiles.approve_profile(session, profile, actor=approver, now=now)


def test_financial_year_starts_in_april() -> None:
    assert profiles.financial_year(datetime(2027, 3, 31, 23, 0, tzinfo=UTC)) == 2026
    assert profiles.financial_year(datetime(2026, 4, 1, 0, 0, tzinfo=UTC)) == 2026


def test_a_second_profile_is_refused_on_the_unit_field(session: Any, now: datetime, officer: User,
                                                       units: list[BusinessUnit]) -> None:
    profiles.create_profile(session, unit=units[0], year=2026, notes="  From the 2026 assessment ",
                            actor=officer, now=now)
    with pytest.raises(Conflict) as failure:
        profiles.create_profile(session, unit=units[0], year=2026, actor=officer, now=now)
    assert failure.value.field_errors == {"unit": ["Riverside already has a profile for 2026–27"]}
    with pytest.raises(ValidationError) as too_long:
        profiles.create_profile(session, unit=units[1], year=2026, notes="x" * 4001, actor=officer,
                                now=now)
    assert list(too_long.value.errors) == ["notes"]
    with pytest.raises(PermissionDenied):
        profiles.create_profile(session, unit=units[1], year=2026, actor=make_user(session, now=now),
                                now=now)
    assert profiles.find_profile(session, unit_id=units[0].id, year=2026).notes == "From the 2026 assessment"


def test_adding_an_element_the_profile_already_has_is_refused(
    session: Any, now: datetime, officer: User, approver: User, units: list[BusinessUnit],
    elements: list[ViolenceElement],
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[5],
                           actor=officer, now=now)
    added = profiles.add_entry(session, profile, element=elements[1], values=entry_values(volume=9),
                               actor=officer, now=now)
    assert added.volume == 9 and len(profile.entries) == 2
    with pytest.raises(ValidationError) as failure:
        profiles.add_entry(session, profile, element=elements[0], values=entry_values(), actor=officer,
                           now=now)
    assert failure.value.errors == {
        "element": ["Most serious violence is already in this profile: change its entry instead"]}
    with pytest.raises(ValidationError) as bad:
        profiles.add_entry(session, profile, element=elements[2], values=entry_values(volume=None),
                           actor=officer, now=now)
    assert list(bad.value.errors) == ["volume"]
    profiles.approve_profile(session, profile, actor=approver, now=now)
    with pytest.raises(Conflict, match="approved"):
        profiles.add_entry(session, profile, element=elements[2], values=entry_values(), actor=officer,
                           now=now)


def test_removing_an_entry_is_audited_and_only_from_a_draft(
    session: Any, now: datetime, officer: User, approver: User, units: list[BusinessUnit],
    elements: list[ViolenceElement],
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements, harms=[5, 6, 7],
                           actor=officer, now=now)
    entry = next(e for e in profile.entries if e.element.code == "AWI")
    with pytest.raises(PermissionDenied):
        profiles.remove_entry(session, entry, actor=approver, now=now)
    profiles.remove_entry(session, entry, actor=officer, now=now)
    assert sorted(e.element.code for e in profile.entries) == ["MSV", "ROB"]
    removed = session.scalar(select(AuditEntry).where(AuditEntry.action == "delete",
                                                      AuditEntry.object_type == "risk_profile_entry"))
    assert removed is not None and removed.changes["harm_score"] == [6.0, None]
    assert removed.object_label == "RIV 2026–27: AWI"
    profiles.approve_profile(session, profile, actor=approver, now=now)
    with pytest.raises(Conflict, match="approved"):
        profiles.remove_entry(session, profile.entries[0], actor=officer, now=now)
