"""The heat map and a unit's trend send a fixed number of SQL queries whatever the data size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from commsplan.reference.models import BusinessUnit, ViolenceElement
from tests.conftest import count_queries
from tests.factories import make_element, make_unit
from tests.risk.conftest import make_profile


def queries(client: FlaskClient, url: str) -> int:
    """Each request has its own app context and session (IsolatedClient), so nothing is cached."""
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def six_elements(session: Any, now: datetime) -> list[ViolenceElement]:
    return [make_element(session, now=now, position=number) for number in range(6)]


def add_units(session: Any, count: int, *, elements: list[ViolenceElement], parent: BusinessUnit,
              actor: User, now: datetime) -> None:
    for number in range(count):
        unit = make_unit(session, now=now, parent=parent)
        make_profile(session, unit=unit, year=2026, elements=elements,
                     harms=[float(number * 7 + n) for n in range(6)], actor=actor, now=now)
    session.commit()


def test_heat_map_queries_with_2_and_33_units(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User
) -> None:
    signed_in(Role.VIEWER)
    elements = six_elements(session, now)
    corporate = make_unit(session, now=now, code="CORP", name="Corporate")
    make_profile(session, unit=corporate, year=2026, elements=elements, harms=[9.0] * 6, actor=officer,
                 now=now)
    add_units(session, 1, elements=elements, parent=corporate, actor=officer, now=now)
    urls = ["/planning/heat-map", "/planning/heat-map?kind=borough_command", "/planning/heat-map?year=2025"]
    few = [queries(client, url) for url in urls]
    add_units(session, 31, elements=elements, parent=corporate, actor=officer, now=now)
    assert client.get("/planning/heat-map").text.count("app-heat__score") == 33 * 6
    assert [queries(client, url) for url in urls] == few
    assert max(few) <= 10


def test_trend_queries_with_2_and_8_years(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User
) -> None:
    signed_in(Role.VIEWER)
    elements = six_elements(session, now)
    unit = make_unit(session, now=now)

    def add_years(years: range) -> None:
        for year in years:
            make_profile(session, unit=unit, year=year, elements=elements, harms=[float(year % 9)] * 6,
                         actor=officer, now=now)
        session.commit()

    add_years(range(2025, 2027))
    url = f"/planning/units/{unit.id}/trend"
    few = queries(client, url)
    add_years(range(2019, 2025))
    assert client.get(url).text.count("<title>Element") == 8 * 6 * 2
    assert queries(client, url) == few
    assert few <= 8
