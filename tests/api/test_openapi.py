"""The OpenAPI document: version, coverage of every API route, and schemas that match the forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from wtforms.validators import Length

from commsplan.api.catalogues import KINDS as ALL_KINDS
from commsplan.auth.models import Role
from commsplan.auth.service import create_api_token
from commsplan.extensions import db
from commsplan.reference.forms import FORMS
from commsplan.reference.kinds import ELEMENTS, KINDS, QUALIFIERS, UNITS
from commsplan.reference.models import UnitKind
from tests.factories import make_user

IGNORED_METHODS = {"HEAD", "OPTIONS"}
SCHEMA_NAMES = {ELEMENTS.slug: "ViolenceElement", QUALIFIERS.slug: "Qualifier",
                UNITS.slug: "BusinessUnit"}
EXPECTED_REQUIRED = {ELEMENTS.slug: {"code", "name", "position"},
                     QUALIFIERS.slug: {"code", "name", "position"},
                     UNITS.slug: {"code", "name", "kind"}}
EXPECTED_MAX_LENGTH = {
    ELEMENTS.slug: {"code": 12, "name": 80, "description": 2000},
    QUALIFIERS.slug: {"code": 24, "name": 80, "description": 2000},
    UNITS.slug: {"code": 12, "name": 120, "description": 2000},
}
MINIMAL_BODIES: dict[str, dict[str, Any]] = {
    ELEMENTS.slug: {"code": "X1", "name": "X one", "position": 1},
    QUALIFIERS.slug: {"code": "X1", "name": "X one", "position": 1},
    UNITS.slug: {"code": "X1", "name": "X one", "kind": "corporate"},
}


@pytest.fixture
def headers(session: Session, now: datetime) -> dict[str, str]:
    user = make_user(session, roles=(Role.ADMIN,), now=now)
    _, secret = create_api_token(session, user=user, name="Docs", actor=user, now=now)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def document(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json", headers=headers)
    assert response.status_code == 200
    assert response.is_json
    return dict(response.json)


def api_operations(app: Flask) -> Iterator[tuple[str, str]]:
    """Every (path, method) the API answers, with <slug> expanded and ids written as {id}."""
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        paths = [re.sub(r"<any\(.*?\):slug>", slug, rule.rule) for slug in ALL_KINDS] \
            if ":slug>" in rule.rule else [rule.rule]
        for path in paths:
            path = re.sub(r"<int:(\w+)>", lambda m: "{id}" if m[1] == "item_id" else f"{{{m[1]}}}", path)
            assert "<" not in path, f"unexpanded converter in {rule.rule}"
            for method in sorted((rule.methods or set()) - IGNORED_METHODS):
                yield path, method.lower()


def base_path(document: dict[str, Any]) -> str:
    [server] = document["servers"]
    return urlparse(server["url"]).path.rstrip("/")


def resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return dict(node)


def test_the_document_needs_a_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert response.json["status"] == 401


def test_the_document_is_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    assert base_path(document) == "/api/v1"
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http",
                                                                       "scheme": "bearer"}
    assert document["security"] == [{"bearerAuth": []}]


def test_every_api_route_is_documented(app: Flask, document: dict[str, Any]) -> None:
    prefix = base_path(document)
    operations = list(api_operations(app))
    # me, openapi, six per catalogue, eight for message maps, seven for incidents, nine for risk profiles,
    # ten for plans, five for each of a plan's four kinds of item, one for the integrated plan, six
    # for the press desk, three for confidence, two for the actuals of objectives and metrics, one
    # for a plan's evaluation figures and five for sensitivity windows
    assert len(operations) == (2 + 6 * len(ALL_KINDS) + 8 + 7 + 9 + 10 + 5 * 4 + 1 + 6 + 3 + 2 + 1
                               + 5), operations
    missing = []
    for path, method in operations:
        assert path.startswith(prefix + "/"), path
        documented = document["paths"].get(path[len(prefix):], {})
        if method not in documented:
            missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_every_documented_operation_exists(app: Flask, document: dict[str, Any]) -> None:
    prefix = base_path(document)
    served = set(api_operations(app))
    documented = {(prefix + path, method) for path, item in document["paths"].items()
                  for method in item}
    assert documented == served


def test_every_operation_has_responses_and_errors(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["responses"], f"{method} {path}"
            assert "401" in operation["responses"], f"{method} {path}"
            if "{id}" in path:
                assert any(p["name"] == "id" and p["in"] == "path" and p["required"]
                           for p in operation["parameters"]), f"{method} {path}"
                assert "404" in operation["responses"]
            # Status changes need no body; approving takes an optional version and comment.
            if method in ("post", "patch") and not path.endswith(("/retire", "/restore", "/submit",
                                                                    "/approve", "/complete", "/return",
                                                                    "/activate", "/close", "/revise")):
                assert operation["requestBody"]["required"] is True
                assert "422" in operation["responses"]


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    refs = re.findall(r"'\$ref': '([^']+)'", repr(document))
    assert refs
    for ref in refs:
        assert resolve(document, ref), ref


@pytest.mark.parametrize("slug", list(KINDS))
def test_input_schema_lists_required_fields_and_limits(document: dict[str, Any], slug: str) -> None:
    schema = document["components"]["schemas"][f"{SCHEMA_NAMES[slug]}Input"]
    kind = KINDS[slug]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(kind.fields)
    assert set(schema["required"]) == EXPECTED_REQUIRED[slug]
    lengths = {name: prop["maxLength"] for name, prop in schema["properties"].items()
               if "maxLength" in prop}
    assert lengths == EXPECTED_MAX_LENGTH[slug]


@pytest.mark.parametrize("slug", list(KINDS))
def test_input_schema_limits_come_from_the_form(app: Flask, document: dict[str, Any],
                                                slug: str) -> None:
    with app.test_request_context():
        form = FORMS[KINDS[slug]](formdata=None, meta={"csrf": False})
    properties = document["components"]["schemas"][f"{SCHEMA_NAMES[slug]}Input"]["properties"]
    for name in KINDS[slug].fields:
        form_max = [v.max for v in form[name].validators if isinstance(v, Length) and v.max >= 0]
        assert properties[name].get("maxLength") == (form_max[0] if form_max else None), name


@pytest.mark.parametrize("slug", list(KINDS))
def test_schema_types_match_what_the_api_accepts(document: dict[str, Any], slug: str) -> None:
    properties = document["components"]["schemas"][f"{SCHEMA_NAMES[slug]}Input"]["properties"]
    assert properties["code"]["type"] == "string"
    assert properties["name"]["type"] == "string"
    assert properties["description"]["type"] == ["string", "null"]
    if "position" in properties:
        assert properties["position"]["type"] == "integer"
        assert (properties["position"]["minimum"], properties["position"]["maximum"]) == (0, 999)
    if "parent_id" in properties:
        assert properties["parent_id"]["type"] == ["integer", "null"]
    if "kind" in properties:
        assert properties["kind"]["type"] == "string"
        assert properties["kind"]["enum"] == [kind.value for kind in UnitKind]


@pytest.mark.parametrize("slug", list(KINDS))
def test_required_fields_are_the_ones_the_api_insists_on(client: FlaskClient, headers: dict[str, str],
                                                         document: dict[str, Any], slug: str) -> None:
    required = set(document["components"]["schemas"][f"{SCHEMA_NAMES[slug]}Input"]["required"])
    body = MINIMAL_BODIES[slug]
    for field in body:
        partial = {key: value for key, value in body.items() if key != field}
        response = client.post(f"/api/v1/{slug}", json=partial, headers=headers)
        rejected = response.status_code == 422 and field in response.json["fields"]
        assert rejected == (field in required), f"{field}: {response.status_code} {response.text}"
    response = client.post(f"/api/v1/{slug}", json=body, headers=headers)
    assert response.status_code == 201, "the required fields alone make a valid body"


@pytest.mark.parametrize("slug", list(KINDS))
def test_patch_body_requires_no_field(document: dict[str, Any], slug: str) -> None:
    """PATCH is partial; in JSON Schema 2020-12 a $ref's own `required` still applies beside it."""
    operation = document["paths"][f"/{slug}/{{id}}"]["patch"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    effective_required = set(schema.get("required", []))
    if "$ref" in schema:
        effective_required |= set(resolve(document, schema["$ref"]).get("required", []))
    assert effective_required == set()


@pytest.mark.parametrize("slug", list(KINDS))
def test_output_schema_names_every_field_the_api_returns(client: FlaskClient, headers: dict[str, str],
                                                         document: dict[str, Any], slug: str) -> None:
    schema = document["components"]["schemas"][SCHEMA_NAMES[slug]]
    created = client.post(f"/api/v1/{slug}", json=MINIMAL_BODIES[slug], headers=headers)
    assert created.status_code == 201
    assert set(created.json) == set(schema["properties"]) == set(schema["required"])
    page = document["components"]["schemas"][f"{SCHEMA_NAMES[slug]}Page"]["properties"]
    listed = client.get(f"/api/v1/{slug}", headers=headers).json
    assert set(listed) == set(page)
