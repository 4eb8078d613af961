"""The press desk over the API: lists and reads, staff only, with the names a claim gives never sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from commsplan.press import claims, enquiries
from commsplan.reference.models import BusinessUnit
from tests.conftest import TokenFactory, assert_problem
from tests.press.conftest import SETTINGS

PATHS = ("/api/v1/press/enquiries", "/api/v1/press/enquiries/1", "/api/v1/press/claims",
         "/api/v1/press/claims/1")


def fill(session: Any, unit: BusinessUnit, press: User, now: datetime) -> None:
    for number, outlet in enumerate(("LBC", "ITV London", "LBC")):
        enquiries.log_enquiry(session, enquiries.EnquiryInput(
            outlet=outlet, journalist=f"Reporter {number}", channel="phone", question="Any arrests?",
            unit_id=unit.id, handler_id=press.id, deadline_at=now + timedelta(hours=3 - number)),
            actor=press, now=now, settings=SETTINGS)
    claim, _ = claims.record_claim(session, claims.ClaimInput(
        summary="Named online as the attacker", platform="x", harm="severe", unit_id=unit.id,
        first_seen_at=now - timedelta(hours=2), names_private_person=True, private_names="Ola Adeyemi"),
        None, actor=press, now=now)
    claims.decide(session, claim, "refer_platform", "It names a private person", actor=press, now=now)
    session.commit()


def test_staff_read_enquiries_and_claims(client: FlaskClient, token_for: TokenFactory, session: Any,
                                         now: datetime, unit: BusinessUnit, press: User) -> None:
    fill(session, unit, press, now)
    _, headers = token_for(Role.COMMS_OFFICER)
    desk = client.get("/api/v1/press/enquiries", headers=headers).json
    assert [item["journalist"] for item in desk["items"]] == ["Reporter 2", "Reporter 1", "Reporter 0"]
    found = client.get("/api/v1/press/enquiries?q=lbc", headers=headers).json
    assert found["total"] == 2 and {item["outlet"] for item in found["items"]} == {"LBC"}
    one = client.get(f"/api/v1/press/enquiries/{desk['items'][0]['id']}", headers=headers).json
    assert one["status"] == "new" and one["deadline_given"] is True
    register = client.get("/api/v1/press/claims", headers=headers)
    assert register.json["total"] == 1 and "Ola Adeyemi" not in register.text
    claim = client.get(f"/api/v1/press/claims/{register.json['items'][0]['id']}", headers=headers).json
    assert claim["names_private_person"] is True and claim["responses"][0]["choice"] == "refer_platform"
    assert claim["hours_circulating"] >= 2


def test_a_partner_viewer_token_is_refused(client: FlaskClient, token_for: TokenFactory, session: Any,
                                           now: datetime, unit: BusinessUnit, press: User) -> None:
    fill(session, unit, press, now)
    _, headers = token_for(Role.VIEWER)
    for path in PATHS:
        assert_problem(client.get(path, headers=headers), 403)


def test_bad_numbers_are_named(client: FlaskClient, token_for: TokenFactory) -> None:
    _, headers = token_for(Role.COMMS_OFFICER)
    problem = assert_problem(client.get("/api/v1/press/claims?incident_id=x", headers=headers), 422)
    assert "incident_id" in problem["fields"]
    assert_problem(client.get("/api/v1/press/enquiries?per_page=1000", headers=headers), 422)
    assert_problem(client.get("/api/v1/press/claims/999", headers=headers), 404)
