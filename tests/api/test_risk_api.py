"""The risk profile API: list, get, create, notes, approve and entries, with the web's roles, field errors
that write nothing, and an audit entry for every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.api import risk_profiles as api
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile, RiskProfileEntry
from tests.conftest import Headers, TokenFactory, assert_problem
from tests.factories import make_element, make_unit, make_user
from tests.plans.pages import count

BASE = "/api/v1/risk-profiles"
ENTRY = {"volume": 120, "harm_score": 80.5, "harm_method": "Cambridge Crime Harm Index", "likelihood": "high"}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    monkeypatch.setattr(api, "utcnow", lambda: now)


@pytest.fixture
def units(session: Session, now: datetime) -> list[BusinessUnit]:
    """Committed, like everything the tests build, so that requests (each in its own session) read it."""
    made = [make_unit(session, now=now, code=code, name=name) for code, name in (("RIV", "Riverside"),
                                                                                 ("HIL", "Hillside"))]
    db.session.commit()
    return made


@pytest.fixture
def elements(session: Session, now: datetime) -> list[ViolenceElement]:
    made = [make_element(session, now=now, code=code, name=name, position=number)
            for number, (code, name) in enumerate((("MSV", "Most serious violence"),
                                                   ("ROB", "Personal robbery"),
                                                   ("AWI", "Assault with injury")))]
    db.session.commit()
    return made


@pytest.fixture
def officer(token_for: TokenFactory) -> tuple[User, Headers]:
    return token_for(Role.COMMS_OFFICER)


@pytest.fixture
def profile(session: Session, now: datetime, units: list[BusinessUnit], elements: list[ViolenceElement]
            ) -> RiskProfile:
    """Riverside 2026 with two entries, made by someone other than the tests' approver."""
    author = make_user(session, roles=(Role.COMMS_OFFICER,), now=now, name="Ada Author")
    made = profiles.create_profile(session, unit=units[0], year=2026, notes="From the 2025 figures",
                                   actor=author, now=now)
    for element, harm in zip(elements[:2], (50.0, 90.0), strict=True):
        values = profiles.EntryValues(volume=100, harm_score=harm, harm_method="Cambridge Crime Harm Index")
        profiles.save_entry(session, made, element=element, actor=author, now=now, values=values)
    db.session.commit()
    return made


def latest_audit() -> AuditEntry:
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    return entry


def fields_of(response: Any) -> dict[str, list[str]]:
    return dict(assert_problem(response, 422)["fields"])


# --- Reading -----------------------------------------------------------------------------------

def test_list_filters_by_unit_year_and_status(client: FlaskClient, session: Session, now: datetime,
                                              profile: RiskProfile, units: list[BusinessUnit],
                                              token_for: TokenFactory) -> None:
    author = make_user(session, roles=(Role.COMMS_OFFICER,), now=now)
    profiles.create_profile(session, unit=units[1], year=2025, actor=author, now=now)
    db.session.commit()
    _, viewer = token_for(Role.VIEWER)
    listed = client.get(BASE, headers=viewer)
    assert listed.status_code == 200
    assert [(p["unit"], p["year"]) for p in listed.json["items"]] == [("Riverside", 2026), ("Hillside", 2025)]
    assert listed.json["items"][0]["entry_count"] == 2 and listed.json["total"] == 2
    by_unit = client.get(BASE, query_string={"unit_id": units[1].id}, headers=viewer).json
    assert [p["year"] for p in by_unit["items"]] == [2025]
    assert [p["unit"] for p in client.get(BASE, query_string={"year": 2026}, headers=viewer).json["items"]] \
        == ["Riverside"]
    assert client.get(BASE, query_string={"status": "approved"}, headers=viewer).json["total"] == 0
    second = client.get(BASE, query_string={"per_page": 1, "page": 2}, headers=viewer).json
    assert [p["year"] for p in second["items"]] == [2025]


@pytest.mark.parametrize(("name", "value"), [("year", "1999"), ("year", "soon"), ("unit_id", "0"),
                                             ("status", "lost"), ("per_page", "101")])
def test_a_bad_filter_is_a_field_error(client: FlaskClient, token_for: TokenFactory, name: str,
                                       value: str) -> None:
    _, viewer = token_for(Role.VIEWER)
    assert name in fields_of(client.get(BASE, query_string={name: value}, headers=viewer))


def test_get_gives_the_entries_ranked_with_trends(client: FlaskClient, token_for: TokenFactory,
                                                  profile: RiskProfile) -> None:
    _, viewer = token_for(Role.VIEWER)
    body = client.get(f"{BASE}/{profile.id}", headers=viewer).json
    assert body["unit"] == "Riverside" and body["year_label"] == "2026–27" and body["status"] == "draft"
    assert [(e["element"], e["rank"], e["trend"]) for e in body["entries"]] == [
        ("Personal robbery", 1, None), ("Most serious violence", 2, None)]
    entry = body["entries"][0]
    one = client.get(f"{BASE}/{profile.id}/entries/{entry['id']}", headers=viewer)
    assert one.status_code == 200 and one.json == entry
    assert_problem(client.get(f"{BASE}/{profile.id + 1}", headers=viewer), 404)
    assert_problem(client.get(f"{BASE}/{profile.id}/entries/{entry['id'] + 99}", headers=viewer), 404)


# --- Writing -----------------------------------------------------------------------------------

def test_an_officer_creates_a_profile_with_an_audit_entry(client: FlaskClient, officer: tuple[User, Headers],
                                                          units: list[BusinessUnit]) -> None:
    user, headers = officer
    db.session.commit()
    response = client.post(BASE, json={"unit_id": units[1].id, "year": 2027, "notes": " Survey "},
                           headers=headers)
    assert response.status_code == 201, response.text
    body = response.json
    assert (body["unit"], body["year"], body["notes"]) == ("Hillside", 2027, "Survey")
    assert response.json["entries"] == [] and response.json["status"] == "draft"
    entry = latest_audit()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_id) == (
        "create", "risk_profile", str(response.json["id"]), user.id)
    again = client.post(BASE, json={"unit_id": units[1].id, "year": 2027}, headers=headers)
    assert "unit_id" in assert_problem(again, 409)["fields"]


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"unit_id", "year"}),
    ({"unit_id": 2**31, "year": 2101}, {"unit_id", "year"}),
    ({"unit_id": "1", "year": "2026", "notes": 5}, {"unit_id", "year", "notes"}),
    ({"unit_id": 99999, "year": 1999, "colour": "red"}, {"unit_id", "year", "colour"}),
    ({"year": 2026, "notes": "x" * (profiles.NOTES_LIMIT + 1)}, {"unit_id"}),
])
def test_a_bad_profile_is_refused_by_field_and_writes_nothing(client: FlaskClient,
                                                              officer: tuple[User, Headers],
                                                              units: list[BusinessUnit], body: dict[str, Any],
                                                              fields: set[str]) -> None:
    before = count(RiskProfile), count(AuditEntry)
    assert set(fields_of(client.post(BASE, json=body, headers=officer[1]))) == fields
    assert (count(RiskProfile), count(AuditEntry)) == before


def test_long_notes_are_refused_by_the_service(client: FlaskClient, officer: tuple[User, Headers],
                                               units: list[BusinessUnit]) -> None:
    body = {"unit_id": units[0].id, "year": 2026, "notes": "x" * (profiles.NOTES_LIMIT + 1)}
    assert set(fields_of(client.post(BASE, json=body, headers=officer[1]))) == {"notes"}


def test_notes_change_with_an_audit_entry(client: FlaskClient, officer: tuple[User, Headers],
                                          profile: RiskProfile) -> None:
    response = client.patch(f"{BASE}/{profile.id}", json={"notes": "Now with 2026 data"}, headers=officer[1])
    assert response.status_code == 200 and response.json["notes"] == "Now with 2026 data"
    entry = latest_audit()
    assert (entry.action, entry.object_type) == ("update", "risk_profile")
    assert entry.changes["notes"] == ["From the 2025 figures", "Now with 2026 data"]
    assert set(fields_of(client.patch(f"{BASE}/{profile.id}", json={"notes": 1, "year": 2027},
                                      headers=officer[1]))) == {"notes", "year"}


def test_a_viewer_reads_but_writes_nothing(client: FlaskClient, token_for: TokenFactory,
                                           profile: RiskProfile, units: list[BusinessUnit],
                                           elements: list[ViolenceElement]) -> None:
    _, viewer = token_for(Role.VIEWER)
    entry_id = profile.entries[0].id
    assert client.get(f"{BASE}/{profile.id}", headers=viewer).status_code == 200
    before = count(AuditEntry)
    for method, path, body in (
            ("post", BASE, {"unit_id": units[1].id, "year": 2026}),
            ("patch", f"{BASE}/{profile.id}", {"notes": "mine"}),
            ("post", f"{BASE}/{profile.id}/approve", None),
            ("post", f"{BASE}/{profile.id}/entries", {"element_id": elements[2].id, **ENTRY}),
            ("patch", f"{BASE}/{profile.id}/entries/{entry_id}", {"volume": 1}),
            ("delete", f"{BASE}/{profile.id}/entries/{entry_id}", None)):
        assert_problem(getattr(client, method)(path, json=body, headers=viewer), 403)
    assert count(AuditEntry) == before


def test_entries_are_added_changed_and_removed_with_audit_entries(
        client: FlaskClient, officer: tuple[User, Headers], profile: RiskProfile,
        elements: list[ViolenceElement]) -> None:
    headers = officer[1]
    added = client.post(f"{BASE}/{profile.id}/entries", json={"element_id": elements[2].id, **ENTRY,
                                                              "harm_score": 200},
                        headers=headers)
    assert added.status_code == 201, added.text
    assert (added.json["element"], added.json["rank"], added.json["likelihood"]) == (
        "Assault with injury", 1, "high")
    assert (latest_audit().action, latest_audit().object_type) == ("create", "risk_profile_entry")
    path = f"{BASE}/{profile.id}/entries/{added.json['id']}"
    changed = client.patch(path, json={"priority_override": 3, "override_reason": "Falling fast"},
                           headers=headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json["rank"], changed.json["volume"], changed.json["harm_score"]) == (3, 120, 200.0)
    assert latest_audit().changes["priority_override"] == [None, 3]
    assert client.delete(path, headers=headers).status_code == 204
    assert (latest_audit().action, latest_audit().changes["volume"]) == ("delete", [120, None])
    assert db.session.get(RiskProfileEntry, added.json["id"]) is None


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"element_id", "volume", "harm_score", "harm_method"}),
    ({"element_id": 0, "volume": -1, "harm_score": "high", "harm_method": "CCHI"},
     {"element_id", "volume", "harm_score"}),
    ({**ENTRY, "likelihood": "certain", "confidence": 101, "force_confidence": -1},
     {"element_id", "likelihood", "confidence", "force_confidence"}),
    ({**ENTRY, "priority_override": 2, "volume": 2**31}, {"element_id", "override_reason", "volume"}),
    ({**ENTRY, "priority_override": 100, "override_reason": "x", "harm_score": 1e13},
     {"element_id", "priority_override", "harm_score"}),
    ({**ENTRY, "victims": ["pupils"], "rank": 1}, {"element_id", "victims", "rank"}),
])
def test_a_bad_entry_is_refused_by_field_and_writes_nothing(
        client: FlaskClient, officer: tuple[User, Headers], profile: RiskProfile,
        body: dict[str, Any], fields: set[str]) -> None:
    before = count(RiskProfileEntry), count(AuditEntry)
    response = client.post(f"{BASE}/{profile.id}/entries", json=body, headers=officer[1])
    assert set(fields_of(response)) == fields
    assert (count(RiskProfileEntry), count(AuditEntry)) == before


def test_an_element_already_in_the_profile_is_a_field_error(client: FlaskClient,
                                                            officer: tuple[User, Headers],
                                                            profile: RiskProfile,
                                                            elements: list[ViolenceElement]) -> None:
    response = client.post(f"{BASE}/{profile.id}/entries", json={"element_id": elements[0].id, **ENTRY},
                           headers=officer[1])
    assert "already in this profile" in fields_of(response)["element_id"][0]


def test_an_approver_approves_and_the_profile_stops_changing(
        client: FlaskClient, token_for: TokenFactory, officer: tuple[User, Headers],
        profile: RiskProfile, elements: list[ViolenceElement]) -> None:
    assert_problem(client.post(f"{BASE}/{profile.id}/approve", headers=officer[1]), 403)
    approver, headers = token_for(Role.APPROVER)
    response = client.post(f"{BASE}/{profile.id}/approve", headers=headers)
    assert response.status_code == 200 and response.json["status"] == "approved"
    entry = latest_audit()
    assert (entry.action, entry.actor_id, entry.changes["status"]) == ("approve", approver.id,
                                                                     ["draft", "approved"])
    assert_problem(client.post(f"{BASE}/{profile.id}/approve", headers=headers), 409)
    assert_problem(client.patch(f"{BASE}/{profile.id}", json={"notes": "late"}, headers=officer[1]), 409)
    assert_problem(client.post(f"{BASE}/{profile.id}/entries", json={"element_id": elements[2].id, **ENTRY},
                               headers=officer[1]), 409)


def test_whoever_changed_a_profile_last_may_not_approve_it(client: FlaskClient, token_for: TokenFactory,
                                                           profile: RiskProfile) -> None:
    _, both = token_for(Role.COMMS_OFFICER, Role.APPROVER)
    assert client.patch(f"{BASE}/{profile.id}", json={"notes": "Checked"}, headers=both).status_code == 200
    assert_problem(client.post(f"{BASE}/{profile.id}/approve", headers=both), 403)
