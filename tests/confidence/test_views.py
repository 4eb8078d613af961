"""Confidence pages: who may read and write, hand entry with field errors, the import, the pictures."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.reference.models import BusinessUnit
from tests.confidence.conftest import add_result
from tests.conftest import count_queries
from tests.factories import make_unit
from tests.helpers import count

HEADER = "measure,unit,period,value,sample_size,margin\r\n"


def upload(client: FlaskClient, text: str) -> Any:
    return client.post("/confidence/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode()), "results.csv")})


def result_form(measure: ConfidenceMeasure, where: BusinessUnit, **values: Any) -> dict[str, Any]:
    return {"measure": measure.id, "unit": where.id, "period": ["31", "3", "2026"], "value": "48.5",
            "sample_size": "400", "margin": "", **values}


@pytest.fixture
def with_results(session: Any, now: datetime, officer: User, measure: ConfidenceMeasure,
                 boroughs: list[BusinessUnit], force: BusinessUnit) -> None:
    for period, shift in ((date(2025, 12, 31), 0), (date(2026, 3, 31), 2)):
        add_result(session, measure=measure, unit=force, period=period, value=50 + shift, sample=12000,
                   actor=officer, now=now)
        for number, unit in enumerate(boroughs):
            add_result(session, measure=measure, unit=unit, period=period, value=44 + 5 * number + shift,
                       actor=officer, now=now)
    session.commit()


@pytest.mark.usefixtures("with_results")
@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMS_OFFICER, Role.DUTY_OFFICER])
def test_everyone_signed_in_reads_the_pages(client: FlaskClient, signed_in: Callable[..., User],
                                            role: Role, boroughs: list[BusinessUnit]) -> None:
    signed_in(role)
    listing = client.get("/confidence/")
    assert "dealing with the anti-social behaviour and crime issues that matter" in listing.text
    league = client.get("/confidence/league")
    assert league.status_code == 200
    assert "Within the margin of error" in league.text and "Below the force" in league.text
    picture = client.get(f"/confidence/units/{boroughs[0].id}")
    assert picture.status_code == 200 and "<svg" in picture.text
    assert ("Critical incidents" in picture.text) is (role is not Role.VIEWER)
    export = client.get("/confidence/results.csv")
    assert export.data.startswith(b"\xef\xbb\xbf") and export.text.count("DEALING") == 8


def test_signed_out_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    assert client.get("/confidence/").status_code == 302


@pytest.mark.usefixtures("with_results")
@pytest.mark.parametrize("url", ["/confidence/results/new", "/confidence/import", "/confidence/measures/new"])
def test_viewers_cannot_write(client: FlaskClient, signed_in: Callable[..., User], url: str) -> None:
    signed_in(Role.VIEWER)
    assert client.get(url).status_code == 403
    assert client.post(url, data={}).status_code == 403


def test_an_officer_enters_a_result(client: FlaskClient, signed_in: Callable[..., User],
                                    measure: ConfidenceMeasure, boroughs: list[BusinessUnit]) -> None:
    signed_in(Role.COMMS_OFFICER)
    response = client.post("/confidence/results/new", data=result_form(measure, boroughs[0]))
    assert response.status_code == 302
    assert f"/confidence/units/{boroughs[0].id}" in response.location
    assert "Saved: Riverside, Mar 2026" in client.get(response.location).text
    assert count(ConfidenceResult) == 1


@pytest.mark.parametrize(("values", "message"), [
    ({"value": "104"}, "The result must be a percentage from 0 to 100"),
    ({"value": "lots"}, "Enter the result as a percentage from 0 to 100"),
    ({"sample_size": ""}, "Enter the sample size: how many people answered"),
    ({"sample_size": "x"}, "Enter the sample size as a whole number"),
    ({"margin": "200"}, "The margin of error must be from 0 to 100"),
    ({"period": ["31", "2", "2026"]}, "must be a real date"),
    ({"period": ["", "", ""]}, "Enter the last day of the survey wave"),
    ({"unit": "999999"}, "Select the business unit"),
])
def test_result_form_bad_input_names_the_field(
    client: FlaskClient, signed_in: Callable[..., User], measure: ConfidenceMeasure,
    boroughs: list[BusinessUnit], values: dict[str, Any], message: str,
) -> None:
    signed_in(Role.COMMS_OFFICER)
    response = client.post("/confidence/results/new", data=result_form(measure, boroughs[0], **values))
    assert response.status_code == 200
    assert "Error:" in response.text and message in response.text
    assert count(ConfidenceResult) == 0


def test_an_officer_adds_a_measure(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.COMMS_OFFICER)
    response = client.post("/confidence/measures/new", data={
        "code": "FAIR", "name": "Treat everyone fairly", "question": "The police treat everyone fairly",
        "source": "Test survey", "is_headline": "y"})
    assert response.status_code == 302
    assert count(ConfidenceMeasure) == 1
    bad = client.post("/confidence/measures/new", data={"code": "FAIR", "name": "x", "question": "",
                                                         "source": "s"})
    assert "Enter the question, word for word" in bad.text


def test_an_import_with_bad_rows_lists_them_and_saves_nothing(
    client: FlaskClient, signed_in: Callable[..., User], measure: ConfidenceMeasure,
    boroughs: list[BusinessUnit],
) -> None:
    signed_in(Role.COMMS_OFFICER)
    response = upload(client, HEADER + "DEALING,RIV,2026-03-31,47,380,\r\nDEALING,XX,2026-03-31,147,,\r\n")
    assert response.status_code == 200
    assert "Nothing was imported: 3 problems" in response.text
    for text in ("No business unit has this code", "0 to 100", "Enter the sample size"):
        assert text in response.text
    assert count(ConfidenceResult) == 0
    good = upload(client, HEADER + "DEALING,RIV,2026-03-31,47,380,\r\n")
    assert good.status_code == 302 and count(ConfidenceResult) == 1


@pytest.mark.usefixtures("with_results")
def test_an_unknown_wave_or_measure_is_named_not_a_500(client: FlaskClient, signed_in: Callable[..., User],
                                                      boroughs: list[BusinessUnit]) -> None:
    signed_in(Role.VIEWER)
    assert "Select a survey wave from the list" in client.get("/confidence/league?period=2001-01-01").text
    assert client.get("/confidence/league?period=nonsense").status_code == 200
    assert "Select a measure from the list" in client.get("/confidence/league?measure=abc").text
    assert client.get(f"/confidence/units/{boroughs[0].id}?measure=99999").status_code == 200
    assert client.get("/confidence/units/99999").status_code == 404


def queries(client: FlaskClient, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_pages_send_as_many_queries_with_ten_times_the_survey_data(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User,
    measure: ConfidenceMeasure, force: BusinessUnit, boroughs: list[BusinessUnit],
) -> None:
    signed_in(Role.DUTY_OFFICER)

    def add_waves(years: range, units: list[BusinessUnit]) -> None:
        for year in years:
            for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
                for unit in [force, *units]:
                    add_result(session, measure=measure, unit=unit, period=date(year, month, day),
                               value=40 + (year + month + unit.id) % 20, actor=officer, now=now)
        session.commit()

    add_waves(range(2025, 2026), boroughs[:1])
    urls = ["/confidence/", "/confidence/league", f"/confidence/units/{boroughs[0].id}",
            "/confidence/league?period=2025-06-30",
            f"/confidence/campaign-effect?measure={measure.id}&campaign={boroughs[0].id}"
            f"&campaign={boroughs[1].id}&start=1&start=7&start=2025"]
    few = [queries(client, url) for url in urls]
    add_waves(range(2025, 2026), boroughs[1:] + [make_unit(session, now=now, parent=force)
                                                  for _ in range(7)])
    add_waves(range(2015, 2025), boroughs)
    assert client.get("/confidence/league").text.count("govuk-table__row") == 1 + 10
    assert [queries(client, url) for url in urls] == few
    assert max(few) <= 12


def test_the_campaign_effect_page_estimates_and_says_when_it_cannot_tell(
    client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, officer: User,
    measure: ConfidenceMeasure, force: BusinessUnit, boroughs: list[BusinessUnit],
) -> None:
    units = boroughs + [make_unit(session, now=now, parent=force) for _ in range(5)]
    waves = [date(year, month, 28) for year in (2025, 2026) for month in (1, 4, 7, 10)]
    for number, unit in enumerate(units):
        for index, wave in enumerate(waves):
            lift = 5 if number < 4 and wave >= date(2026, 1, 1) else 0
            add_result(session, measure=measure, unit=unit, period=wave, sample=800,
                       value=40 + number + (index * 7 + number * 3) % 3 * 0.5 + lift, actor=officer, now=now)
    session.commit()
    signed_in(Role.VIEWER)
    assert "The method and its caveats" in client.get("/confidence/campaign-effect").text
    campaign = [("campaign", str(unit.id)) for unit in units[:4]]
    start = [("start", "1"), ("start", "1"), ("start", "2026")]
    page = client.get("/confidence/campaign-effect",
                      query_string=[("measure", measure.id), *campaign, *start])
    assert "rose by" in page.text and "95% interval" in page.text
    none = client.get("/confidence/campaign-effect",
                      query_string=[("measure", measure.id), *campaign[:1], *start])
    assert "The data cannot tell: results for at least 2 campaign units" in none.text
    both = client.get("/confidence/campaign-effect", query_string=[
        ("measure", measure.id), *campaign, ("comparison", str(units[0].id)), *start])
    assert "A unit cannot be in both groups" in both.text
    assert client.get("/confidence/campaign-effect?measure=1&campaign=abc").status_code == 200
