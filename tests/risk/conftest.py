"""Reference data and people for risk profile tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from commsplan.auth.models import Role, User
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile
from tests.factories import make_element, make_unit, make_user


def entry_values(**values: Any) -> profiles.EntryValues:
    fields: dict[str, Any] = {"volume": 100, "harm_score": 50.0, "harm_method": "Cambridge Crime Harm Index",
                              "likelihood": "medium", **values}
    return profiles.EntryValues(**fields)


@pytest.fixture
def officer(session: Any, now: datetime) -> User:
    return make_user(session, roles=[Role.COMMS_OFFICER], now=now)


@pytest.fixture
def approver(session: Any, now: datetime) -> User:
    return make_user(session, roles=[Role.APPROVER], now=now)


@pytest.fixture
def units(session: Any, now: datetime) -> list[BusinessUnit]:
    return [make_unit(session, now=now, code=code, name=name)
            for code, name in (("RIV", "Riverside"), ("HIL", "Hillside"))]


@pytest.fixture
def elements(session: Any, now: datetime) -> list[ViolenceElement]:
    return [make_element(session, now=now, code=code, name=name, position=number)
            for number, (code, name) in enumerate((("MSV", "Most serious violence"),
                                                   ("AWI", "Assault with injury"),
                                                   ("ROB", "Personal robbery")))]


def make_profile(session: Any, *, unit: BusinessUnit, year: int, elements: list[ViolenceElement],
                 harms: list[float], volumes: list[int] | None = None, actor: User, now: datetime
                 ) -> RiskProfile:
    profile = profiles.create_profile(session, unit=unit, year=year, actor=actor, now=now)
    for number, (element, harm) in enumerate(zip(elements, harms, strict=True)):
        volume = volumes[number] if volumes else 100
        profiles.save_entry(session, profile, element=element,
                            values=entry_values(harm_score=harm, volume=volume), actor=actor, now=now)
    return profile
