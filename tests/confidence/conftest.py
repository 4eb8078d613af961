"""Units, measures and people for confidence tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from commsplan.auth.models import Role, User
from commsplan.confidence import results
from commsplan.confidence.models import ConfidenceMeasure
from commsplan.reference.models import BusinessUnit
from tests.factories import make_unit, make_user


@pytest.fixture
def officer(session: Any, now: datetime) -> User:
    return make_user(session, roles=[Role.COMMS_OFFICER], now=now)


@pytest.fixture
def force(session: Any, now: datetime) -> BusinessUnit:
    return make_unit(session, now=now, code="CORP", name="Corporate")


@pytest.fixture
def boroughs(session: Any, now: datetime, force: BusinessUnit) -> list[BusinessUnit]:
    return [make_unit(session, now=now, parent=force, code=code, name=name)
            for code, name in (("RIV", "Riverside"), ("HIL", "Hillside"), ("MAR", "Marsh"))]


@pytest.fixture
def measure(session: Any, now: datetime, officer: User) -> ConfidenceMeasure:
    return results.create_measure(
        session, code="DEALING", name="Dealing with local issues",
        question="How much do you agree that the police and local council are dealing with the "
                 "anti-social behaviour and crime issues that matter in this area?",
        source="Test survey", is_headline=True, actor=officer, now=now)


def add_result(session: Any, *, measure: ConfidenceMeasure, unit: BusinessUnit, period: date, value: float,
               sample: int = 400, margin: float | None = None, actor: User, now: datetime) -> None:
    results.enter_result(session, measure=measure, unit=unit, period=period,
                         values=results.ResultValues(value, sample, margin), actor=actor, now=now)
