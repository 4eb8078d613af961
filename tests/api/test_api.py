"""The JSON API: token auth, reading and writing reference data, field-level errors, audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.auth.service import create_api_token, revoke_api_token, set_active
from commsplan.extensions import db
from commsplan.reference import service
from commsplan.reference.kinds import ELEMENTS, KINDS, QUALIFIERS, UNITS
from commsplan.reference.models import BusinessUnit, Qualifier, UnitKind, ViolenceElement
from tests.conftest import assert_problem, count_queries
from tests.factories import make_element, make_qualifier, make_unit, make_user
from tests.helpers import committed, count, fresh, rows

Headers = dict[str, str]
TokenFactory = Callable[..., tuple[User, Headers]]

VALID_BODIES: dict[str, dict[str, Any]] = {
    ELEMENTS.slug: {"code": "knife", "name": "Knife crime", "description": "Blades",
                    "parent_id": None, "position": 15},
    QUALIFIERS.slug: {"code": "night", "name": "At night", "description": "After dark", "position": 5},
    UNITS.slug: {"code": "corp", "name": "Corporate", "kind": "corporate", "parent_id": None,
                 "description": "Force-wide"},
}
REQUIRED = {ELEMENTS.slug: ("code", "name", "position"), QUALIFIERS.slug: ("code", "name", "position"),
            UNITS.slug: ("code", "name", "kind")}
CODE_LIMITS = {ELEMENTS.slug: 12, QUALIFIERS.slug: 24, UNITS.slug: 12}
NAME_LIMITS = {ELEMENTS.slug: 80, QUALIFIERS.slug: 80, UNITS.slug: 120}
# The factories number positions from a run-wide counter that passes the form's 999 limit in a long
# run; PATCH re-validates stored values, so items here get a position the form accepts.
MAKERS: dict[str, Callable[..., Any]] = {
    ELEMENTS.slug: partial(make_element, position=1), QUALIFIERS.slug: partial(make_qualifier, position=1),
    UNITS.slug: make_unit}


@pytest.fixture
def token_for(session: Session, now: datetime) -> TokenFactory:
    """Create a person with the given roles and a live token; return them and the auth header."""

    def make(*roles: Role) -> tuple[User, Headers]:
        user = make_user(session, roles=roles or (Role.VIEWER,), now=now)
        _, secret = create_api_token(session, user=user, name="Tests", actor=user, now=now)
        db.session.commit()
        return user, {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def admin_api(token_for: TokenFactory) -> tuple[User, Headers]:
    return token_for(Role.ADMIN)


@pytest.fixture
def admin_headers(admin_api: tuple[User, Headers]) -> Headers:
    return admin_api[1]


@pytest.fixture
def keeper(session: Session, now: datetime) -> User:
    """An admin who retires things behind the scenes, so tests can set up retired items."""
    return make_user(session, roles=(Role.ADMIN,), name="Kim Keeper", now=now)







# --- authentication ----------------------------------------------------------------------------


@pytest.mark.parametrize("header", [
    None,
    "",
    "Bearer",
    "Bearer ",
    "Bearer cp_not-a-real-token",
    "Basic dXNlcjpwYXNz",
    "Token cp_whatever",
])
def test_requests_without_a_valid_token_get_401(client: FlaskClient, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    for url in ("/api/v1/me", "/api/v1/qualifiers", "/api/v1/openapi.json"):
        response = client.get(url, headers=headers)
        error = assert_problem(response, 401)
        assert "Bearer" in error["detail"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_cannot_write(client: FlaskClient) -> None:
    before = rows(QUALIFIERS)
    response = client.post("/api/v1/qualifiers", json=VALID_BODIES[QUALIFIERS.slug],
                           headers={"Authorization": "Bearer cp_wrong"})
    assert_problem(response, 401)
    assert rows(QUALIFIERS) == before


def test_a_revoked_token_gets_401(client: FlaskClient, session: Session, now: datetime) -> None:
    user = make_user(session, roles=(Role.ADMIN,), now=now)
    token, secret = create_api_token(session, user=user, name="Old", actor=user, now=now)
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    revoke_api_token(session, token, actor=user, now=now)
    db.session.commit()
    assert_problem(client.get("/api/v1/me", headers=headers), 401)


def test_a_deactivated_persons_token_gets_401(client: FlaskClient, session: Session,
                                              token_for: TokenFactory, now: datetime) -> None:
    admin = make_user(session, roles=(Role.ADMIN,), now=now)
    user, headers = token_for(Role.ADMIN)
    set_active(session, user, active=False, actor=admin, now=now)
    db.session.commit()
    assert_problem(client.get("/api/v1/me", headers=headers), 401)


def test_a_browser_session_alone_is_not_accepted(client: FlaskClient,
                                                 signed_in: Callable[..., User]) -> None:
    signed_in(Role.ADMIN)
    assert client.get("/reference/qualifiers").status_code == 200  # the cookie works on pages
    assert_problem(client.get("/api/v1/me"), 401)
    assert_problem(client.get("/api/v1/qualifiers"), 401)
    before = rows(QUALIFIERS)
    assert_problem(client.post("/api/v1/qualifiers", json=VALID_BODIES[QUALIFIERS.slug]), 401)
    assert rows(QUALIFIERS) == before


def test_a_token_acts_as_its_own_user_whoever_is_signed_in(client: FlaskClient,
                                                           signed_in: Callable[..., User],
                                                           token_for: TokenFactory) -> None:
    browser_user = signed_in(Role.ADMIN)
    token_user, headers = token_for(Role.VIEWER)
    assert client.get("/api/v1/me", headers=headers).json["id"] == token_user.id != browser_user.id
    before = rows(QUALIFIERS)
    assert_problem(client.post("/api/v1/qualifiers", json=VALID_BODIES[QUALIFIERS.slug],
                             headers=headers), 403)
    assert rows(QUALIFIERS) == before


def test_writes_need_no_csrf_token(make_app: Callable[..., Flask], now: datetime) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(db.session, roles=(Role.ADMIN,), now=now)
        _, secret = create_api_token(db.session, user=user, name="CI", actor=user, now=now)
        db.session.commit()
        response = app.test_client().post("/api/v1/qualifiers", json=VALID_BODIES[QUALIFIERS.slug],
                                          headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 201, response.text


# --- me ----------------------------------------------------------------------------------------


def test_me_describes_the_tokens_user(client: FlaskClient, token_for: TokenFactory) -> None:
    user, headers = token_for(Role.ADMIN, Role.COMMS_OFFICER)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.json == {"id": user.id, "name": user.name, "email": user.email,
                             "roles": ["comms_officer", "admin"]}


# --- reading -----------------------------------------------------------------------------------


def test_list_returns_items_and_page_details(client: FlaskClient, token_for: TokenFactory,
                                             session: Session, now: datetime) -> None:
    _, headers = token_for(Role.VIEWER)
    parent = make_element(session, now=now, code="HATE", name="Hate crime", position=1)
    committed(make_element(session, now=now, code="DV", name="Domestic violence", position=2,
                           parent_id=parent.id, description="Abuse"))
    response = client.get("/api/v1/violence-elements", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 50, 2, 1)
    assert [item["code"] for item in body["items"]] == ["HATE", "DV"]
    child = body["items"][1]
    assert child["parent_id"] == parent.id and child["description"] == "Abuse"
    assert child["retired"] is False and child["retired_at"] is None
    assert child["created_at"] == now.isoformat()
    assert set(child) == {"id", *ELEMENTS.fields, "retired", "retired_at", "created_at", "updated_at"}


def test_list_paginates(client: FlaskClient, admin_headers: Headers, session: Session,
                        now: datetime) -> None:
    for number in range(1, 8):
        make_qualifier(session, now=now, code=f"Q{number}", name=f"Qualifier {number}", position=number)
    db.session.commit()
    body = client.get("/api/v1/qualifiers?per_page=3&page=2", headers=admin_headers).json
    assert [item["code"] for item in body["items"]] == ["Q4", "Q5", "Q6"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 3, 7, 3)
    last = client.get("/api/v1/qualifiers?per_page=3&page=3", headers=admin_headers).json
    assert [item["code"] for item in last["items"]] == ["Q7"]
    beyond = client.get("/api/v1/qualifiers?per_page=3&page=9", headers=admin_headers)
    assert beyond.status_code == 200 and beyond.json["items"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("per_page=1000", "per_page"),
    ("per_page=0", "per_page"),
    ("per_page=-5", "per_page"),
    ("per_page=abc&page=1", "per_page"),
    ("page=-2", "page"),
    ("page=xyz", "page"),
    ("page=99999999999999999999", "page"),
])
def test_list_refuses_paging_out_of_range(client: FlaskClient, admin_headers: Headers, query: str,
                                          field: str) -> None:
    """Paging out of range is named, not quietly changed into something the caller did not ask for."""
    problem = assert_problem(client.get(f"/api/v1/qualifiers?{query}", headers=admin_headers), 422)
    assert list(problem["fields"]) == [field]
    assert problem["fields"][field][0].startswith(f"{field.replace('_', ' ').capitalize()}: Enter a whole")


def test_list_leaves_out_retired_items_unless_asked(client: FlaskClient, admin_headers: Headers,
                                                    session: Session, now: datetime, keeper: User) -> None:
    make_qualifier(session, now=now, code="KEEP")
    gone = make_qualifier(session, now=now, code="GONE")
    service.retire_item(session, QUALIFIERS, gone, actor=keeper, now=now)
    db.session.commit()
    default = client.get("/api/v1/qualifiers", headers=admin_headers).json
    assert [item["code"] for item in default["items"]] == ["KEEP"]
    every = client.get("/api/v1/qualifiers?include_retired=true", headers=admin_headers).json
    assert [item["code"] for item in every["items"]] == ["KEEP", "GONE"]
    assert every["items"][1]["retired"] is True
    assert every["items"][1]["retired_at"] == now.isoformat()
    assert every["total"] == 2


def test_list_searches_code_and_name(client: FlaskClient, admin_headers: Headers, session: Session,
                                     now: datetime) -> None:
    make_unit(session, now=now, code="CORP", name="Corporate")
    committed(make_unit(session, now=now, code="TP", name="Territorial Policing"))
    found = client.get("/api/v1/business-units?q=territorial", headers=admin_headers).json
    assert [item["code"] for item in found["items"]] == ["TP"]
    assert found["items"][0]["kind"] == "corporate"
    by_code = client.get("/api/v1/business-units?q=corp", headers=admin_headers).json
    assert [item["code"] for item in by_code["items"]] == ["CORP"]


def test_list_queries_do_not_grow_with_items(client: FlaskClient, admin_headers: Headers,
                                             session: Session, now: datetime) -> None:
    def add(start: int, stop: int) -> None:
        for number in range(start, stop):
            parent = make_unit(session, now=now, name=f"Z parent {number:02d}")
            make_unit(session, now=now, parent=parent, name=f"A child {number:02d}")
        db.session.commit()

    def queries() -> int:
        client.get("/api/v1/business-units", headers=admin_headers)
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/api/v1/business-units?per_page=25", headers=admin_headers).status_code == 200
        return counter.count

    add(0, 3)
    few = queries()
    add(3, 30)
    assert queries() == few


def test_get_returns_one_item(client: FlaskClient, token_for: TokenFactory, session: Session,
                             now: datetime) -> None:
    _, headers = token_for(Role.VIEWER)
    corporate = make_unit(session, now=now, code="CORP", name="Corporate")
    unit = committed(make_unit(session, now=now, parent=corporate, code="GD", name="Hackney"))
    response = client.get(f"/api/v1/business-units/{unit.id}", headers=headers)
    assert response.status_code == 200
    assert response.json["id"] == unit.id
    assert response.json["code"] == "GD"
    assert response.json["kind"] == "borough_command"
    assert response.json["parent_id"] == corporate.id


@pytest.mark.parametrize("url", [
    "/api/v1/qualifiers/999999",
    "/api/v1/violence-elements/999999",
    "/api/v1/business-units/999999",
    "/api/v1/colours",
    "/api/v1/colours/1",
    "/api/v1/qualifiers/1/2/3",
])
def test_unknown_items_and_collections_are_404(client: FlaskClient, admin_headers: Headers,
                                               url: str) -> None:
    assert_problem(client.get(url, headers=admin_headers), 404)


@pytest.mark.parametrize(("method", "url"), [
    ("patch", "/api/v1/qualifiers/999999"),
    ("post", "/api/v1/qualifiers/999999/retire"),
    ("post", "/api/v1/qualifiers/999999/restore"),
    ("post", "/api/v1/colours"),
    ("patch", "/api/v1/colours/1"),
    ("post", "/api/v1/colours/1/retire"),
])
def test_writes_to_unknown_items_and_collections_are_404(client: FlaskClient, admin_headers: Headers,
                                                         method: str, url: str) -> None:
    before = count(AuditEntry)
    response = getattr(client, method)(url, headers=admin_headers, json={"name": "X"})
    assert_problem(response, 404)
    assert count(AuditEntry) == before


# --- writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(KINDS))
def test_admin_creates_an_item(client: FlaskClient, admin_api: tuple[User, Headers], slug: str) -> None:
    admin, headers = admin_api
    kind = KINDS[slug]
    before = rows(kind)
    response = client.post(f"/api/v1/{slug}", json=VALID_BODIES[slug], headers=headers)
    assert response.status_code == 201, response.text
    body = response.json
    assert body["code"] == VALID_BODIES[slug]["code"].upper()
    assert body["name"] == VALID_BODIES[slug]["name"]
    assert body["retired"] is False
    assert rows(kind) == (before[0] + 1, before[1] + 1)
    item = db.session.get(kind.model, body["id"])
    assert item is not None and item.name == body["name"]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.object_type, entry.object_id) == ("create", kind.audit_type,
                                                                  str(item.id))
    assert (entry.actor_id, entry.actor_name) == (admin.id, admin.name)
    assert client.get(f"/api/v1/{slug}/{body['id']}", headers=headers).json == body


def test_admin_creates_a_unit_under_a_parent(client: FlaskClient, admin_headers: Headers,
                                             session: Session, now: datetime) -> None:
    corporate = committed(make_unit(session, now=now, code="CORP", name="Corporate centre"))
    response = client.post("/api/v1/business-units", headers=admin_headers, json={
        "code": "tp", "name": "Territorial Policing", "kind": "business_group",
        "parent_id": corporate.id})
    assert response.status_code == 201, response.text
    assert response.json["parent_id"] == corporate.id
    assert response.json["kind"] == "business_group"
    assert response.json["description"] == ""


def test_description_may_be_null(client: FlaskClient, admin_headers: Headers) -> None:
    response = client.post("/api/v1/qualifiers", headers=admin_headers,
                           json={**VALID_BODIES[QUALIFIERS.slug], "description": None})
    assert response.status_code == 201, response.text
    assert response.json["description"] == ""


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER])
@pytest.mark.parametrize("slug", list(KINDS))
def test_only_admins_may_write(client: FlaskClient, token_for: TokenFactory, session: Session,
                               now: datetime, role: Role, slug: str, keeper: User) -> None:
    _, headers = token_for(role)
    kind = KINDS[slug]
    item = committed(MAKERS[slug](session, now=now, name="Untouched"))
    other = MAKERS[slug](session, now=now)
    service.retire_item(session, kind, other, actor=keeper, now=now)
    db.session.commit()
    before = rows(kind)
    assert_problem(client.post(f"/api/v1/{slug}", json=VALID_BODIES[slug], headers=headers), 403)
    assert_problem(client.patch(f"/api/v1/{slug}/{item.id}", json={"name": "Changed"},
                              headers=headers), 403)
    assert_problem(client.post(f"/api/v1/{slug}/{item.id}/retire", headers=headers), 403)
    assert_problem(client.post(f"/api/v1/{slug}/{other.id}/restore", headers=headers), 403)
    assert rows(kind) == before
    assert fresh(kind.model, item.id).name == "Untouched"
    assert not fresh(kind.model, item.id).is_retired
    assert fresh(kind.model, other.id).is_retired
    assert client.get(f"/api/v1/{slug}/{item.id}", headers=headers).status_code == 200


def test_patch_changes_only_the_fields_sent(client: FlaskClient, admin_api: tuple[User, Headers],
                                            session: Session, now: datetime) -> None:
    admin, headers = admin_api
    parent = make_element(session, now=now, code="HATE", name="Hate crime")
    item = committed(make_element(session, now=now, code="DV", name="Domestic violence",
                                  description="Between partners", parent_id=parent.id, position=60))
    response = client.patch(f"/api/v1/violence-elements/{item.id}", headers=headers,
                            json={"name": "Domestic abuse"})
    assert response.status_code == 200, response.text
    body = response.json
    assert body["name"] == "Domestic abuse"
    assert (body["code"], body["description"], body["parent_id"], body["position"]) == (
        "DV", "Between partners", parent.id, 60)
    stored = fresh(ViolenceElement, item.id)
    assert stored.name == "Domestic abuse" and stored.parent_id == parent.id
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "update"
    assert entry.changes == {"name": ["Domestic violence", "Domestic abuse"]}
    assert entry.actor_id == admin.id


def test_patch_can_clear_a_parent_and_change_a_kind(client: FlaskClient, admin_headers: Headers,
                                                    session: Session, now: datetime) -> None:
    corporate = make_unit(session, now=now)
    unit = committed(make_unit(session, now=now, parent=corporate, code="GD"))
    response = client.patch(f"/api/v1/business-units/{unit.id}", headers=admin_headers,
                            json={"kind": "corporate", "parent_id": None})
    assert response.status_code == 200, response.text
    assert (response.json["kind"], response.json["parent_id"]) == ("corporate", None)
    assert fresh(BusinessUnit, unit.id).kind is UnitKind.CORPORATE


def test_patch_with_an_empty_object_changes_nothing(client: FlaskClient, admin_headers: Headers,
                                                    session: Session, now: datetime) -> None:
    item = committed(make_qualifier(session, now=now, name="Same", position=3))
    before = rows(QUALIFIERS)
    response = client.patch(f"/api/v1/qualifiers/{item.id}", headers=admin_headers, json={})
    assert response.status_code == 200
    assert response.json["name"] == "Same"
    assert rows(QUALIFIERS) == before


def test_patch_keeps_a_retired_current_parent(client: FlaskClient, admin_headers: Headers,
                                              session: Session, now: datetime, keeper: User) -> None:
    parent = make_element(session, now=now, position=1)
    child = make_element(session, now=now, parent_id=parent.id, position=2)
    service.retire_item(session, ELEMENTS, child, actor=keeper, now=now)
    service.retire_item(session, ELEMENTS, parent, actor=keeper, now=now)
    db.session.commit()
    response = client.patch(f"/api/v1/violence-elements/{child.id}", headers=admin_headers,
                            json={"name": "Renamed"})
    assert response.status_code == 200, response.text
    assert response.json["parent_id"] == parent.id


@pytest.mark.parametrize("slug", list(KINDS))
def test_retire_and_restore(client: FlaskClient, admin_api: tuple[User, Headers], session: Session,
                            now: datetime, slug: str) -> None:
    admin, headers = admin_api
    kind = KINDS[slug]
    item = committed(MAKERS[slug](session, now=now))
    retired = client.post(f"/api/v1/{slug}/{item.id}/retire", headers=headers)
    assert retired.status_code == 200, retired.text
    assert retired.json["retired"] is True and retired.json["retired_at"]
    assert fresh(kind.model, item.id).is_retired
    again = assert_problem(client.post(f"/api/v1/{slug}/{item.id}/retire", headers=headers), 409)
    assert "already retired" in again["detail"]
    restored = client.post(f"/api/v1/{slug}/{item.id}/restore", headers=headers)
    assert restored.status_code == 200
    assert restored.json["retired"] is False and restored.json["retired_at"] is None
    assert_problem(client.post(f"/api/v1/{slug}/{item.id}/restore", headers=headers), 409)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == kind.audit_type, AuditEntry.object_id == str(item.id))
        .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "retire", "restore"]
    assert [e.actor_id for e in entries[1:]] == [admin.id, admin.id]


def test_retire_with_active_children_is_a_conflict(client: FlaskClient, admin_headers: Headers,
                                                   session: Session, now: datetime) -> None:
    parent = make_unit(session, now=now, name="Territorial Policing")
    committed(make_unit(session, now=now, parent=parent))
    before = rows(UNITS)
    error = assert_problem(client.post(f"/api/v1/business-units/{parent.id}/retire",
                                     headers=admin_headers), 409)
    assert error["detail"].startswith("Territorial Policing has 1 active business units")
    assert rows(UNITS) == before
    assert not fresh(BusinessUnit, parent.id).is_retired


def test_restore_under_a_retired_parent_is_a_conflict(client: FlaskClient, admin_headers: Headers,
                                                      session: Session, now: datetime, keeper: User) -> None:
    parent = make_element(session, now=now, name="Hate crime")
    child = make_element(session, now=now, name="Domestic violence", parent_id=parent.id)
    service.retire_item(session, ELEMENTS, child, actor=keeper, now=now)
    service.retire_item(session, ELEMENTS, parent, actor=keeper, now=now)
    db.session.commit()
    error = assert_problem(client.post(f"/api/v1/violence-elements/{child.id}/restore",
                                     headers=admin_headers), 409)
    assert error["detail"] == "Restore Hate crime first: Domestic violence sits under it"
    assert fresh(ViolenceElement, child.id).is_retired


# --- bad input ---------------------------------------------------------------------------------

NOT_JSON = object()


def common_cases(slug: str) -> list[tuple[str, Any, str]]:
    """(case, body changes or a whole raw body, field expected in error.fields)."""
    code_max, name_max = CODE_LIMITS[slug], NAME_LIMITS[slug]
    cases: list[tuple[str, Any, str]] = [
        ("long-code", {"code": "C" * (code_max + 1)}, "code"),
        ("long-name", {"name": "N" * (name_max + 1)}, "name"),
        ("long-description", {"description": "D" * 2001}, "description"),
        ("bad-code-characters", {"code": "AB-1"}, "code"),
        ("blank-code", {"code": ""}, "code"),
        ("blank-name", {"name": "  "}, "name"),
        ("number-for-name", {"name": 5}, "name"),
        ("null-name", {"name": None}, "name"),
        ("object-for-name", {"name": {"en": "Name"}}, "name"),
        ("list-for-code", {"code": ["AB"]}, "code"),
        ("number-for-description", {"description": 12}, "description"),
        ("unknown-field", {"colour": "red"}, "colour"),
        ("id-is-not-writable", {"id": 77}, "id"),
        ("retired-is-not-writable", {"retired_at": "2026-01-01T00:00:00+00:00"}, "retired_at"),
        ("csrf-token-is-not-a-field", {"csrf_token": "x"}, "csrf_token"),
        ("submit-is-not-a-field", {"submit": "Save"}, "submit"),
        ("duplicate-code", {"code": "dupe"}, "code"),
        ("duplicate-name", {"name": "duplicate NAME"}, "name"),
        ("body-not-json", NOT_JSON, "body"),
        ("body-a-list", [VALID_BODIES[slug]], "body"),
        ("body-a-string", "code", "body"),
        ("body-a-number", 5, "body"),
        ("body-null", None, "body"),
    ]
    if slug != UNITS.slug:
        cases += [
            ("string-for-position", {"position": "5"}, "position"),
            ("float-for-position", {"position": 1.5}, "position"),
            ("boolean-for-position", {"position": True}, "position"),
            ("null-position", {"position": None}, "position"),
            ("position-too-big", {"position": 1000}, "position"),
            ("huge-position", {"position": 10**30}, "position"),
            ("negative-position", {"position": -1}, "position"),
        ]
    else:
        cases += [
            ("unknown-kind", {"kind": "galaxy"}, "kind"),
            ("number-for-kind", {"kind": 3}, "kind"),
            ("borough-without-parent", {"kind": "borough_command", "parent_id": None}, "parent_id"),
        ]
    if slug != QUALIFIERS.slug:
        cases += [
            ("boolean-for-parent", {"parent_id": True}, "parent_id"),
            ("string-for-parent", {"parent_id": "1"}, "parent_id"),
            ("unknown-parent", {"parent_id": 999999}, "parent_id"),
            ("huge-parent", {"parent_id": 10**30}, "parent_id"),
        ]
    else:
        cases += [("parent-is-not-a-qualifier-field", {"parent_id": None}, "parent_id")]
    return cases


def post_cases() -> list[Any]:
    cases = []
    for slug in KINDS:
        table = common_cases(slug) + [(f"missing-{field}", {field: ...}, field)
                                      for field in REQUIRED[slug]]
        cases += [pytest.param(slug, changes, field, id=f"{slug}-{name}")
                  for name, changes, field in table]
    return cases


def patch_cases() -> list[Any]:
    cases = []
    for slug in KINDS:
        cases += [pytest.param(slug, changes, field, id=f"{slug}-{name}")
                  for name, changes, field in common_cases(slug)]
        if slug != QUALIFIERS.slug:
            cases.append(pytest.param(slug, {"parent_id": "SELF"}, "parent_id", id=f"{slug}-own-parent"))
    return cases


def send(client: FlaskClient, method: str, url: str, headers: Headers, body: Any) -> Any:
    if body is NOT_JSON:
        return getattr(client, method)(url, headers=headers, data="code=AB&name=X",
                                       content_type="application/x-www-form-urlencoded")
    return getattr(client, method)(url, headers=headers, data=json.dumps(body),
                                   content_type="application/json")


def build_body(base: dict[str, Any], changes: Any, item_id: int | None = None) -> Any:
    if not isinstance(changes, dict):
        return changes
    body = {**base, **changes}
    for key, value in changes.items():
        if value is ...:
            del body[key]
        elif value == "SELF":
            body[key] = item_id
    return body


@pytest.mark.parametrize(("slug", "changes", "field"), post_cases())
def test_post_rejects_bad_input(client: FlaskClient, admin_headers: Headers, session: Session,
                                now: datetime, slug: str, changes: Any, field: str) -> None:
    kind = KINDS[slug]
    committed(MAKERS[slug](session, now=now, code="DUPE", name="Duplicate name"))
    before = rows(kind)
    response = send(client, "post", f"/api/v1/{slug}", admin_headers,
                    build_body(VALID_BODIES[slug], changes))
    error = assert_problem(response, 422)
    assert field in error["fields"], error
    assert all(isinstance(m, str) and m for m in error["fields"][field])
    assert error["detail"] in [m for messages in error["fields"].values() for m in messages]
    assert rows(kind) == before


@pytest.mark.parametrize(("slug", "changes", "field"), patch_cases())
def test_patch_rejects_bad_input(client: FlaskClient, admin_headers: Headers, session: Session,
                                 now: datetime, slug: str, changes: Any, field: str) -> None:
    kind = KINDS[slug]
    committed(MAKERS[slug](session, now=now, code="DUPE", name="Duplicate name"))
    item = committed(MAKERS[slug](session, now=now, code="MINE", name="Mine", description="Kept"))
    before = rows(kind)
    response = send(client, "patch", f"/api/v1/{slug}/{item.id}", admin_headers,
                    build_body({}, changes, item.id))
    error = assert_problem(response, 422)
    assert field in error["fields"], error
    assert rows(kind) == before
    stored = fresh(kind.model, item.id)
    assert (stored.code, stored.name, stored.description) == ("MINE", "Mine", "Kept")
    assert getattr(stored, "parent_id", None) is None


def test_patch_refuses_to_move_an_item_under_its_child(client: FlaskClient, admin_headers: Headers,
                                                       session: Session, now: datetime) -> None:
    parent = make_element(session, now=now, name="Parent", position=1)
    child = committed(make_element(session, now=now, name="Child", parent_id=parent.id, position=2))
    before = rows(ELEMENTS)
    error = assert_problem(client.patch(f"/api/v1/violence-elements/{parent.id}",
                                      headers=admin_headers, json={"parent_id": child.id}), 422)
    assert error["fields"] == {"parent_id": ["Child is inside Parent; choose a parent above it"]}
    assert rows(ELEMENTS) == before


def test_patch_refuses_a_retired_new_parent(client: FlaskClient, admin_headers: Headers,
                                            session: Session, now: datetime, keeper: User) -> None:
    old = make_unit(session, now=now, name="Old")
    service.retire_item(session, UNITS, old, actor=keeper, now=now)
    corporate = make_unit(session, now=now)
    unit = committed(make_unit(session, now=now, parent=corporate))
    error = assert_problem(client.patch(f"/api/v1/business-units/{unit.id}", headers=admin_headers,
                                      json={"parent_id": old.id}), 422)
    assert "parent_id" in error["fields"]
    assert fresh(BusinessUnit, unit.id).parent_id == corporate.id


def test_field_errors_name_every_bad_field(client: FlaskClient, admin_headers: Headers) -> None:
    error = assert_problem(client.post("/api/v1/qualifiers", headers=admin_headers,
                                     json={"code": "bad code!", "name": "", "position": 5000}), 422)
    assert set(error["fields"]) == {"code", "name", "position"}
    assert error["fields"]["name"] == ["Enter a name"]
    assert error["fields"]["position"] == ["Order in lists must be between 0 and 999"]


# --- audit -------------------------------------------------------------------------------------


def test_every_write_is_audited_as_the_tokens_user(client: FlaskClient, token_for: TokenFactory,
                                                   session: Session, now: datetime) -> None:
    writer, headers = token_for(Role.ADMIN)
    token_for(Role.ADMIN)  # another admin, to be sure the right one is named
    start = count(AuditEntry)
    created = client.post("/api/v1/qualifiers", headers=headers, json=VALID_BODIES[QUALIFIERS.slug])
    item_id = created.json["id"]
    client.patch(f"/api/v1/qualifiers/{item_id}", headers=headers, json={"position": 9})
    client.post(f"/api/v1/qualifiers/{item_id}/retire", headers=headers)
    client.post(f"/api/v1/qualifiers/{item_id}/restore", headers=headers)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "qualifier")
                                 .order_by(AuditEntry.id)).all()
    assert count(AuditEntry) == start + 4
    assert [e.action for e in entries] == ["create", "update", "retire", "restore"]
    assert {(e.actor_id, e.actor_name) for e in entries} == {(writer.id, writer.name)}
    assert entries[1].changes == {"position": [5, 9]}
    stored = db.session.get(Qualifier, item_id)
    assert stored is not None and stored.position == 9
