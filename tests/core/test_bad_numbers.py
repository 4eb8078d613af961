"""Absurd numbers, wrong JSON types and out-of-range paging are field errors (422), never a crash,
on the pages and in the API; the OpenAPI document is valid and says so."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.reference.models import BusinessUnit
from tests.audiences.helpers import make_audience, make_channel
from tests.conftest import TokenFactory, assert_problem, csrf_token
from tests.factories import make_element, make_unit
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

HUGE = 2**31  # one past what a PostgreSQL INTEGER column holds
HUGER = "99999999999999999999"


@pytest.fixture
def officer_headers(token_for: TokenFactory) -> dict[str, str]:
    return token_for(Role.COMMS_OFFICER, Role.ADMIN)[1]


def map_body(session: Session, now: datetime, **changes: Any) -> dict[str, Any]:
    element = make_element(session, now=now)
    audience = make_audience(session, now=now)
    db.session.commit()
    return {"element_id": element.id, "audience_id": audience.id, "concern": "Knife carrying",
            "key_messages": [{"text": "Most young people never carry a knife", "facts": []}],
            "call_to_action": "Talk to someone you trust", "ripe_strands": ["engage"],
            "tone": "reassuring", **changes}


@pytest.mark.parametrize(("changes", "field"), [
    ({"element_id": HUGE}, "element_id"),
    ({"audience_id": HUGE}, "audience_id"),
    ({"unit_id": HUGE}, "unit_id"),
    ({"qualifier_ids": [HUGE]}, "qualifier_ids"),
    ({"qualifier_ids": ["1"]}, "qualifier_ids"),
    ({"ripe_strands": [{}]}, "ripe_strands"),
    ({"ripe_strands": [["engage"]]}, "ripe_strands"),
    ({"tone": {}}, "tone"),
])
def test_a_message_map_with_absurd_ids_or_wrong_types_is_refused_by_field(
        client: FlaskClient, officer_headers: dict[str, str], session: Session, now: datetime,
        changes: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/messages", json=map_body(session, now, **changes),
                           headers=officer_headers)
    assert field in assert_problem(response, 422)["fields"]


@pytest.mark.parametrize("query", [f"element_id={HUGE}", f"audience_id={HUGER}", "element_id=x",
                                   "status=nonsense", "per_page=0", "page=-1"])
def test_list_filters_out_of_range_are_refused(client: FlaskClient, officer_headers: dict[str, str],
                                               query: str) -> None:
    problem = assert_problem(client.get(f"/api/v1/messages?{query}", headers=officer_headers), 422)
    assert list(problem["fields"]) == [query.split("=")[0]]


def test_a_method_a_path_does_not_take_is_405_with_allow(client: FlaskClient,
                                                          officer_headers: dict[str, str]) -> None:
    response = client.post("/api/v1/me", headers=officer_headers)
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    page = client.delete("/api/v1/qualifiers", headers=officer_headers)
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def test_the_openapi_document_is_valid_and_names_every_operation(client: FlaskClient,
                                                                  officer_headers: dict[str, str]) -> None:
    document = client.get("/api/v1/openapi.json", headers=officer_headers).json
    validate(document)
    ids = [operation["operationId"] for item in document["paths"].values() for operation in item.values()]
    assert len(ids) == len(set(ids)) > 40
    for item in document["paths"].values():
        for operation in item.values():
            assert {"401", "403", "404", "405", "409", "413", "414", "422"} <= set(operation["responses"])
    error = document["components"]["responses"]["Error"]["content"]
    assert list(error) == ["application/problem+json"]
    assert document["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "detail"]


def test_a_year_beyond_reason_in_an_address_is_a_field_error(client: FlaskClient,
                                                             signed_in: Callable[..., User]) -> None:
    signed_in(Role.COMMS_OFFICER)
    for url in (f"/plans/draft?year={HUGER}", f"/plans/integrated?year={HUGER}",
                f"/planning/profiles/new?unit={HUGER}", "/plans/integrated?per_week=-1"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert re.search("(Enter a whole number|enter a year) from", response.text), url


def test_a_launch_naming_an_absurd_unit_is_a_field_error(client: FlaskClient, signed_in: Callable[..., User],
                                                         session: Session, now: datetime) -> None:
    signed_in(Role.DUTY_OFFICER)
    unit: BusinessUnit = make_unit(session, now=now, name="Lambeth borough command")
    db.session.commit()
    token = csrf_token(client.get("/incidents/launch/street-robbery-test").text)
    response = client.post("/incidents/launch/street-robbery-test", data={
        "csrf_token": token, "title": "Robbery", "mode": "live", "notified_at": "2026-11-20T09:45",
        "in_general_location": "Acre Lane", "in_called_at": "2026-11-20T09:40", "in_victim_age": "15",
        "in_weapon": "knife", "in_footage_online": "yes", "in_unit": HUGER})
    assert response.status_code == 422 and "choose an active business unit" in response.text
    assert 'href="#in_unit"' in response.text and unit.name in response.text


def test_affinity_scores_and_cells_that_make_no_sense_are_refused(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime) -> None:
    signed_in(Role.COMMS_OFFICER)
    audience, channel = make_audience(session, now=now), make_channel(session, now=now)
    db.session.commit()
    cell = client.post(f"/messaging/affinity/{audience.id}/{channel.id}", data={"score": " "})
    assert cell.status_code in (200, 422) and "govuk-error-message" in cell.text
    grid = client.post("/messaging/affinity", data={f"cell-{HUGER}-{channel.id}": "2"})
    assert grid.status_code in (200, 422) and "Unknown cell" in grid.text


def test_a_nul_character_anywhere_is_a_field_error_not_a_database_crash(
        client: FlaskClient, officer_headers: dict[str, str], signed_in: Callable[..., User],
        session: Session, now: datetime) -> None:
    listed = client.get("/api/v1/audiences?q=a%00b&page=2", headers=officer_headers)
    assert list(assert_problem(listed, 422)["fields"]) == ["q"]
    nested = client.post("/api/v1/messages", headers=officer_headers, json=map_body(
        session, now, key_messages=[{"text": "Most young people\x00", "facts": []}]))
    assert list(assert_problem(nested, 422)["fields"]) == ["text"]
    signed_in(Role.COMMS_OFFICER)
    page = client.get("/messaging/audiences?q=%00")
    assert page.status_code == 422 and "NUL character" in page.text
