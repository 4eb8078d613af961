"""Press desk fixtures: the incident fixtures, a press officer, an approver and a released statement."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from commsplan.auth.models import Role, User
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Incident, IncidentStatement
from commsplan.notifications.settings import DeliverySettings
from tests.factories import make_user
from tests.incidents.conftest import duty, launch, playbook, statement_of, unit

__all__ = ["duty", "launch", "playbook", "unit"]
SETTINGS = DeliverySettings()


@pytest.fixture
def press(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.COMMS_OFFICER,), name="Pat Press", now=now)


@pytest.fixture
def approver(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.APPROVER,), name="Alex Approver", now=now)


def release_holding(session: Any, incident: Incident, approver: User, duty: User, now: datetime
                    ) -> IncidentStatement:
    holding = statement_of(session, incident, "holding")
    statement_service.approve(session, incident, holding, actor=approver, now=now)
    statement_service.release(session, incident, holding, ["X"], actor=duty, now=now, settings=SETTINGS)
    return holding
