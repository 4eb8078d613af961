"""The demo's confidence data: loaded through the import, moved with the clock, and its two
campaigns, one with an effect the difference in differences finds and one without."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from commsplan.auth.models import Role
from commsplan.confidence import did, pictures, results
from commsplan.confidence.models import ConfidenceResult
from commsplan.demo.confidence import campaign_start, load_confidence, settings
from commsplan.reference.models import BusinessUnit, UnitKind
from commsplan.reference.seed import seed_reference
from tests.factories import make_user


@pytest.fixture
def loaded(session: Any, now: datetime) -> None:
    officer = make_user(session, roles=[Role.COMMS_OFFICER], now=now)
    seed_reference(session, actor=officer, now=now)
    assert load_confidence(session, officer=officer, now=now) == [
        "confidence measure DEALING", "confidence measure GOODJOB", "confidence measure FAIR",
        "confidence measure WORRY", "792 confidence results"]  # no plans here, so no actuals
    assert load_confidence(session, officer=officer, now=now) == []


@pytest.mark.usefixtures("loaded")
def test_three_years_of_quarters_for_every_borough_and_the_force(session: Any) -> None:
    periods = sorted(session.scalars(select(ConfidenceResult.period).distinct()))
    assert len(periods) == 12 and periods[-1] == date(2026, 9, 30)  # the tests' clock: November 2026
    assert session.scalar(select(func.count(func.distinct(ConfidenceResult.unit_id)))) == 33
    headline = results.headline(session)
    assert headline is not None and headline.code == "DEALING" and "DEMO DATA" in headline.source
    league = pictures.league(session, measure=headline, period=None,
                             periods=pictures.wave_periods(session, headline))
    assert len(league.rows) == 32 and league.force is not None
    assert {row.within_margin for row in league.rows} == {True, False}


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(("number", "shows_effect"), [(0, True), (1, False)])
def test_the_demo_campaigns(session: Any, now: datetime, number: int, shows_effect: bool) -> None:
    campaign = settings()["campaigns"][number]
    start = campaign_start(campaign["start"], now)
    units = {u.code: u.id for u in session.scalars(select(BusinessUnit))}
    boroughs = list(session.scalars(select(BusinessUnit.id)
                                    .where(BusinessUnit.kind == UnitKind.BOROUGH_COMMAND)))
    measure = results.headline(session)
    assert measure is not None
    chosen = {units[code] for code in campaign["units"]}
    rows = did.observations(session, measure=measure, unit_ids=boroughs, start=start)
    found = did.estimate(rows, campaign=chosen, start=start)
    assert found.can_tell is shows_effect, found.verdict
    if shows_effect:
        assert found.low is not None and found.high is not None and found.low <= 5 <= found.high


def test_waves_move_with_the_clock_a_quarter_at_a_time() -> None:
    from commsplan.demo.confidence import moved, quarters_to_move
    from tests.conftest import FIXED_NOW

    assert quarters_to_move(FIXED_NOW) == 0
    assert quarters_to_move(FIXED_NOW.replace(year=2027, month=2)) == 1
    assert moved(date(2026, 9, 30), 1) == date(2026, 12, 31)
    assert moved(date(2023, 12, 31), 1) == date(2024, 3, 31)
