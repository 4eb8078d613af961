"""The integrated plan: harm-weighted coverage, gaps ranked by harm, audience overload."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, integrated
from commsplan.plans.rules import PlanRules
from tests.plans.conftest import (
    YEAR,
    Catalogue,
    People,
    PlanMaker,
    Reference,
    activity_values,
    approved,
    london,
    make_profile,
)


def profiles_for_two_units(session: Session, now: datetime, people: People, reference: Reference) -> None:
    """Hackney: robbery first, with notes about pupils aged 12–16. Brent: most serious violence first."""
    robbery, msv = reference.elements["ROB"], reference.elements["MSV"]
    make_profile(
        session,
        unit=reference.units["GD"],
        year=YEAR,
        harms={robbery: 300.0, msv: 100.0},
        actor=people.officer,
        now=now,
        victims="pupils aged 12–16 on the way home from school",
    )
    make_profile(
        session,
        unit=reference.units["QK"],
        year=YEAR,
        harms={msv: 900.0, robbery: 50.0},
        actor=people.officer,
        now=now,
    )


def test_an_unapproved_plan_is_listed_but_not_counted(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    make_plan: PlanMaker,
    rules: PlanRules,
) -> None:
    profiles_for_two_units(session, now, people, reference)
    plan = make_plan(unit="GD")
    result = integrated.build(session, YEAR, rules=rules)
    assert result.plans == [plan] and result.counted_plan_ids == set()
    assert result.counted_total == 0
    texts = [gap.text for gap in result.gaps]
    assert (
        "Hackney borough command: personal robbery is priority 1, but its plan is not yet approved" in texts
    )
    assert (
        texts[0]
        == "Brent borough command: most serious violence is priority 1, but there is no plan for the year"
    )


def test_coverage_is_weighted_by_harm_and_gaps_ranked_by_it(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    profiles_for_two_units(session, now, people, reference)
    plan = approved(session, make_plan(unit="GD"), people.approver, now=now, delivery=delivery, rules=rules)
    result = integrated.build(session, YEAR, rules=rules)
    cell = result.cell(reference.elements["ROB"].id, catalogue.pupils.id)
    assert cell.activities == 1 and cell.units == {plan.unit_id}
    # Hackney holds 300 of the 350 robbery harm across both profiles
    assert cell.share(result.element_harm[reference.elements["ROB"].id]) == 300 / 350
    assert result.cell(reference.elements["ROB"].id, catalogue.parents.id).activities == 0
    first = result.gaps[0]
    assert (first.unit.code, first.element.code, first.rank, first.audience) == ("QK", "MSV", 1, None)
    assert [gap.harm for gap in result.gaps] == sorted((gap.harm for gap in result.gaps), reverse=True)
    hackney = [gap.text for gap in result.gaps if gap.unit.code == "GD"]
    assert (
        "Hackney borough command: most serious violence is priority 2, "
        "but no activity in its plan addresses it" in hackney
    )
    assert (
        "Hackney borough command: personal robbery is priority 1, but no activity reaches Parents and carers"
        in hackney
    )


def test_an_audience_reached_too_often_in_a_week_is_overloaded(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(unit="GD"), people.approver, now=now, delivery=delivery, rules=rules)
    for day in (11, 12, 13):  # the same week as the plan's first activity (Monday 11 January 2027)
        activities.save_activity(
            session,
            plan,
            activity_values(
                catalogue,
                reference,
                people.officer,
                title=f"Post {day}",
                starts_at=london(date(2027, 1, day)),
                ends_at=london(date(2027, 1, day), "12:00"),
            ),
            actor=people.officer,
            now=now,
            delivery=delivery,
            rules=rules,
        )
    result = integrated.build(session, YEAR, rules=rules)
    [overload] = result.overloads
    assert (overload.audience, overload.week, overload.count) == (catalogue.pupils, date(2027, 1, 11), 4)
    assert integrated.build(session, YEAR, rules=rules, per_week=4).overloads == []


def test_a_long_activity_counts_in_every_week_it_runs(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    catalogue: Catalogue,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    plan = approved(session, make_plan(unit="GD"), people.approver, now=now, delivery=delivery, rules=rules)
    start = london(date(2027, 2, 1))
    activities.save_activity(
        session,
        plan,
        activity_values(
            catalogue, reference, people.officer, starts_at=start, ends_at=start + timedelta(days=20)
        ),
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    result = integrated.build(session, YEAR, rules=rules, per_week=1)
    assert result.overloads == []
    busy, _ = integrated.find_overloads(session, YEAR, result.counted_plan_ids,
                                        {catalogue.pupils.id: catalogue.pupils}, 0)
    assert [o.week for o in busy if o.week >= date(2027, 2, 1)] == [
        date(2027, 2, 1),
        date(2027, 2, 8),
        date(2027, 2, 15),
    ]


def test_markdown_holds_units_gaps_and_coverage(
    session: Session,
    now: datetime,
    people: People,
    reference: Reference,
    make_plan: PlanMaker,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    profiles_for_two_units(session, now, people, reference)
    approved(session, make_plan(unit="GD"), people.approver, now=now, delivery=delivery, rules=rules)
    text = integrated.as_markdown(integrated.build(session, YEAR, rules=rules))
    assert text.startswith("# Integrated communication plan 2026–27")
    assert "| Brent borough command | None | Most serious violence | 0 | " in text
    assert (
        "- Brent borough command: most serious violence is priority 1, but there is no plan for the year"
        in text
    )
    assert "| Personal robbery | Secondary school pupils aged 11–16 | 1 | 1 | 86% | no |" in text


def test_the_corporate_units_gaps_are_listed_apart(
    session: Session, now: datetime, people: People, reference: Reference, rules: PlanRules
) -> None:
    """The corporate profile sums the force, so its harm would top every borough's."""
    profiles_for_two_units(session, now, people, reference)
    make_profile(
        session,
        unit=reference.units["CORP"],
        year=YEAR,
        harms={reference.elements["MSV"]: 9_999.0},
        actor=people.officer,
        now=now,
    )
    result = integrated.build(session, YEAR, rules=rules)
    assert [gap.unit.code for gap in result.corporate_gaps] == ["CORP"]
    assert result.unit_gaps[0].unit.code == "QK" and "CORP" not in {g.unit.code for g in result.unit_gaps}
