"""Risk profile pages: list, detail, entry edit, approval, import, and who may do what."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from commsplan.planning import profiles
from commsplan.planning.models import ProfileStatus, RiskProfile
from commsplan.reference.models import BusinessUnit, ViolenceElement
from tests.conftest import count_queries
from tests.factories import make_unit
from tests.planning.conftest import make_profile
from tests.planning.test_csv import csv_of, row


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
    assert template.mimetype == "text/csv" and template.text.startswith("unit,year,element,")
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
