"""Confidence over the API: measures, results with margins, the league table; read only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from commsplan.confidence.models import ConfidenceMeasure
from commsplan.reference.models import BusinessUnit
from tests.confidence.conftest import add_result
from tests.conftest import TokenFactory, assert_problem


@pytest.fixture
def headers(token_for: TokenFactory) -> dict[str, str]:
    return dict(token_for(Role.VIEWER)[1])


def test_a_viewer_reads_measures_results_and_the_league(
    client: FlaskClient, headers: dict[str, str], session: Any, now: datetime, officer: User,
    measure: ConfidenceMeasure, force: BusinessUnit, boroughs: list[BusinessUnit],
) -> None:
    wave = date(2026, 3, 31)
    add_result(session, measure=measure, unit=force, period=wave, value=50, sample=12000,
               actor=officer, now=now)
    add_result(session, measure=measure, unit=boroughs[0], period=wave, value=40, actor=officer, now=now)
    session.commit()
    measures = client.get("/api/v1/confidence/measures", headers=headers).json
    assert measures is not None and measures["items"][0]["code"] == "DEALING"
    page = client.get(f"/api/v1/confidence/results?measure_id={measure.id}&unit_id={boroughs[0].id}",
                      headers=headers).json
    assert page is not None and page["total"] == 1
    assert page["items"][0]["margin_of_error"] == pytest.approx(4.8, abs=0.05)
    assert page["items"][0]["margin_is_computed"] is True
    league = client.get(f"/api/v1/confidence/measures/{measure.id}/league", headers=headers).json
    assert league is not None and league["period"] == "2026-03-31"
    assert [(u["unit"], u["gap"], u["within_margin"]) for u in league["units"]] == [("RIV", -10, False)]


def test_bad_arguments_are_named(client: FlaskClient, headers: dict[str, str], session: Any,
                                 measure: ConfidenceMeasure) -> None:
    session.commit()
    problem = assert_problem(client.get(f"/api/v1/confidence/measures/{measure.id}/league?period=soon",
                                        headers=headers), 422)
    assert "period" in str(problem)
    assert_problem(client.get("/api/v1/confidence/results?unit_id=abc", headers=headers), 422)
    assert_problem(client.get("/api/v1/confidence/measures/999999/league", headers=headers), 404)
