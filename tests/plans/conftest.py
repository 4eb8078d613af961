"""Plan fixtures: the strategy's reference data, people, audiences and channels, and a plan maker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel, Segment
from commsplan.auth.models import Role, User
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, items, service, workflow
from commsplan.plans.models import CommPlan
from commsplan.plans.rules import PlanRules
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.reference.seed import seed_reference
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile
from commsplan.timeutil import london_moment
from tests.audiences.helpers import make_audience, make_channel
from tests.conftest import sign_in
from tests.factories import make_user
from tests.plans.pages import pin_clock

YEAR = 2026  # the tests' clock is 20 November 2026, in financial year 2026–27


@dataclass(frozen=True)
class People:
    officer: User
    second_officer: User
    approver: User
    officer_approver: User
    viewer: User


@dataclass(frozen=True)
class Reference:
    elements: dict[str, ViolenceElement]
    units: dict[str, BusinessUnit]


@dataclass(frozen=True)
class Catalogue:
    pupils: Audience
    parents: Audience
    traders: Audience
    sms: Channel      # 2 days' lead time
    posters: Channel  # 21 days' lead time


@pytest.fixture
def people(session: Session, now: datetime) -> People:
    return People(
        officer=make_user(session, roles=(Role.COMMS_OFFICER,), name="Tom Officer", now=now),
        second_officer=make_user(session, roles=(Role.COMMS_OFFICER,), name="Sam Second", now=now),
        approver=make_user(session, roles=(Role.APPROVER,), name="Helen Approver", now=now),
        officer_approver=make_user(session, roles=(Role.COMMS_OFFICER, Role.APPROVER), name="Bo Both",
                                   now=now),
        viewer=make_user(session, roles=(Role.VIEWER,), name="Vic Viewer", now=now),
    )


@pytest.fixture
def reference(session: Session, now: datetime) -> Reference:
    seed_reference(session, actor=None, now=now)
    return Reference({e.code: e for e in session.scalars(select(ViolenceElement))},
                     {u.code: u for u in session.scalars(select(BusinessUnit))})


@pytest.fixture
def catalogue(session: Session, now: datetime) -> Catalogue:
    return Catalogue(
        pupils=make_audience(session, now=now, name="Secondary school pupils aged 11–16",
                             segment=Segment.YOUNG_PEOPLE, age_band="11–16"),
        parents=make_audience(session, now=now, name="Parents and carers", segment=Segment.PARENTS_CARERS),
        traders=make_audience(session, now=now, name="High street traders", segment=Segment.BUSINESS),
        sms=make_channel(session, now=now, name="Borough SMS alerts", lead_time_days=2),
        posters=make_channel(session, now=now, name="Bus shelter posters", lead_time_days=21),
    )


@pytest.fixture
def delivery() -> DeliverySettings:
    return DeliverySettings()


@pytest.fixture
def rules() -> PlanRules:
    return PlanRules()


def london(day: date, clock: str = "10:00") -> datetime:
    return london_moment(day, clock)


def activity_values(catalogue: Catalogue, reference: Reference, owner: User, **changes: Any
                    ) -> activities.ActivityValues:
    values: dict[str, Any] = {
        "title": "Safer routes home assemblies", "element_id": reference.elements["ROB"].id,
        "audience_ids": (catalogue.pupils.id,), "channel_id": catalogue.sms.id,
        "starts_at": london(date(2027, 1, 11)), "ends_at": london(date(2027, 1, 15), "16:00"),
        "owner_id": owner.id, "ripe_strand": "prevention", **changes}
    return activities.ActivityValues(**values)


SECTIONS = service.Sections(
    objectives="Cut personal robbery of young people on the routes home from school.",
    audience_insight="Pupils aged 11–16 carry phones openly; parents want to know what is being done.",
    strategy="Reassure with visible patrols, and prevent with practical advice in schools.",
    implementation="Assemblies in every secondary school, SMS alerts to parents, posters at bus stops.",
    scoring="Robbery of under-18s and the confidence measure, reported each quarter.",
)


PlanMaker = Callable[..., CommPlan]
Login = Callable[[User], FlaskClient]


@pytest.fixture
def pinned_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """Plan pages read the clock, which decides the financial year: pin it to the tests' clock."""
    pin_clock(monkeypatch, now)


@pytest.fixture
def login(client: FlaskClient, session: Session) -> Login:
    """The test client signed in as `user`, after committing what the test has built."""

    def as_user(user: User) -> FlaskClient:
        session.commit()
        sign_in(client, user)
        return client

    return as_user


@pytest.fixture
def make_plan(session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue,
              delivery: DeliverySettings, rules: PlanRules) -> PlanMaker:
    """A plan through the services; `complete` adds what submission needs (an objective, metrics
    with the confidence measure and one activity)."""

    def make(*, unit: str = "GD", year: int = YEAR, owner: User | None = None, complete: bool = True,
             title: str | None = None) -> CommPlan:
        writer = owner or people.officer
        details = service.PlanDetails(unit_id=reference.units[unit].id, year=year,
                                      title=title or f"{reference.units[unit].name} violence plan",
                                      owner_id=writer.id)
        plan = service.create_plan(session, details=details, sections=SECTIONS if complete else
                                   service.Sections(), actor=writer, now=now, delivery=delivery)
        if complete:
            add_contents(session, plan, writer, now=now, catalogue=catalogue, reference=reference,
                         delivery=delivery, rules=rules)
        return plan

    return make


def add_contents(session: Session, plan: CommPlan, writer: User, *, now: datetime, catalogue: Catalogue,
                 reference: Reference, delivery: DeliverySettings, rules: PlanRules) -> None:
    items.save_objective(session, plan, items.ObjectiveValues(
        statement="Reduce robbery of under-18s by 10%", metric="Robbery of under-18s", baseline=620,
        target=558, deadline=date(plan.year + 1, 3, 31), unit_of_measure="offences"),
        actor=writer, now=now)
    items.save_metric(session, plan, items.MetricValues(
        level="outcomes", name="Confidence measure", data_source="Public attitude survey",
        unit_of_measure="%", baseline=44, target=49, is_confidence=True), actor=writer, now=now)
    activities.save_activity(session, plan, activity_values(catalogue, reference, writer), actor=writer,
                             now=now, delivery=delivery, rules=rules)


def approved(session: Session, plan: CommPlan, approver: User, *, now: datetime,
             delivery: DeliverySettings, rules: PlanRules) -> CommPlan:
    workflow.submit_plan(session, plan, actor=plan.owner, now=now, delivery=delivery)
    workflow.approve_plan(session, plan, number=plan.version_number, actor=approver,
                          now=now + timedelta(minutes=5), delivery=delivery, rules=rules)
    return plan


def make_profile(session: Session, *, unit: BusinessUnit, year: int, harms: dict[ViolenceElement, float],
                 actor: User, now: datetime, victims: str = "") -> RiskProfile:
    profile = profiles.create_profile(session, unit=unit, year=year, actor=actor, now=now)
    for element, harm in harms.items():
        profiles.save_entry(session, profile, element=element, actor=actor, now=now,
                            values=profiles.EntryValues(volume=100, harm_score=harm,
                                                        harm_method="Cambridge Crime Harm Index",
                                                        victims=victims))
    return profile
