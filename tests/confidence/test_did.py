"""Difference in differences on synthetic data: a known effect is recovered, no effect includes zero."""

from __future__ import annotations

import random
from datetime import date

import pytest

from commsplan.confidence import did

START = date(2025, 4, 1)
WAVES = [date(year, month, 28) for year in (2024, 2025) for month in (1, 4, 7, 10)]  # 5 before, 3 after


def synthetic(effect: float, *, units: int = 12, campaign: int = 6, seed: int = 7) -> list[did.Observation]:
    """Units with their own level, waves with a shared shift, noise, and `effect` added to the
    campaign units after the start."""
    rng = random.Random(seed)
    levels = [rng.uniform(40, 60) for _ in range(units)]
    shifts = {wave: rng.uniform(-2, 2) for wave in WAVES}
    return [did.Observation(unit, wave, levels[unit] + shifts[wave] + rng.gauss(0, 1.0)
                            + (effect if unit < campaign and wave >= START else 0.0))
            for unit in range(units) for wave in WAVES]


def test_a_known_effect_is_recovered_within_its_interval() -> None:
    found = did.estimate(synthetic(4.0), campaign=set(range(6)), start=START)
    assert found.effect is not None and found.low is not None and found.high is not None
    assert found.low <= 4.0 <= found.high
    assert found.effect == pytest.approx(4.0, abs=1.0)
    assert found.can_tell and "rose by" in found.verdict
    assert (found.campaign_units, found.comparison_units) == (6, 6)
    assert (found.waves_before, found.waves_after) == (5, 3)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_effect_gives_an_interval_that_includes_zero(seed: int) -> None:
    found = did.estimate(synthetic(0.0, seed=seed), campaign=set(range(6)), start=START)
    assert found.low is not None and found.high is not None
    assert found.low <= 0 <= found.high
    assert not found.can_tell and "cannot tell" in found.verdict


def test_too_few_units_or_waves_cannot_tell() -> None:
    one_campaign_unit = did.estimate(synthetic(4.0, units=5), campaign={0}, start=START)
    assert one_campaign_unit.effect is None
    assert "at least 2 campaign units" in one_campaign_unit.verdict
    late = did.estimate(synthetic(4.0), campaign=set(range(6)), start=date(2024, 12, 1))
    assert late.effect is not None  # 4 before, 4 after
    first = did.estimate(synthetic(4.0), campaign=set(range(6)), start=date(2024, 3, 1))
    assert first.effect is None and "1 before" in first.verdict


def test_wave_means_show_the_gap_before_and_after() -> None:
    found = did.estimate(synthetic(4.0), campaign=set(range(6)), start=START)
    assert [mean.after for mean in found.means] == [wave >= START for wave in WAVES]
    assert all(mean.gap is not None for mean in found.means)


def test_a_group_without_results_on_one_side_cannot_tell() -> None:
    rows = [o for o in synthetic(4.0) if not (o.unit_id < 6 and o.period < START)]
    found = did.estimate(rows, campaign=set(range(6)), start=START)
    assert found.effect is None
    assert "the campaign units need results both before and after the start" in found.verdict
