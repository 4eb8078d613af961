"""The plan fixtures (people, reference data, audiences and channels, a plan maker) serve windows too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from commsplan.sensitivity import service
from commsplan.sensitivity.models import SensitivityWindow
from tests.plans.conftest import People as Staff
from tests.plans.conftest import (  # noqa: F401 (fixtures used by these tests)
    catalogue,
    delivery,
    login,
    make_plan,
    people,
    pinned_clock,
    reference,
    rules,
)


def window_values(**changes: Any) -> service.WindowValues:
    values: dict[str, Any] = {"title": "Trial: R v Adeyemi, Wood Green Crown Court", "kind": "trial",
                              "severity": "avoid", "first_day": date(2027, 1, 11),
                              "last_day": date(2027, 1, 22), **changes}
    return service.WindowValues(**values)


def make_window(session: Session, people: Staff, now: datetime, **changes: Any) -> SensitivityWindow:  # noqa: F811
    return service.save_window(session, window_values(**changes), actor=people.officer, now=now)


@pytest.fixture
def window_maker(session: Session, people: Staff, now: datetime) -> Any:  # noqa: F811
    return lambda **changes: make_window(session, people, now, **changes)
