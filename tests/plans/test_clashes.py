"""Activities in sensitivity windows: which windows an activity falls in (unit, element, audience,
time), the reason needed inside an "avoid" window, and the channel lead-time check at save time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.errors import ValidationError
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, clashes
from commsplan.plans.models import Activity, CommPlan
from commsplan.plans.rules import PlanRules
from commsplan.sensitivity import service as windows
from commsplan.sensitivity.models import SensitivityWindow
from tests.plans.conftest import Catalogue, People, PlanMaker, Reference, activity_values, london
from tests.plans.pages import written

# The default activity runs 11–15 January 2027, about personal robbery (ROB), to pupils, in Hackney (GD).


def window(session: Session, people: People, now: datetime, **changes: Any) -> SensitivityWindow:
    values: dict[str, Any] = {"title": "Funeral of a Hackney teenager", "kind": "funeral",
                              "severity": "avoid",
                              "first_day": date(2027, 1, 14), "last_day": date(2027, 1, 14), **changes}
    return windows.save_window(session, windows.WindowValues(**values), actor=people.officer, now=now)


def save(session: Session, plan: CommPlan, values: activities.ActivityValues, people: People, now: datetime,
         *, activity: Activity | None = None) -> Activity:
    return activities.save_activity(session, plan, values, actor=people.officer, now=now,
                                    delivery=DeliverySettings(), rules=PlanRules(), activity=activity)


@pytest.mark.parametrize(("touches", "falls_in"), [
    ({}, True),
    ({"unit": "GD"}, True),
    ({"unit": "CW"}, False),
    ({"element": "ROB"}, True),
    ({"element": "MSV"}, False),
    ({"audience": "pupils"}, True),
    ({"audience": "traders"}, False),
    ({"first_day": date(2027, 1, 16), "last_day": date(2027, 1, 20)}, False),  # after it ends
    ({"first_day": date(2027, 1, 1), "last_day": date(2027, 1, 11)}, True),  # ends on its first day
    ({"first_day": date(2027, 1, 1), "last_day": date(2027, 1, 10)}, False),
])
def test_an_activity_falls_in_a_window_touching_its_unit_element_audience_and_time(
        session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
        make_plan: PlanMaker, touches: dict[str, Any], falls_in: bool) -> None:
    plan = make_plan()
    activity = session.scalars(select(Activity).where(Activity.plan_id == plan.id)).one()
    changes: dict[str, Any] = {"severity": "take_care"}
    if "unit" in touches:
        changes["unit_ids"] = (reference.units[touches["unit"]].id,)
    if "element" in touches:
        changes["element_ids"] = (reference.elements[touches["element"]].id,)
    if "audience" in touches:
        changes["audience_ids"] = (getattr(catalogue, touches["audience"]).id,)
    changes |= {key: value for key, value in touches.items() if key.endswith("_day")}
    found = window(session, people, now, **changes)
    expected = [clashes.Clash(activity.id, found.id, found.title, found.severity)] if falls_in else []
    assert clashes.clashes_of(session, [activity.id]).get(activity.id, []) == expected


def test_a_force_wide_plan_is_touched_by_every_boroughs_window(
        session: Session, now: datetime, people: People, reference: Reference, make_plan: PlanMaker) -> None:
    corporate = make_plan(unit="CORP")
    borough = window(session, people, now, unit_ids=(reference.units["CW"].id,), severity="take_care")
    activity = session.scalars(select(Activity).where(Activity.plan_id == corporate.id)).one()
    assert [c.window_id for c in clashes.clashes_of(session, [activity.id])[activity.id]] == [borough.id]


def test_saving_inside_an_avoid_window_needs_a_reason_kept_with_the_activity_and_audited(
        session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
        make_plan: PlanMaker) -> None:
    plan = make_plan()
    window(session, people, now, unit_ids=(reference.units["GD"].id,))
    values = activity_values(catalogue, reference, people.officer, title="Robbery advice assemblies")
    before = written()
    with pytest.raises(ValidationError) as raised:
        save(session, plan, values, people, now)
    assert raised.value.errors["window_reason"] == [
        "It falls in “Funeral of a Hackney teenager” (14 January 2027 to 14 January 2027), a time to avoid "
        "campaign work: enter why it must go ahead then"]
    assert written() == before
    reason = "Booked with the school; the family liaison officer has agreed"
    saved = save(session, plan, activities.ActivityValues(**{**values.__dict__, "window_reason": reason}),
                 people, now)
    assert saved.window_reason == reason
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "plan_activity",
                                                     AuditEntry.object_id == str(saved.id))).one()
    assert entry.changes["window_reason"] == [None, reason]


def test_a_take_care_window_or_one_elsewhere_needs_no_reason(
        session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
        make_plan: PlanMaker) -> None:
    plan = make_plan()
    window(session, people, now, severity="take_care")
    window(session, people, now, unit_ids=(reference.units["CW"].id,))
    saved = save(session, plan, activity_values(catalogue, reference, people.officer,
                                                window_reason="not needed"), people, now)
    assert saved.window_reason == ""  # kept only while it falls in an avoid window


def test_a_cancelled_activity_needs_no_reason(session: Session, now: datetime, people: People,
                                             reference: Reference, catalogue: Catalogue,
                                             make_plan: PlanMaker) -> None:
    plan = make_plan()
    window(session, people, now)
    saved = save(session, plan, activity_values(catalogue, reference, people.officer, status="cancelled"),
                 people, now)
    assert saved.id is not None


# --- The channel's lead time ---------------------------------------------------------------------

def soon(catalogue: Catalogue, reference: Reference, people: People, **changes: Any
         ) -> activities.ActivityValues:
    """A poster campaign (21 days' lead time) six days out from 20 November 2026."""
    values = {"channel_id": catalogue.posters.id, "starts_at": london(date(2026, 11, 26)),
              "ends_at": london(date(2026, 12, 31)), "reminder_days": 21, **changes}
    return activity_values(catalogue, reference, people.officer, **values)


def test_a_strict_channel_refuses_a_start_inside_its_lead_time(
        session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
        make_plan: PlanMaker) -> None:
    plan = make_plan()
    catalogue.posters.lead_time_strict = True
    session.flush()
    before = written()
    with pytest.raises(ValidationError) as raised:
        save(session, plan, soon(catalogue, reference, people), people, now)
    assert raised.value.errors["starts_at"] == [
        "Bus shelter posters needs 21 days' notice: it should start on or after 11 December 2026"]
    assert written() == before
    in_time = soon(catalogue, reference, people, starts_at=london(date(2026, 12, 11), "00:00"))
    saved = save(session, plan, in_time, people, now)
    assert saved.id is not None


def test_a_strict_channel_lets_an_activity_already_inside_its_lead_time_be_changed(
        session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
        make_plan: PlanMaker) -> None:
    plan = make_plan()
    saved = save(session, plan, soon(catalogue, reference, people), people, now)  # warned, not refused
    catalogue.posters.lead_time_strict = True
    session.flush()
    changed = save(session, plan, soon(catalogue, reference, people, notes="Printer confirmed"), people, now,
                   activity=saved)
    assert changed.notes == "Printer confirmed"


def test_the_lead_time_shortfall_is_named_for_new_and_moved_starts_only(
        catalogue: Catalogue, reference: Reference, people: People, now: datetime) -> None:
    values = soon(catalogue, reference, people)
    assert activities.lead_time_shortfall(catalogue.posters, values, now, None) == (
        "Bus shelter posters needs 21 days' notice: it should start on or after 11 December 2026")
    assert activities.lead_time_shortfall(catalogue.sms, values, now, None) is None  # 2 days' notice
    done = soon(catalogue, reference, people, status="done")
    assert activities.lead_time_shortfall(catalogue.posters, done, now, None) is None
