"""Audiences and channels through the JSON API: reading, writing, roles, field errors, OpenAPI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from commsplan.audiences.models import ACCESSIBILITY_OPTIONS, Audience, Channel, LimitType, Segment
from commsplan.auth.models import Role
from commsplan.extensions import db
from tests.audiences.helpers import entries, make_audience, make_channel, written
from tests.conftest import Headers, TokenFactory, assert_problem

AUDIENCE_BODY: dict[str, Any] = {
    "name": "Pupils in Hackney", "segment": "young_people", "age_band": "11–16", "geography": "Hackney",
    "size_estimate": 12000, "size_source": "School census", "languages": ["en", "so"],
    "accessibility_needs": ["Easy Read"], "insight_notes": "Fear of retaliation", "sensitivity_notes": ""}
CHANNEL_BODY: dict[str, Any] = {
    "name": "Borough SMS", "kind": "owned", "length_limit": 160, "limit_type": "hard", "lead_time_days": 1,
    "reach": 9000, "reach_unit": "subscribers", "cost_band": "low", "languages": ["en"],
    "accessibility_features": ["Plain English"], "urgent_capable": True, "operating_hours": "24/7"}
BODIES = {"audiences": AUDIENCE_BODY, "channels": CHANNEL_BODY}
MAKERS: dict[str, Callable[..., Any]] = {"audiences": make_audience, "channels": make_channel}
MODELS: dict[str, Any] = {"audiences": Audience, "channels": Channel}
BOTH = pytest.mark.parametrize("slug", ["audiences", "channels"])


@pytest.fixture
def officer_headers(token_for: TokenFactory) -> Headers:
    return token_for(Role.COMMS_OFFICER)[1]


def committed(value: Any) -> Any:
    db.session.commit()
    return value


def fresh(model: Any, item_id: int) -> Any:
    db.session.expire_all()
    return db.session.get(model, item_id)



# --- reading -------------------------------------------------------------------------------------


def test_list_audiences_returns_json_values(client: FlaskClient, token_for: TokenFactory,
                                            session: Session, now: datetime) -> None:
    _, headers = token_for(Role.VIEWER)
    committed(make_audience(session, now=now, name="Pupils", segment=Segment.YOUNG_PEOPLE,
                            languages=["en", "so"], accessibility_needs=["BSL"], size_estimate=500))
    response = client.get("/api/v1/audiences", headers=headers)
    assert response.status_code == 200
    [item] = response.json["items"]
    assert response.json["total"] == 1
    assert item["name"] == "Pupils" and item["segment"] == "young_people"
    assert item["languages"] == ["en", "so"] and item["accessibility_needs"] == ["BSL"]
    assert item["size_estimate"] == 500 and item["retired"] is False


def test_list_searches_and_pages(client: FlaskClient, token_for: TokenFactory, session: Session,
                                 now: datetime) -> None:
    _, headers = token_for(Role.VIEWER)
    for number in range(5):
        make_channel(session, now=now, name=f"Radio {number}")
    committed(make_channel(session, now=now, name="Posters"))
    body = client.get("/api/v1/channels?q=radio&per_page=2&page=3", headers=headers).json
    assert (body["total"], body["pages"], body["page"]) == (5, 3, 3)
    assert [item["name"] for item in body["items"]] == ["Radio 4"]


def test_get_one_channel(client: FlaskClient, token_for: TokenFactory, session: Session,
                         now: datetime) -> None:
    _, headers = token_for(Role.VIEWER)
    channel = committed(make_channel(session, now=now, name="SMS", length_limit=160,
                                     limit_type=LimitType.HARD, urgent_capable=True))
    response = client.get(f"/api/v1/channels/{channel.id}", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert (body["id"], body["length_limit"], body["limit_type"], body["urgent_capable"]) == (
        channel.id, 160, "hard", True)
    assert_problem(client.get("/api/v1/channels/999999", headers=headers), 404)


# --- writing -------------------------------------------------------------------------------------


@BOTH
def test_comms_officer_creates_with_201(client: FlaskClient, token_for: TokenFactory, slug: str) -> None:
    user, headers = token_for(Role.COMMS_OFFICER)
    response = client.post(f"/api/v1/{slug}", json=BODIES[slug], headers=headers)
    assert response.status_code == 201, response.text
    body = response.json
    for field, value in BODIES[slug].items():
        assert body[field] == value, field
    item = fresh(MODELS[slug], body["id"])
    assert item.languages == BODIES[slug]["languages"]
    [entry] = entries(item.__audit_type__, item.id)
    assert entry.action == "create" and entry.actor_id == user.id


def test_optional_fields_may_be_left_out_or_null(client: FlaskClient, officer_headers: Headers) -> None:
    response = client.post("/api/v1/audiences", headers=officer_headers, json={
        "name": "Minimal", "segment": "public", "size_estimate": None, "languages": None})
    assert response.status_code == 201, response.text
    assert response.json["size_estimate"] is None and response.json["languages"] == []
    response = client.post("/api/v1/channels", headers=officer_headers, json={
        "name": "Minimal", "kind": "owned", "limit_type": "none", "lead_time_days": 0, "cost_band": "none"})
    assert response.status_code == 201, response.text
    assert response.json["urgent_capable"] is False and response.json["length_limit"] is None


@BOTH
def test_patch_changes_only_the_fields_sent(client: FlaskClient, officer_headers: Headers, session: Session,
                                            now: datetime, slug: str) -> None:
    item = committed(MAKERS[slug](session, now=now, name="Before", languages=["en"]))
    response = client.patch(f"/api/v1/{slug}/{item.id}", headers=officer_headers,
                            json={"languages": ["en", "bn"]})
    assert response.status_code == 200, response.text
    assert response.json["languages"] == ["en", "bn"] and response.json["name"] == "Before"
    stored = fresh(MODELS[slug], item.id)
    assert stored.languages == ["en", "bn"] and stored.name == "Before"
    assert entries(stored.__audit_type__, item.id)[-1].changes == {"languages": [["en"], ["en", "bn"]]}


def test_patch_can_clear_a_channel_limit_in_one_go(client: FlaskClient, officer_headers: Headers,
                                                   session: Session, now: datetime) -> None:
    channel = committed(make_channel(session, now=now, length_limit=160, limit_type=LimitType.HARD))
    response = client.patch(f"/api/v1/channels/{channel.id}", headers=officer_headers,
                            json={"length_limit": None, "limit_type": "none"})
    assert response.status_code == 200, response.text
    assert (response.json["length_limit"], response.json["limit_type"]) == (None, "none")


@BOTH
def test_retire_and_restore(client: FlaskClient, officer_headers: Headers, session: Session, now: datetime,
                            slug: str) -> None:
    item = committed(MAKERS[slug](session, now=now))
    response = client.post(f"/api/v1/{slug}/{item.id}/retire", headers=officer_headers)
    assert response.status_code == 200 and response.json["retired"] is True
    assert client.get(f"/api/v1/{slug}", headers=officer_headers).json["total"] == 0
    assert client.get(f"/api/v1/{slug}?include_retired=true", headers=officer_headers).json["total"] == 1
    assert_problem(client.post(f"/api/v1/{slug}/{item.id}/retire", headers=officer_headers), 409)
    response = client.post(f"/api/v1/{slug}/{item.id}/restore", headers=officer_headers)
    assert response.status_code == 200 and response.json["retired"] is False


@pytest.mark.parametrize("role", [Role.VIEWER, Role.APPROVER, Role.DUTY_OFFICER])
@BOTH
def test_other_roles_may_read_but_not_write(client: FlaskClient, token_for: TokenFactory, session: Session,
                                            now: datetime, slug: str, role: Role) -> None:
    _, headers = token_for(role)
    item = committed(MAKERS[slug](session, now=now, name="Untouched"))
    before = written()
    assert client.get(f"/api/v1/{slug}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/{slug}/{item.id}", headers=headers).status_code == 200
    assert_problem(client.post(f"/api/v1/{slug}", json=BODIES[slug], headers=headers), 403)
    assert_problem(client.patch(f"/api/v1/{slug}/{item.id}", json={"name": "Changed"}, headers=headers), 403)
    assert_problem(client.post(f"/api/v1/{slug}/{item.id}/retire", headers=headers), 403)
    assert_problem(client.post(f"/api/v1/{slug}/{item.id}/restore", headers=headers), 403)
    assert written() == before
    assert fresh(MODELS[slug], item.id).name == "Untouched"


def test_admin_tokens_may_write_too(client: FlaskClient, token_for: TokenFactory) -> None:
    _, headers = token_for(Role.ADMIN)
    assert client.post("/api/v1/audiences", json=AUDIENCE_BODY, headers=headers).status_code == 201


# --- bad input -----------------------------------------------------------------------------------


BAD_BODIES = [
    ("audiences", {"languages": "12"}, "languages"),
    ("audiences", {"languages": 12}, "languages"),
    ("audiences", {"languages": "en, so"}, "languages"),
    ("audiences", {"languages": ["en", 12]}, "languages"),
    ("audiences", {"languages": ["english"]}, "languages"),
    ("audiences", {"accessibility_needs": "BSL"}, "accessibility_needs"),
    ("audiences", {"accessibility_needs": {"BSL": True}}, "accessibility_needs"),
    ("audiences", {"accessibility_needs": ["Telepathy"]}, "accessibility_needs"),
    ("audiences", {"size_estimate": "lots"}, "size_estimate"),
    ("audiences", {"size_estimate": "12000"}, "size_estimate"),
    ("audiences", {"size_estimate": 12.5}, "size_estimate"),
    ("audiences", {"size_estimate": True}, "size_estimate"),
    ("audiences", {"size_estimate": -1}, "size_estimate"),
    ("audiences", {"segment": "aliens"}, "segment"),
    ("audiences", {"segment": None}, "segment"),
    ("audiences", {"name": ""}, "name"),
    ("audiences", {"name": "x" * 121}, "name"),
    ("audiences", {"name": 5}, "name"),
    ("audiences", {"insight_notes": "x" * 4001}, "insight_notes"),
    ("audiences", {"colour": "red"}, "colour"),
    ("audiences", {"id": 5}, "id"),
    ("channels", {"urgent_capable": "yes"}, "urgent_capable"),
    ("channels", {"urgent_capable": 1}, "urgent_capable"),
    ("channels", {"languages": "en"}, "languages"),
    ("channels", {"accessibility_features": "Plain English"}, "accessibility_features"),
    ("channels", {"lead_time_days": -1}, "lead_time_days"),
    ("channels", {"lead_time_days": "1"}, "lead_time_days"),
    ("channels", {"lead_time_days": None}, "lead_time_days"),
    ("channels", {"length_limit": None, "limit_type": "hard"}, "length_limit"),
    ("channels", {"length_limit": 160, "limit_type": "none"}, "limit_type"),
    ("channels", {"length_limit": 0}, "length_limit"),
    ("channels", {"kind": "pigeon"}, "kind"),
    ("channels", {"cost_band": "free"}, "cost_band"),
    ("channels", {"reach": "many"}, "reach"),
    ("channels", {"retired_at": "2026-01-01"}, "retired_at"),
]


@pytest.mark.parametrize(("slug", "change", "field"), BAD_BODIES,
                         ids=[f"{slug}-{field}-{i}" for i, (slug, _, field) in enumerate(BAD_BODIES)])
def test_bad_bodies_get_422_naming_the_field_and_write_nothing(
        client: FlaskClient, officer_headers: Headers, slug: str, change: dict[str, Any], field: str) -> None:
    before = written()
    response = client.post(f"/api/v1/{slug}", json={**BODIES[slug], **change}, headers=officer_headers)
    error = assert_problem(response, 422)
    assert field in error["fields"], error
    assert all(isinstance(message, str) and message for message in error["fields"][field])
    assert written() == before


@pytest.mark.parametrize(("slug", "change", "field"), [
    ("audiences", {"languages": "en"}, "languages"),
    ("audiences", {"name": "Other"}, "name"),
    ("audiences", {"name": "OTHER"}, "name"),
    ("channels", {"urgent_capable": "no"}, "urgent_capable"),
    ("channels", {"length_limit": None}, "length_limit"),
    ("channels", {"limit_type": "none"}, "limit_type"),
    ("channels", {"unknown": 1}, "unknown"),
])
def test_bad_patches_get_422_and_change_nothing(client: FlaskClient, officer_headers: Headers,
                                                session: Session, now: datetime, slug: str,
                                                change: dict[str, Any], field: str) -> None:
    MAKERS[slug](session, now=now, name="Other")
    values = {"length_limit": 160, "limit_type": LimitType.HARD} if slug == "channels" else {}
    item = committed(MAKERS[slug](session, now=now, name="Mine", **values))
    before = written()
    response = client.patch(f"/api/v1/{slug}/{item.id}", json=change, headers=officer_headers)
    error = assert_problem(response, 422)
    assert field in error["fields"], error
    assert written() == before
    assert fresh(MODELS[slug], item.id).name == "Mine"


@pytest.mark.parametrize("body", ["[]", '"text"', "not json", "null"])
def test_a_body_that_is_not_a_json_object_gets_422(client: FlaskClient, officer_headers: Headers,
                                                   body: str) -> None:
    before = written()
    response = client.post("/api/v1/audiences", data=body, content_type="application/json",
                           headers=officer_headers)
    assert "body" in assert_problem(response, 422)["fields"]
    assert written() == before


# --- OpenAPI -------------------------------------------------------------------------------------


def test_openapi_describes_audiences_and_channels(client: FlaskClient, token_for: TokenFactory) -> None:
    _, headers = token_for(Role.VIEWER)
    document = client.get("/api/v1/openapi.json", headers=headers).json
    paths = document["paths"]
    for slug in ("audiences", "channels"):
        assert set(paths[f"/{slug}"]) == {"get", "post"}
        assert set(paths[f"/{slug}/{{id}}"]) == {"get", "patch"}
        assert "post" in paths[f"/{slug}/{{id}}/retire"] and "post" in paths[f"/{slug}/{{id}}/restore"]
        assert "comms officer" in paths[f"/{slug}"]["post"]["summary"].lower()
    schemas = document["components"]["schemas"]
    audience = schemas["AudienceInput"]
    assert audience["additionalProperties"] is False
    assert set(audience["required"]) == {"name", "segment"}
    for name in ("languages", "accessibility_needs"):
        prop = audience["properties"][name]
        assert "array" in _types(prop) and prop["items"]["type"] == "string"
    assert audience["properties"]["accessibility_needs"]["items"]["enum"] == ACCESSIBILITY_OPTIONS
    assert "integer" in _types(audience["properties"]["size_estimate"])
    assert set(audience["properties"]["segment"]["enum"]) == {member.value for member in Segment}
    channel = schemas["ChannelInput"]["properties"]
    assert "array" in _types(channel["languages"]) and "array" in _types(channel["accessibility_features"])
    assert "boolean" in _types(channel["urgent_capable"])
    assert (channel["lead_time_days"]["minimum"], channel["lead_time_days"]["maximum"]) == (0, 365)
    assert set(channel["limit_type"]["enum"]) == {"none", "soft", "hard"}
    assert schemas["Channel"]["properties"]["languages"]["items"] == {"type": "string"}
    assert schemas["AudiencePatch"]["required"] == []


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema["type"]
    return kind if isinstance(kind, list) else [kind]


def test_what_the_api_returns_matches_its_openapi_output_schema(client: FlaskClient, officer_headers: Headers,
                                                                token_for: TokenFactory) -> None:
    document = client.get("/api/v1/openapi.json", headers=officer_headers).json
    python_types = {"string": str, "integer": int, "boolean": bool, "array": list, "null": type(None),
                    "object": dict}
    for slug, name in (("audiences", "Audience"), ("channels", "Channel")):
        body = client.post(f"/api/v1/{slug}", json=BODIES[slug], headers=officer_headers).json
        schema = document["components"]["schemas"][name]
        assert set(schema["required"]) <= set(body)
        for field, value in body.items():
            allowed = tuple(python_types[t] for t in _types(schema["properties"][field]))
            assert isinstance(value, allowed), (name, field, value)


@pytest.mark.parametrize(("slug", "change", "field", "message"), [
    ("audiences", {"segment": "aliens"}, "segment", "Select the segment from the list"),
    ("channels", {"kind": "pigeon"}, "kind", "Select the kind of channel from the list"),
])
def test_an_unknown_choice_is_reported_once(client: FlaskClient, officer_headers: Headers, slug: str,
                                            change: dict[str, Any], field: str, message: str) -> None:
    response = client.post(f"/api/v1/{slug}", json={**BODIES[slug], **change}, headers=officer_headers)
    assert assert_problem(response, 422)["fields"] == {field: [message]}
