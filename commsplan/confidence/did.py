"""What did comms change? A difference in differences on confidence survey results.

A campaign ran in some units (the campaign units) and not in others (the comparison units). For a
measure, we compare how much each group's results changed from the waves before the campaign
started to the waves after. The estimate is the extra change in the campaign units, in percentage
points, from a regression of each unit's result in each wave on a term for every unit and every
wave plus one for "campaign unit, after the start" (two-way fixed effects). Its 95% interval uses
standard errors clustered by unit, since a unit's results from wave to wave are not independent;
with few units the t distribution with one degree of freedom fewer than the number of units
widens it accordingly.

The data cannot tell when there are too few units or waves to estimate anything, or when the
interval includes zero (no change). Even a clear result rests on the two groups having moved in
step before the campaign: the page shows the waves before so a reader can check.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult

WAVES_EACH_SIDE = 8
MIN_UNITS_EACH_GROUP = 2
MIN_WAVES_EACH_SIDE = 2


@dataclass(frozen=True)
class Observation:
    unit_id: int
    period: date
    value: float


@dataclass(frozen=True)
class WaveMeans:
    period: date
    after: bool
    campaign: float | None
    comparison: float | None

    @property
    def gap(self) -> float | None:
        if self.campaign is None or self.comparison is None:
            return None
        return self.campaign - self.comparison


@dataclass(frozen=True)
class Estimate:
    """The extra change in campaign units, in points, with its 95% interval; or why there is none."""

    effect: float | None
    low: float | None
    high: float | None
    campaign_units: int
    comparison_units: int
    waves_before: int
    waves_after: int
    problems: list[str]
    means: list[WaveMeans]

    @property
    def can_tell(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)

    @property
    def verdict(self) -> str:
        if self.effect is None or self.low is None or self.high is None:
            return "The data cannot tell: " + "; ".join(self.problems) + "."
        span = f"{self.effect:+.1f} points (95% interval {self.low:+.1f} to {self.high:+.1f})"
        if not self.can_tell:
            return (f"The data cannot tell whether the campaign changed this measure: the estimate is "
                    f"{span}, and the interval includes no change at all.")
        way = "rose" if self.effect > 0 else "fell"
        return (f"In the campaign units the measure {way} by {abs(self.effect):.1f} points more than in the "
                f"comparison units: {span}.")


def estimate(observations: Sequence[Observation], *, campaign: set[int], start: date) -> Estimate:
    """The difference in differences of `observations` (campaign units against all others)."""
    periods = sorted({o.period for o in observations})
    before = [p for p in periods if p < start]
    after = [p for p in periods if p >= start]
    units = {o.unit_id for o in observations}
    treated, others = units & campaign, units - campaign
    means = wave_means(observations, campaign, start)
    problems = []
    if len(treated) < MIN_UNITS_EACH_GROUP:
        problems.append(f"results for at least {MIN_UNITS_EACH_GROUP} campaign units are needed, "
                        f"and there are {len(treated)}")
    if len(others) < MIN_UNITS_EACH_GROUP:
        problems.append(f"results for at least {MIN_UNITS_EACH_GROUP} comparison units are needed, "
                        f"and there are {len(others)}")
    if len(before) < MIN_WAVES_EACH_SIDE or len(after) < MIN_WAVES_EACH_SIDE:
        problems.append(f"at least {MIN_WAVES_EACH_SIDE} waves before and after the start are needed, "
                        f"and there are {len(before)} before and {len(after)} after")
    for group, name in ((True, "campaign"), (False, "comparison")):
        sides = {(m.after, (m.campaign if group else m.comparison) is not None) for m in means}
        if not problems and not {(False, True), (True, True)} <= sides:
            problems.append(f"the {name} units need results both before and after the start")
    if problems:
        return Estimate(None, None, None, len(treated), len(others), len(before), len(after), problems, means)
    effect, low, high = fit(observations, campaign, start)
    if not all(math.isfinite(number) for number in (effect, low, high)):
        problems.append("the results do not allow an estimate (each group needs results that vary "
                        "independently of the waves)")
        return Estimate(None, None, None, len(treated), len(others), len(before), len(after), problems, means)
    return Estimate(effect, low, high, len(treated), len(others), len(before), len(after), [], means)


def fit(observations: Sequence[Observation], campaign: set[int], start: date) -> tuple[float, float, float]:
    """OLS with unit and wave fixed effects; the campaign-after term with a cluster-robust interval."""
    import pandas as pd  # imported here: heavy, and only this page needs it
    import statsmodels.formula.api as smf

    frame = pd.DataFrame({
        "value": [o.value for o in observations],
        "unit": [str(o.unit_id) for o in observations],
        "wave": [o.period.isoformat() for o in observations],
        "effect": [float(o.unit_id in campaign and o.period >= start) for o in observations],
    })
    model = smf.ols("value ~ effect + C(unit) + C(wave)", data=frame)
    result = model.fit(cov_type="cluster", cov_kwds={"groups": frame["unit"].astype("category").cat.codes},
                       use_t=True)
    low, high = result.conf_int(alpha=0.05).loc["effect"]
    return float(result.params["effect"]), float(low), float(high)


def wave_means(observations: Sequence[Observation], campaign: set[int], start: date) -> list[WaveMeans]:
    """Each wave's average result in each group, for checking that they moved in step before."""
    sums: dict[tuple[date, bool], list[float]] = {}
    for o in observations:
        sums.setdefault((o.period, o.unit_id in campaign), []).append(o.value)

    def mean(period: date, group: bool) -> float | None:
        values = sums.get((period, group))
        return sum(values) / len(values) if values else None

    return [WaveMeans(p, p >= start, mean(p, True), mean(p, False))
            for p in sorted({o.period for o in observations})]


def observations(session: Session, *, measure: ConfidenceMeasure, unit_ids: Sequence[int], start: date
                 ) -> list[Observation]:
    """The units' results in up to WAVES_EACH_SIDE waves either side of `start`, in three queries."""
    waves = select(ConfidenceResult.period).distinct().where(
        ConfidenceResult.measure_id == measure.id, ConfidenceResult.unit_id.in_(unit_ids))
    before = list(session.scalars(waves.where(ConfidenceResult.period < start)
                                  .order_by(ConfidenceResult.period.desc()).limit(WAVES_EACH_SIDE)))
    after = list(session.scalars(waves.where(ConfidenceResult.period >= start)
                                 .order_by(ConfidenceResult.period).limit(WAVES_EACH_SIDE)))
    rows = session.execute(select(ConfidenceResult.unit_id, ConfidenceResult.period, ConfidenceResult.value)
                           .where(ConfidenceResult.measure_id == measure.id,
                                  ConfidenceResult.unit_id.in_(unit_ids),
                                  ConfidenceResult.period.in_(before + after)))
    return [Observation(unit_id, period, value) for unit_id, period, value in rows]
