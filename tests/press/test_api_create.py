"""Logging enquiries and claims over the API: the desk's own rules, audit and roles, and bad bodies
refused with the field named and nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commsplan.audit import service as audit
from commsplan.auth.models import Role
from commsplan.incidents.models import Incident
from commsplan.press.models import Claim, MediaEnquiry
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import utcnow
from tests.conftest import TokenFactory, assert_problem

ENQUIRIES, CLAIMS = "/api/v1/press/enquiries", "/api/v1/press/claims"


def in_hours(hours: float) -> str:
    return (utcnow() + timedelta(hours=hours)).astimezone(UTC).isoformat()


def enquiry_body(unit: BusinessUnit, **changes: Any) -> dict[str, Any]:
    return {"outlet": "LBC", "journalist": "Sam Reporter", "channel": "phone",
            "question": "Has anyone been arrested?", "unit_id": unit.id, "deadline_at": in_hours(2),
            **changes}


def claim_body(unit: BusinessUnit, **changes: Any) -> dict[str, Any]:
    return {"summary": "A post says the school was locked down", "platform": "x", "harm": "high",
            "unit_id": unit.id, "first_seen_at": in_hours(-1), "reach": 12000, **changes}


def count(session: Any, model: type) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)))


def test_staff_log_an_enquiry_about_an_incident(client: FlaskClient, token_for: TokenFactory, session: Any,
                                                 unit: BusinessUnit, launch: Callable[..., Incident]) -> None:
    incident = launch()
    user, headers = token_for(Role.COMMS_OFFICER)
    response = client.post(ENQUIRIES, json=enquiry_body(unit, incident_id=incident.id), headers=headers)
    assert response.status_code == 201, response.text
    body = response.json
    assert body["status"] == "new" and body["deadline_given"] is True and body["handler_id"] == user.id
    assert body["incident_id"] == incident.id and body["outlet"] == "LBC"
    assert client.get(f"{ENQUIRIES}/{body['id']}", headers=headers).json["journalist"] == "Sam Reporter"
    entries = audit.history(session, MediaEnquiry.__audit_type__, [str(body["id"])])
    assert [entry.actor_id for entry in entries] == [user.id]


def test_staff_record_a_claim(client: FlaskClient, token_for: TokenFactory, session: Any,
                              unit: BusinessUnit) -> None:
    user, headers = token_for(Role.DUTY_OFFICER)
    body = claim_body(unit, names_private_person=True, private_names="Ola Adeyemi")
    response = client.post(CLAIMS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    claim = response.json
    assert claim["status"] == "watching" and claim["reach"] == 12000 and claim["responses"] == []
    assert claim["names_private_person"] is True and "Ola Adeyemi" not in response.text
    assert claim["has_screenshot"] is False
    entries = audit.history(session, Claim.__audit_type__, [str(claim["id"])])
    assert [entry.actor_id for entry in entries] == [user.id]


@pytest.mark.parametrize(("changes", "field"), [
    ({"outlet": 5}, "outlet"), ({"unit_id": "1"}, "unit_id"), ({"unit_id": 10**15}, "unit_id"),
    ({"incident_id": True}, "incident_id"), ({"deadline_at": 1700000000}, "deadline_at"),
    ({"deadline_at": "tomorrow"}, "deadline_at"),
    ({"deadline_at": "9999-01-01T00:00:00+00:00"}, "deadline_at"),
    ({"channel": "pigeon"}, "channel"), ({"incident_id": 999999}, "incident_id"),
    ({"plan_id": 999999}, "plan_id"), ({"deadline_at": in_hours(-1)}, "deadline_at"),
    ({"handler_id": 999999}, "handler_id"), ({"colour": "red"}, "colour"),
])
def test_bad_enquiries_are_refused(client: FlaskClient, token_for: TokenFactory, session: Any,
                                   unit: BusinessUnit, changes: dict[str, Any], field: str) -> None:
    _, headers = token_for(Role.COMMS_OFFICER)
    problem = assert_problem(client.post(ENQUIRIES, json=enquiry_body(unit, **changes), headers=headers), 422)
    assert field in problem["fields"], problem
    assert count(session, MediaEnquiry) == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"summary": ["a"]}, "summary"), ({"reach": 10**13}, "reach"), ({"reach": -1}, "reach"),
    ({"reach": 1.5}, "reach"), ({"reach": "many"}, "reach"), ({"names_private_person": "yes"},
                                                                 "names_private_person"),
    ({"incident_id": 999999}, "incident_id"), ({"map_id": 999999}, "map_id"),
    ({"first_seen_at": in_hours(3)}, "first_seen_at"), ({"platform": {}}, "platform"),
    ({"screenshot": "aGVsbG8="}, "screenshot"),
])
def test_bad_claims_are_refused(client: FlaskClient, token_for: TokenFactory, session: Any,
                                unit: BusinessUnit, changes: dict[str, Any], field: str) -> None:
    _, headers = token_for(Role.COMMS_OFFICER)
    problem = assert_problem(client.post(CLAIMS, json=claim_body(unit, **changes), headers=headers), 422)
    assert field in problem["fields"], problem
    assert count(session, Claim) == 0


def test_a_body_that_is_not_an_object_is_refused(client: FlaskClient, token_for: TokenFactory) -> None:
    _, headers = token_for(Role.COMMS_OFFICER)
    for path in (ENQUIRIES, CLAIMS):
        assert "body" in assert_problem(client.post(path, json=[1], headers=headers), 422)["fields"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN])
def test_tokens_without_a_press_role_are_refused(client: FlaskClient, token_for: TokenFactory, session: Any,
                                                 unit: BusinessUnit, role: Role) -> None:
    """A partner viewer, and an administrator, who may read the desk but not log on it."""
    _, headers = token_for(role)
    assert_problem(client.post(ENQUIRIES, json=enquiry_body(unit), headers=headers), 403)
    assert_problem(client.post(CLAIMS, json=claim_body(unit), headers=headers), 403)
    assert count(session, MediaEnquiry) == count(session, Claim) == 0
