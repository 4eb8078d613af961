"""Sensitivity windows over the API: the list (running and to come, or past, a page at a time), reading,
adding, changing and removing with the pages' roles and audit entries, and bad input refused by field
with nothing saved."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.api import windows as windows_api
from commsplan.audit.models import AuditEntry
from commsplan.auth.service import create_api_token
from commsplan.extensions import db
from commsplan.sensitivity.models import SensitivityWindow
from tests.conftest import Headers, assert_problem, count_queries
from tests.plans.conftest import People, Reference

BASE = "/api/v1/sensitivity-windows"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    monkeypatch.setattr(windows_api, "utcnow", lambda: now)


@pytest.fixture
def tokens(session: Session, now: datetime, people: People, reference: Reference) -> dict[str, Headers]:
    """A token each for an officer and a viewer, committed with the reference data."""
    made = {}
    for name in ("officer", "viewer"):
        user = getattr(people, name)
        _, secret = create_api_token(session, user=user, name="Tests", actor=user, now=now)
        made[name] = {"Authorization": f"Bearer {secret}"}
    db.session.commit()
    return made


def body(reference: Reference, **changes: Any) -> dict[str, Any]:
    return {"title": "Funeral of a Hackney teenager", "kind": "funeral", "severity": "avoid",
            "first_day": "2027-01-14", "last_day": "2027-01-14", "unit_ids": [reference.units["GD"].id],
            "note": "The family asked for no campaign posts"} | changes


def stored() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(SensitivityWindow)) or 0


def audit_actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "sensitivity_window").order_by(AuditEntry.id)))


def fields_of(response: Any) -> dict[str, list[str]]:
    return dict(assert_problem(response, 422)["fields"])


def test_an_officer_adds_reads_changes_and_removes_a_window(client: Any, tokens: dict[str, Headers],
                                                            reference: Reference) -> None:
    made = client.post(BASE, json=body(reference), headers=tokens["officer"])
    assert made.status_code == 201, made.text
    window = made.json
    assert window["kind"] == "funeral" and window["first_day"] == window["last_day"] == "2027-01-14"
    assert window["unit_ids"] == [reference.units["GD"].id] and window["element_ids"] == []
    assert window["starts_at"] == "2027-01-14T00:00:00+00:00"
    assert window["ends_at"] == "2027-01-15T00:00:00+00:00"
    assert client.get(f"{BASE}/{window['id']}", headers=tokens["viewer"]).json == window
    changed = client.patch(f"{BASE}/{window['id']}", json={"last_day": "2027-01-16", "severity": "take_care"},
                           headers=tokens["officer"])
    assert changed.status_code == 200, changed.text
    assert changed.json["last_day"] == "2027-01-16" and changed.json["severity"] == "take_care"
    assert changed.json["title"] == window["title"] and changed.json["unit_ids"] == window["unit_ids"]
    assert client.delete(f"{BASE}/{window['id']}", headers=tokens["officer"]).status_code == 204
    assert stored() == 0
    assert_problem(client.get(f"{BASE}/{window['id']}", headers=tokens["officer"]), 404)
    assert audit_actions() == ["create", "update", "delete"]


def test_viewers_read_windows_but_may_not_change_them(client: Any, tokens: dict[str, Headers],
                                                      reference: Reference, window_maker: Any) -> None:
    window = window_maker()
    db.session.commit()
    listing = client.get(BASE, headers=tokens["viewer"])
    assert listing.status_code == 200 and [item["id"] for item in listing.json["items"]] == [window.id]
    assert_problem(client.post(BASE, json=body(reference), headers=tokens["viewer"]), 403)
    assert_problem(client.patch(f"{BASE}/{window.id}", json={"title": "Other"}, headers=tokens["viewer"]),
                   403)
    assert_problem(client.delete(f"{BASE}/{window.id}", headers=tokens["viewer"]), 403)
    assert stored() == 1
    assert client.get(f"{BASE}/{window.id}", headers=tokens["viewer"]).json["title"] == window.title


def test_the_list_pages_current_and_past_windows(client: Any, tokens: dict[str, Headers],
                                                 window_maker: Any, now: datetime) -> None:
    over = window_maker(title="Anniversary", kind="anniversary", first_day=date(2026, 10, 1),
                        last_day=date(2026, 10, 2))
    coming = [window_maker(title=f"Trial {n}", first_day=now.date().replace(day=21 + n),
                           last_day=now.date().replace(day=21 + n)) for n in range(3)]
    db.session.commit()
    first = client.get(f"{BASE}?per_page=2", headers=tokens["viewer"]).json
    assert [item["id"] for item in first["items"]] == [w.id for w in coming[:2]] and first["total"] == 3
    second = client.get(f"{BASE}?per_page=2&page=2", headers=tokens["viewer"]).json
    assert [item["id"] for item in second["items"]] == [coming[2].id]
    past = client.get(f"{BASE}?when=past", headers=tokens["viewer"]).json
    assert [item["id"] for item in past["items"]] == [over.id]
    assert "when" in fields_of(client.get(f"{BASE}?when=soon", headers=tokens["viewer"]))
    assert "per_page" in fields_of(client.get(f"{BASE}?per_page=100000", headers=tokens["viewer"]))


def test_the_list_reads_in_the_same_number_of_queries_at_ten_times_the_windows(
        client: Any, tokens: dict[str, Headers], window_maker: Any, reference: Reference) -> None:
    def queries(how_many: int) -> int:
        for _ in range(how_many):
            window_maker(unit_ids=(reference.units["GD"].id,), element_ids=(reference.elements["ROB"].id,))
        db.session.commit()
        with count_queries() as counted:
            assert client.get(BASE, headers=tokens["viewer"]).status_code == 200
        return counted.count

    assert client.get(BASE, headers=tokens["viewer"]).status_code == 200  # the first request warms caches
    assert queries(2) == queries(18)


@pytest.mark.parametrize(("changes", "field"), [
    ({"last_day": "2027-01-10"}, "last_day"),
    ({"first_day": 20270114}, "first_day"),
    ({"first_day": "14/01/2027"}, "first_day"),
    ({"last_day": "9999-01-01"}, "last_day"),
    ({"unit_ids": [2 ** 63]}, "unit_ids"),
    ({"unit_ids": [999999]}, "unit_ids"),
    ({"unit_ids": "GD"}, "unit_ids"),
    ({"element_ids": [True]}, "element_ids"),
    ({"kind": "riot"}, "kind"),
    ({"severity": ["avoid"]}, "severity"),
    ({"title": None}, "title"),
    ({"title": {"text": "x"}}, "title"),
    ({"note": "x" * 2001}, "note"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_is_refused_by_field_and_nothing_is_saved(client: Any, tokens: dict[str, Headers],
                                                           reference: Reference, changes: dict[str, Any],
                                                           field: str) -> None:
    assert field in fields_of(client.post(BASE, json=body(reference, **changes), headers=tokens["officer"]))
    assert stored() == 0 and audit_actions() == []


def test_a_change_that_ends_a_window_before_it_starts_changes_nothing(
        client: Any, tokens: dict[str, Headers], window_maker: Any) -> None:
    window = window_maker()
    db.session.commit()
    errors = fields_of(client.patch(f"{BASE}/{window.id}", json={"last_day": "2027-01-01"},
                                    headers=tokens["officer"]))
    assert list(errors) == ["last_day"] and "after the first day" in errors["last_day"][0]
    assert client.get(f"{BASE}/{window.id}", headers=tokens["officer"]).json["last_day"] == "2027-01-22"
    assert_problem(client.post(BASE, json=[], headers=tokens["officer"]), 422)
    assert_problem(client.get(f"{BASE}/99999999999999999999", headers=tokens["officer"]), 404)
