"""Risk profile pages: list, detail, new profile, entries added, changed and removed, approval, import,
and who may do what."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk import profiles
from commsplan.risk.models import ProfileStatus, RiskProfile
from tests.conftest import count_queries
from tests.factories import make_unit
from tests.helpers import count, fresh
from tests.risk.conftest import make_profile
from tests.risk.test_csv import csv_of, row


def upload(client: FlaskClient, text: str, year: str = "2026") -> Any:
    return client.post("/planning/profiles/import", content_type="multipart/form-data",
                       data={"year": year, "file": (io.BytesIO(text.encode()), "profiles.csv")})


def test_list_and_detail(client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime,
                         officer: User, units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    make_profile(session, unit=units[0], year=2025, elements=elements, harms=[1, 1, 1],
                 volumes=[100, 100, 100], actor=officer, now=now)
    profile = make_profile(session, unit=units[0], year=2026, elements=elements, harms=[5, 900, 20],
                           volumes=[112, 97, 100], actor=officer, now=now)
    session.commit()
    signed_in(Role.VIEWER)
    listing = client.get("/planning/profiles?year=2026")
    assert listing.status_code == 200
    assert "Riverside" in listing.text and "1 risk profile" in listing.text
    assert "0 risk profiles" in client.get(f"/planning/profiles?unit={units[1].id}").text
    page = client.get(f"/planning/profiles/{profile.id}")
    assert page.status_code == 200
    text = page.text
    assert text.index("Assault with injury") < text.index("Personal robbery") < text.index("Most serious")
    assert "up 12%" in text and "down 3%" in text and "no change" in text
    assert "Approve profile" not in text and "/entries/" not in text
    assert client.get("/planning/profiles/99999").status_code == 404


def test_viewers_cannot_write(client: FlaskClient, signed_in: Callable[..., User], session: Any,
                              now: datetime, officer: User, units: list[BusinessUnit],
                              elements: list[ViolenceElement]) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[5],
                           actor=officer, now=now)
    session.commit()
    signed_in(Role.VIEWER)
    entry_url = f"/planning/profiles/{profile.id}/entries/{profile.entries[0].id}"
    assert client.get(entry_url).status_code == 403
    assert client.post(entry_url, data={}).status_code == 403
    assert client.post(f"/planning/profiles/{profile.id}/approve").status_code == 403
    assert client.get("/planning/profiles/import").status_code == 403
    assert upload(client, csv_of(row())).status_code == 403


def test_an_officer_overrides_a_rank_with_a_reason(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User,
    units: list[BusinessUnit], elements: list[ViolenceElement],
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:2], harms=[1, 9],
                           actor=officer, now=now)
    low = next(e for e in profile.entries if e.harm_score == 1)
    url = f"/planning/profiles/{profile.id}/entries/{low.id}"
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    assert "Cambridge Crime Harm Index" in client.get(url).text
    form = {"volume": "100", "harm_score": "1", "harm_method": "CCHI", "likelihood": "high",
            "priority_override": "1", "override_reason": ""}
    refused = client.post(url, data=form)
    assert refused.status_code == 200 and "Enter why this rank overrides" in refused.text
    assert "Error:" in refused.text
    bad_number = client.post(url, data={**form, "harm_score": "lots"})
    assert "Enter the harm score as a number" in bad_number.text
    saved = client.post(url, data={**form, "override_reason": "Recent homicides"})
    assert saved.status_code == 302
    page = client.get(f"/planning/profiles/{profile.id}").text
    assert "set by officer (by harm: 2)" in page and "Recent homicides" in page


def test_an_approver_approves(client: FlaskClient, signed_in: Callable[..., User], session: Any,
                              now: datetime, officer: User, units: list[BusinessUnit],
                              elements: list[ViolenceElement]) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[5],
                           actor=officer, now=now)
    session.commit()
    signed_in(Role.APPROVER)
    assert "Approve profile" in client.get(f"/planning/profiles/{profile.id}").text
    assert client.post(f"/planning/profiles/{profile.id}/approve").status_code == 302
    session.expire_all()
    assert session.get(RiskProfile, profile.id).status is ProfileStatus.APPROVED


def test_import_round_trip(client: FlaskClient, signed_in: Callable[..., User], session: Any,
                           units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    page = client.get("/planning/profiles/import")
    assert page.status_code == 200 and "/planning/profiles/import/template.csv" in page.text
    template = client.get("/planning/profiles/import/template.csv?year=2026")
    assert template.mimetype == "text/csv" and template.text.startswith("\ufeffunit,year,element,")
    failed = upload(client, csv_of(row("RIV"), row("NOPE"), row("HIL", year="2025")))
    assert failed.status_code == 200 and "Nothing was imported: 2 problems" in failed.text
    assert "No business unit has this code" in failed.text and "Wrong year" in failed.text
    assert session.query(RiskProfile).count() == 0
    done = upload(client, csv_of(row("RIV"), row("RIV", "ROB"), row("HIL")))
    assert done.status_code == 302 and "year=2026" in done.headers["Location"]
    listing = client.get(done.headers["Location"]).text
    assert "Imported 3 rows for 2026–27: 2 new profiles" in listing
    assert "2 risk profiles" in listing
    again = upload(client, client.get("/planning/profiles/import/template.csv?year=2026").text)
    assert again.status_code == 302


def test_list_queries_do_not_grow_with_profiles(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User,
    elements: list[ViolenceElement],
) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            unit = make_unit(session, now=now)
            make_profile(session, unit=unit, year=2026, elements=elements, harms=[1, 2, 3],
                         actor=officer, now=now)
        session.commit()

    def measure(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    signed_in(Role.VIEWER)
    add(2)
    few = measure("/planning/profiles")
    first = session.query(RiskProfile).first()
    detail_few = measure(f"/planning/profiles/{first.id}")
    add(28)
    assert measure("/planning/profiles") == few
    assert measure(f"/planning/profiles/{first.id}") == detail_few
    assert profiles.entry_counts(session, [first.id]) == {first.id: 3}


# --- New profile, adding and removing elements ------------------------------------------------

def new_profile_form(chosen: BusinessUnit, **values: str) -> dict[str, str]:
    return {"unit": str(chosen.id), "year": "2026", "notes": "From the spring assessment", **values}


def test_an_officer_starts_a_profile(client: FlaskClient, signed_in: Callable[..., User], session: Any,
                                     units: list[BusinessUnit], elements: list[ViolenceElement]) -> None:
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    assert "/planning/profiles/new" in client.get("/planning/profiles").text
    page = client.get(f"/planning/profiles/new?unit={units[1].id}")
    assert page.status_code == 200 and 'value="2026"' in page.text
    assert f'<option value="{units[1].id}" selected>' in page.text
    made = client.post("/planning/profiles/new", data=new_profile_form(units[0]))
    assert made.status_code == 302
    profile = session.scalars(select(RiskProfile)).one()
    assert made.headers["Location"] == f"/planning/profiles/{profile.id}"
    shown = client.get(made.headers["Location"]).text
    assert "Risk profile started: Riverside, 2026–27" in shown and "From the spring assessment" in shown
    assert f"/planning/profiles/{profile.id}/entries/new" in shown
    assert session.scalar(select(AuditEntry).where(AuditEntry.object_type == "risk_profile",
                                                   AuditEntry.action == "create")) is not None
    again = client.post("/planning/profiles/new", data=new_profile_form(units[0], notes="Kept"))
    assert again.status_code == 200
    assert "<title>Error: New risk profile" in again.text
    assert '<a href="#unit">Riverside already has a profile for 2026–27</a>' in again.text
    assert "Kept</textarea>" in again.text
    assert count(RiskProfile) == 1


@pytest.mark.parametrize(("values", "message"), [
    ({"unit": ""}, "Select a business unit"),
    ({"unit": "abc"}, "Select a business unit"),
    ({"unit": "99999"}, "Select a business unit"),
    ({"year": ""}, "Enter the financial year"),
    ({"year": "twenty"}, "Enter the year as a whole number, like 2026"),
    ({"year": "1999"}, "Enter a year from 2000 to 2100"),
    ({"notes": "x" * 4001}, "Use 4,000 characters or fewer"),
])
def test_new_profile_bad_input(client: FlaskClient, signed_in: Callable[..., User], session: Any,
                               units: list[BusinessUnit], values: dict[str, str], message: str) -> None:
    session.commit()
    signed_in(Role.ADMIN)
    response = client.post("/planning/profiles/new", data=new_profile_form(units[0], **values))
    assert response.status_code == 200
    assert "<title>Error: " in response.text and message in response.text
    assert 'class="govuk-error-message"' in response.text
    assert count(RiskProfile) == 0


def entry_form(chosen: ViolenceElement, **values: str) -> dict[str, str]:
    return {"element": str(chosen.id), "volume": "40", "harm_score": "120.5", "harm_method": "CCHI",
            "likelihood": "high", "victims": "Shop workers", **values}


def test_an_officer_adds_and_removes_an_element(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User,
    units: list[BusinessUnit], elements: list[ViolenceElement],
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[5],
                           actor=officer, now=now)
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    url = f"/planning/profiles/{profile.id}/entries/new"
    page = client.get(url).text
    assert "Assault with injury" in page and "Personal robbery" in page
    assert f'value="{elements[0].id}"' not in page  # already in the profile
    added = client.post(url, data=entry_form(elements[2]))
    assert added.status_code == 302
    shown = client.get(added.headers["Location"]).text
    assert "Added: Personal robbery" in shown and "120.5" in shown
    rob = next(e for e in fresh(RiskProfile, profile.id).entries if e.element_id == elements[2].id)
    remove_url = f"/planning/profiles/{profile.id}/entries/{rob.id}/remove"
    assert remove_url in shown
    assert "Remove Personal robbery from the profile?" in client.get(remove_url).text
    removed = client.post(remove_url)
    assert removed.status_code == 302 and "Removed: Personal robbery" in client.get(
        removed.headers["Location"]).text
    assert [e.element_id for e in fresh(RiskProfile, profile.id).entries] == [elements[0].id]
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "delete")) is not None
    assert client.post(remove_url).status_code == 404


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"element": ""}, "element", "Select the violence element to add"),
    ({"element": "already"}, "element", "Select the violence element to add"),
    ({"volume": "lots"}, "volume", "Enter the volume as a whole number"),
    ({"volume": "-3"}, "volume", "Volume must be 0 or more"),
    ({"harm_score": ""}, "harm_score", "Enter the harm score as a number"),
    ({"harm_method": " "}, "harm_method", "Enter the harm method"),
    ({"likelihood": "certain"}, "likelihood", "Choose low, medium or high"),
    ({"confidence": "120"}, "confidence", "Enter a percentage from 0 to 100"),
    ({"priority_override": "1"}, "override_reason", "Enter why this rank overrides"),
])
def test_add_element_bad_input_keeps_what_was_typed(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User,
    units: list[BusinessUnit], elements: list[ViolenceElement], values: dict[str, str], field: str,
    message: str,
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[5],
                           actor=officer, now=now)
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    if values.get("element") == "already":
        values = {**values, "element": str(elements[0].id)}
    response = client.post(f"/planning/profiles/{profile.id}/entries/new",
                           data=entry_form(elements[1], **values))
    assert response.status_code == 200
    assert "<title>Error: " in response.text and message in response.text
    assert f'href="#{field}' in response.text
    assert "Shop workers</textarea>" in response.text
    assert len(fresh(RiskProfile, profile.id).entries) == 1


def test_elements_cannot_change_in_an_approved_or_full_profile(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User,
    approver: User, units: list[BusinessUnit], elements: list[ViolenceElement],
) -> None:
    full = make_profile(session, unit=units[0], year=2026, elements=elements, harms=[1, 2, 3],
                        actor=officer, now=now)
    done = make_profile(session, unit=units[1], year=2026, elements=elements[:1], harms=[1],
                        actor=officer, now=now)
    profiles.approve_profile(session, done, actor=approver, now=now)
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    assert "Every violence element in use is already in this profile" in client.get(
        f"/planning/profiles/{full.id}/entries/new").text
    assert "Add an element" not in client.get(f"/planning/profiles/{full.id}").text
    page = client.get(f"/planning/profiles/{done.id}").text
    assert "Add an element" not in page and "/remove" not in page
    assert client.get(f"/planning/profiles/{done.id}/entries/new").status_code == 409
    remove_url = f"/planning/profiles/{done.id}/entries/{done.entries[0].id}/remove"
    assert client.get(remove_url).status_code == 409
    assert client.post(remove_url).status_code == 409
    assert len(fresh(RiskProfile, done.id).entries) == 1


def test_viewers_read_pictures_but_cannot_create(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User,
    units: list[BusinessUnit], elements: list[ViolenceElement],
) -> None:
    profile = make_profile(session, unit=units[0], year=2026, elements=elements[:1], harms=[5],
                           actor=officer, now=now)
    session.commit()
    signed_in(Role.VIEWER)
    assert client.get("/planning/heat-map").status_code == 200
    assert client.get(f"/planning/units/{units[0].id}/trend").status_code == 200
    assert "/planning/profiles/new" not in client.get("/planning/profiles").text
    entry = profile.entries[0]
    for url in ("/planning/profiles/new", f"/planning/profiles/{profile.id}/entries/new",
                f"/planning/profiles/{profile.id}/entries/{entry.id}/remove"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={}).status_code == 403, url
    assert len(fresh(RiskProfile, profile.id).entries) == 1 and count(RiskProfile) == 1
