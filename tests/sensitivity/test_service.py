"""Sensitivity windows through the service: what is kept, what is refused (nothing saved), who may
change them, and every change in the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.errors import PermissionDenied, ValidationError
from commsplan.sensitivity import service
from commsplan.sensitivity.models import SensitivityWindow, Severity, WindowKind
from tests.plans.conftest import Catalogue, People, Reference
from tests.sensitivity.conftest import window_values


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_window_runs_from_midnight_to_midnight_london_time(
        session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue) -> None:
    window = service.save_window(session, window_values(
        first_day=date(2027, 4, 2), last_day=date(2027, 4, 3), unit_ids=(reference.units["GD"].id,),
        element_ids=(reference.elements["ROB"].id,), audience_ids=(catalogue.pupils.id,),
        note="  Family liaison officer asks for no campaign posts  "), actor=people.officer, now=now)
    assert window.starts_at == datetime(2027, 4, 1, 23, 0, tzinfo=UTC)  # BST: midnight is 23:00 UTC
    assert window.ends_at == datetime(2027, 4, 3, 23, 0, tzinfo=UTC)
    assert (window.first_day, window.last_day) == (date(2027, 4, 2), date(2027, 4, 3))
    assert window.kind is WindowKind.TRIAL and window.severity is Severity.AVOID
    assert window.unit_codes == ["GD"] and window.audience_names == [catalogue.pupils.name]
    assert window.note == "Family liaison officer asks for no campaign posts"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "sensitivity_window")).one()
    assert entry.action == "create" and entry.changes["unit_codes"] == [None, ["GD"]]


def test_a_change_is_audited_with_what_changed(session: Session, now: datetime, people: People,
                                               reference: Reference, window_maker: Any) -> None:
    window = window_maker()
    service.save_window(session, window_values(severity="take_care", last_day=date(2027, 1, 25)),
                        actor=people.officer, now=now, window=window)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update",
                                                     AuditEntry.object_type == "sensitivity_window")).one()
    assert entry.changes["severity"] == ["avoid", "take_care"]
    assert entry.changes["last_day"] == ["2027-01-22", "2027-01-25"]
    service.remove_window(session, window, actor=people.officer, now=now)
    assert count(session, SensitivityWindow) == 0
    assert session.scalar(select(func.count()).where(AuditEntry.action == "delete",
                                                     AuditEntry.object_type == "sensitivity_window")) == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"last_day": date(2027, 1, 10)}, "last_day", "The last day must be the same as or after the first day"),
    ({"first_day": None}, "first_day", "Enter the first day of the window"),
    ({"last_day": None}, "last_day", "Enter the last day of the window"),
    ({"last_day": date(2028, 6, 1)}, "last_day", "A window can last 400 days at most"),
    ({"title": "   "}, "title", "Enter what the window is for"),
    ({"title": "x" * 201}, "title", "Use 200 characters or fewer"),
    ({"kind": "picnic"}, "kind", "Choose what kind of window it is"),
    ({"severity": "ignore"}, "severity", "Choose whether to avoid campaign work or take care"),
    ({"unit_ids": (99_999,)}, "unit_ids", "Choose business units from the list"),
    ({"element_ids": (99_999,)}, "element_ids", "Choose violence elements from the list"),
    ({"audience_ids": (99_999,)}, "audience_ids", "Choose audiences from the list"),
    ({"unit_ids": tuple(range(1, 50))}, "unit_ids", "Choose 40 business units at most"),
    ({"note": "x" * 2001}, "note", "Use 2,000 characters or fewer"),
])
def test_bad_values_are_refused_on_their_field_and_nothing_is_saved(
        session: Session, now: datetime, people: People, reference: Reference, changes: dict[str, Any],
        field: str, message: str) -> None:
    audited = count(session, AuditEntry)
    with pytest.raises(ValidationError) as raised:
        service.save_window(session, window_values(**changes), actor=people.officer, now=now)
    assert raised.value.errors[field][0].startswith(message)
    assert count(session, SensitivityWindow) == 0 and count(session, AuditEntry) == audited


def test_a_retired_audience_cannot_be_chosen(session: Session, now: datetime, people: People,
                                             reference: Reference, catalogue: Catalogue) -> None:
    catalogue.traders.retired_at = now
    with pytest.raises(ValidationError) as raised:
        service.save_window(session, window_values(audience_ids=(catalogue.traders.id,)),
                            actor=people.officer, now=now)
    assert "audience_ids" in raised.value.errors


@pytest.mark.parametrize("who", ["viewer", "approver"])
def test_only_plan_writers_change_windows(session: Session, now: datetime, people: People,
                                          reference: Reference, who: str, window_maker: Any) -> None:
    window = window_maker()
    actor = getattr(people, who)
    with pytest.raises(PermissionDenied):
        service.save_window(session, window_values(), actor=actor, now=now)
    with pytest.raises(PermissionDenied):
        service.remove_window(session, window, actor=actor, now=now)


def test_windows_coming_and_over_are_listed_apart(session: Session, now: datetime, people: People,
                                                  reference: Reference, window_maker: Any) -> None:
    over = window_maker(title="Vigil", kind="vigil", first_day=date(2026, 10, 1), last_day=date(2026, 10, 1))
    running = window_maker(title="Running", first_day=date(2026, 11, 19), last_day=date(2026, 11, 21))
    coming = window_maker(title="Coming")
    assert list(session.scalars(service.windows_query(ending_after=now))) == [running, coming]
    assert list(session.scalars(service.windows_query(ended_before=now))) == [over]
