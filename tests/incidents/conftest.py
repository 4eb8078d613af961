"""Incident fixtures: the test playbook, a duty officer, and a launched incident."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.incidents import service
from commsplan.incidents.models import Incident, IncidentMode, IncidentStatement
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks.loader import load_file
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from commsplan.reference.seed import QUALIFIERS_SEED, VIOLENCE_ELEMENTS
from commsplan.timeutil import to_london
from tests.factories import make_unit, make_user
from tests.plans.conftest import (  # noqa: F401 (plans and windows fixtures, for incidents that pause them)
    catalogue,
    delivery,
    make_plan,
    people,
    reference,
    rules,
)

FIXTURE = Path(__file__).parents[1] / "playbooks" / "fixtures" / "valid" / "street-robbery-test.md"


def fixture_playbook() -> Playbook:
    result = load_file(FIXTURE, elements={r["code"] for r in VIOLENCE_ELEMENTS},
                       qualifiers={r["code"] for r in QUALIFIERS_SEED})
    assert result.playbook is not None, result.problems
    return result.playbook


@pytest.fixture
def playbook() -> Playbook:
    return fixture_playbook()


@pytest.fixture
def duty(session: Any, now: datetime) -> User:
    return make_user(session, roles=(Role.DUTY_OFFICER,), name="Dana Duty", now=now)


@pytest.fixture
def unit(session: Any, now: datetime) -> BusinessUnit:
    return make_unit(session, now=now, name="Lambeth borough command")


def good_inputs(unit_id: int, /, **changes: str) -> dict[str, str]:
    return {"general_location": "Acre Lane", "called_at": "2026-11-20 09:40", "victim_age": "15",
            "weapon": "knife", "footage_online": "yes", "unit": str(unit_id), **changes}


@pytest.fixture
def launch(session: Any, now: datetime, duty: User, unit: BusinessUnit, playbook: Playbook,
           app: Flask) -> Callable[..., Incident]:
    """Launch the test playbook, notified 30 minutes before `now`, with changes to the inputs."""
    unit_id = unit.id

    def launcher(*, mode: IncidentMode = IncidentMode.LIVE, notified_at: datetime | None = None,
                 title: str = "Robbery of a pupil, Acre Lane", **changes: str) -> Incident:
        notified = to_london(notified_at or now - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
        request = service.LaunchRequest(title=title, mode=mode.value, notified_at=notified,
                                        inputs=good_inputs(unit_id, **changes))
        incident = service.launch(session, playbook, request, actor=duty, now=now,
                                  settings=current_settings())
        db.session.commit()
        return incident

    return launcher


def statement_of(session: Any, incident: Incident, template_id: str = "holding") -> IncidentStatement:
    """The incident's statement drafted from `template_id` (the holding statement unless told)."""
    found = session.scalar(select(IncidentStatement).where(IncidentStatement.incident_id == incident.id,
                                                           IncidentStatement.template_id == template_id))
    assert found is not None, f"no {template_id} statement"
    return found
